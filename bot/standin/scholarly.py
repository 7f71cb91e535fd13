"""A local stand-in for the Crossref and OpenAlex endpoints the bot calls: a real HTTP server on loopback.

It knows nothing of the bot: it serves a seedable catalogue of people and works in the shapes the two
services document, with their real field names and nesting.

Paths (the base URLs are `server.crossref_url` and `server.openalex_url`):
- `/crossref/works/{doi}`: `{"status": "ok", "message-type": "work", "message": {"DOI", "title": [..],
  "container-title": [..], "issued": {"date-parts": [[y, m, d]]}, "type", "author": [{"given", "family",
  "ORCID", "sequence", "affiliation"}], "publisher", "URL"}}`; an unknown DOI: 404 `Resource not found.`
  (text/plain), as Crossref answers.
- `/openalex/authors?filter=orcid:A|B…`: `{"meta": {"count", "per_page", "next_cursor"...}, "results": [{"id",
  "orcid", "display_name", "works_count", "last_known_institutions": [{"country_code"...}]}]}`.
- `/openalex/works?filter=author.orcid:A|B…,from_publication_date:YYYY-MM-DD`: `results[]` with `id`, `doi`
  (`https://doi.org/…`), `display_name`, `publication_date`, `type`, `primary_location.source.display_name`,
  `authorships[].author.{id, orcid, display_name}`, `authorships[].institutions[].country_code`,
  `authorships[].countries`; `select=` honoured.
- `/ping`: `{}`, the floor of one request, for the benchmark.

OpenAlex's rules are kept: `per-page` 1..200, cursor paging (`cursor=*`, then `meta.next_cursor` until null),
at most 100 values joined by `|` in one filter (400 otherwise), results in id order. `api_key` is checked when
`require_api_key` is set (403 otherwise).

Faults (`server.fault(prefix, kind, times=…)`, applied to the next matching requests): `"429"` with
`Retry-After`, `"500"`, `"slow"` (answers after `delay` seconds), `"malformed"` (a 200 with a cut JSON body).
Every request is recorded (`server.requests`: path and query) so tests can count them.
"""

from __future__ import annotations

import base64
import json
import threading
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

MAX_PER_PAGE = 200
MAX_OR_VALUES = 100


def orcid_check_digit(base: str) -> str:
    """ISO 7064 11-2 over the first 15 digits of an ORCID iD."""
    total = 0
    for digit in base:
        total = (total + int(digit)) * 2
    result = (12 - total % 11) % 11
    return "X" if result == 10 else str(result)


def make_orcid(number: int) -> str:
    """A valid ORCID iD (checksum included) from a number, e.g. `0000-0002-0000-012X`."""
    base = f"000000020{number:06d}"
    digits = base + orcid_check_digit(base)
    return "-".join(digits[i : i + 4] for i in range(0, 16, 4))


@dataclass
class Person:
    given: str
    family: str
    openalex_id: str
    orcid: str | None = None
    country: str | None = None
    institution: str = "Institute"

    @property
    def name(self) -> str:
        return f"{self.given} {self.family}"


@dataclass
class Work:
    doi: str
    title: str
    venue: str
    published: date
    authors: list[Person]
    openalex_id: str
    crossref_type: str = "journal-article"
    openalex_type: str = "article"
    #: Listed in OpenAlex (False: Crossref only).
    in_openalex: bool = True
    #: Listed in Crossref (False: OpenAlex only).
    in_crossref: bool = True


@dataclass
class Fault:
    prefix: str
    kind: str
    remaining: int
    retry_after: str = "1"
    delay: float = 2.0


@dataclass
class Recorded:
    path: str
    query: dict[str, str]
    headers: dict[str, str] = field(default_factory=dict)


