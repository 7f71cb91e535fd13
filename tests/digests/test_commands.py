"""The digest's `/club` commands end to end: over HTTP through the Slack stand-in, feeds served on loopback."""

from __future__ import annotations

import socket
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.digests import service as digest_service
from bot.digests.feeds.catalog import load_catalog
from bot.domain import ClubRole, FeedStatus, FieldKey
from storage.models import AuditEntry, Club, ClubFeed, Digest, Feed, Membership, SharedItem, utcnow
from tests.digests.conftest import QUANTUM_ITEMS, answer, rss
from tests.factories import make_club, participant
from tests.support import seen_by_user


@pytest.fixture
def club(slack):
    return make_club(slack, leaders=1, members=2, locale="en-US")


def follow(slack, club, url, **values):
    with slack.db.session() as session:
        feed = Feed(url=url, **values)
        session.add(feed)
        session.flush()
        session.add(ClubFeed(club_id=club.ref.id, feed_id=feed.id))
        session.flush()
        return feed.id


def club_feed_urls(slack, club):
    with slack.db.session() as session:
        return {v.url for v in digest_service.club_feeds(session, club.ref.id)}


# --- /club feeds ---------------------------------------------------------------------------------------------


def test_a_new_club_follows_its_fields_catalog_and_any_member_sees_the_list(slack, club):
    with slack.db.session() as session:
        first = digest_service.subscribe_new_club(session, club.ref.id)
        again = digest_service.subscribe_new_club(session, club.ref.id)  # a retried provisioning: no duplicates
    catalog = load_catalog()[FieldKey.QUANTUM]
    assert first == again == len(catalog)
    reply = seen_by_user(slack.command(club.members[0], club.channel, "feeds"))
    assert "News feeds of Quantum Hardware Club" in reply
    for entry in catalog:
        assert entry.title in reply
    assert reply.count("catalog") == len(catalog) and reply.count("not read yet") == len(catalog)


def test_the_feed_list_shows_each_feeds_health(slack, club):
    now = utcnow()
    follow(slack, club, "https://ok.example/rss", title="Working feed", last_success_at=now - timedelta(hours=1),
           last_fetched_at=now - timedelta(hours=1))  # fmt: skip
    follow(slack, club, "https://bad.example/rss", title="Broken feed", status=FeedStatus.UNHEALTHY,
           consecutive_failures=6, failing_since=now - timedelta(days=3), last_error="http_status: 500 Internal",
           last_success_at=now - timedelta(days=3, hours=1))  # fmt: skip
    follow(slack, club, "https://gone.example/rss", title="Gone feed", status=FeedStatus.DISABLED,
           last_error="http_status: 410 Gone")  # fmt: skip
    follow(slack, club, "https://busy.example/rss", title="Busy feed", consecutive_failures=1,
           failing_since=now - timedelta(hours=1), retry_not_before=now + timedelta(hours=2),
           last_error="http_status: 429 Too Many Requests")  # fmt: skip
    reply = seen_by_user(slack.command(club.members[1], club.channel, "feeds"))
    lines = reply.splitlines()

    def about(title):
        index = next(i for i, line in enumerate(lines) if title in line)
        return "\n".join(lines[index : index + 3])

    assert "working" in about("Working feed") and "last read successfully" in about("Working feed")
    assert "failing since" in about("Broken feed") and "6 attempts in a row" in about("Broken feed")
    assert "HTTP 500" in about("Broken feed") and "last read successfully" in about("Broken feed")
    assert "stopped" in about("Gone feed") and "HTTP 410" in about("Gone feed")
    assert "HTTP 429" in about("Busy feed") and "next try after" in about("Busy feed")
    order = [next(i for i, line in enumerate(lines) if title in line) for title in
             ("Working feed", "Broken feed", "Gone feed", "Busy feed")]  # fmt: skip
    assert order == sorted(order)  # by number (#1, #2, ...), the number `feeds remove` takes


