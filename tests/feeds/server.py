"""A real HTTP server on loopback for the feed tests: the shared real-world samples plus hostile cases.

Every file in `tests/fixtures/feeds/` is served at `/samples/<name>` with the headers a publisher would send
(a content type, an ETag, Last-Modified, and 304 answers to conditional requests). Generated routes:

| path | what it does |
| --- | --- |
| `/redirect/<code>?to=URL` | answers `<code>` with `Location: URL` |
| `/chain/<n>` | `n` redirects (302) in a row, then `/samples/pet_atom.xml` |
| `/status/<code>` | answers `<code>` with a short HTML body |
| `/slow-headers?delay=S` | waits S seconds before answering |
| `/slow-body` | sends headers, then a byte every 0.2 s (for at most 60 s) |
| `/huge?mb=N` | streams N MB of XML-ish bytes without a length |
| `/huge-declared` | declares `Content-Length: 50 MB` |
| `/html`, `/binary`, `/empty`, `/image` | a web page, random bytes, an empty body, a PNG |
| `/billion-laughs`, `/xxe`, `/quadratic` | XML entity-expansion attacks |
| `/wrong-encoding` | an EUC-KR feed served as `charset=utf-8` |
| `/gzip/<name>`, `/deflate/<name>`, `/raw-deflate/<name>` | a sample, compressed (`Content-Encoding`) |
| `/gzip-bomb` | 200 KB of gzip that expands to 200 MB, sent as one piece |
| `/brotli` | a body claiming `Content-Encoding: br` |
| `/retry/<code>?after=V` | answers `<code>` with `Retry-After: V` |

Tests can also install their own routes with `server.route(path, ...)` and count requests per path.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import threading
import time
import zlib
from collections import Counter
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

SAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "feeds"
LAST_MODIFIED = "Tue, 17 Oct 2017 22:17:00 GMT"


def content_type_for(name: str, body: bytes) -> str:
    if name.endswith(".json"):
        return "application/feed+json"
    if name.startswith("euc"):
        return "text/xml"  # what old Korean servers send: no charset
    head = body[:2000]
    kind = "atom" if b"<feed" in head else "rss"
    return f"application/{kind}+xml; charset=utf-8"


BILLION_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE rss [\n<!ENTITY lol "lol">\n'
    + b"".join(
        b'<!ENTITY lol%d "%s">\n' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10) for i in range(1, 10)
    )
    + b']>\n<rss version="2.0"><channel><title>&lol9;</title><item><title>&lol9;</title></item></channel></rss>'
)
XXE = (
    b'<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
    b'<rss version="2.0"><channel><title>x</title><item><title>&xxe;</title></item></channel></rss>'
)
QUADRATIC = (
    b'<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY a "' + b"a" * 50_000 + b'">]>\n<rss version="2.0"><channel>'
    b"<item><title>" + b"&a;" * 50_000 + b"</title></item></channel></rss>"
)
HTML_PAGE = (
    b"<!DOCTYPE html><html><head><title>Lab news</title>"
    b'<link rel="alternate" type="application/rss+xml" title="RSS" href="/samples/pet_atom.xml">'
    b"</head><body><h1>Welcome</h1><p>This is a web page, not a feed.</p></body></html>"
)
WRONG_ENCODING = (
    '<?xml version="1.0"?>\n<rss version="2.0"><channel><title>연구 소식</title>'
    "<item><title>양자 컴퓨터 오류 정정 연구</title><link>https://example.org/kr/1</link>"
    "<description>초전도 큐비트의 오류율을 낮추었다.</description></item></channel></rss>"
).encode("euc-kr")


@functools.cache
@functools.cache
def gzip_bomb(megabytes: int = 200) -> bytes:
    """Gzip of `megabytes` MB of zeros (about 1/1000 of that on the wire), built without holding the expansion.
    Built once per test run: compressing 200 MB takes over a second, which must not count against a fetch's
    deadline."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    zeros = b"\0" * (1024 * 1024)
    return b"".join([*(packer.compress(zeros) for _ in range(megabytes)), packer.flush()])


def compressed(coding: str, body: bytes) -> bytes:
    if coding == "gzip":
        return gzip.compress(body)
    if coding == "deflate":
        return zlib.compress(body)
    packer = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)  # raw deflate, as some servers send it
    return packer.compress(body) + packer.flush()


@dataclass
class Route:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    last_modified: str | None = None