class ScholarlyServer:
    """A threaded HTTP/1.1 server on 127.0.0.1 with a free port."""

    def __init__(self) -> None:
        self.people: dict[str, Person] = {}  # by OpenAlex id
        self.works: dict[str, Work] = {}  # by OpenAlex id
        self.works_count: Counter[str] = Counter()  # OpenAlex works per person id
        self.faults: list[Fault] = []
        self.requests: list[Recorded] = []
        self.require_api_key: str | None = None
        self._lock = threading.Lock()
        self._serial = 0
        self.stopping = threading.Event()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self._thread = threading.Thread(target=self.httpd.serve_forever, name="scholarly-server", daemon=True)

    # --- lifecycle ----------------------------------------------------------------------------------

    def start(self) -> ScholarlyServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    def reset(self) -> None:
        with self._lock:
            self.people.clear()
            self.works.clear()
            self.works_count.clear()
            self.faults.clear()
            self.requests.clear()
            self.require_api_key = None
            self._serial = 0

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def crossref_url(self) -> str:
        return f"{self.base}/crossref"

    @property
    def openalex_url(self) -> str:
        return f"{self.base}/openalex"

    # --- the catalogue ------------------------------------------------------------------------------

    def _next(self) -> int:
        self._serial += 1
        return self._serial

    def person(
        self, given: str, family: str, *, orcid: str | None = None, country: str | None = "KR", institution: str = ""
    ) -> Person:
        with self._lock:
            person = Person(
                given, family, f"A{5000000000 + self._next()}", orcid, country, institution or f"{country} Institute"
            )
            self.people[person.openalex_id] = person
        return person

    def work(
        self,
        doi: str,
        authors: Sequence[Person],
        *,
        title: str = "",
        venue: str = "Journal of Examples",
        published: date = date(2025, 6, 1),
        crossref_type: str = "journal-article",
        openalex_type: str = "article",
        in_openalex: bool = True,
        in_crossref: bool = True,
    ) -> Work:
        with self._lock:
            work = Work(
                doi.lower(),
                title or f"A study numbered {self._serial + 1}",
                venue,
                published,
                list(authors),
                f"W{4000000000 + self._next()}",
                crossref_type,
                openalex_type,
                in_openalex,
                in_crossref,
            )
            self.works[work.openalex_id] = work
            if in_openalex:
                self.works_count.update({p.openalex_id for p in authors})
        return work

    # --- faults and records -------------------------------------------------------------------------

    def fault(self, prefix: str, kind: str, *, times: int = 1, retry_after: str = "1", delay: float = 2.0) -> None:
        """The next `times` requests whose path starts with `prefix` get `kind` instead of their answer."""
        with self._lock:
            self.faults.append(Fault(prefix, kind, times, retry_after, delay))

    def take_fault(self, path: str) -> Fault | None:
        with self._lock:
            for fault in self.faults:
                if fault.remaining > 0 and path.startswith(fault.prefix):
                    fault.remaining -= 1
                    return fault
        return None

    def record(self, path: str, query: dict[str, str], headers: dict[str, str]) -> None:
        with self._lock:
            self.requests.append(Recorded(path, query, headers))

    def count(self, prefix: str = "/") -> int:
        with self._lock:
            return sum(1 for r in self.requests if r.path.startswith(prefix))

    def clear_requests(self) -> None:
        with self._lock:
            self.requests.clear()

    # --- the documented shapes ----------------------------------------------------------------------

    def crossref_message(self, work: Work) -> dict[str, Any]:
        d = work.published
        return {
            "indexed": {"date-parts": [[2026, 1, 5]], "timestamp": 1767571200000},
            "publisher": "Example Press",
            "DOI": work.doi.upper(),
            "type": work.crossref_type,
            "title": [work.title],
            "container-title": [work.venue] if work.venue else [],
            "issued": {"date-parts": [[d.year, d.month, d.day]]},
            "published": {"date-parts": [[d.year, d.month, d.day]]},
            "author": [
                {
                    "given": p.given,
                    "family": p.family,
                    "sequence": "first" if i == 0 else "additional",
                    "affiliation": [{"name": p.institution}],
                    **({"ORCID": f"https://orcid.org/{p.orcid}", "authenticated-orcid": True} if p.orcid else {}),
                }
                for i, p in enumerate(work.authors)
            ],
            "URL": f"https://doi.org/{work.doi}",
            "member": "78",
        }

    def openalex_author(self, person: Person) -> dict[str, Any]:
        count = self.works_count[person.openalex_id]
        return {
            "id": f"https://openalex.org/{person.openalex_id}",
            "orcid": f"https://orcid.org/{person.orcid}" if person.orcid else None,
            "display_name": person.name,
            "works_count": count,
            "last_known_institutions": [
                {"id": "https://openalex.org/I1", "display_name": person.institution, "country_code": person.country}
            ]
            if person.country
            else [],
        }

    def openalex_work(self, work: Work) -> dict[str, Any]:
        return {
            "id": f"https://openalex.org/{work.openalex_id}",
            "doi": f"https://doi.org/{work.doi}" if work.doi else None,
            "title": work.title,
            "display_name": work.title,
            "publication_year": work.published.year,
            "publication_date": work.published.isoformat(),
            "type": work.openalex_type,
            "primary_location": {
                "is_oa": False,
                "source": {"id": "https://openalex.org/S1", "display_name": work.venue, "type": "journal"},
            },
            "authorships": [
                {
                    "author_position": "first" if i == 0 else "middle",
                    "author": {
                        "id": f"https://openalex.org/{p.openalex_id}",
                        "display_name": p.name,
                        "orcid": f"https://orcid.org/{p.orcid}" if p.orcid else None,
                    },
                    "institutions": [
                        {"id": "https://openalex.org/I1", "display_name": p.institution, "country_code": p.country}
                    ]
                    if p.country
                    else [],
                    "countries": [p.country] if p.country else [],
                    "raw_author_name": p.name,
                }
                for i, p in enumerate(work.authors)
            ],
            "cited_by_count": 0,
        }