def test_a_club_without_feeds_is_told_how_to_add_one(slack, club):
    reply = seen_by_user(slack.command(club.members[0], club.channel, "feeds"))
    assert "follows no news feeds yet" in reply and "/club feeds add URL" in reply


def test_feeds_with_extra_words_points_to_add_and_remove(slack, club):
    reply = seen_by_user(slack.command(club.members[0], club.channel, "feeds ad"))
    assert "`/club feeds` takes nothing after it" in reply and "/club feeds add URL" in reply


def test_someone_outside_the_club_cannot_list_its_feeds(slack, club):
    outsider = slack.person("outsider")
    reply = seen_by_user(slack.command(outsider, club.channel, "feeds"))
    assert "only a member of the club may do this" in reply


# --- /club feeds add ---------------------------------------------------------------------------------------------


def test_a_leader_adds_a_feed_which_is_read_once_first(slack, club, feed_server):
    url = feed_server.url("/samples/pet_atom.xml")
    delivery = slack.command(club.leaders[0], club.channel, f"feeds add {url} keywords:dog food, 사료")
    assert delivery.acked_in_time and "to check that it is a feed" in seen_by_user(delivery)
    reply = answer(delivery)
    assert "Added *Pet Secret Shopper*" in reply and "keywords: dog food, 사료" in reply
    assert feed_server.hits["/samples/pet_atom.xml"] == 1
    assert url in club_feed_urls(slack, club)
    listing = seen_by_user(slack.command(club.members[0], club.channel, "feeds"))
    assert "Pet Secret Shopper" in listing and "working" in listing
    with slack.db.session() as session:
        audit = session.scalar(select(AuditEntry).where(AuditEntry.action == "digest.feed_added"))
        assert audit.actor == club.leaders[0] and audit.club_id == club.ref.id

    again = answer(slack.command(club.leaders[0], club.channel, f"feeds add {url}"))
    assert "already follows *Pet Secret Shopper*" in again


def test_a_web_page_is_followed_to_the_feed_it_advertises(slack, club, feed_server):
    reply = answer(slack.command(club.leaders[0], club.channel, f"feeds add {feed_server.url('/html')}"))
    assert "Added *Pet Secret Shopper*" in reply
    assert club_feed_urls(slack, club) == {feed_server.url("/samples/pet_atom.xml")}


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/plain-page", "this is not an RSS, Atom or JSON feed"),
        ("/binary", "this is not an RSS, Atom or JSON feed"),
        ("/status/404", "the site answered with an error (HTTP 404)"),
        ("/billion-laughs", "the feed uses XML features the bot refuses for safety"),
    ],
)
def test_an_address_that_is_not_a_feed_is_refused_with_the_reason(slack, club, feed_server, path, reason):
    feed_server.route("/plain-page", body=b"<html><body>No feed</body></html>", headers={"Content-Type": "text/html"})
    url = feed_server.url(path)
    reply = answer(slack.command(club.leaders[0], club.channel, f"feeds add {url}"))
    assert f"{url} was not added: {reason}" in reply
    assert club_feed_urls(slack, club) == set()


def test_an_address_that_does_not_answer_is_refused(slack, club):
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    reply = answer(slack.command(club.leaders[0], club.channel, f"feeds add http://127.0.0.1:{port}/rss"))
    assert "was not added: the site could not be reached" in reply
    assert club_feed_urls(slack, club) == set()


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:9/feed", "http://169.254.169.254/latest/meta-data/", "http://10.1.2.3/rss"]
)
def test_private_loopback_and_link_local_addresses_are_refused_unless_allowed(slack, club, monkeypatch, url):
    monkeypatch.setattr(slack.runtime, "settings", replace(slack.runtime.settings, allow_private_feeds=False))
    reply = answer(slack.command(club.leaders[0], club.channel, f"feeds add {url}"))
    assert "was not added: this address points to a private or internal network" in reply
    assert club_feed_urls(slack, club) == set()


