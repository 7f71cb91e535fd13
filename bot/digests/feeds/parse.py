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
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import defusedxml
import defusedxml.sax
import feedparser

from bot.digests.feeds.decode import decode_document
from bot.digests.feeds.errors import FeedError, FeedErrorKind
from bot.digests.feeds.normalize import absolute_link, title_key, url_key
from bot.digests.feeds.text import collapse_whitespace, plain_text, slack_escape

TITLE_LIMIT = 300
SUMMARY_LIMIT = 600
KEY_LIMIT = 500
MAX_ENTRIES = 300


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
        defusedxml.sax.parseString(
            xml_bytes, _Ignore(), forbid_dtd=False, forbid_entities=True, forbid_external=False
        )
    except defusedxml.DefusedXmlException:
        raise FeedParseError(FeedError(FeedErrorKind.UNSAFE_XML, "document declares XML entities")) from None
    except (xml.sax.SAXException, ValueError):
        if _ENTITY_DECL.search(xml_bytes.decode("utf-8", "replace")):
            raise FeedParseError(FeedError(FeedErrorKind.UNSAFE_XML, "document declares XML entities")) from None


# --- parsing ----------------------------------------------------------------------------------------


def parse_feed(
    body: bytes,
    *,
    content_type: str | None = None,
    url: str | None = None,
    max_entries: int = MAX_ENTRIES,
) -> ParsedFeed:
    """Parse a fetched body into a `ParsedFeed`. Raises `FeedParseError` when it is not a usable feed.

    `content_type` is the response's Content-Type (its charset is honoured); `url` is the final URL,
    the base for relative links.
    """
    if not body or not body.strip():
        raise FeedParseError(FeedError(FeedErrorKind.NOT_A_FEED, "empty response"))
    text, encoding, problem = decode_document(body, content_type)
    stripped = text.lstrip("\ufeff \t\r\n")
    if "\x00" in stripped[:4096]:
        raise FeedParseError(FeedError(FeedErrorKind.NOT_A_FEED, "binary data"))
    if _is_json(stripped, content_type):
        return _parse_json_feed(stripped, url=url, encoding=encoding, max_entries=max_entries)
    xml_bytes = _with_utf8_declaration(stripped).encode("utf-8")
    check_xml_safety(xml_bytes)
    result = feedparser.parse(
        io.BytesIO(xml_bytes),
        response_headers={"content-type": "application/xml; charset=utf-8", "content-location": url or ""},
    )
    version = result.get("version") or ""
    raw_entries = result.get("entries") or []
    if not version and not raw_entries:
        reason = "an HTML page" if _looks_like_html(stripped) else "no RSS, Atom or JSON feed found"
        raise FeedParseError(FeedError(FeedErrorKind.NOT_A_FEED, reason))
    if result.get("bozo"):
        bozo = _describe_exception(result.get("bozo_exception"))
        problem = f"{problem}; {bozo}" if problem else bozo
    feed = result.get("feed") or {}
    entries = _entries(
        (_feedparser_entry(raw, url) for raw in raw_entries[: max_entries * 2]),
        max_entries,
    )
    if not entries and result.get("bozo") and not feed.get("title"):
        raise FeedParseError(FeedError(FeedErrorKind.NOT_A_FEED, problem or "unreadable"))
    return ParsedFeed(
        title=_detail_text(feed, "title", TITLE_LIMIT) or None,
        link=absolute_link(feed.get("link"), url),
        format=version or "unknown",
        encoding=encoding,
        entries=entries,
        problem=problem,
    )


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


def _entries(parsed: Any, max_entries: int) -> tuple[ParsedEntry, ...]:
    seen: set[str] = set()
    kept: list[ParsedEntry] = []
    for entry in parsed:
        if entry is None or entry.key in seen:
            continue
        seen.add(entry.key)
        kept.append(entry)
        if len(kept) >= max_entries:
            break
    return tuple(kept)


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


def _struct_time_to_datetime(value: time.struct_time | None) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime(*value[:6], tzinfo=UTC)
    except (TypeError, ValueError):
        return None


def entry_key(entry_id: object, link: str | None, title: str, published_at: datetime | None) -> str:
    """A stable key for an entry: its id/guid, else its link, else a hash of title and date."""
    for candidate in (entry_id, link):
        if candidate is not None and str(candidate).strip():
            key = collapse_whitespace(str(candidate))
            if len(key) <= KEY_LIMIT:
                return key
            return "sha256:" + hashlib.sha256(key.encode("utf-8")).hexdigest()
    basis = f"{title}\n{published_at.isoformat() if published_at else ''}"
    return "sha256:" + hashlib.sha256(basis.encode("utf-8")).hexdigest()


def _make_entry(
    entry_id: object, title: str, link: str | None, summary: str, published_at: datetime | None
) -> ParsedEntry | None:
    if not title:
        title = summary[:120] if summary else (link or "")
    if not title:
        return None
    return ParsedEntry(
        key=entry_key(entry_id, link, title, published_at),
        title=title,
        url=link,
        summary=summary,
        published_at=published_at,
        url_key=url_key(link),
        title_key=title_key(title),
    )


def _feedparser_entry(entry: Any, base: str | None) -> ParsedEntry | None:
    published = _struct_time_to_datetime(entry.get("published_parsed") or entry.get("updated_parsed"))
    return _make_entry(
        entry.get("id"),
        _detail_text(entry, "title", TITLE_LIMIT),
        absolute_link(entry.get("link"), base),
        _summary(entry),
        published,
    )


# --- JSON Feed (jsonfeed.org 1.0 / 1.1) ---------------------------------------------------------------


def _parse_json_feed(text: str, *, url: str | None, encoding: str, max_entries: int) -> ParsedFeed:
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
    base = absolute_link(document.get("feed_url"), url) or url
    entries = _entries(
        (_json_entry(item, base) for item in items[: max_entries * 2] if isinstance(item, dict)), max_entries
    )
    title = document.get("title")
    return ParsedFeed(
        title=plain_text(title, limit=TITLE_LIMIT, is_html=False) if isinstance(title, str) else None,
        link=absolute_link(document.get("home_page_url"), base),
        format="json" + version.rstrip("/").rsplit("/", 1)[-1].replace(".", ""),
        encoding=encoding,
        entries=entries,
    )


def _json_date(value: object) -> datetime | None:
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _json_entry(item: dict[str, Any], base: str | None) -> ParsedEntry | None:
    link = absolute_link(item.get("url"), base) or absolute_link(item.get("external_url"), base)
    title = item.get("title")
    title_text = plain_text(title, limit=TITLE_LIMIT, is_html=False) if isinstance(title, str) else ""
    summary = ""
    for name, is_html in (("summary", False), ("content_text", False), ("content_html", True)):
        value = item.get(name)
        if isinstance(value, str) and value.strip():
            summary = plain_text(value, limit=SUMMARY_LIMIT, is_html=is_html)
            break
    published = _json_date(item.get("date_published")) or _json_date(item.get("date_modified"))
    return _make_entry(item.get("id"), title_text, link, summary, published)
