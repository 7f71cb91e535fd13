"""The feed engine over material nobody here wrote: a subset of feedparser's and feedjira's test files.

`tests/fixtures/feeds-corpus/README.md` lists the sources. Every file goes through the engine's parse entry
point, `bot.digests.feeds.parse.parse_feed`, with the Content-Type the file's own `Header:` comment gives
(feedparser's harness convention). Asserted: no crash (only `FeedParseError` may be raised), no hang
(pytest-timeout), bounded CPU time, and exactly the files in `REFUSED` refused, for the reason given.
The pure modules the parser uses (`decode`, `dates`, `doi`) are also run over the same files on their own.
"""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime
from pathlib import Path

import feedparser
import pytest

from bot.digests.feeds import dates, decode, doi
from bot.digests.feeds.parse import FeedParseError, parse_feed

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "feeds-corpus"
FILES = sorted(p.relative_to(CORPUS).as_posix() for p in CORPUS.rglob("*") if p.suffix in {".xml", ".json"})
CPU_SECONDS = 5.0
_HEADER = re.compile(r"^Header:\s+Content-type:\s*(.*?)\s*$", re.MULTILINE | re.IGNORECASE)

_NOT_A_FEED = "not_a_feed: no RSS, Atom or JSON feed found"
_WIDE_WITHOUT_BOM = [
    "feedparser/encoding/u16.xml",
    "feedparser/encoding/utf-16be-autodetect.xml",
    "feedparser/encoding/utf-16be.xml",
    "feedparser/encoding/utf-16le-autodetect.xml",
    "feedparser/encoding/utf-16le.xml",
    "feedparser/encoding/utf-32be-autodetect.xml",
    "feedparser/encoding/utf-32be.xml",
    "feedparser/encoding/utf-32le-autodetect.xml",
    "feedparser/encoding/utf-32le.xml",
    "feedparser/encoding/utf16.xml",
    "feedparser/encoding/utf_16.xml",
    "feedparser/encoding/utf_32.xml",
]
#: Every file the current engine refuses: its `FeedError.to_text()` and why.
REFUSED: dict[str, tuple[str, str]] = {
    **{
        f"feedjira/{name}.xml": (_NOT_A_FEED, "a lone <entry>/<item> fragment, not a feed")
        for name in (
            "AmazonWebServicesBlogFirstEntryContent",
            "HREFConsideredHarmfulFirstEntry",
            "PaulDixExplainsNothingFirstEntryContent",
            "TechCrunchFirstEntry",
            "TechCrunchFirstEntryDescription",
            "TenderLovemakingFirstEntry",
        )
    },
    "feedparser/illformed/aaa_illformed.xml": (
        "not_a_feed: SAXParseException: <unknown>:7:0: unclosed token",
        "truncated XML with no entry",
    ),
    "feedparser/illformed/rss_empty_document.xml": (_NOT_A_FEED, "an empty <rss/> document"),
    "feedparser/illformed/undeclared_namespace.xml": (
        "not_a_feed: SAXParseException: <unknown>:9:0: unbound prefix",
        "an undeclared prefix and no usable entry",
    ),
    **{
        f"feedparser/wellformed/cdf/{name}.xml": (
            _NOT_A_FEED,
            "Microsoft CDF channel without items (not a feed format)",
        )
        for name in (
            "channel_abstract_map_description",
            "channel_abstract_map_tagline",
            "channel_href_map_link",
            "channel_href_map_links",
            "channel_lastmod",
            "channel_lastmod_parsed",
            "channel_title",
        )
    },
    "feedparser/wellformed/rdf/doctype_contains_entity_decl.xml": (
        "unsafe_xml: document declares XML entities",
        "entity declarations are refused on purpose",
    ),
}


def _body_and_type(relative: str) -> tuple[bytes, str | None]:
    body = (CORPUS / relative).read_bytes()
    # The `Header:` comment is ASCII; dropping NUL bytes reads it in UTF-16/32 files too.
    match = _HEADER.search(body.replace(b"\x00", b"").decode("latin-1"))
    return body, match.group(1) if match else None


def test_the_corpus_is_the_documented_subset() -> None:
    assert 150 <= len(FILES) <= 300
    assert (CORPUS / "LICENSE-feedparser").is_file()
    assert (CORPUS / "LICENSE-feedjira").is_file()
    assert (CORPUS / "README.md").is_file()
    assert sum(p.stat().st_size for p in CORPUS.rglob("*") if p.is_file()) < 3_000_000
    assert set(REFUSED) <= set(FILES)


@pytest.mark.timeout(20)
@pytest.mark.parametrize("relative", FILES)
def test_the_engine_reads_or_refuses_every_file(relative: str) -> None:
    body, content_type = _body_and_type(relative)
    started = time.process_time()
    try:
        parsed = parse_feed(body, content_type=content_type, url="https://example.org/feed")
    except FeedParseError as exc:
        refusal: str | None = exc.error.to_text()
    else:
        refusal = None
        assert all(entry.key and entry.title for entry in parsed.entries)
    assert time.process_time() - started < CPU_SECONDS
    expected = REFUSED.get(relative)
    assert refusal == (expected[0] if expected else None)


@pytest.mark.parametrize("relative", _WIDE_WITHOUT_BOM)
def test_utf16_and_utf32_without_a_bom_are_read(relative: str) -> None:
    body, content_type = _body_and_type(relative)
    parsed = parse_feed(body, content_type=content_type, url="https://example.org/feed")
    assert parsed.encoding.startswith(("utf-16", "utf-32"))
    assert parsed.format != "unknown"


@pytest.mark.timeout(20)
@pytest.mark.parametrize("relative", FILES)
def test_the_new_modules_never_crash_on_the_corpus(relative: str) -> None:
    body, content_type = _body_and_type(relative)
    text, _, _ = decode.decode_document(body, content_type)
    result = feedparser.parse(text.encode("utf-8"), response_headers={"content-type": "text/xml; charset=utf-8"})
    language = result.get("feed", {}).get("language")
    now = datetime(2026, 1, 1, tzinfo=UTC)
    for entry in result.get("entries") or []:
        found = dates.entry_date(entry, now=now, language=language, host="example.org")
        assert found.instant is None or found.instant.tzinfo is UTC
        doi.entry_doi(entry)


#: Entries the engine leaves undated today (it reads only `published_parsed`/`updated_parsed`) that
#: `dates.entry_date` dates: Atom 0.3 `<created>` and `dcterms:created`.
NEWLY_DATED = [
    "feedparser/wellformed/atom/entry_created.xml",
    "feedparser/wellformed/atom/entry_created_parsed.xml",
    "feedparser/wellformed/rss/item_dcterms_created.xml",
    "feedparser/wellformed/rss/item_dcterms_created_parsed.xml",
]


@pytest.mark.parametrize("relative", NEWLY_DATED)
def test_created_dates_are_read(relative: str) -> None:
    entry = feedparser.parse((CORPUS / relative).read_bytes()).entries[0]
    assert not (entry.get("published_parsed") or entry.get("updated_parsed"))
    found = dates.entry_date(entry, now=datetime(2026, 1, 1, tzinfo=UTC))
    assert found.instant is not None
    assert found.source == "created"