def test_a_member_cannot_add_a_feed(slack, club, feed_server):
    reply = seen_by_user(
        slack.command(club.members[0], club.channel, f"feeds add {feed_server.url('/samples/SamRuby.xml')}")
    )
    assert "only a leader of the club may do this" in reply
    assert feed_server.hits["/samples/SamRuby.xml"] == 0 and club_feed_urls(slack, club) == set()


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("feeds add", "Give the feed's address"),
        ("feeds add ftp://example.org/feed", "`ftp://example.org/feed` is not a web address"),
        ("feeds add https://example.org/feed trapped ion", "I did not understand `trapped ion`"),
    ],
)
def test_a_malformed_add_names_the_problem_and_the_correct_form(slack, club, text, problem):
    reply = seen_by_user(slack.command(club.leaders[0], club.channel, text))
    assert problem in reply and "/club feeds add URL [keywords:WORDS]" in reply


# --- /club feeds remove ------------------------------------------------------------------------------------------


def test_a_leader_removes_a_feed_by_its_number(slack, club):
    feed_id = follow(slack, club, "https://lab.example/rss", title="Lab news")
    reply = seen_by_user(slack.command(club.leaders[0], club.channel, f"feeds remove {feed_id}"))
    assert f"Removed *Lab news* (`#{feed_id}`)" in reply
    assert club_feed_urls(slack, club) == set()
    again = seen_by_user(slack.command(club.leaders[0], club.channel, f"feeds remove #{feed_id}"))
    assert f"does not follow a feed `#{feed_id}`" in again


def test_a_member_cannot_remove_a_feed(slack, club):
    feed_id = follow(slack, club, "https://lab.example/rss", title="Lab news")
    reply = seen_by_user(slack.command(club.members[0], club.channel, f"feeds remove {feed_id}"))
    assert "only a leader of the club may do this" in reply
    assert club_feed_urls(slack, club) == {"https://lab.example/rss"}


@pytest.mark.parametrize(
    ("text", "problem"),
    [("feeds remove", "Give the number of the feed to remove"), ("feeds remove lab", "`lab` is not a feed number")],
)
def test_a_malformed_remove_names_the_problem(slack, club, text, problem):
    reply = seen_by_user(slack.command(club.leaders[0], club.channel, text))
    assert problem in reply and "/club feeds remove NUMBER" in reply


def test_a_feed_of_another_club_cannot_be_removed_from_here(slack, club):
    other = make_club(slack, "Battery Club", field=FieldKey.SECONDARY_BATTERY, meeting_code="XL-2026-10")
    theirs = follow(slack, other, "https://battery.example/rss", title="Battery news")
    reply = seen_by_user(slack.command(club.leaders[0], club.channel, f"feeds remove {theirs}"))
    assert f"does not follow a feed `#{theirs}`" in reply
    assert club_feed_urls(slack, other) == {"https://battery.example/rss"}


# --- /club keywords -----------------------------------------------------------------------------------------------


def test_a_leader_sets_shows_and_clears_the_clubs_keywords(slack, club):
    leader = club.leaders[0]
    assert "has no keywords yet" in seen_by_user(slack.command(leader, club.channel, "keywords"))
    saved = seen_by_user(slack.command(leader, club.channel, "keywords trapped ion, 양자 오류 정정, Trapped Ion"))
    assert "Keywords of Quantum Hardware Club saved: trapped ion, 양자 오류 정정" in saved
    shown = seen_by_user(slack.command(leader, club.channel, "키워드"))
    assert "*Keywords of Quantum Hardware Club:* trapped ion, 양자 오류 정정" in shown
    with slack.db.session() as session:
        assert session.get(Club, club.ref.id).keywords == "trapped ion, 양자 오류 정정"
    cleared = seen_by_user(slack.command(leader, club.channel, "keywords clear"))
    assert "keywords of Quantum Hardware Club were removed" in cleared
    with slack.db.session() as session:
        assert session.get(Club, club.ref.id).keywords == ""


