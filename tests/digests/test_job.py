"""The weekly digest job end to end: run through the clock's `run_due` and the exactly-once claims, posted
through the outbox to the stand-in, with feeds served on loopback."""

from __future__ import annotations

import io
import multiprocessing
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from bot.domain import ClubStatus, FeedStatus, FieldKey, JobRunStatus
from bot.runtime import Runtime
from bot.slack.pacer import Pacer
from bot.standin import FaultPlan
from jobs import digests as digest_job
from jobs import digests as feeds_task
from jobs import runs
from jobs.digests import GRACE
from jobs.inspect import print_schedule, run_by_hand
from storage.db import Database
from storage.models import Club, ClubFeed, Digest, DigestEntry, Feed, JobRun, OutboxMessage, SharedItem
from tests.digests.conftest import QUANTUM_ITEMS, posts, rss, run_digest, slot_just_passed
from tests.factories import make_club
from tests.support import deliver_all as deliver
from tests.support import seen_by_user


@pytest.fixture
def club(slack):
    club = make_club(slack, leaders=2, members=2, locale="en-US")
    slot_just_passed(slack, club.ref.id)
    return club


def follow(slack, club, url, title=None):
    with slack.db.session() as session:
        feed = session.scalar(select(Feed).where(Feed.url == url))
        if feed is None:
            feed = Feed(url=url, title=title)
            session.add(feed)
            session.flush()
        session.add(ClubFeed(club_id=club.ref.id, feed_id=feed.id))
        session.flush()
        return feed.id


def digest_posts(slack, club):
    return [p for p in posts(slack, club.channel) if "이번 주 소식" in p or "news of the week" in p]


def job_runs(slack):
    with slack.db.session() as session:
        return [(r.period, r.scope, r.status) for r in session.scalars(select(JobRun).where(JobRun.job == "digest"))]


def test_the_digest_is_posted_once_per_club_and_week_even_when_run_twice_or_after_a_restart(slack, club, feed_server):
    other = make_club(slack, "Qubit Club", meeting_code="XL-2026-11", language="en")
    slot_just_passed(slack, other.ref.id, minutes_ago=90)
    url = feed_server.route("/q.xml", body=rss("Quantum Journal", QUANTUM_ITEMS))
    follow(slack, club, url, "Quantum Journal")
    follow(slack, other, url)

    assert run_digest(slack) == {"done": 2}  # the feed was never read: it is read right before the digest
    assert run_digest(slack) == {"skipped": 2}  # the same clock again
    restarted = Runtime.from_settings(slack.runtime.settings, pacer=Pacer(scale=0.02))
    try:  # a new process (a restarted clock) finds the week's digests done
        assert run_digest(slack, owner="clock:restarted:2", runtime=restarted) == {"skipped": 2}
    finally:
        restarted.close()
    deliver(slack)

    (ours,) = digest_posts(slack, club)
    (theirs,) = digest_posts(slack, other)
    assert "Quantum Hardware Club 이번 주 소식" in ours  # the club's language
    assert "Qubit Club: news of the week" in theirs
    for text in (ours, theirs):
        assert "Logical qubits below threshold with trapped ion error correction" in text
        assert "(https://journal.example/q/1)" in text and "Quantum Journal" in text
    assert "A trapped-ion processor keeps logical errors low." in ours  # the one-line summary, plain text
    assert feed_server.hits["/q.xml"] == 1  # one fetch for both clubs
    with slack.db.session() as session:
        assert session.scalar(select(func.count()).select_from(Digest)) == 2
        assert {d.outbox_id is not None for d in session.scalars(select(Digest))} == {True}
    assert {status for _, _, status in job_runs(slack)} == {JobRunStatus.DONE}

    # a week later: only what is new since, once more
    feed_server.route(
        "/q.xml",
        body=rss(
            "Quantum Journal",
            [{"title": "Quantum repeaters link two cities", "link": "https://journal.example/q/4"}, *QUANTUM_ITEMS],
        ),
    )
    feeds_task.refresh(slack.runtime)
    next_week = datetime.now(UTC) + timedelta(days=7)
    assert run_digest(slack, at=next_week) == {"done": 2}
    assert run_digest(slack, at=next_week + timedelta(minutes=5)) == {"skipped": 2}
    deliver(slack)
    _, second = digest_posts(slack, club)
    assert "Quantum repeaters link two cities" in second
    assert "Logical qubits" not in second  # never posted twice