def _bare_orcid(value: str) -> str:
    return value.removeprefix("https://orcid.org/").removeprefix("http://orcid.org/").upper()


class _BadRequest(Exception):
    pass


def _filters(raw: str) -> dict[str, list[str]]:
    """OpenAlex's `filter=key:value,key:a|b`: values may hold `:` (URLs), so split on the first only."""
    found: dict[str, list[str]] = {}
    for clause in raw.split(","):
        key, sep, value = clause.partition(":")
        if not sep or not value:
            raise _BadRequest(f"Invalid filter clause {clause!r}")
        values = value.split("|")
        if len(values) > MAX_OR_VALUES:
            raise _BadRequest(
                f"Maximum number of values exceeded for {key}. Decrease values to {MAX_OR_VALUES} or below."
            )
        found[key] = values
    return found


def _page(items: list[dict[str, Any]], query: dict[str, str]) -> dict[str, Any]:
    raw = query.get("per-page", query.get("per_page", "25"))
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_PER_PAGE:
        raise _BadRequest(f"per-page must be between 1 and {MAX_PER_PAGE}")
    per_page = int(raw)
    cursor = query.get("cursor")
    if cursor is None:
        start = (int(query.get("page", "1")) - 1) * per_page
    elif cursor == "*":
        start = 0
    else:
        try:
            start = int(base64.urlsafe_b64decode(cursor.encode()).decode().removeprefix("offset:"))
        except ValueError:
            raise _BadRequest("Invalid cursor") from None
    chunk = items[start : start + per_page]
    end = start + len(chunk)
    more = cursor is not None and end < len(items)
    next_cursor = base64.urlsafe_b64encode(f"offset:{end}".encode()).decode() if more else None
    select = query.get("select")
    if select:
        keep = set(select.split(","))
        chunk = [{k: v for k, v in item.items() if k in keep} for item in chunk]
    return {
        "meta": {
            "count": len(items),
            "db_response_time_ms": 3,
            "page": None if cursor is not None else int(query.get("page", "1")),
            "per_page": per_page,
            "next_cursor": next_cursor,
            "groups_count": None,
        },
        "results": chunk,
        "group_by": [],
    }


