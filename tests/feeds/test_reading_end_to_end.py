"""Feeds read right, end to end: served over loopback HTTP, refreshed into the database as the hourly
refresh does, drafted into a club's digest and shown in Slack's Block Kit. Plus `clubbot feeds check`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.digests import store as service
from bot.digests.feeds.doi import doi_url_key
from bot.digests.types import DigestSchedule
from bot.digests.views import digest_post
from bot.domain import FieldKey, Language
from storage.models import Club, ClubFeed, Feed, FeedItem

#: Monday 23 Nov 2026, 09:00 in Seoul: the club's digest time (Mondays 09:00 Asia/Seoul).
NOW = datetime(2026, 11, 23, 0, 0, tzinfo=UTC)
PRISM = ' xmlns:prism="http://prismstandard.org/namespaces/basic/2.0/"'


def rss(title: str, items: str, *, language: str = "ko", namespaces: str = "") -> bytes:
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"{namespaces}><channel><title>{title}</title>'
        f"<link>https://news.example/</link><language>{language}</language>{items}</channel></rss>"
    ).encode()


@pytest.fixture
def fetcher(options):
    return service.http_fetcher(options)


@pytest.fixture
def club(database):
    with database.session() as session:
        club = Club(name="quantum-hw", field=FieldKey.QUANTUM, language="ko", keywords="trapped ion, 오류 정정")
        session.add(club)
        session.flush()
        return club.id


def follow(database, club_id, url, title):
    with database.session() as session:
        feed = Feed(url=url, title=title)
        session.add(feed)
        session.flush()
        session.add(ClubFeed(club_id=club_id, feed_id=feed.id))
        return feed.id


def schedule() -> DigestSchedule:
    return DigestSchedule(1, "quantum-hw", "C1", Language.EN, FieldKey.QUANTUM, "Asia/Seoul", 0, 9, 0, 20)


def test_a_kst_dated_item_is_stored_at_its_instant_and_ranked_in_its_digest_week(database, club, feed_server, fetcher):
    url = feed_server.route(
        "/kr.xml",
        body=rss(
            "한국 뉴스",
            "<item><title>Trapped ion qubits: 오류 정정 below threshold</title><link>https://news.example/kst</link>"
            "<pubDate>Mon, 23 Nov 2026 08:30:00 KST</pubDate></item>"
            # a Korean date form feedparser reads as 2026-12-01: a stale item that must not rank as new
            "<item><title>Trapped ion clocks, an old story</title><link>https://news.example/old</link>"
            "<pubDate>2026.10.20 09:00</pubDate></item>",
        ),
        headers={"Content-Type": "application/rss+xml"},
    )
    feed_id = follow(database, club, url, "한국 뉴스")
    service.refresh_feeds(database, fetcher, NOW)
    with database.session() as session:
        stored = {i.url: i.published_at for i in session.scalars(select(FeedItem).where(FeedItem.feed_id == feed_id))}
        assert session.get(Feed, feed_id).last_problem is None
    kst = stored["https://news.example/kst"].replace(tzinfo=UTC)
    assert kst == datetime(2026, 11, 22, 23, 30, tzinfo=UTC)  # 08:30 in Seoul, not 08:30 UTC
    assert stored["https://news.example/old"].replace(tzinfo=UTC) == datetime(2026, 10, 20, 0, 0, tzinfo=UTC)

    period, slot = schedule().latest_slot(NOW)
    assert (period, slot) == ("2026-W48", NOW)
    assert slot - timedelta(days=7) < kst <= slot  # before this Monday's digest: this week's item
    with database.session() as session:
        draft = service.draft_digest(session, club, slot)
    assert [i.url for i in draft.items] == ["https://news.example/kst"]  # the October item is too old


def test_the_same_paper_from_a_journal_and_a_doi_linked_aggregator_is_posted_once(database, club, feed_server, fetcher):
    journal = feed_server.route(
        "/science.xml",
        body=rss(
            "Science",
            "<item><title>Logical qubits with trapped ion arrays</title>"
            "<link>https://www.science.org/content/article/logical-qubits</link>"
            "<prism:doi>10.1126/science.adq1234</prism:doi>"
            "<pubDate>Sun, 22 Nov 2026 10:00:00 GMT</pubDate></item>",
            language="en",
            namespaces=PRISM,
        ),
    )
    aggregator = feed_server.route(
        "/aggregator.xml",
        body=rss(
            "Physics picks",
            "<item><title>Editors' pick: a trapped ion milestone &lt;&amp;&gt;</title>"
            "<link>https://doi.org/10.1126/SCIENCE.ADQ1234</link>"
            "<pubDate>Sun, 22 Nov 2026 12:00:00 GMT</pubDate></item>",
            language="en",
        ),
    )
    follow(database, club, journal, "Science")
    follow(database, club, aggregator, "Physics picks")
    service.refresh_feeds(database, fetcher, NOW)
    with database.session() as session:
        keys = {i.url_key for i in session.scalars(select(FeedItem))}
        assert keys == {doi_url_key("10.1126/science.adq1234")}
        draft = service.draft_digest(session, club, NOW)
    (item,) = draft.items
    assert item.doi == "10.1126/science.adq1234"
    text = json.dumps(digest_post(schedule(), draft.items, NOW).blocks, ensure_ascii=False)
    assert "<https://doi.org/10.1126/science.adq1234|10.1126/science.adq1234>" in text

    with database.session() as session:
        service.record_digest(session, club, "2026-W48", draft)
    later = NOW + timedelta(days=7)
    again = feed_server.route(
        "/preprints.xml",
        body=rss(
            "Preprints",
            "<item><title>Trapped ion logical qubits (accepted version)</title>"
            "<link>https://www.science.org/doi/full/10.1126/science.adq1234</link></item>",
            language="en",
        ),
    )
    follow(database, club, again, "Preprints")
    service.refresh_feeds(database, fetcher, later)
    with database.session() as session:
        assert service.draft_digest(session, club, later).is_empty  # the same DOI: never posted again


def test_a_utf16le_feed_without_a_bom_is_read_into_the_store(database, club, feed_server, fetcher):
    text = rss("과학", "<item><title>Trapped ion 소식</title><link>https://news.example/u16</link></item>").decode()
    body = text.replace('encoding="utf-8"', 'encoding="utf-16"').encode("utf-16-le")
    url = feed_server.route("/u16.xml", body=body, headers={"Content-Type": "application/rss+xml"})
    feed_id = follow(database, club, url, None)
    report = service.refresh_feeds(database, fetcher, NOW)
    assert [o.outcome for o in report.outcomes] == ["updated"]
    with database.session() as session:
        assert [i.title for i in session.scalars(select(FeedItem).where(FeedItem.feed_id == feed_id))] == [
            "Trapped ion 소식"
        ]


# --- clubbot feeds check ---------------------------------------------------------------------------------


def check(tmp_path, *args, private="1", lang="en"):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "CLUBBOT_", "DATABASE_URL"))}
    env |= {"CLUBBOT_LANGUAGE": lang, "CLUBBOT_ALLOW_PRIVATE_FEEDS": private, "CLUBBOT_TIMEZONE": "Asia/Seoul"}
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "feeds", "check", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )


@pytest.fixture
def checked_feed(feed_server):
    return feed_server.route(
        "/check.xml",
        body=rss(
            "점검",
            "<item><title>Logical qubits</title><link>https://www.science.org/doi/abs/10.1126/science.adq1234</link>"
            "<pubDate>Mon, 23 Nov 2026 08:30:00 KST</pubDate></item>"
            "<item><title>No date, sadly</title><link>https://news.example/x</link><pubDate>soon</pubDate></item>",
        ),
        headers={"Content-Type": "application/rss+xml"},
    )


def test_feeds_check_prints_what_the_bot_reads_one_item_per_line(tmp_path, checked_feed):
    done = check(tmp_path, checked_feed)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "Feed: 점검 (rss20, read as utf-8); items the bot takes: 2"
    assert lines[1].startswith("Problem: dates of 1 item(s): unparsed: 'soon'")
    key = doi_url_key("10.1126/science.adq1234")
    assert lines[2] == (
        "- Logical qubits | link: https://www.science.org/doi/abs/10.1126/science.adq1234"
        f" | published: 2026-11-23T08:30:00+09:00 | DOI: 10.1126/science.adq1234 | key: {key}"
    )
    assert lines[3].startswith("- No date, sadly | link: https://news.example/x | published: - | DOI: - | key: ")
    assert lines[3].endswith("| problems: unparsed: 'soon'")
    korean = check(tmp_path, checked_feed, lang="ko")
    assert korean.stdout.splitlines()[0] == "피드: 점검 (rss20, utf-8(으)로 읽음); 봇이 가져가는 항목 수: 2"


def test_feeds_check_json(tmp_path, checked_feed):
    done = check(tmp_path, checked_feed, "--json")
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert document["feed"]["title"] == "점검" and document["feed"]["encoding"] == "utf-8"
    assert document["feed"]["problems"] == ["dates of 1 item(s): unparsed: 'soon'"]
    first, second = document["items"]
    assert {k: first[k] for k in ("title", "link", "published", "doi", "key")} == {
        "title": "Logical qubits",
        "link": "https://www.science.org/doi/abs/10.1126/science.adq1234",
        "published": "2026-11-23T08:30:00+09:00",
        "doi": "10.1126/science.adq1234",
        "key": doi_url_key("10.1126/science.adq1234"),
    }
    assert second["published"] is None and second["doi"] is None


def test_feeds_check_respects_the_private_address_rule_and_says_why_a_feed_is_unreadable(tmp_path, feed_server):
    url = feed_server.route("/page.html", body=b"<html><body>not a feed</body></html>",
                            headers={"Content-Type": "text/html"})  # fmt: skip
    refused = check(tmp_path, url, private="0")
    assert refused.returncode == 1
    assert "private or internal network" in refused.stderr
    page = check(tmp_path, url)
    assert page.returncode == 1
    assert "this is not an RSS, Atom or JSON feed" in page.stderr