def test_a_member_cannot_change_the_keywords(slack, club):
    reply = seen_by_user(slack.command(club.members[0], club.channel, "keywords cooking"))
    assert "only a leader of the club may do this" in reply
    with slack.db.session() as session:
        assert session.get(Club, club.ref.id).keywords == ""


def test_too_many_or_too_long_keywords_are_refused(slack, club):
    many = ", ".join(f"term{i}" for i in range(31))
    reply = seen_by_user(slack.command(club.leaders[0], club.channel, f"keywords {many}"))
    assert "At most 30 keywords" in reply and "/club keywords" in reply
    long = "x" * 61
    reply = seen_by_user(slack.command(club.leaders[0], club.channel, f"keywords {long}"))
    assert "under 60 characters" in reply


# --- /club digest settings ----------------------------------------------------------------------------------------


def open_settings(slack, user, channel):
    delivery = slack.command(user, channel, "digest settings")
    assert delivery.acked_in_time
    assert slack.standin.wait_for(lambda: any(v.callback_id == "digest_settings" for v in slack.standin.views(user)))
    return next(v for v in slack.standin.views(user) if v.callback_id == "digest_settings")


def settings(slack, club):
    with slack.db.session() as session:
        c = session.get(Club, club.ref.id)
        return c.digest_weekday, c.digest_hour, c.digest_minute, c.digest_max_items


def test_a_leader_sets_the_digest_day_time_and_length_in_a_form(slack, club):
    leader = club.leaders[0]
    view = open_settings(slack, leader, club.channel)
    assert "(Asia/Seoul)" in str(view.blocks) and "Korean" in str(view.blocks)  # the club's time zone and language
    delivery = slack.standin.submit_view(
        leader,
        view.id,
        {"weekday": {"weekday": "4"}, "time": {"time": "17:30"}, "max_items": {"max_items": "5"}},
    )
    assert delivery.ok and delivery.json["response_action"] == "update"
    saved = str(delivery.json["view"]["blocks"])
    assert "every Friday at 17:30 (Asia/Seoul) with at most 5 items" in saved
    assert settings(slack, club) == (4, 17, 30, 5)


def test_an_out_of_range_length_is_shown_on_its_field_and_nothing_changes(slack, club):
    view = open_settings(slack, club.leaders[0], club.channel)
    delivery = slack.standin.submit_view(club.leaders[0], view.id, {"max_items": {"max_items": "25"}})
    assert delivery.json == {"response_action": "errors", "errors": {"max_items": "Choose a number from 1 to 20."}}
    assert settings(slack, club) == (0, 9, 0, 8)


def test_a_member_cannot_open_the_settings(slack, club):
    reply = seen_by_user(slack.command(club.members[0], club.channel, "digest settings"))
    assert "only a leader of the club may do this" in reply
    assert slack.standin.views(club.members[0]) == []


def test_a_leader_who_stepped_down_before_saving_changes_nothing(slack, club):
    leader = club.leaders[0]
    view = open_settings(slack, leader, club.channel)
    with slack.db.session() as session:
        membership = session.scalar(
            select(Membership).where(Membership.participant_id == participant(slack, leader).id)
        )
        membership.role = ClubRole.MEMBER
    delivery = slack.standin.submit_view(leader, view.id, {"max_items": {"max_items": "3"}})
    assert "Sorry, only a leader of the club may do this." in str(delivery.json["view"]["blocks"])
    assert settings(slack, club) == (0, 9, 0, 8)


# --- /club digest now ---------------------------------------------------------------------------------------------


def test_the_preview_goes_only_to_the_leader_and_records_nothing(slack, club, feed_server):
    url = feed_server.route("/q.xml", body=rss("Quantum Journal", QUANTUM_ITEMS))
    follow(slack, club, url, title="Quantum Journal")  # never read yet: the preview reads it first
    delivery = slack.command(club.leaders[0], club.channel, "digest now")
    assert delivery.acked_in_time and delivery.json["response_type"] == "ephemeral"
    reply = answer(delivery)
    assert "Preview, only you see this: 3 items" in reply
    assert "Logical qubits below threshold with trapped ion error correction" in reply
    assert "이번 주 소식" in reply  # the digest itself in the club's language
    responses = delivery.responses
    assert all(r.get("response_type", "ephemeral") == "ephemeral" for r in responses)
    assert [m for m in slack.standin.messages(club.channel) if m.user == slack.standin.bot_user_id] == []
    with slack.db.session() as session:
        assert session.scalar(select(func.count()).select_from(Digest)) == 0


