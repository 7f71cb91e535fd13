"""Fetch feeds over HTTP(S): concurrent, polite, bounded, and safe against server-side request forgery.

`fetch_many(requests, options)` is a plain synchronous function (it runs an asyncio loop of its own,
in a worker thread when the caller already has one running) that fetches every URL concurrently and
returns one `FetchResult` per request, in order. One bad feed never affects the others: every failure
becomes a typed `FeedError` on that feed's result.

Limits (all in `FetchOptions`): connect and read timeouts, an overall deadline per fetch (so an
endless slow body ends), a body size cap (the body is streamed and reading stops past it), redirects
followed by hand within a limit so every hop is checked, at most `per_host` requests at once to one
host name and `total` at once overall.

Compressed bodies: only `gzip` and `deflate` are asked for, and the bot decompresses them itself,
incrementally, never producing more than the cap allows (`_BoundedDecoder`): a small compressed
chunk that would expand to gigabytes stops at `max_bytes` + 1 bytes of output, so a "zip bomb"
cannot exhaust memory. Both the compressed and the decompressed sizes count against the cap.

Politeness: a 429 or 503 answer's `Retry-After` (seconds or an HTTP date) is returned as
`FetchResult.retry_after`, capped at `MAX_RETRY_AFTER`, so the caller does not ask again before then.

SSRF and DNS rebinding (`bot.net`, shared with the scholarly clients): httpx connects through
`GuardedBackend`, an httpcore network backend that
resolves the host name itself, refuses the connection when any resolved address is not public
(private, loopback, link-local, multicast, reserved, unspecified, shared, IPv4-mapped/6to4/Teredo
forms of those), and then connects to exactly the address it validated. TLS still checks the
certificate against the host name (httpcore passes the URL's host as the server name), so there is no
window between the check and the connection for a second DNS answer to change the target. This runs
on every connection, hence on every redirect hop. Only `http` and `https` URLs are fetched; proxies
from the environment are ignored (`trust_env=False`) so the check cannot be bypassed through one.
`allow_private=True` (the `CLUBBOT_ALLOW_PRIVATE_FEEDS=1` setting, for tests and the local console)
lifts the address check; `allowed_networks` lets an operator trust specific networks instead.

What a fetch is asked and answers (`FetchOptions`, `FetchRequest`, `FetchResult`) is in
`bot.digests.feeds.types`; which addresses are allowed (`AddressPolicy`) in `bot.digests.feeds.addresses`.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
import zlib
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx

from bot.digests.feeds.errors import FeedError, FeedErrorKind
from bot.digests.feeds.types import FetchOptions, FetchRequest, FetchResult
from bot.net import (
    AddressPolicy,
    BlockedAddressError,
    GuardedTransport,
    literal_ip,
    retry_after_seconds,
    run_sync,
)

log = logging.getLogger(__name__)

ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/rdf+xml;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.5"
)
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_PERMANENT = frozenset({301, 308})
_NOT_FEED_TYPES = ("image/", "audio/", "video/", "font/", "application/pdf", "application/zip", "application/gzip")
#: The content codings asked for (and the only ones decoded): both are in the standard library.
ACCEPT_ENCODING = "gzip, deflate"
#: The longest `Retry-After` honoured, in seconds; a server asking for more is asked again after this.
_RETRY_STATUSES = frozenset({429, 503})


# --- fetching --------------------------------------------------------------------------------------


class _Limiter:
    """At most `per_host` requests to one host name and `total` overall."""

    def __init__(self, per_host: int, total: int) -> None:
        self._per_host = max(1, per_host)
        self._total = asyncio.Semaphore(max(1, total))
        self._hosts: dict[str, asyncio.Semaphore] = {}

    @asynccontextmanager
    async def slot(self, host: str) -> AsyncIterator[None]:
        semaphore = self._hosts.setdefault(host, asyncio.Semaphore(self._per_host))
        async with semaphore, self._total:
            yield


class _Failure(Exception):
    def __init__(self, error: FeedError) -> None:
        super().__init__(error.to_text())
        self.error = error


@dataclass
class _Progress:
    url: str
    started: float
    redirects: int = 0
    permanent_url: str | None = None
    leading_permanent: bool = True
    status: int | None = None
    deadline_at: float | None = None
    retry_after: float | None = None


def _check_url(url: str, policy: AddressPolicy) -> str:
    """The host of `url` (lower-cased) when it may be fetched; raises `_Failure` otherwise."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a malformed port
    except ValueError:
        raise _Failure(FeedError(FeedErrorKind.INVALID_URL, url[:200])) from None
    if parts.scheme.lower() not in {"http", "https"} or not parts.hostname:
        raise _Failure(FeedError(FeedErrorKind.INVALID_URL, f"only http and https links are fetched: {url[:200]}"))
    host = parts.hostname.lower()
    literal = literal_ip(host)
    if literal is not None and not policy.allows(literal):
        raise _Failure(FeedError(FeedErrorKind.BLOCKED_ADDRESS, f"{host} is not a public address"))
    return host


