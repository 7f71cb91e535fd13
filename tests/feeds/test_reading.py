"""The parser reads feeds right: dates as the publisher meant them, DOIs as identities, every encoding, and
bounded work per feed. Feeds served over loopback HTTP and fetched as the refresh fetches them."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from bot.digests.feeds.dates import DateProblemKind
from bot.digests.feeds.doi import doi_url_key
from bot.digests.feeds.fetch import fetch_one
from bot.digests.feeds.normalize import url_key
from bot.digests.feeds.parse import MAX_ENTRIES, PIECE, parse_feed

NOW = datetime(2026, 11, 23, 0, 0, tzinfo=UTC)


def rss(items: str, *, language: str = "ko", extra_ns: str = "") -> bytes:
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"{extra_ns}><channel><title>소식</title>'
        f"<link>https://news.example/</link><language>{language}</language>{items}</channel></rss>"
    ).encode()


def served(feed_server, options, path, body, content_type="application/rss+xml"):
    url = feed_server.route(path, body=body, headers={"Content-Type": content_type})
    result = fetch_one(url, options)
    assert result.ok, result.error
    return parse_feed(result.body, content_type=result.content_type, url=result.final_url, now=NOW)


def test_korean_times_are_read_in_korea(feed_server, options):
    feed = served(
        feed_server,
        options,
        "/kr.xml",
        rss(
            "<item><title>KST</title><link>https://news.example/1</link>"
            "<pubDate>Mon, 23 Nov 2026 08:30:00 KST</pubDate></item>"
            "<item><title>점 표기</title><link>https://news.example/2</link><pubDate>2026.11.20 09:00</pubDate></item>"
            "<item><title>한글 표기</title><link>https://news.example/3</link>"
            "<pubDate>2026년 11월 21일 오후 3:05</pubDate></item>"
            "<item><title>zone-less</title><link>https://news.example/4</link>"
            "<pubDate>2026-11-22 10:00:00</pubDate></item>"
        ),
    )
    published = {e.title: e.published_at for e in feed.entries}
    assert published == {
        "KST": datetime(2026, 11, 22, 23, 30, tzinfo=UTC),
        "점 표기": datetime(2026, 11, 20, 0, 0, tzinfo=UTC),  # feedparser alone reads 2026-12-01
        "한글 표기": datetime(2026, 11, 21, 6, 5, tzinfo=UTC),
        "zone-less": datetime(2026, 11, 22, 1, 0, tzinfo=UTC),  # a `ko` feed: Seoul time
    }
    assert all(not e.date_problems for e in feed.entries)
    assert feed.problem is None


def test_a_refused_date_leaves_the_item_undated_and_is_said_in_the_feeds_health(feed_server, options):
    feed = served(
        feed_server,
        options,
        "/future.xml",
        rss(
            "<item><title>from the future</title><link>https://news.example/f</link>"
            "<pubDate>Thu, 01 Jan 2032 09:00:00 +0900</pubDate></item>"
            "<item><title>naive</title><link>https://news.example/n</link><pubDate>2026-11-22 10:00</pubDate></item>",
            language="en",
        ),
    )
    future, naive = feed.entries
    assert future.published_at is None
    assert [p.kind for p in future.date_problems] == [DateProblemKind.FUTURE]
    assert naive.published_at == datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
    assert [p.kind for p in naive.date_problems] == [DateProblemKind.NAIVE]
    assert feed.problem is not None and feed.problem.startswith("dates of 2 item(s): future:")


def test_a_zone_less_calendar_date_is_flagged_but_not_a_problem_of_the_feed(feed_server, options):
    feed = served(
        feed_server,
        options,
        "/days.xml",
        rss("<item><title>a day</title><link>https://news.example/d</link><pubDate>2026-11-20</pubDate></item>",
            language="en"),
    )  # fmt: skip
    (entry,) = feed.entries
    assert entry.published_at == datetime(2026, 11, 20, tzinfo=UTC)
    assert [p.kind for p in entry.date_problems] == [DateProblemKind.NAIVE]
    assert feed.problem is None


def test_dates_are_taken_from_every_element_in_order(feed_server, options):
    atom = (
        b'<?xml version="1.0"?><feed version="0.3" xmlns="http://purl.org/atom/ns#"><title>Old Atom</title>'
        b'<entry><title>created only</title><link rel="alternate" href="https://blog.example/1"/>'
        b"<created>2026-11-20T10:00:00+09:00</created></entry></feed>"
    )
    feed = served(feed_server, options, "/atom03.xml", atom, "application/atom+xml")
    assert feed.entries[0].published_at == datetime(2026, 11, 20, 1, 0, tzinfo=UTC)


def test_json_feed_dates_in_rfc_822_and_ids_that_are_not_strings(feed_server, options):
    document = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "JSON",
        "language": "ko",
        "items": [
            {"id": {"x": 1}, "url": "https://json.example/1", "title": "object id",
             "date_published": "Mon, 23 Nov 2026 08:30:00 +0900"},
            {"id": 42, "url": "https://json.example/2", "title": "number id", "date_published": "2026.11.20"},
        ],
    }  # fmt: skip
    body = json.dumps(document).encode()
    feed = served(feed_server, options, "/feed.json", body, "application/feed+json")
    first, second = feed.entries
    assert first.key == "https://json.example/1"  # not "{'x': 1}"
    assert first.published_at == datetime(2026, 11, 22, 23, 30, tzinfo=UTC)
    assert second.key == "42"
    assert second.published_at == datetime(2026, 11, 19, 15, 0, tzinfo=UTC)


def test_a_doi_is_the_identity_of_an_item_whatever_its_link(feed_server, options):
    feed = served(
        feed_server,
        options,
        "/journal.xml",
        rss(
            "<item><title>prism</title><link>https://www.science.org/content/article/ions</link>"
            "<prism:doi>10.1126/science.ADQ1234</prism:doi></item>"
            "<item><title>publisher link</title><link>https://www.science.org/doi/abs/10.1126/science.adq1234</link>"
            "</item>"
            "<item><title>arXiv</title><link>https://arxiv.org/abs/2401.01234v2</link></item>"
            "<item><title>no DOI</title><link>https://news.example/plain</link></item>",
            language="en",
            extra_ns=' xmlns:prism="http://prismstandard.org/namespaces/basic/2.0/"',
        ),
    )
    prism, publisher, arxiv, plain = feed.entries
    assert prism.doi == publisher.doi == "10.1126/science.adq1234"
    assert prism.url_key == publisher.url_key == doi_url_key("10.1126/science.adq1234")
    assert prism.url_key == url_key("https://doi.org/10.1126/science.adq1234")  # what an aggregator links to
    assert arxiv.doi == "10.48550/arxiv.2401.01234" and arxiv.url_key == url_key("https://arxiv.org/abs/2401.01234")
    assert plain.doi is None and plain.url_key == url_key("https://news.example/plain")


def test_utf16le_without_a_bom_is_read(feed_server, options):
    text = rss("<item><title>한국어 제목</title><link>https://news.example/u</link></item>").decode()
    body = text.replace('encoding="utf-8"', 'encoding="utf-16"').encode("utf-16-le")
    assert not body.startswith(b"\xff\xfe")
    feed = served(feed_server, options, "/u16.xml", body, "application/rss+xml")
    assert feed.encoding == "utf-16-le"
    assert [e.title for e in feed.entries] == ["한국어 제목"]


def _many(count: int) -> bytes:
    items = "".join(
        f"<item><title>Item {n}</title><link>https://news.example/{n}</link>"
        f"<description><![CDATA[<p>text of {n} &amp; </item> inside CDATA</p>]]></description></item>"
        for n in range(count)
    )
    return rss(items, language="en")


def test_a_large_feed_is_read_up_to_the_item_cap_and_says_so(feed_server, options):
    feed = served(feed_server, options, "/big.xml", _many(1000))
    assert len(feed.entries) == MAX_ENTRIES
    assert [e.title for e in feed.entries[:2]] == ["Item 0", "Item 1"]
    assert feed.entries[-1].title == f"Item {MAX_ENTRIES - 1}"
    assert feed.entries[0].summary == "text of 0 & inside CDATA"  # the </item> in CDATA was no cut
    assert feed.listed == 1000
    assert feed.stopped == f"stopped at the {MAX_ENTRIES}-item cap (1000 items in the feed)"
    assert feed.problem == feed.stopped


def test_a_feed_within_the_cap_is_read_whole_and_nothing_is_said(feed_server, options):
    feed = served(feed_server, options, "/mid.xml", _many(250))
    assert len(feed.entries) == 250 and feed.stopped is None and feed.problem is None


def test_reading_stops_when_the_cpu_budget_is_spent():
    feed = parse_feed(_many(1000), url="https://news.example/feed", now=NOW, cpu_budget=0.0)
    assert len(feed.entries) == PIECE  # the first piece is always read
    assert feed.stopped == f"stopped after 0 s of CPU ({PIECE} of 1000 items read)"