def test_an_empty_preview_says_nothing_would_be_posted(slack, club):
    reply = answer(slack.command(club.leaders[0], club.channel, "digest now"))
    assert "Nothing new and relevant right now" in reply and "(Asia/Seoul)" in reply


def test_a_member_cannot_preview(slack, club):
    assert "only a leader of the club may do this" in seen_by_user(
        slack.command(club.members[0], club.channel, "digest now")
    )


# --- /club share ----------------------------------------------------------------------------------------------------


def test_a_member_shares_a_link_and_its_title_is_read(slack, club, feed_server):
    page = feed_server.route(
        "/paper.html",
        body="<html><head><title>Our paper &amp; more</title></head><body>…</body></html>".encode(),
        headers={"Content-Type": "text/html; charset=utf-8"},
    )
    delivery = slack.command(club.members[0], club.channel, f"share {page} must read for the next meeting")
    reply = seen_by_user(delivery)
    assert "Queued for the next digest of Quantum Hardware Club" in reply and page in reply
    assert slack.standin.wait_for(lambda: feed_server.hits["/paper.html"] == 1)
    with slack.db.session() as session:
        assert slack.standin.wait_for(lambda: session.scalar(select(SharedItem.title)) is not None)
        item = session.scalar(select(SharedItem))
        assert (item.title, item.note, item.url) == ("Our paper & more", "must read for the next meeting", page)
        assert item.shared_by_id == participant(slack, club.members[0]).id


def test_a_page_without_a_title_or_that_does_not_answer_is_shared_with_its_address(slack, club):
    reply = seen_by_user(slack.command(club.members[0], club.channel, "share http://127.0.0.1:9/nothing"))
    assert "Queued" in reply
    with slack.db.session() as session:
        item = session.scalar(select(SharedItem))
        assert item.url == "http://127.0.0.1:9/nothing" and item.title is None


def test_sharing_the_same_link_twice_keeps_it_once(slack, club):
    first = seen_by_user(slack.command(club.members[0], club.channel, "share https://doi.org/10.1/x"))
    second = seen_by_user(slack.command(club.members[1], club.channel, "share https://doi.org/10.1/x/"))
    assert "Queued" in first and "already queued for the next digest" in second and "Quantum-Member0" in second
    with slack.db.session() as session:
        assert session.scalar(select(func.count()).select_from(SharedItem)) == 1


@pytest.mark.parametrize(
    ("text", "problem"),
    [("share", "Give the link to share"), ("share mailto:x@y.org nice", "is not a web address")],
)
def test_a_malformed_share_names_the_problem(slack, club, text, problem):
    reply = seen_by_user(slack.command(club.members[0], club.channel, text))
    assert problem in reply and "/club share URL [NOTE]" in reply


def test_someone_outside_the_club_cannot_share(slack, club):
    outsider = slack.person("outsider")
    reply = seen_by_user(slack.command(outsider, club.channel, "share https://doi.org/10.1/x"))
    assert "only a member of the club may do this" in reply


def test_commands_answer_in_korean_for_a_korean_leader(slack):
    club = make_club(slack, locale="ko-KR")
    reply = seen_by_user(slack.command(club.leaders[0], club.channel, "피드"))
    assert "아직 구독하는 뉴스 피드가 없습니다" in reply
    reply = seen_by_user(slack.command(club.leaders[0], club.channel, "키워드 양자 센서, 초전도"))
    assert "키워드를 저장했습니다: 양자 센서, 초전도" in reply
