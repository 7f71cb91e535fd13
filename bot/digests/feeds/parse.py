"""Parse fetched feed bytes (RSS 0.9x/1.0/2.0, Atom, JSON Feed) into plain, Slack-safe entries.

Never `feedparser.parse(url)`: the bytes come from `bot.digests.feeds.fetch`, and this module only reads them.

* Encoding: decided by `bot.digests.feeds.decode` (header charset, XML declaration, UTF-8, CP949 for
  Hangul, Windows-1252; a wrong declaration is noted as the feed's problem). The text is handed to
  feedparser re-encoded as UTF-8 with a matching declaration, so feedparser's own guessing (which
  needs `chardet` for undeclared EUC-KR) is never involved.
* Entity expansion: documents declaring entities (internal or external, general or parameter)
  are refused before feedparser sees them (`FeedErrorKind.UNSAFE_XML`), as defusedxml's expat
  reader finds them (comments and CDATA cannot hide one); a document expat cannot read is refused
  when `<!ENTITY` appears anywhere in it. Refusing costs nothing for real feeds, which declare none.
* `bozo` with usable entries: the entries are used and the problem is reported in `ParsedFeed.problem`.
  Nothing usable (an HTML page, binary data, an empty body) raises `FeedParseError(NOT_A_FEED)`.
* Dates: `bot.digests.feeds.dates.entry_date` (every date element in its order of preference, Korean forms
  and zones, the feed's language and its URL's host for a naive time, the sanity check). A refused date is
  `published_at=None` (the store falls back to when the item was first seen); what was wrong is kept in
  `ParsedEntry.date_problems` and summed up in the feed's problem.
* Identity: `ParsedEntry.doi` (`bot.digests.feeds.doi.entry_doi`); an item with a DOI has the DOI's
  `url_key` (`doi_url_key`), whatever its link, so a journal's post and an aggregator's are one item.
* Bounded work: a feed of more than `PIECE` items is read `PIECE` items at a time
  (`bot.digests.feeds.chunks`) until `max_entries` are kept or `cpu_budget` seconds of CPU are spent,
  whichever comes first (the budget is looked at after every `PIECE` items, so the first `PIECE` are always
  read); the stop is said in `ParsedFeed.stopped` and the feed's problem.

Web pages that are not feeds (the feeds they advertise, their titles) are `bot.digests.feeds.pages`.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import time
import xml.sax
import xml.sax.handler
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import defusedxml
import defusedxml.sax
import feedparser

from bot.digests.feeds.chunks import pieces, split_items
from bot.digests.feeds.dates import DateProblem, DateProblemKind, entry_date
from bot.digests.feeds.decode import decode_document
from bot.digests.feeds.doi import doi_url_key, entry_doi
from bot.digests.feeds.errors import FeedError, FeedErrorKind
from bot.digests.feeds.normalize import absolute_link, title_key, url_key
from bot.digests.feeds.text import collapse_whitespace, plain_text, slack_escape
from bot.time import now as clock_now

TITLE_LIMIT = 300
SUMMARY_LIMIT = 600
KEY_LIMIT = 500
MAX_ENTRIES = 300
#: Seconds of CPU one feed's parse may take before it stops (a 300-item feed takes about 0.3 s).
CPU_BUDGET = 2.0
#: Items per piece when a large feed is read a piece at a time.
PIECE = 100


class FeedParseError(Exception):
    """The bytes are not a usable feed; `error` says why."""

    def __init__(self, error: FeedError) -> None:
        super().__init__(error.to_text())
        self.error = error


@dataclass(frozen=True)
class ParsedEntry:
    """One entry as plain text. `title`/`summary` are unescaped; use the `*_mrkdwn` forms in Slack text."""

    key: str
    title: str
    url: str | None
    summary: str
    published_at: datetime | None
    #: Hashes of the normalised link and title (`bot.digests.feeds.normalize`), computed with the parse.
    url_key: str | None = None
    title_key: str = ""
    #: The item's DOI in normal form (`bot.digests.feeds.doi`), or None.
    doi: str | None = None
    #: What was wrong with its dates (a refused one leaves `published_at` None).
    date_problems: tuple[DateProblem, ...] = ()

    @property
    def title_mrkdwn(self) -> str:
        return slack_escape(self.title)

    @property
    def summary_mrkdwn(self) -> str:
        return slack_escape(self.summary)


@dataclass(frozen=True)
class ParsedFeed:
    title: str | None
    link: str | None
    format: str
    encoding: str
    entries: tuple[ParsedEntry, ...]
    problem: str | None = None
    #: Why reading stopped before the end of the feed (the item cap or the CPU budget), or None.
    stopped: str | None = None
    #: The feed's items (counted without parsing them), when known; `len(entries)` may be fewer.
    listed: int | None = None


_XML_DECL_TEXT = re.compile(r"^\s*<\?xml\b[^>]*\?>")


# --- entity-expansion guard ---------------------------------------------------------------------

_ENTITY_DECL = re.compile(r"<!ENTITY\b", re.IGNORECASE)


class _Ignore(xml.sax.handler.ContentHandler):
    """defusedxml does the checking; the content itself is read later by feedparser."""


def check_xml_safety(xml_bytes: bytes) -> None:
    """Refuse a document that declares entities (billion laughs, quadratic blow-up, external entities).

    The document is read by defusedxml's expat reader (entity declarations and external references
    forbidden), so a declaration is found where expat finds it, whatever comments or CDATA surround it.
    A document expat cannot read (feedparser then falls back to its loose parser) is refused when the
    text `<!ENTITY` appears anywhere in it: failing closed, never open.
    """
    if b"<!" not in xml_bytes:
        return
    try:
        # external references need a declared entity (forbidden) or the DOCTYPE's external subset, which
        # the reader never fetches (the public RSS 0.91 DTD stays allowed)
        defusedxml.sax.parseString(xml_bytes, _Ignore(), forbid_dtd=False, forbid_entities=True, forbid_external=False)
    except defusedxml.DefusedXmlException:
        raise FeedParseError(FeedError(FeedErrorKind.UNSAFE_XML, "document declares XML entities")) from None
    except (xml.sax.SAXException, ValueError):
        if _ENTITY_DECL.search(xml_bytes.decode("utf-8", "replace")):
            raise FeedParseError(FeedError(FeedErrorKind.UNSAFE_XML, "document declares XML entities")) from None


# --- parsing ----------------------------------------------------------------------------------------


@dataclass
class _Context:
    """What every entry of one feed is read with, and the running limits."""

    base: str | None
    now: datetime
    host: str | None
    max_entries: int
    deadline: float  # process_time() at which the CPU budget is spent
    language: str | None = None
    read: int = 0  # raw items looked at

    def spent(self) -> bool:
        return time.process_time() >= self.deadline


def parse_feed(
    body: bytes,
    *,
    content_type: str | None = None,
    url: str | None = None,
    max_entries: int = MAX_ENTRIES,
    now: datetime | None = None,
    cpu_budget: float = CPU_BUDGET,
) -> ParsedFeed:
    """Parse a fetched body into a `ParsedFeed`. Raises `FeedParseError` when it is not a usable feed.

    `content_type` is the response's Content-Type (its charset is honoured); `url` is the final URL,
    the base for relative links and the host of the naive-time rule; `now` the instant dates are checked
    against (no date after it); `cpu_budget` the seconds of CPU after which reading stops.
    """
    context = _Context(
        base=url,
        now=now or clock_now(),
        host=_host(url),
        max_entries=max_entries,
        deadline=time.process_time() + cpu_budget,
    )
    if not body or not body.strip():
        raise FeedParseError(FeedError(FeedErrorKind.NOT_A_FEED, "empty response"))
    text, encoding, problem = decode_document(body, content_type)
    stripped = text.lstrip("\ufeff \t\r\n")
    if "\x00" in stripped[:4096]:
        raise FeedParseError(FeedError(FeedErrorKind.NOT_A_FEED, "binary data"))
    if _is_json(stripped, content_type):
        return _parse_json_feed(stripped, context, encoding=encoding, cpu_budget=cpu_budget)
    check_xml_safety(_with_utf8_declaration(stripped).encode("utf-8"))
    split = split_items(stripped)
    whole = split is None or len(split.items) <= PIECE
    documents: Iterable[str] = [stripped] if whole or split is None else pieces(split, PIECE)
    listed = None if whole or split is None else len(split.items)
    first: Any = None
    bozo: str | None = None
    kept: list[ParsedEntry] = []
    seen: set[str] = set()
    for document in documents:
        result = _feedparser(document, url)
        if first is None:
            first = result
            context.language = _language((result.get("feed") or {}).get("language"))
        if result.get("bozo") and bozo is None:
            bozo = _describe_exception(result.get("bozo_exception"))
        raw_entries = result.get("entries") or []
        if whole:
            listed = len(raw_entries)
        if _take(raw_entries, context, kept, seen, _feedparser_entry) or context.spent():
            break
    version = first.get("version") or ""
    if not version and not kept and not first.get("entries"):
        reason = "an HTML page" if _looks_like_html(stripped) else "no RSS, Atom or JSON feed found"
        raise FeedParseError(FeedError(FeedErrorKind.NOT_A_FEED, reason))
    if bozo:
        problem = f"{problem}; {bozo}" if problem else bozo
    feed = first.get("feed") or {}
    if not kept and bozo and not feed.get("title"):
        raise FeedParseError(FeedError(FeedErrorKind.NOT_A_FEED, problem or "unreadable"))
    stopped = _stopped(context, len(kept), listed, cpu_budget)
    return ParsedFeed(
        title=_detail_text(feed, "title", TITLE_LIMIT) or None,
        link=absolute_link(feed.get("link"), url),
        format=version or "unknown",
        encoding=encoding,
        entries=tuple(kept),
        problem=_with_notes(problem, kept, stopped),
        stopped=stopped,
        listed=listed,
    )


def _feedparser(document: str, url: str | None) -> Any:
    xml = _with_utf8_declaration(document)
    return feedparser.parse(
        io.BytesIO(xml.encode("utf-8")),
        response_headers={"content-type": "application/xml; charset=utf-8", "content-location": url or ""},
    )


def _host(url: str | None) -> str | None:
    try:
        return urlsplit(url).hostname if url else None
    except ValueError:
        return None


def _language(value: object) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _take(raw: Iterable[Any], context: _Context, kept: list[ParsedEntry], seen: set[str], read: Any) -> bool:
    """Read raw entries into `kept` (new keys only); True when the cap is reached (stop reading the feed)."""
    for item in raw:
        if len(kept) >= context.max_entries or context.read >= context.max_entries * 2:
            return True
        if context.read and context.read % PIECE == 0 and context.spent():
            return True  # checked every PIECE items, so the first PIECE are always read
        context.read += 1
        entry = read(item, context)
        if entry is None or entry.key in seen:
            continue
        seen.add(entry.key)
        kept.append(entry)
    return len(kept) >= context.max_entries or context.read >= context.max_entries * 2


def _stopped(context: _Context, kept: int, listed: int | None, cpu_budget: float) -> str | None:
    if listed is None or context.read >= listed:
        return None
    if kept >= context.max_entries or context.read >= context.max_entries * 2:
        return f"stopped at the {context.max_entries}-item cap ({listed} items in the feed)"
    return f"stopped after {cpu_budget:g} s of CPU ({context.read} of {listed} items read)"


def _with_notes(problem: str | None, entries: list[ParsedEntry], stopped: str | None) -> str | None:
    notes = [problem] if problem else []
    noted = [[p for p in entry.date_problems if _worth_noting(p)] for entry in entries]
    dated = [problems for problems in noted if problems]
    if dated:
        notes.append(f"dates of {len(dated)} item(s): {dated[0][0]}")
    if stopped:
        notes.append(stopped)
    return "; ".join(notes)[:1000] if notes else None


_TIME_OF_DAY = re.compile(r"\d:\d\d|\d\s*시")


def _worth_noting(problem: DateProblem) -> bool:
    """Whether a date problem goes into the feed's health: all but a zone-less calendar date (`2024-10-02`),
    which is read as that day whatever the zone (`clubbot feeds check` still shows it)."""
    return problem.kind is not DateProblemKind.NAIVE or bool(_TIME_OF_DAY.search(problem.text))


def _is_json(text: str, content_type: str | None) -> bool:
    return text.startswith("{") or bool(content_type and "json" in content_type.lower())


def _looks_like_html(text: str) -> bool:
    head = text[:2048].lower()
    return "<html" in head or "<!doctype html" in head or "<body" in head


def _with_utf8_declaration(text: str) -> str:
    match = _XML_DECL_TEXT.match(text)
    if match:
        return '<?xml version="1.0" encoding="utf-8"?>' + text[match.end() :]
    return '<?xml version="1.0" encoding="utf-8"?>\n' + text


def _describe_exception(exc: object) -> str:
    if exc is None:
        return "malformed feed"
    message = str(exc).splitlines()[0] if str(exc) else ""
    return f"{type(exc).__name__}: {message}".strip(": ")[:300]


def _detail_text(container: Any, name: str, limit: int) -> str:
    value = container.get(name)
    if not value:
        return ""
    detail = container.get(f"{name}_detail") or {}
    is_html = detail.get("type", "text/html") != "text/plain"
    return plain_text(str(value), limit=limit, is_html=is_html)


def _summary(entry: Any) -> str:
    if entry.get("summary"):
        return _detail_text(entry, "summary", SUMMARY_LIMIT)
    for content in entry.get("content") or []:
        value = content.get("value")
        if value:
            return plain_text(str(value), limit=SUMMARY_LIMIT, is_html=content.get("type") != "text/plain")
    return ""


def entry_key(entry_id: object, link: str | None, title: str, published_at: datetime | None) -> str:
    """A stable key for an entry: its id/guid (a string or a number), else its link, else a hash of title
    and date. An id of another type (a JSON object or list) is no id: its Python repr is not a key."""
    if isinstance(entry_id, bool) or not isinstance(entry_id, str | int):
        entry_id = None
    for candidate in (entry_id, link):
        if candidate is not None and str(candidate).strip():
            key = collapse_whitespace(str(candidate))
            if len(key) <= KEY_LIMIT:
                return key
            return "sha256:" + hashlib.sha256(key.encode("utf-8")).hexdigest()
    basis = f"{title}\n{published_at.isoformat() if published_at else ''}"
    return "sha256:" + hashlib.sha256(basis.encode("utf-8")).hexdigest()


def _make_entry(raw: Any, context: _Context, title: str, link: str | None, summary: str) -> ParsedEntry | None:
    if not title:
        title = summary[:120] if summary else (link or "")
    if not title:
        return None
    language = _language(raw.get("language")) or context.language
    dated = entry_date(raw, now=context.now, language=language, host=context.host)
    doi = entry_doi(raw)
    return ParsedEntry(
        key=entry_key(raw.get("id"), link, title, dated.instant),
        title=title,
        url=link,
        summary=summary,
        published_at=dated.instant,
        url_key=doi_url_key(doi) if doi else url_key(link),
        title_key=title_key(title),
        doi=doi,
        date_problems=dated.problems,
    )


def _feedparser_entry(entry: Any, context: _Context) -> ParsedEntry | None:
    return _make_entry(
        entry,
        context,
        _detail_text(entry, "title", TITLE_LIMIT),
        absolute_link(entry.get("link"), context.base),
        _summary(entry),
    )


# --- JSON Feed (jsonfeed.org 1.0 / 1.1) ---------------------------------------------------------------


def _parse_json_feed(text: str, context: _Context, *, encoding: str, cpu_budget: float) -> ParsedFeed:
    try:
        document = json.loads(text)
    except ValueError as exc:
        raise FeedParseError(FeedError(FeedErrorKind.NOT_A_FEED, f"invalid JSON: {exc}")) from None
    version = document.get("version") if isinstance(document, dict) else None
    if not isinstance(version, str) or "jsonfeed.org" not in version:
        raise FeedParseError(FeedError(FeedErrorKind.NOT_A_FEED, "JSON that is not a JSON Feed"))
    items = document.get("items")
    if not isinstance(items, list):
        raise FeedParseError(FeedError(FeedErrorKind.NOT_A_FEED, "JSON Feed without items"))
    context.base = absolute_link(document.get("feed_url"), context.base) or context.base
    context.language = _language(document.get("language"))
    kept: list[ParsedEntry] = []
    _take((item for item in items if isinstance(item, dict)), context, kept, set(), _json_entry)
    listed = sum(1 for item in items if isinstance(item, dict))
    stopped = _stopped(context, len(kept), listed, cpu_budget)
    title = document.get("title")
    return ParsedFeed(
        title=plain_text(title, limit=TITLE_LIMIT, is_html=False) if isinstance(title, str) else None,
        link=absolute_link(document.get("home_page_url"), context.base),
        format="json" + version.rstrip("/").rsplit("/", 1)[-1].replace(".", ""),
        encoding=encoding,
        entries=tuple(kept),
        problem=_with_notes(None, kept, stopped),
        stopped=stopped,
        listed=listed,
    )


def _json_entry(item: dict[str, Any], context: _Context) -> ParsedEntry | None:
    base = context.base
    link = absolute_link(item.get("url"), base) or absolute_link(item.get("external_url"), base)
    title = item.get("title")
    title_text = plain_text(title, limit=TITLE_LIMIT, is_html=False) if isinstance(title, str) else ""
    summary = ""
    for name, is_html in (("summary", False), ("content_text", False), ("content_html", True)):
        value = item.get(name)
        if isinstance(value, str) and value.strip():
            summary = plain_text(value, limit=SUMMARY_LIMIT, is_html=is_html)
            break
    return _make_entry(item, context, title_text, link, summary)