def _request_headers(request: FetchRequest) -> dict[str, str]:
    headers: dict[str, str] = {}
    if request.etag:
        headers["If-None-Match"] = request.etag
    if request.last_modified:
        headers["If-Modified-Since"] = request.last_modified
    return headers


class _BoundedDecoder:
    """Undo a response's content coding incrementally, never producing more than `limit` bytes in total.

    zlib's `max_length` bounds each call's output, so however much a chunk would expand, at most
    `limit` + 1 bytes are ever held before the body is refused as too large.
    """

    def __init__(self, coding: str, limit: int) -> None:
        self.limit = limit
        self.size = 0
        self._raw = coding in ("", "identity")
        self._deflate = coding == "deflate"
        self._first = True
        if self._raw:
            self._zlib = None
        elif coding in ("gzip", "x-gzip"):
            self._zlib = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif coding == "deflate":
            self._zlib = zlib.decompressobj()
        else:
            raise _Failure(FeedError(FeedErrorKind.UNSUPPORTED_ENCODING, f"content encoding {coding[:40]!r}"))

    def _count(self, data: bytes) -> bytes:
        self.size += len(data)
        if self.size > self.limit:
            raise _Failure(FeedError(FeedErrorKind.TOO_LARGE, f"more than {self.limit} bytes"))
        return data

    def decode(self, chunk: bytes) -> bytes:
        if self._zlib is None:
            return self._count(chunk)
        try:
            return self._inflate(chunk)
        except zlib.error:
            if self._deflate and self._first:  # "deflate" sent without its zlib header: raw deflate
                self._zlib = zlib.decompressobj(-zlib.MAX_WBITS)
                self._first = False
                return self._inflate(chunk)
            raise
        finally:
            self._first = False

    def _inflate(self, chunk: bytes) -> bytes:
        assert self._zlib is not None
        parts: list[bytes] = []
        data = chunk
        while data:
            # max_length is at least 1 (0 would mean "no limit")
            parts.append(self._count(self._zlib.decompress(data, self.limit - self.size + 1)))
            data = self._zlib.unconsumed_tail
        return b"".join(parts)

    def flush(self) -> bytes:
        if self._zlib is None:
            return b""
        return self._count(self._zlib.flush(self.limit - self.size + 1))


async def _read_body(response: httpx.Response, max_bytes: int) -> bytes:
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise _Failure(FeedError(FeedErrorKind.TOO_LARGE, f"declared {declared} bytes, limit {max_bytes}"))
    coding = response.headers.get("content-encoding", "").strip().lower()
    decoder = _BoundedDecoder(coding, max_bytes)
    chunks: list[bytes] = []
    received = 0
    try:
        async for chunk in response.aiter_raw():  # as sent: the content coding is undone here, bounded
            received += len(chunk)
            if received > max_bytes:
                raise _Failure(FeedError(FeedErrorKind.TOO_LARGE, f"more than {max_bytes} bytes"))
            chunks.append(decoder.decode(chunk))
        chunks.append(decoder.flush())
    except zlib.error as exc:
        raise _Failure(FeedError(FeedErrorKind.NOT_A_FEED, f"corrupt {coding} body: {exc}"[:300])) from None
    return b"".join(chunks)


