"""bot.digests.feeds.dates: zones, Korean forms, the naive-time rule, the sanity check, element order."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta, timezone

import pytest

from bot.digests.feeds.dates import (
    DateProblemKind,
    check_parsed,
    entry_date,
    feed_zone,
    parse_date,
    resolve_zone,
    text_calendar_date,
)

NOW = datetime(2024, 10, 5, 12, 0, tzinfo=UTC)
K = DateProblemKind


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


@pytest.mark.parametrize(
    ("abbreviation", "language", "hours", "ambiguous"),
    [
        ("KST", None, 9, False),
        ("JST", None, 9, False),
        ("kst", "en", 9, False),
        ("GMT", None, 0, False),
        ("EST", None, -5, False),
        ("PDT", None, -7, False),
        ("AEST", None, 10, False),
        ("CST", "zh", 8, False),
        ("CST", "zh-CN", 8, False),
        ("CST", "zh_TW", 8, False),
        ("CST", "en-US", -6, False),
        ("CST", "en", -6, False),
        ("CST", "es-CU", -5, False),
        ("CST", None, -6, True),
        ("CST", "ko", -6, True),
        ("IST", "hi", 5.5, False),
        ("IST", "en-IN", 5.5, False),
        ("IST", "en-IE", 1, False),
        ("IST", "ga", 1, False),
        ("IST", "he", 2, False),
        ("IST", "en", 5.5, True),
        ("IST", None, 5.5, True),
        ("BST", "en-GB", 1, False),
        ("BST", "bn", 6, False),
        ("BST", None, 1, True),
        ("AST", "ar", 3, False),
        ("SST", "en-SG", 8, False),
    ],
)
def test_zone_abbreviations(abbreviation: str, language: str | None, hours: float, ambiguous: bool) -> None:
    offset, flagged = resolve_zone(abbreviation, language=language)
    assert offset == timezone(timedelta(hours=hours))
    assert flagged is ambiguous


def test_unknown_abbreviation() -> None:
    assert resolve_zone("XYZ") == (None, False)


@pytest.mark.parametrize(
    ("language", "host", "expected"),
    [
        ("ko", None, "Asia/Seoul"),
        ("ko-KR", "example.com", "Asia/Seoul"),
        (None, "news.example.co.kr", "Asia/Seoul"),
        (None, "www.hani.kr.", "Asia/Seoul"),
        ("ja", None, "Asia/Tokyo"),
        (None, "www3.nhk.or.jp", "Asia/Tokyo"),
        ("ja", "example.kr", "Asia/Tokyo"),  # the language decides first
        ("en", "example.kr", "Asia/Seoul"),
        ("en", "example.com", None),
        (None, None, None),
        (None, "kr.example.com", None),
    ],
)
def test_feed_zone_rule(language: str | None, host: str | None, expected: str | None) -> None:
    found = feed_zone(language=language, host=host)
    assert (str(found) if found is not None else None) == expected


@pytest.mark.parametrize(
    ("text", "context", "instant", "kinds"),
    [
        # RFC 822 with the zones feedparser gets wrong or right
        ("Wed, 02 Oct 2024 09:00:00 KST", {}, utc(2024, 10, 2, 0, 0), ()),
        ("Wed, 02 Oct 2024 09:00:00 JST", {}, utc(2024, 10, 2, 0, 0), ()),
        ("Wed, 02 Oct 2024 09:00 KST", {}, utc(2024, 10, 2, 0, 0), ()),
        ("Wed, 02 Oct 2024 09:00:00 +0900", {}, utc(2024, 10, 2, 0, 0), ()),
        ("Wed, 02 Oct 2024 09:00:00 +0900 (KST)", {}, utc(2024, 10, 2, 0, 0), ()),
        ("Wed, 02 Oct 2024 09:00:00 GMT", {}, utc(2024, 10, 2, 9, 0), ()),
        ("2 Oct 24 09:00 -0500", {}, utc(2024, 10, 2, 14, 0), ()),
        ("Wed, 02 Oct 2024 09:00:00 CST", {"language": "zh-CN"}, utc(2024, 10, 2, 1, 0), ()),
        ("Wed, 02 Oct 2024 09:00:00 CST", {"language": "en-US"}, utc(2024, 10, 2, 15, 0), ()),
        ("Wed, 02 Oct 2024 09:00:00 CST", {}, utc(2024, 10, 2, 15, 0), (K.AMBIGUOUS_ZONE,)),
        ("Wed, 02 Oct 2024 09:00:00 IST", {"language": "en-IN"}, utc(2024, 10, 2, 3, 30), ()),
        ("Wed, 02 Oct 2024 09:00:00 IST", {"language": "en-IE"}, utc(2024, 10, 2, 8, 0), ()),
        ("Wed, 02 Oct 2024 09:00:00 XYZ", {}, utc(2024, 10, 2, 9, 0), (K.UNKNOWN_ZONE, K.NAIVE)),
        ("Wed, 02 Oct 2024 09:00:00 XYZ", {"language": "ko"}, utc(2024, 10, 2, 0, 0), (K.UNKNOWN_ZONE,)),
        ("Wed, 02 Oct 2024 09:00:00", {}, utc(2024, 10, 2, 9, 0), (K.NAIVE,)),
        # ISO 8601 / RFC 3339 / W3CDTF
        ("2024-10-02T09:00:00+09:00", {}, utc(2024, 10, 2, 0, 0), ()),
        ("2024-10-02T09:00:00.123Z", {}, utc(2024, 10, 2, 9, 0), ()),
        ("2024-10-02T09:00Z", {}, utc(2024, 10, 2, 9, 0), ()),
        ("2024-10-02 09:00:00 KST", {}, utc(2024, 10, 2, 0, 0), ()),
        ("2024-10-02 09:00:00", {}, utc(2024, 10, 2, 9, 0), (K.NAIVE,)),
        ("2024-10-02 09:00:00", {"language": "ko"}, utc(2024, 10, 2, 0, 0), ()),
        ("2024-10-02 09:00", {"host": "www.yna.co.kr"}, utc(2024, 10, 2, 0, 0), ()),
        ("2024-10-02 09:00:00", {"language": "ja"}, utc(2024, 10, 2, 0, 0), ()),
        ("2024-10-02", {}, utc(2024, 10, 2), (K.NAIVE,)),
        # Korean forms
        ("2024.10.02", {"language": "ko"}, utc(2024, 10, 1, 15, 0), ()),
        ("2024.10.02", {}, utc(2024, 10, 2), (K.NAIVE,)),
        ("2024. 10. 2.", {"language": "ko"}, utc(2024, 10, 1, 15, 0), ()),
        ("2024.10.02 09:00", {"language": "ko"}, utc(2024, 10, 2, 0, 0), ()),
        ("2024.10.02 09:00:30", {"language": "ko"}, utc(2024, 10, 2, 0, 0, 30), ()),
        ("2024.10.02 09:00 +0900", {}, utc(2024, 10, 2, 0, 0), ()),
        ("2024/10/02 오후 3:05", {"language": "ko"}, utc(2024, 10, 2, 6, 5), ()),
        ("2024.10.02 오전 12:10", {"language": "ko"}, utc(2024, 10, 1, 15, 10), ()),
        ("2024년 10월 2일", {"language": "ko"}, utc(2024, 10, 1, 15, 0), ()),
        ("2024년 10월 2일 09:00", {"language": "ko"}, utc(2024, 10, 2, 0, 0), ()),
        ("2024년 10월 2일 09:00:15", {"language": "ko"}, utc(2024, 10, 2, 0, 0, 15), ()),
        ("2024년 10월 2일 09:00", {}, utc(2024, 10, 2, 9, 0), (K.NAIVE,)),
        ("2024년 10월 2일 (수) 오후 3시 5분", {"language": "ko"}, utc(2024, 10, 2, 6, 5), ()),
        ("2024년 10월 2일 09:00 KST", {}, utc(2024, 10, 2, 0, 0), ()),
        # refused
        ("2024-10-07T09:00:00Z", {}, None, (K.FUTURE,)),
        ("not a date", {}, None, (K.UNPARSED,)),
        ("2024-13-02", {}, None, (K.UNPARSED,)),
    ],
)
def test_parse_date(text: str, context: dict[str, str], instant: datetime | None, kinds: tuple[K, ...]) -> None:
    result = parse_date(text, now=NOW, **context)
    assert result.instant == instant
    assert result.kinds == kinds


def test_a_day_ahead_is_tolerated() -> None:
    assert parse_date("2024-10-06T11:00:00Z", now=NOW).instant == utc(2024, 10, 6, 11, 0)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024.10.02 09:00", "2024-10-02"),
        ("2024년 10월 2일", "2024-10-02"),
        ("posted 2024-10-02T09:00", "2024-10-02"),
        ("Wed, 02 Oct 2024", None),
        ("2024.02.30", None),
    ],
)
def test_text_calendar_date(text: str, expected: str | None) -> None:
    found = text_calendar_date(text)
    assert (found.isoformat() if found else None) == expected


@pytest.mark.parametrize(
    ("text", "reading", "instant", "kinds"),
    [
        # feedparser's reading of `2024.10.02 09:00`
        ("2024.10.02 09:00", utc(2024, 12, 1), None, (K.MISREAD,)),
        ("2024.10.02 09:00", utc(2024, 10, 2, 0, 0), utc(2024, 10, 2, 0, 0), ()),
        ("2024.10.02 25:00", utc(2024, 10, 3, 1, 0), utc(2024, 10, 3, 1, 0), ()),
        ("Wednesday 2 October", utc(2024, 10, 2), utc(2024, 10, 2), ()),
        ("Wednesday 2 October", utc(2025, 10, 2), None, (K.FUTURE,)),
    ],
)
def test_check_parsed(text: str, reading: datetime, instant: datetime | None, kinds: tuple[K, ...]) -> None:
    result = check_parsed(text, reading, now=NOW)
    assert result.instant == instant
    assert result.kinds == kinds


def test_feedparser_reading_is_used_only_when_the_text_is_not_read_here() -> None:
    misread = time.strptime("2024-12-01", "%Y-%m-%d")
    assert parse_date("2024.10.02 09:00", now=NOW, language="ko", parsed=misread).instant == utc(2024, 10, 2)
    result = parse_date("2024.10.02 9시경", now=NOW, parsed=misread)
    assert result.instant is None
    assert result.kinds == (K.MISREAD,)
    greek = time.strptime("2004-07-11 17:00:00", "%Y-%m-%d %H:%M:%S")
    assert parse_date("Κυρ, 11 Ιούλ 2004 17:00 EEST", now=NOW, parsed=greek).instant == utc(2004, 7, 11, 17)


def _struct(text: str) -> time.struct_time:
    return time.strptime(text, "%Y-%m-%dT%H:%M")


@pytest.mark.parametrize(
    ("entry", "instant", "source", "kinds"),
    [
        ({"published": "2024-10-02T09:00Z", "updated": "2024-10-03T09:00Z"}, utc(2024, 10, 2, 9), "published", ()),
        ({"updated": "2024-10-03T09:00Z", "created": "2024-10-01T09:00Z"}, utc(2024, 10, 3, 9), "updated", ()),
        ({"created": "2024-10-01T09:00:00Z"}, utc(2024, 10, 1, 9), "created", ()),  # Atom 0.3, dcterms:created
        ({"published": "garbage", "updated": "2024-10-03T09:00Z"}, utc(2024, 10, 3, 9), "updated", (K.UNPARSED,)),
        ({"published": "2030-01-01T00:00Z", "created": "2024-10-01"}, utc(2024, 10, 1), "created", (K.FUTURE, K.NAIVE)),
        ({"published_parsed": _struct("2024-10-02T09:00")}, utc(2024, 10, 2, 9), "published", ()),
        ({"date_published": "2024-10-02T09:00:00+09:00"}, utc(2024, 10, 2, 0), "date_published", ()),
        ({"date_published": "Wed, 02 Oct 2024 09:00:00 +0900"}, utc(2024, 10, 2, 0), "date_published", ()),
        ({"date_modified": "2024-10-02T09:00:00Z"}, utc(2024, 10, 2, 9), "date_modified", ()),
        ({"date_published": 1727859600}, None, None, ()),
        ({"title": "no date"}, None, None, ()),
        (
            {"published": "2024.10.02 09:00", "published_parsed": _struct("2024-12-01T00:00")},
            utc(2024, 10, 2, 9),
            "published",
            (K.NAIVE,),
        ),
    ],
)
def test_entry_date(
    entry: dict[str, object], instant: datetime | None, source: str | None, kinds: tuple[K, ...]
) -> None:
    result = entry_date(entry, now=NOW)
    assert result.instant == instant
    assert result.source == source
    assert result.kinds == kinds


def test_entry_date_takes_the_feed_language() -> None:
    entry = {"published": "2024.10.02 09:00", "published_parsed": _struct("2024-12-01T00:00")}
    assert entry_date(entry, now=NOW, language="ko") == entry_date(entry, now=NOW, host="www.khan.co.kr")
    assert entry_date(entry, now=NOW, language="ko").instant == utc(2024, 10, 2, 0)


def test_entry_date_korean_feed_through_feedparser() -> None:
    feedparser = pytest.importorskip("feedparser")
    xml = (
        b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0" xmlns:dcterms="http://purl.org/dc/terms/">'
        b"<channel><language>ko</language><item><title>a</title><pubDate>2024.10.02 09:00</pubDate></item>"
        b"<item><title>b</title><pubDate>Wed, 02 Oct 2024 09:00:00 KST</pubDate></item>"
        b"<item><title>c</title><dcterms:created>2024-10-02T09:00:00+09:00</dcterms:created></item>"
        b"</channel></rss>"
    )
    parsed = feedparser.parse(xml)
    language = parsed.feed.get("language")
    results = [entry_date(entry, now=NOW, language=language) for entry in parsed.entries]
    assert [result.instant for result in results] == [utc(2024, 10, 2, 0)] * 3
    assert [result.source for result in results] == ["published", "published", "created"]