def _handler_for(server: ScholarlyServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "ScholarlyStandIn/1.0"
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            return

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
            server.record(parts.path, query, {k.lower(): v for k, v in self.headers.items()})
            try:
                fault = server.take_fault(parts.path)
                if fault is not None and fault.kind == "slow":
                    server.stopping.wait(fault.delay)
                elif fault is not None:
                    self._fault(fault)
                    return
                self._dispatch(parts.path, query)
            except _BadRequest as exc:
                self._json(400, {"error": "Invalid query parameters error.", "message": str(exc)})
            except (BrokenPipeError, ConnectionResetError):
                return

        def _send(self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _json(self, status: int, data: object) -> None:
            self._send(status, json.dumps(data).encode(), "application/json; charset=utf-8")

        def _fault(self, fault: Fault) -> None:
            if fault.kind == "429":
                self._send(
                    429, b'{"error": "Too Many Requests"}', "application/json", {"Retry-After": fault.retry_after}
                )
            elif fault.kind == "500":
                self._send(500, b"Internal Server Error", "text/plain")
            elif fault.kind == "malformed":
                self._send(
                    200, b'{"meta": {"count": 3}, "results": [{"id": "https://openalex.org/W1", ', "application/json"
                )
            else:
                raise AssertionError(f"unknown fault {fault.kind}")

        def _dispatch(self, path: str, query: dict[str, str]) -> None:
            if path == "/ping":
                self._json(200, {})
                return
            if path.startswith("/crossref/works/"):
                doi = unquote(path.removeprefix("/crossref/works/")).lower()
                work = next((w for w in server.works.values() if w.doi == doi and w.in_crossref), None)
                if work is None:
                    self._send(404, b"Resource not found.", "text/plain")
                    return
                message = server.crossref_message(work)
                self._json(
                    200, {"status": "ok", "message-type": "work", "message-version": "1.0.0", "message": message}
                )
                return
            if path in {"/openalex/authors", "/openalex/works"}:
                if server.require_api_key is not None and query.get("api_key") != server.require_api_key:
                    self._json(403, {"error": "Forbidden", "message": "A valid api_key is required."})
                    return
                filters = _filters(query.get("filter", "")) if query.get("filter") else {}
                items = self._authors(filters) if path.endswith("authors") else self._works(filters)
                self._json(200, _page(items, query))
                return
            self._send(404, b"not found", "text/plain")

        def _authors(self, filters: dict[str, list[str]]) -> list[dict[str, Any]]:
            unknown = set(filters) - {"orcid"}
            if unknown:
                raise _BadRequest(f"{sorted(unknown)[0]} is not a valid field")
            wanted = {_bare_orcid(v) for v in filters.get("orcid", [])}
            people = sorted(server.people.values(), key=lambda p: p.openalex_id)
            return [server.openalex_author(p) for p in people if not wanted or (p.orcid or "").upper() in wanted]

        def _works(self, filters: dict[str, list[str]]) -> list[dict[str, Any]]:
            unknown = set(filters) - {"author.orcid", "from_publication_date"}
            if unknown:
                raise _BadRequest(f"{sorted(unknown)[0]} is not a valid field")
            wanted = {_bare_orcid(v) for v in filters.get("author.orcid", [])}
            since = (
                date.fromisoformat(filters["from_publication_date"][0]) if "from_publication_date" in filters else None
            )
            works = sorted((w for w in server.works.values() if w.in_openalex), key=lambda w: w.openalex_id)
            return [
                server.openalex_work(w)
                for w in works
                if (not wanted or any((p.orcid or "").upper() in wanted for p in w.authors))
                and (since is None or w.published >= since)
            ]

    return Handler