async def _fetch_one(
    client: httpx.AsyncClient, limiter: _Limiter, policy: AddressPolicy, request: FetchRequest, options: FetchOptions
) -> FetchResult:
    loop = asyncio.get_running_loop()
    progress = _Progress(url=request.url, started=loop.time())

    def result(**values: Any) -> FetchResult:
        return FetchResult(
            url=request.url,
            final_url=progress.url,
            status=progress.status,
            redirects=progress.redirects,
            elapsed=loop.time() - progress.started,
            **values,
        )

    try:
        while True:
            host = _check_url(progress.url, policy)
            async with limiter.slot(host):
                if progress.deadline_at is None:  # the deadline runs from the first connection, not the queue
                    progress.deadline_at = loop.time() + options.deadline
                async with asyncio.timeout_at(progress.deadline_at):
                    http_request = client.build_request("GET", progress.url, headers=_request_headers(request))
                    response = await client.send(http_request, stream=True)
                    try:
                        progress.status = response.status_code
                        location = response.headers.get("location")
                        if response.status_code in _REDIRECTS and location:
                            next_url = urljoin(progress.url, location.strip())
                        elif response.status_code == 304:
                            return result(
                                not_modified=True,
                                permanent_url=progress.permanent_url,
                                etag=response.headers.get("etag") or request.etag,
                                last_modified=response.headers.get("last-modified") or request.last_modified,
                            )
                        elif 200 <= response.status_code < 300:
                            content_type = response.headers.get("content-type")
                            if content_type and content_type.lower().startswith(_NOT_FEED_TYPES):
                                raise _Failure(FeedError(FeedErrorKind.NOT_A_FEED, f"served as {content_type}"))
                            body = await _read_body(response, options.max_bytes)
                            return result(
                                body=body,
                                permanent_url=progress.permanent_url,
                                etag=response.headers.get("etag"),
                                last_modified=response.headers.get("last-modified"),
                                content_type=content_type,
                            )
                        else:
                            phrase = response.reason_phrase or ""
                            if response.status_code in _RETRY_STATUSES:
                                progress.retry_after = retry_after_seconds(response.headers.get("retry-after"))
                            raise _Failure(
                                FeedError(
                                    FeedErrorKind.HTTP_STATUS,
                                    f"{response.status_code} {phrase}".strip(),
                                    status=response.status_code,
                                )
                            )
                    finally:
                        await response.aclose()
            progress.redirects += 1
            if progress.redirects > options.max_redirects:
                raise _Failure(
                    FeedError(FeedErrorKind.TOO_MANY_REDIRECTS, f"more than {options.max_redirects} redirects")
                )
            if progress.leading_permanent and progress.status in _PERMANENT:
                progress.permanent_url = next_url
            else:
                progress.leading_permanent = False
            progress.url = next_url
    except _Failure as failure:
        return result(error=failure.error, retry_after=progress.retry_after)
    except BlockedAddressError as exc:
        return result(error=FeedError(FeedErrorKind.BLOCKED_ADDRESS, str(exc)))
    except (TimeoutError, httpx.TimeoutException):
        return result(error=FeedError(FeedErrorKind.TIMEOUT, "no complete answer within the time limit"))
    except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
        return result(error=FeedError(FeedErrorKind.INVALID_URL, str(exc)[:300]))
    except (httpx.TransportError, ssl.SSLError, OSError) as exc:
        return result(error=FeedError(FeedErrorKind.CONNECTION_FAILED, f"{type(exc).__name__}: {exc}"[:300]))
    except Exception as exc:
        log.exception("unexpected error fetching %s", request.url)
        return result(error=FeedError(FeedErrorKind.CONNECTION_FAILED, f"{type(exc).__name__}: {exc}"[:300]))


def _client(options: FetchOptions, policy: AddressPolicy) -> httpx.AsyncClient:
    limits = httpx.Limits(
        max_connections=options.effective_concurrency,
        max_keepalive_connections=options.effective_concurrency,
        keepalive_expiry=5.0,
    )
    timeout = httpx.Timeout(
        connect=options.connect_timeout,
        read=options.read_timeout,
        write=options.read_timeout,
        pool=options.connect_timeout + options.deadline,
    )
    return httpx.AsyncClient(
        transport=GuardedTransport(policy, limits),
        timeout=timeout,
        follow_redirects=False,
        trust_env=False,
        headers={"User-Agent": options.user_agent, "Accept": ACCEPT, "Accept-Encoding": ACCEPT_ENCODING},
    )


OnResult = Callable[[int, FetchResult], "FetchResult | None"]


async def fetch_all_async(
    requests: Sequence[FetchRequest],
    options: FetchOptions,
    on_result: OnResult | None = None,
) -> list[FetchResult]:
    """Fetch every request concurrently within the limits; `on_result(index, result)` as each one ends.

    When `on_result` returns a `FetchResult`, that is what is kept and returned for the request (e.g. the
    result without its body, once the body has been handed on), so memory is not held for the rest.
    """
    policy = AddressPolicy.from_options(options)
    limiter = _Limiter(options.per_host, options.total)
    results: list[FetchResult | None] = [None] * len(requests)
    async with _client(options, policy) as client:

        async def one(index: int, request: FetchRequest) -> None:
            outcome = await _fetch_one(client, limiter, policy, request, options)
            kept = on_result(index, outcome) if on_result is not None else None
            results[index] = kept if isinstance(kept, FetchResult) else outcome

        async with asyncio.TaskGroup() as group:
            for index, request in enumerate(requests):
                group.create_task(one(index, request))
    return [r for r in results if r is not None]


def fetch_many(
    requests: Sequence[FetchRequest],
    options: FetchOptions | None = None,
    *,
    on_result: OnResult | None = None,
) -> list[FetchResult]:
    """Fetch all `requests` concurrently; one `FetchResult` per request, in the same order."""
    if not requests:
        return []
    return run_sync(fetch_all_async(list(requests), options or FetchOptions(), on_result))


def fetch_one(
    url: str,
    options: FetchOptions | None = None,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
) -> FetchResult:
    """Fetch a single URL (used when a leader adds a feed)."""
    return fetch_many([FetchRequest(url, etag, last_modified)], options)[0]
