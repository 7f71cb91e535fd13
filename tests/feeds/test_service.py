"""The feed service on the real database (SQLite, or PostgreSQL with CLUBBOT_TEST_DATABASE_URL) and real HTTP."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from email.utils import format_datetime

import pytest
from sqlalchemy import func, select

from bot.digests import store as service
from bot.digests.feeds.catalog import load_catalog
from bot.digests.feeds.errors import FeedErrorKind
from bot.digests.feeds.types import FetchOptions
from bot.domain import FeedStatus, FieldKey, OutputType
from storage.models import Club, ClubFeed, Digest, DigestEntry, Feed, FeedItem, Output, Participant, SharedItem

NOW = datetime(2026, 11, 23, 0, 0, tzinfo=UTC)


def rss(title: str, items: list[dict[str, str]]) -> bytes:
    parts = [f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{title}</title>']
    for item in items:
        guid = f'<guid isPermaLink="false">{item["guid"]}</guid>' if "guid" in item else ""
        date_ = f"<pubDate>{item['date']}</pubDate>" if "date" in item else ""
        parts.append(
            f"<item><title>{item['title']}</title><link>{item['link']}</link>{guid}{date_}"
            f"<description>{item.get('summary', '')}</description></item>"
        )
    parts.append("</channel></rss>")
    return "".join(parts).encode()


def day(days_ago: float) -> str:
    return format_datetime(NOW - timedelta(days=days_ago), usegmt=True)


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


def make_club(database, name, field=FieldKey.QUANTUM):
    with database.session() as session:
        club = Club(name=name, field=field)
        session.add(club)
        session.flush()
        return club.id


def follow(database, club_id, url, title=None):
    with database.session() as session:
        feed = session.scalar(select(Feed).where(Feed.url == url))
        if feed is None:
            feed = Feed(url=url, title=title)
            session.add(feed)
            session.flush()
        session.add(ClubFeed(club_id=club_id, feed_id=feed.id))
        session.flush()
        return feed.id


def feed_row(database, feed_id):
    with database.session() as session:
        return session.get(Feed, feed_id)


# --- subscriptions -------------------------------------------------------------------------------------


def test_subscribing_a_club_to_its_field_catalog_is_idempotent_and_shares_feed_rows(database, club):
    with database.session() as session:
        views = service.subscribe_catalog(session, club)
        again = service.subscribe_catalog(session, club)
    expected = {f.url for f in load_catalog()[FieldKey.QUANTUM]}
    assert {v.url for v in views} == expected and len(again) == len(views)
    assert all(v.is_catalog and v.status is FeedStatus.OK for v in views)
    other = make_club(database, "quantum-2")
    with database.session() as session:
        service.subscribe_catalog(session, other)
        assert session.scalar(select(func.count()).select_from(Feed)) == len(expected)
        assert session.scalar(select(func.count()).select_from(ClubFeed)) == 2 * len(expected)


def test_adding_a_feed_checks_it_first_and_stores_its_items(database, club, feed_server, fetcher):
    url = feed_server.url("/samples/pet_atom.xml")
    added = service.add_feed(database, club, url, fetcher=fetcher, now=NOW, added_by="U1", keywords="dogs")
    assert added.ok and not added.already and added.feed.title == "Pet Secret Shopper"
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(FeedItem)) == 10
        views = service.list_feeds(session, club)
        assert [(v.url, v.keywords) for v in views] == [(url, "dogs")]
    again = service.add_feed(database, club, url, fetcher=fetcher, now=NOW)
    assert again.ok and again.already
    assert feed_server.hits["/samples/pet_atom.xml"] == 1  # a feed already read is not fetched again


def test_adding_a_web_page_follows_the_feed_it_advertises(database, club, feed_server, fetcher):
    added = service.add_feed(database, club, feed_server.url("/html"), fetcher=fetcher, now=NOW)
    assert added.ok and added.feed.url == feed_server.url("/samples/pet_atom.xml")


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("/status/404", FeedErrorKind.HTTP_STATUS),
        ("/plain-page", FeedErrorKind.NOT_A_FEED),
        ("/binary", FeedErrorKind.NOT_A_FEED),
        ("/slow-headers?delay=10", FeedErrorKind.TIMEOUT),
    ],
)
def test_adding_a_feed_is_refused_with_a_reason(database, club, feed_server, fetcher, path, kind):
    feed_server.route(
        "/plain-page", body=b"<html><body>No feed here</body></html>", headers={"Content-Type": "text/html"}
    )
    added = service.add_feed(database, club, feed_server.url(path), fetcher=fetcher, now=NOW)
    assert not added.ok and added.error.kind is kind
    assert added.error.describe("en") and added.error.describe("ko")
    with database.session() as session:
        assert service.list_feeds(session, club) == []


def test_adding_a_private_address_is_refused_when_private_feeds_are_not_allowed(database, club):
    added = service.add_feed(
        database,
        club,
        "http://169.254.169.254/latest/meta-data/",
        fetcher=service.http_fetcher(FetchOptions()),
        now=NOW,
    )
    assert added.error.kind is FeedErrorKind.BLOCKED_ADDRESS
    assert "169.254.169.254" not in added.error.describe("en")  # the reason is for people, not a leak


def test_removing_a_feed_unsubscribes_only_that_club(database, club, feed_server):
    other = make_club(database, "other")
    url = feed_server.url("/samples/SamRuby.xml")
    feed_id = follow(database, club, url)
    follow(database, other, url)
    with database.session() as session:
        assert service.remove_feed(session, club, feed_id) is True
        assert service.remove_feed(session, club, feed_id) is False
        assert service.list_feeds(session, club) == [] and len(service.list_feeds(session, other)) == 1


# --- refresh --------------------------------------------------------------------------------------------


def test_refresh_stores_new_items_once_and_a_second_refresh_costs_one_conditional_request_per_feed(
    database, club, feed_server, fetcher
):
    paths = ["/samples/AmazonWebServicesBlog.xml", "/samples/json_feed.json", "/samples/euckr-undeclared.xml"]
    other = make_club(database, "second-club")
    for path in paths:
        follow(database, club, feed_server.url(path))
        follow(database, other, feed_server.url(path))  # two clubs, still one fetch per feed
    first = service.refresh_feeds(database, fetcher, NOW)
    assert first.counts == {"updated": 3} and first.new_items == 10 + 20 + 1
    assert all(feed_server.hits[p] == 1 for p in paths)
    with database.session() as session:
        korean = session.scalar(select(FeedItem).where(FeedItem.title.like("%한글닉네임%")))
        assert korean.title == "EUC-KR 에서 TypeKey 한글닉네임 표시하기"
        assert korean.first_seen_at == NOW and korean.published_at is None

    second = service.refresh_feeds(database, fetcher, NOW + timedelta(hours=1))
    assert second.counts == {"not_modified": 3} and second.new_items == 0
    assert all(feed_server.hits[p] == 2 and feed_server.conditional_requests(p) == 1 for p in paths)
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(FeedItem)) == 31


def test_refresh_adds_only_entries_it_has_not_seen(database, club, feed_server, fetcher):
    url = feed_server.route(
        "/lab.xml", body=rss("Lab", [{"title": "First qubit result", "link": "https://lab.example/1"}])
    )
    follow(database, club, url)
    service.refresh_feeds(database, fetcher, NOW)
    feed_server.route(
        "/lab.xml",
        body=rss(
            "Lab",
            [
                {"title": "Second qubit result", "link": "https://lab.example/2"},
                {"title": "First qubit result", "link": "https://lab.example/1"},
            ],
        ),
    )
    report = service.refresh_feeds(database, fetcher, NOW + timedelta(hours=1))
    assert report.new_items == 1


def test_a_bozo_feed_is_used_and_its_problem_recorded(database, club, feed_server, fetcher):
    feed_id = follow(database, club, feed_server.url("/samples/InvalidDateFormat.xml"))
    report = service.refresh_feeds(database, fetcher, NOW)
    assert report.new_items == 2 and "SAXParseException" in report.outcomes[0].problem
    assert "SAXParseException" in feed_row(database, feed_id).last_problem


def test_a_permanent_redirect_moves_the_stored_url(database, club, feed_server, fetcher):
    target = feed_server.url("/samples/HuffPostCanada.xml")
    feed_id = follow(database, club, feed_server.url(f"/redirect/301?to={target}"))
    report = service.refresh_feeds(database, fetcher, NOW)
    assert report.outcomes[0].moved_to == target and feed_row(database, feed_id).url == target
    temporary = follow(database, club, feed_server.url(f"/redirect/302?to={feed_server.url('/samples/SamRuby.xml')}"))
    service.refresh_feeds(database, fetcher, NOW, feed_ids=[temporary])
    assert feed_row(database, temporary).url.endswith("/redirect/302?to=" + feed_server.url("/samples/SamRuby.xml"))


def test_failures_make_a_feed_unhealthy_and_it_is_reported_once(database, club, feed_server, fetcher):
    feed_server.route("/flaky.xml", status=500, body=b"oops")
    feed_id = follow(database, club, feed_server.url("/flaky.xml"), title="Flaky lab news")
    for attempt in range(1, 5):
        report = service.refresh_feeds(database, fetcher, NOW + timedelta(hours=attempt))
        assert report.counts == {"failed": 1} and report.notices == ()
    assert feed_row(database, feed_id).status == FeedStatus.OK and feed_row(database, feed_id).consecutive_failures == 4

    fifth = service.refresh_feeds(database, fetcher, NOW + timedelta(hours=5))
    (notice,) = fifth.notices
    assert notice.feed_id == feed_id and notice.status is FeedStatus.UNHEALTHY and notice.club_ids == (club,)
    assert notice.error.kind is FeedErrorKind.HTTP_STATUS and notice.error.status == 500
    assert "500" in notice.error.describe("ko")
    with database.session() as session:
        service.acknowledge_notices(session, [feed_id], NOW + timedelta(hours=5))
    assert service.refresh_feeds(database, fetcher, NOW + timedelta(hours=6)).notices == ()  # told once

    feed_server.route("/flaky.xml", body=rss("Flaky", [{"title": "Back again", "link": "https://lab.example/b"}]))
    recovered = service.refresh_feeds(database, fetcher, NOW + timedelta(hours=7))
    row = feed_row(database, feed_id)
    assert recovered.counts == {"updated": 1} and row.status == FeedStatus.OK
    assert row.consecutive_failures == 0 and row.unhealthy_notified_at is None and row.last_error is None


def test_410_gone_disables_a_feed_which_is_then_no_longer_fetched(database, club, feed_server, fetcher):
    feed_id = follow(database, club, feed_server.url("/status/410"))
    report = service.refresh_feeds(database, fetcher, NOW)
    assert report.counts == {"disabled": 1} and report.notices[0].status is FeedStatus.DISABLED
    assert feed_row(database, feed_id).status == FeedStatus.DISABLED
    assert service.refresh_feeds(database, fetcher, NOW + timedelta(hours=1)).outcomes == ()
    assert feed_server.hits["/status/410"] == 1


def test_one_failing_feed_does_not_stop_the_others(database, club, feed_server, fetcher):
    good = follow(database, club, feed_server.url("/samples/pet_atom.xml"))
    bad = [follow(database, club, feed_server.url(p)) for p in ("/status/500", "/huge?mb=50", "/billion-laughs")]
    report = service.refresh_feeds(database, fetcher, NOW)
    by_feed = {o.feed_id: o for o in report.outcomes}
    assert by_feed[good].outcome == "updated" and by_feed[good].new_items == 10
    assert [by_feed[f].error.kind for f in bad] == [
        FeedErrorKind.HTTP_STATUS,
        FeedErrorKind.TOO_LARGE,
        FeedErrorKind.UNSAFE_XML,
    ]


# --- digests ----------------------------------------------------------------------------------------------


PAPER = "Logical qubits with trapped ion error correction below threshold"


def test_the_same_paper_from_two_feeds_is_posted_once_and_never_again(database, club, feed_server, fetcher):
    a = feed_server.route(
        "/a.xml",
        body=rss(
            "Journal A",
            [
                {
                    "title": PAPER,
                    "link": "https://www.nature.com/articles/s41586-026-1?utm_source=rss",
                    "guid": "nature-1",
                    "date": day(1),
                    "summary": "&lt;p&gt;A &lt;b&gt;trapped ion&lt;/b&gt; processor &amp; more&lt;/p&gt;",
                },
            ],
        ),
    )
    b = feed_server.route(
        "/b.xml",
        body=rss(
            "Aggregator B",
            [
                {
                    "title": PAPER.upper() + ".",
                    "link": "http://nature.com/articles/s41586-026-1/",
                    "guid": "agg-77",
                    "date": day(1),
                },
            ],
        ),
    )
    follow(database, club, a, "Journal A")
    follow(database, club, b, "Aggregator B")
    service.refresh_feeds(database, fetcher, NOW)
    with database.session() as session:
        draft = service.draft_digest(session, club, NOW)
    assert [i.title for i in draft.items].count(PAPER) + [i.title for i in draft.items].count(PAPER.upper() + ".") == 1
    (item,) = draft.items
    assert item.summary == "A trapped ion processor &amp; more"  # plain text, escaped for Slack
    assert "keyword: trapped ion (title)" in item.reasons and item.source in {"Journal A", "Aggregator B"}
    with database.session() as session:
        assert service.record_digest(session, club, "2026-W48", draft).created

    # a week later a third feed carries the same paper with a new id and link: still not posted again
    c = feed_server.route(
        "/c.xml",
        body=rss(
            "Preprints C",
            [
                {"title": PAPER, "link": "https://preprints.example/p/9", "guid": "pp-9", "date": day(-6)},
                {
                    "title": "Quantum sensing with nitrogen-vacancy centres",
                    "link": "https://preprints.example/p/10",
                    "date": day(-6),
                },
            ],
        ),
    )
    follow(database, club, c, "Preprints C")
    later = NOW + timedelta(days=7)
    service.refresh_feeds(database, fetcher, later)
    with database.session() as session:
        next_draft = service.draft_digest(session, club, later)
    assert [i.title for i in next_draft.items] == ["Quantum sensing with nitrogen-vacancy centres"]


def test_shared_items_come_first_with_the_sharers_name(database, club, feed_server, fetcher):
    url = feed_server.route(
        "/q.xml",
        body=rss(
            "Q",
            [
                {"title": f"Quantum result number {i}", "link": f"https://q.example/{i}", "date": day(i / 10)}
                for i in range(12)
            ],
        ),
    )
    follow(database, club, url, "Q")
    service.refresh_feeds(database, fetcher, NOW)
    with database.session() as session:
        jiwoo = Participant(name_ko="김지우", name_en="Jiwoo Kim")
        alice = Participant(name_en="Alice <Martin>")
        session.add_all([jiwoo, alice])
        session.flush()
        session.add(
            SharedItem(
                club_id=club,
                shared_by_id=jiwoo.id,
                url="https://example.org/ours",
                title="우리 팀 논문",
                note="꼭 읽어 보세요",
                created_at=NOW - timedelta(days=2),
            )
        )
        session.add(
            SharedItem(
                club_id=club,
                shared_by_id=alice.id,
                url="https://example.org/cooking",
                title="A recipe, off-topic but shared",
                created_at=NOW - timedelta(days=1),
            )
        )
        session.flush()
        draft = service.draft_digest(session, club, NOW, max_items=5)
    assert [(i.title, i.sharer) for i in draft.items[:2]] == [
        ("우리 팀 논문", "김지우"),  # the club reads Korean
        ("A recipe, off-topic but shared", "Alice &lt;Martin&gt;"),
    ]
    assert draft.items[0].summary == "꼭 읽어 보세요" and draft.items[0].reasons == ("shared",)
    assert len(draft.items) == 5 and all(i.sharer is None and i.feed_item_id for i in draft.items[2:])

    with database.session() as session:
        recorded = service.record_digest(session, club, "2026-W48", draft)
        assert (
            session.scalar(
                select(func.count()).select_from(SharedItem).where(SharedItem.digest_id == recorded.digest_id)
            )
            == 2
        )
        following = service.draft_digest(session, club, NOW + timedelta(days=1), max_items=5)
    assert all(i.sharer is None for i in following.items)  # shared items are used once


def test_off_topic_items_are_not_posted_just_to_fill_the_digest(database, club, feed_server, fetcher):
    follow(database, club, feed_server.url("/samples/pet_atom.xml"))  # a pet shop's blog
    follow(database, club, feed_server.url("/samples/TechCrunch.xml"))
    service.refresh_feeds(database, fetcher, NOW)
    with database.session() as session:
        session.execute(FeedItem.__table__.update().values(published_at=None))  # make them all recent
        draft = service.draft_digest(session, club, NOW)
    assert draft.is_empty


def test_the_clubs_outputs_make_their_topics_relevant(database, club, feed_server, fetcher):
    url = feed_server.route(
        "/m.xml",
        body=rss(
            "M",
            [
                {"title": "Heavy-hex lattice codes outperform", "link": "https://m.example/1", "date": day(1)},
            ],
        ),
    )
    follow(database, club, url)
    service.refresh_feeds(database, fetcher, NOW)
    with database.session() as session:
        assert service.draft_digest(session, club, NOW).is_empty
        person = Participant(name_en="Filer")
        session.add(person)
        session.flush()
        session.add(
            Output(
                club_id=club,
                filed_by_id=person.id,
                type=OutputType.PAPER,
                title="Decoding heavy-hex lattice codes",
                status="published",
                occurred_on=date(2026, 10, 1),
            )
        )
        session.flush()
        draft = service.draft_digest(session, club, NOW)
    assert [i.title for i in draft.items] == ["Heavy-hex lattice codes outperform"]
    assert any(r.startswith("output:") for r in draft.items[0].reasons)


def test_old_backlog_of_a_new_feed_is_not_posted(database, club, feed_server, fetcher):
    url = feed_server.route(
        "/old.xml",
        body=rss(
            "Old",
            [
                {"title": "Quantum result from long ago", "link": "https://o.example/1", "date": day(400)},
                {"title": "Quantum result from this week", "link": "https://o.example/2", "date": day(2)},
            ],
        ),
    )
    follow(database, club, url)
    service.refresh_feeds(database, fetcher, NOW)
    with database.session() as session:
        draft = service.draft_digest(session, club, NOW)
    assert [i.title for i in draft.items] == ["Quantum result from this week"]


def test_record_digest_is_idempotent_per_period(database, club, feed_server, fetcher):
    url = feed_server.route(
        "/r.xml", body=rss("R", [{"title": "A quantum item", "link": "https://r.example/1", "date": day(1)}])
    )
    follow(database, club, url)
    service.refresh_feeds(database, fetcher, NOW)
    with database.session() as session:
        draft = service.draft_digest(session, club, NOW)
        first = service.record_digest(session, club, "2026-W48", draft)
        second = service.record_digest(session, club, "2026-W48", replace(draft, items=()))
    assert first.created and not second.created and second.digest_id == first.digest_id and second.item_count == 1
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(Digest)) == 1
        assert session.scalar(select(func.count()).select_from(DigestEntry)) == 1


# --- politeness, health history, retention -----------------------------------------------------------------


def test_a_feed_that_asks_to_retry_later_is_not_fetched_again_before_then(database, club, feed_server, fetcher):
    url = feed_server.url("/retry/429?after=7200")
    feed_id = follow(database, club, url)
    report = service.refresh_feeds(database, fetcher, NOW)
    assert report.outcomes[0].error.status == 429
    assert feed_row(database, feed_id).retry_not_before == NOW + timedelta(hours=2)

    assert service.refresh_feeds(database, fetcher, NOW + timedelta(hours=1)).outcomes == ()  # not asked again
    assert feed_server.hits["/retry/429"] == 1
    later = service.refresh_feeds(database, fetcher, NOW + timedelta(hours=2))
    assert [o.feed_id for o in later.outcomes] == [feed_id] and feed_server.hits["/retry/429"] == 2


def test_a_feed_remembers_since_when_it_fails_until_it_works_again(database, club, feed_server, fetcher):
    feed_server.route("/wobbly.xml", status=503, body=b"down")
    feed_id = follow(database, club, feed_server.url("/wobbly.xml"))
    service.refresh_feeds(database, fetcher, NOW)
    service.refresh_feeds(database, fetcher, NOW + timedelta(hours=1))
    with database.session() as session:
        (view,) = service.list_feeds(session, club)
    assert view.failing_since == NOW and view.consecutive_failures == 2 and view.retry_not_before is None
    feed_server.route("/wobbly.xml", body=rss("W", [{"title": "Up", "link": "https://w.example/1"}]))
    service.refresh_feeds(database, fetcher, NOW + timedelta(hours=2))
    assert feed_row(database, feed_id).failing_since is None


def test_old_items_nobody_posted_are_pruned_once_their_feed_stops_listing_them(database, club, feed_server, fetcher):
    items = [{"title": f"Quantum item {i}", "link": f"https://p.example/{i}", "guid": f"p-{i}"} for i in range(4)]
    url = feed_server.route("/p.xml", body=rss("P", items))
    follow(database, club, url)
    service.refresh_feeds(database, fetcher, NOW)
    with database.session() as session:
        posted = session.scalar(select(FeedItem).where(FeedItem.entry_key == "p-0"))
        service.record_digest(
            session,
            club,
            "2026-W48",
            service.Draft(
                club,
                NOW,
                (
                    service.DraftItem(
                        title=posted.title,
                        url=None,
                        source=None,
                        date=None,
                        summary="",
                        sharer=None,
                        score=1.0,
                        reasons=(),
                        feed_item_id=posted.id,
                        entry_key=posted.entry_key,
                        title_key=posted.title_key,
                    ),
                ),
            ),
        )
    # 100 days later the feed lists only items 2 and 3: item 1 goes, item 0 stays (it was posted)
    feed_server.route("/p.xml", body=rss("P", items[2:]))
    service.refresh_feeds(database, fetcher, NOW + timedelta(days=100))
    with database.session() as session:
        keys = set(session.scalars(select(FeedItem.entry_key)))
    assert keys == {"p-0", "p-2", "p-3"}


def test_items_of_feeds_no_club_reads_any_more_are_pruned_after_the_retention(database, club, feed_server, fetcher):
    kept = follow(database, club, feed_server.url("/samples/pet_atom.xml"))
    dropped = follow(database, club, feed_server.url("/samples/SamRuby.xml"))
    service.refresh_feeds(database, fetcher, NOW)
    with database.session() as session:
        service.remove_feed(session, club, dropped)
        assert service.prune_feed_items(session, NOW + timedelta(days=89)) == 0
        assert service.prune_feed_items(session, NOW + timedelta(days=91)) > 0
        remaining = set(session.scalars(select(FeedItem.feed_id)))
    assert remaining == {kept}  # the followed feed's items are still listed by it, so they stay


def test_adding_a_feed_holds_no_database_connection_while_fetching(database, club, feed_server, fetcher):
    checked_out_during_fetch = []

    def watching(requests):
        checked_out_during_fetch.append(database.engine.pool.checkedout())
        return fetcher(requests)

    added = service.add_feed(database, club, feed_server.url("/samples/pet_atom.xml"), fetcher=watching, now=NOW)
    assert added.ok and checked_out_during_fetch == [0]


def test_refreshing_holds_no_database_connection_while_fetching(database, club, feed_server, fetcher):
    follow(database, club, feed_server.url("/samples/pet_atom.xml"))
    checked_out_during_fetch = []

    def watching(requests):
        checked_out_during_fetch.append(database.engine.pool.checkedout())
        return fetcher(requests)

    assert service.refresh_feeds(database, watching, NOW).new_items == 10
    assert checked_out_during_fetch == [0]


def test_a_notice_is_acknowledged_by_only_one_of_two_racing_refreshes(database, club, feed_server, fetcher):
    feed_id = follow(database, club, feed_server.url("/status/410"))
    first = service.refresh_feeds(database, fetcher, NOW)
    assert [n.feed_id for n in first.notices] == [feed_id]
    with database.session() as session:
        assert service.acknowledge_notices(session, [feed_id], NOW) == [feed_id]
    with database.session() as session:
        assert service.acknowledge_notices(session, [feed_id], NOW) == []  # the other one tells nobody


def test_a_feed_whose_items_cannot_be_stored_loses_nothing_of_the_others(
    database, club, feed_server, fetcher, monkeypatch
):
    good = follow(database, club, feed_server.url("/samples/pet_atom.xml"))
    bad = follow(database, club, feed_server.url("/samples/SamRuby.xml"))
    original = service._store_entries

    def breaks_on_one_feed(session, feed_id, *args, **kwargs):
        if feed_id == bad:
            raise ValueError("a value the database refuses")
        return original(session, feed_id, *args, **kwargs)

    monkeypatch.setattr(service, "_store_entries", breaks_on_one_feed)
    report = service.refresh_feeds(database, fetcher, NOW)
    by_feed = {o.feed_id: o for o in report.outcomes}
    assert by_feed[good].outcome == "updated" and by_feed[good].new_items == 10
    assert by_feed[bad].outcome == "failed" and "refuses" in by_feed[bad].error.detail
    with database.session() as session:
        assert {i.feed_id for i in session.scalars(select(FeedItem))} == {good}
        assert session.get(Feed, good).last_success_at == NOW and session.get(Feed, bad).last_success_at is None