class FeedServer:
    """A threaded HTTP/1.0 server on 127.0.0.1 with a free port."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: Counter[str] = Counter()
        self.requests: list[tuple[str, dict[str, str]]] = []
        self._lock = threading.Lock()
        self.stopping = threading.Event()
        handler = _handler_for(self)
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self._thread = threading.Thread(target=self.httpd.serve_forever, name="feed-server", daemon=True)

    def start(self) -> FeedServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def route(self, path: str, route: Route | None = None, **values: object) -> str:
        """Install a response at `path` (replacing any); returns its URL."""
        with self._lock:
            self.routes[path] = route or Route(**values)  # type: ignore[arg-type]
        return self.url(path)

    def reset(self) -> None:
        with self._lock:
            self.routes.clear()
            self.hits.clear()
            self.requests.clear()

    def record(self, path: str, headers: dict[str, str]) -> None:
        with self._lock:
            self.hits[path] += 1
            self.requests.append((path, headers))

    def conditional_requests(self, path: str) -> int:
        return sum(1 for p, h in self.requests if p == path and ("if-none-match" in h or "if-modified-since" in h))


def _handler_for(server: FeedServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "FeedTestServer/1.0"

        def log_message(self, format: str, *args: object) -> None:
            return

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            path, query = parts.path, parse_qs(parts.query)
            server.record(path, {k.lower(): v for k, v in self.headers.items()})
            try:
                self._dispatch(path, query)
            except (BrokenPipeError, ConnectionResetError):
                return

        # --- helpers ----------------------------------------------------------------------------

        def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
            self.send_response(status)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _send_conditional(self, body: bytes, content_type: str, etag: str | None, modified: str | None) -> None:
            inm = self.headers.get("If-None-Match")
            ims = self.headers.get("If-Modified-Since")
            if (etag and inm == etag) or (modified and not inm and ims == modified):
                self.send_response(304)
                if etag:
                    self.send_header("ETag", etag)
                self.end_headers()
                return
            headers = {"Content-Type": content_type}
            if etag:
                headers["ETag"] = etag
            if modified:
                headers["Last-Modified"] = modified
            self._send(200, body, headers)

        def _dispatch(self, path: str, query: dict[str, list[str]]) -> None:
            custom = server.routes.get(path)
            if custom is not None:
                if custom.status == 200:
                    content_type = custom.headers.get("Content-Type", "application/rss+xml; charset=utf-8")
                    self._send_conditional(custom.body, content_type, custom.etag, custom.last_modified)
                else:
                    self._send(custom.status, custom.body, custom.headers)
                return
            if path.startswith("/samples/"):
                name = path.removeprefix("/samples/")
                file = SAMPLES / name
                if "/" in name or not file.is_file():
                    self._send(404, b"not found", {"Content-Type": "text/plain"})
                    return
                body = file.read_bytes()
                etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
                self._send_conditional(body, content_type_for(name, body), etag, LAST_MODIFIED)
                return
            head, _, name = path.lstrip("/").partition("/")
            if head in {"gzip", "deflate", "raw-deflate"} and (SAMPLES / name).is_file() and "/" not in name:
                body = (SAMPLES / name).read_bytes()
                coding = "deflate" if head == "raw-deflate" else head
                self._send(
                    200,
                    compressed(head, body),
                    {"Content-Type": content_type_for(name, body), "Content-Encoding": coding},
                )
                return
            if path == "/gzip-bomb":
                self._send(200, gzip_bomb(), {"Content-Type": "application/rss+xml", "Content-Encoding": "gzip"})
                return
            if path == "/brotli":
                self._send(200, b"\x1b\x00\x00", {"Content-Type": "application/rss+xml", "Content-Encoding": "br"})
                return
            if path.startswith("/retry/"):
                code = int(path.rsplit("/", 1)[1])
                self._send(code, b"busy", {"Content-Type": "text/plain", "Retry-After": query["after"][0]})
                return
            if path.startswith("/redirect/"):
                code = int(path.rsplit("/", 1)[1])
                self._send(code, b"", {"Location": query["to"][0]})
                return
            if path.startswith("/chain/"):
                remaining = int(path.rsplit("/", 1)[1])
                target = f"/chain/{remaining - 1}" if remaining > 1 else "/samples/pet_atom.xml"
                self._send(302, b"", {"Location": target})
                return
            if path.startswith("/status/"):
                code = int(path.rsplit("/", 1)[1])
                self._send(code, b"<html><body>error</body></html>", {"Content-Type": "text/html"})
                return
            if path == "/slow-headers":
                delay = float(query.get("delay", ["5"])[0])
                server.stopping.wait(delay)
                self._send(200, (SAMPLES / "pet_atom.xml").read_bytes(), {"Content-Type": "application/atom+xml"})
                return
            if path == "/slow-body":
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml")
                self.end_headers()
                self.wfile.write(b'<?xml version="1.0"?><rss version="2.0"><channel>')
                self.wfile.flush()
                ends = time.monotonic() + 60
                while time.monotonic() < ends and not server.stopping.wait(0.2):
                    self.wfile.write(b" ")
                    self.wfile.flush()
                return
            if path == "/huge":
                megabytes = int(query.get("mb", ["50"])[0])
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml")
                self.end_headers()
                chunk = b"<!-- padding -->" * 4096  # 64 KiB
                for _ in range(megabytes * 16):
                    if server.stopping.is_set():
                        return
                    self.wfile.write(chunk)
                return
            if path == "/huge-declared":
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml")
                self.send_header("Content-Length", str(50 * 1024 * 1024))
                self.end_headers()
                self.wfile.write(b"<rss>")
                return
            fixed = {
                "/html": (HTML_PAGE, "text/html; charset=utf-8"),
                "/binary": (bytes(range(256)) * 64, "application/rss+xml"),
                "/empty": (b"", "application/rss+xml"),
                "/image": (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "image/png"),
                "/billion-laughs": (BILLION_LAUGHS, "application/rss+xml"),
                "/xxe": (XXE, "application/rss+xml"),
                "/quadratic": (QUADRATIC, "application/rss+xml"),
                "/wrong-encoding": (WRONG_ENCODING, "application/rss+xml; charset=utf-8"),
            }
            if path in fixed:
                body, content_type = fixed[path]
                self._send(200, body, {"Content-Type": content_type})
                return
            self._send(404, b"not found", {"Content-Type": "text/plain"})

    return Handler


def http_date(seconds: float) -> str:
    return formatdate(seconds, usegmt=True)