def test_a_run_left_half_done_by_a_dead_clock_is_finished_once_by_the_next(slack, club, feed_server):
    follow(slack, club, feed_server.route("/q.xml", body=rss("Q", QUANTUM_ITEMS)), "Q")
    [(period, scope)] = [(d.period, d.scope) for d in digest_job.JOB.due(slack.runtime, datetime.now(UTC))]
    dead = runs.claim(slack.db, "digest", period, scope, owner="clock:old-host:111", take_over_after=timedelta(hours=1))
    assert dead is not None  # it claimed the run and died before committing anything
    assert run_digest(slack, owner="clock:new-host:222") == {"done": 1}
    assert run_digest(slack, owner="clock:new-host:222") == {"skipped": 1}
    deliver(slack)
    assert len(digest_posts(slack, club)) == 1


def test_a_club_with_nothing_new_and_relevant_gets_no_post_but_its_run_is_done(slack, club, feed_server):
    follow(slack, club, feed_server.url("/samples/pet_atom.xml"), "Pet shop")  # off-topic and old
    assert run_digest(slack) == {"done": 1}
    deliver(slack)
    assert digest_posts(slack, club) == []
    assert [status for _, _, status in job_runs(slack)] == [JobRunStatus.DONE]
    with slack.db.session() as session:
        assert session.scalar(select(func.count()).select_from(Digest)) == 0
        assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_a_digest_missed_by_more_than_its_grace_is_skipped_not_posted_late(slack, club, feed_server):
    follow(slack, club, feed_server.route("/q.xml", body=rss("Q", QUANTUM_ITEMS)), "Q")
    slot_just_passed(slack, club.ref.id, minutes_ago=int(GRACE.total_seconds() // 60) + 60)
    assert run_digest(slack) == {"late": 1}
    deliver(slack)
    assert digest_posts(slack, club) == [] and job_runs(slack) == []


def test_a_shared_link_comes_first_in_the_digest_with_the_sharers_name(slack, club, feed_server):
    follow(slack, club, feed_server.route("/q.xml", body=rss("Quantum Journal", QUANTUM_ITEMS)), "Quantum Journal")
    page = feed_server.route(
        "/ours.html",
        body=b"<html><head><title>Our group's new preprint</title></head><body></body></html>",
        headers={"Content-Type": "text/html"},
    )
    member = club.members[1]
    assert "Queued" in seen_by_user(slack.command(member, club.channel, f"share {page} worth discussing on Friday"))
    assert slack.standin.wait_for(lambda: feed_server.hits["/ours.html"] == 1)
    slack.standin.wait_for(lambda: "preprint" in (_shared_title(slack) or ""))

    assert run_digest(slack) == {"done": 1}
    deliver(slack)
    (text,) = digest_posts(slack, club)
    body = text.splitlines()
    first_item = next(i for i, line in enumerate(body) if line.startswith(":star:"))
    assert "Our group's new preprint" in body[first_item] and page in body[first_item]
    assert "Quantum-Member1 님 공유" in body[first_item + 1]  # the sharer, in the club's language
    assert "worth discussing on Friday" in body[first_item + 2]
    assert text.index("Our group's new preprint") < text.index("Logical qubits")


def _shared_title(slack):
    with slack.db.session() as session:
        return session.scalar(select(SharedItem.title))


def test_one_bad_feed_never_stops_the_others_digest(slack, club, feed_server):
    follow(slack, club, feed_server.route("/good.xml", body=rss("Good", QUANTUM_ITEMS)), "Good")
    for path in ("/status/500", "/huge?mb=50", "/billion-laughs", "/binary"):
        follow(slack, club, feed_server.url(path), path)
    feeds_task.refresh(slack.runtime)
    assert run_digest(slack) == {"done": 1}
    deliver(slack)
    (text,) = digest_posts(slack, club)
    assert text.count(":star:") == 0 and "Logical qubits below threshold" in text


def test_a_digest_whose_feeds_could_not_be_read_is_tried_again_not_skipped_for_the_week(slack, club, feed_server):
    url = feed_server.route("/q.xml", status=503, body=b"busy")
    follow(slack, club, url, "Quantum Journal")
    assert run_digest(slack) == {"failed": 1}  # nothing to post because the feed did not answer: not done
    deliver(slack)
    assert digest_posts(slack, club) == []
    feed_server.route("/q.xml", body=rss("Quantum Journal", QUANTUM_ITEMS))  # back, five minutes later
    assert run_digest(slack) == {"done": 1}  # the feed that failed is read again at once
    assert run_digest(slack) == {"skipped": 1}
    deliver(slack)
    (text,) = digest_posts(slack, club)
    assert "Logical qubits below threshold" in text
    assert feed_server.hits["/q.xml"] == 2


def write_all_the_time(url: str, club_id: int, writing, stop) -> None:
    """Commit a change to a club, again and again, until told to stop (in a process of its own)."""
    database = Database(url)
    n = 0
    while not stop.is_set():
        n += 1
        with database.session() as session:
            session.execute(update(Club).where(Club.id == club_id).values(keywords=f"k{n}"))
            time.sleep(0.005)  # a transaction of some length
        writing.set()
        time.sleep(0.002)  # as a real worker does between requests: without a gap, SQLite's busy handler (which
        # sleeps and retries, unfairly) can starve the other process past its lock timeout
    database.dispose()


def test_a_refresh_the_database_could_not_store_fails_the_run_instead_of_finishing_it_without_a_digest(
    slack, club, feed_server
):
    for n in range(6):
        items = [{**item, "link": f"{item['link']}/{n}", "title": f"{item['title']} ({n})"} for item in QUANTUM_ITEMS]
        follow(slack, club, feed_server.route(f"/q{n}.xml", body=rss(f"Journal {n}", items)), f"Journal {n}")
    other = make_club(slack, "Other Club", meeting_code=None)
    # Another process commits all the time (a web worker saving filings). On SQLite, a commit landing between a
    # transaction's first read and its first write makes that write fail at once ("database is locked").
    spawn = multiprocessing.get_context("spawn")
    writing, stop = spawn.Event(), spawn.Event()
    writer = spawn.Process(target=write_all_the_time, args=(slack.db.url, other.ref.id, writing, stop))
    writer.start()
    try:
        assert writing.wait(30)
        outcomes = [run_digest(slack) for _ in range(2)]
    finally:
        stop.set()
        writer.join()
    while run_digest(slack).get("failed"):  # the next checks, once the database is quiet
        pass
    deliver(slack)
    assert len(digest_posts(slack, club)) == 1, outcomes  # never "done" with the week's digest lost
    (text,) = digest_posts(slack, club)
    assert "Logical qubits below threshold" in text


def test_a_feed_that_is_gone_for_good_does_not_hold_the_digest_back(slack, club, feed_server):
    follow(slack, club, feed_server.url("/status/410"), "Gone")
    assert run_digest(slack) == {"done": 1}  # 410 Gone disables the feed: nothing to wait for
    deliver(slack)
    assert digest_posts(slack, club) == []


def test_leaders_are_told_once_when_a_feed_stops_working(slack, club, feed_server):
    feed_server.route("/flaky.xml", status=500, body=b"down")
    feed_id = follow(slack, club, feed_server.url("/flaky.xml"), "Flaky lab news")
    other = make_club(slack, "Qubit Club", meeting_code="XL-2026-11", leaders=1)
    follow(slack, other, feed_server.url("/flaky.xml"))
    for _ in range(5):  # the fifth failure in a row makes it unhealthy
        _make_stale(slack, feed_id)
        feeds_task.refresh(slack.runtime)
    for _ in range(2):  # still failing: nobody is told again
        _make_stale(slack, feed_id)
        feeds_task.refresh(slack.runtime)
    deliver(slack)

    for leader in club.leaders + other.leaders:
        (dm,) = [m.text for m in slack.standin.messages(slack.standin.dm_channel(leader))]
        assert "*Flaky lab news* has failed 5 times in a row" in dm and "HTTP 500" in dm
    (dm,) = [m.text for m in slack.standin.messages(slack.standin.dm_channel(club.leaders[0]))]
    assert "Quantum Hardware Club" in dm
    for member in club.members:
        assert slack.standin.messages(slack.standin.dm_channel(member)) == []
    with slack.db.session() as session:
        feed = session.get(Feed, feed_id)
        assert feed.status is FeedStatus.UNHEALTHY and feed.unhealthy_notified_at is not None
    listing = seen_by_user(slack.command(club.members[0], club.channel, "feeds"))
    assert "failing since" in listing and "7 attempts in a row" in listing


def _make_stale(slack, feed_id):
    with slack.db.session() as session:
        session.get(Feed, feed_id).last_fetched_at = datetime.now(UTC) - timedelta(hours=2)


@pytest.mark.parametrize(
    "fault",
    [
        FaultPlan(kind="ratelimited", methods={"chat.postMessage"}, count=2, retry_after=1),
        FaultPlan(kind="server_error", methods={"chat.postMessage"}, count=2),
        FaultPlan(kind="drop_before", methods={"chat.postMessage"}, count=2),
        FaultPlan(kind="drop_after", methods={"chat.postMessage"}, count=2),
    ],
    ids=["429", "500", "drop-before", "drop-after"],
)
def test_slack_faults_delay_the_digest_but_never_drop_or_duplicate_it(slack, club, feed_server, fault):
    follow(slack, club, feed_server.route("/q.xml", body=rss("Q", QUANTUM_ITEMS)), "Q")
    slack.standin.inject(fault)
    assert run_digest(slack) == {"done": 1}
    deliver(slack)
    assert fault.fired >= 1  # Slack did fail (a post answered then dropped is found in history, not resent)
    assert len(digest_posts(slack, club)) == 1
    with slack.db.session() as session:
        (row,) = session.scalars(select(OutboxMessage)).all()
        assert row.ts == next(m.ts for m in slack.standin.messages(club.channel) if m.user == slack.standin.bot_user_id)
    assert run_digest(slack) == {"skipped": 1}


def test_a_closed_club_or_a_club_without_a_channel_is_not_owed_a_digest(slack, club, feed_server):
    follow(slack, club, feed_server.route("/q.xml", body=rss("Q", QUANTUM_ITEMS)), "Q")
    with slack.db.session() as session:
        session.get(Club, club.ref.id).status = ClubStatus.CLOSED
        session.add(Club(name="No channel yet", field=FieldKey.QUANTUM))
    assert run_digest(slack) == {}
    with slack.db.session() as session:
        assert session.scalar(select(func.count()).select_from(DigestEntry)) == 0


def test_an_operator_can_run_a_weeks_digest_by_hand_and_it_still_posts_once(slack, club, feed_server):
    follow(slack, club, feed_server.route("/q.xml", body=rss("Q", QUANTUM_ITEMS)), "Q")
    [due] = digest_job.JOB.due(slack.runtime, datetime.now(UTC))
    out = io.StringIO()
    assert run_by_hand(slack.runtime, "digest", due.period, out=out) == 0
    assert run_by_hand(slack.runtime, "digest", due.period, out=out) == 0
    assert out.getvalue().splitlines() == [
        f"digest {due.period} club:{club.ref.id}: done",
        f"digest {due.period} club:{club.ref.id}: skipped",
    ]
    assert run_digest(slack) == {"skipped": 1}  # the clock finds it done too
    deliver(slack)
    assert len(digest_posts(slack, club)) == 1
    listing = io.StringIO()
    print_schedule(slack.runtime, out=listing)
    assert "digest: post each club's weekly news digest" in listing.getvalue()
    assert f"last: {due.period} club:{club.ref.id} done" in listing.getvalue()


def test_a_long_digest_is_one_short_post_with_its_items_in_the_thread(slack, club, feed_server):
    many = [
        {"title": f"Superconducting qubit result number {n}", "link": f"https://journal.example/q/{n}"}
        for n in range(12)
    ]
    follow(slack, club, feed_server.route("/many.xml", body=rss("Quantum Journal", many)), "Quantum Journal")
    assert run_digest(slack) == {"done": 1}
    deliver(slack)
    bot = slack.standin.bot_user_id
    messages = [m for m in slack.standin.messages(club.channel) if m.user == bot and not m.subtype]
    top = [m for m in messages if not m.is_reply and "이번 주 소식" in (m.text or "")]
    assert len(top) == 1  # one parent post for the week
    [parent] = top
    shown = str(parent.blocks)
    assert "스레드에 있습니다" in shown and "result number" not in shown  # short: the items are not in it
    replies = [m for m in messages if m.is_reply and m.thread_ts == parent.ts]
    assert 2 <= len(replies) <= 4  # five items a reply
    titles = [line for m in replies for line in str(m.blocks).split("*") if "result number" in line]
    with slack.db.session() as session:
        count = session.scalar(select(func.count()).select_from(DigestEntry))
    assert len(titles) == count and len(set(titles)) == count  # every item of the digest, once
    assert "/club share" in str(replies[-1].blocks)  # the footer closes the thread
    before = len(slack.standin.messages(club.channel))
    assert run_digest(slack) == {"skipped": 1}  # the same week again: nothing more in the channel
    deliver(slack)
    assert len(slack.standin.messages(club.channel)) == before
