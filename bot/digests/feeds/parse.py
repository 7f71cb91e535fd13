"""Parse fetched feed bytes (RSS 0.9x/1.0/2.0, Atom, JSON Feed) into plain, Slack-safe entries.

Never `feedparser.parse(url)`: the bytes come from `bot.digests.feeds.fetch`, and this module only reads them.

* Encoding: the charset from the HTTP header, then the XML declaration, then UTF-8, then Korean
  CP949 (a superset of EUC-KR) when the bytes read as Hangul, then Windows-1252. A declared encoding
  the bytes do not decode in is overruled and noted as the feed's problem. The text is handed to
  feedparser re-encoded as UTF-8 with a matching declaration, so feedparser's own guessing (which
  needs `chardet` for undeclared EUC-KR) is never involved.
* Entity expansion: documents declaring entities (`<!ENTITY`, internal or external, outside CDATA)
  are refused before any XML parser sees them (`FeedErrorKind.UNSAFE_XML`). Expat 2.4+ has its own
  amplification limit and feedparser drops most entity declarations, but only those it recognises
  line by line; refusing outright costs nothing for real feeds, which do not declare entities.
* `bozo` with usable entries: the entries are used and the problem is reported in `ParsedFeed.problem`.
  Nothing usable (an HTML page, binary data, an empty body) raises `FeedParseError(NOT_A_FEED)`.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import json
import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import Message
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser

from bot.digests.feeds.errors import FeedError, FeedErrorKind
from bot.digests.feeds.normalize import title_key, unwrap_redirector, url_key
from bot.digests.feeds.text import collapse_whitespace, plain_text, slack_escape, truncate

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


# --- encodings --------------------------------------------------------------------------------

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_XML_DECL = re.compile(rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._:-]+)[\"']")
_XML_DECL_TEXT = re.compile(r"^\s*<\?xml\b[^>]*\?>")
#: Labels mapped onto the codec that reads what servers really send under them.
_ALIASES = {
    "euc-kr": "cp949",
    "euckr": "cp949",
    "ks_c_5601-1987": "cp949",
    "ks_c_5601": "cp949",
    "ksc5601": "cp949",
    "x-windows-949": "cp949",
    "windows-949": "cp949",
    "ms949": "cp949",
    "uhc": "cp949",
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "utf8": "utf-8",
}


def _codec(label: str | None) -> str | None:
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    label = _ALIASES.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def _header_charset(content_type: str | None) -> str | None:
    if not content_type:
        return None
    message = Message()
    message["content-type"] = content_type
    charset = message.get_param("charset")
    return charset if isinstance(charset, str) else None


def _mostly_hangul(text: str) -> bool:
    non_ascii = [ch for ch in text if ord(ch) > 127]
    if not non_ascii:
        return False
    hangul = sum(1 for ch in non_ascii if "\uac00" <= ch <= "\ud7a3" or "\u3131" <= ch <= "\u318e")
    return hangul / len(non_ascii) >= 0.6


def decode_document(body: bytes, content_type: str | None = None) -> tuple[str, str, str | None]:
    """Decode feed bytes: (text, codec used, problem or None when the declared encoding was wrong)."""
    for bom, name in _BOMS:
        if body.startswith(bom):
            try:
                return body[len(bom) :].decode(name), name, None
            except UnicodeDecodeError:
                break
    declared = [c for c in (_codec(_header_charset(content_type)), _codec(_xml_declared(body))) if c]
    for name in declared:
        if name in {"utf-16", "utf-32"} or name.startswith(("utf-16", "utf-32")):
            continue  # without a BOM these are almost always a mislabelled ASCII-compatible document
        try:
            text = body.decode(name)
        except UnicodeDecodeError:
            continue
        if name == "cp949" or name == "utf-8" or not _decodes_as_korean(body):
            return text, name, None
        # An 8-bit Western label on bytes that read as Korean: the label is wrong (a common server default).
        return body.decode("cp949"), "cp949", f"declared {declared[0]}, read as cp949"
    for name in ("utf-8", "cp949", "cp1252", "latin-1"):
        try:
            text = body.decode(name)
        except UnicodeDecodeError:
            continue
        if name == "cp949" and not _mostly_hangul(text):
            continue
        problem = f"declared {declared[0]}, read as {name}" if declared and declared[0] != name else None
        return text, name, problem
    raise AssertionError("latin-1 decodes any bytes")  # pragma: no cover


def _decodes_as_korean(body: bytes) -> bool:
    try:
        return _mostly_hangul(body.decode("cp949"))
    except UnicodeDecodeError:
        return False


def _xml_declared(body: bytes) -> str | None:
    match = _XML_DECL.match(body[:300])
    return match.group(1).decode("ascii") if match else None


# --- entity-expansion guard ---------------------------------------------------------------------

_CDATA = re.compile(r"<!\[CDATA\[.*?\]\]>", re.DOTALL)
_ENTITY_DECL = re.compile(r"<!ENTITY\b", re.IGNORECASE)


def check_xml_safety(text: str) -> None:
    """Refuse a document that declares entities (billion laughs, quadratic blow-up, external entities)."""
    if "<!" not in text:
        return
    if _ENTITY_DECL.search(_CDATA.sub("", text)):
        raise FeedParseError(FeedError(FeedErrorKind.UNSAFE_XML, "document declares XML entities"))


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
    check_xml_safety(stripped)
    xml = _with_utf8_declaration(stripped)
    result = feedparser.parse(
        io.BytesIO(xml.encode("utf-8")),
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
        link=_absolute(feed.get("link"), url),
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


def _absolute(link: object, base: str | None) -> str | None:
    if not isinstance(link, str) or not link.strip():
        return None
    absolute = unwrap_redirector(urljoin(base or "", link.strip()))
    if urlsplit(absolute).scheme.lower() not in {"http", "https"}:
        return None
    return absolute


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
        _absolute(entry.get("link"), base),
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
    base = _absolute(document.get("feed_url"), url) or url
    entries = _entries(
        (_json_entry(item, base) for item in items[: max_entries * 2] if isinstance(item, dict)), max_entries
    )
    title = document.get("title")
    return ParsedFeed(
        title=plain_text(title, limit=TITLE_LIMIT, is_html=False) if isinstance(title, str) else None,
        link=_absolute(document.get("home_page_url"), base),
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
    link = _absolute(item.get("url"), base) or _absolute(item.get("external_url"), base)
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


# --- feed discovery on HTML pages ------------------------------------------------------------------------

_FEED_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/feed+json",
        "application/json",
        "application/rdf+xml",
        "text/xml",
        "application/xml",
    }
)


class _LinkFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "link":
            return
        values = {name: (value or "") for name, value in attrs}
        rels = values.get("rel", "").lower().split()
        if "alternate" in rels and values.get("type", "").lower() in _FEED_TYPES and values.get("href"):
            self.links.append(values["href"])


def discover_feed_links(body: bytes, *, base_url: str, content_type: str | None = None) -> list[str]:
    """Feed links an HTML page advertises (`<link rel="alternate" type="application/rss+xml" href=...>`)."""
    text, _, _ = decode_document(body[:512_000], content_type)
    finder = _LinkFinder()
    finder.feed(text)
    found: list[str] = []
    for href in finder.links:
        absolute = _absolute(href, base_url)
        if absolute and absolute not in found:
            found.append(absolute)
    return found


class _TitleFinder(HTMLParser):
    """A page's `og:title` / `twitter:title` meta tag, else its `<title>` (in the document head)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: str | None = None
        self.title_parts: list[str] = []
        self._in_title = False
        self.done = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title" and not self.title_parts:
            self._in_title = True
        elif tag == "meta" and self.meta is None:
            values = {name: (value or "") for name, value in attrs}
            if (values.get("property") or values.get("name") or "").lower() in {"og:title", "twitter:title"}:
                self.meta = values.get("content") or None
        elif tag == "body":
            self.done = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        elif tag == "head":
            self.done = True

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title_parts.append(data)


def html_title(body: bytes, content_type: str | None = None) -> str | None:
    """The title of a web page (its `og:title`, else `<title>`), as one line of plain text; None if it has none.

    Only the first 256 KB are read: the title is in the document's head."""
    text, _, _ = decode_document(body[:256_000], content_type)
    finder = _TitleFinder()
    for start in range(0, len(text), 8192):  # stop reading once the head is over
        finder.feed(text[start : start + 8192])
        if finder.done or finder.meta:
            break
    return truncate(collapse_whitespace(finder.meta or "".join(finder.title_parts)), TITLE_LIMIT) or None
