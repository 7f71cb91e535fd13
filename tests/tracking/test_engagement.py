"""Engagement from Events API deliveries (counted once, no text stored) and a club's figures for a quarter,
with the quarter's edges at midnight in Seoul."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from bot.domain import MeetingFormat, OutputStatus, OutputType
from bot.refs import ClubRef
from bot.tracking import engagement
from bot.tracking import service as tracking
from bot.tracking.engagement import classify_message
from storage.models import ActivityDay, Club, Membership, SlackEvent
from tests.factories import make_club
from tests.support import seen_by_user


def counts(world, club_id: int) -> dict[tuple[str, date], tuple[int, int, int, int]]:
    with world.db.session() as session:
        rows = session.scalars(select(ActivityDay).where(ActivityDay.club_id == club_id))
        return {(r.slack_user_id, r.day): (r.messages, r.replies, r.files, r.reactions) for r in rows}


def totals(world, club_id: int, user: str) -> tuple[int, int, int, int]:
    found = [v for (u, _), v in counts(world, club_id).items() if u == user]
    return tuple(sum(v[i] for v in found) for i in range(4))  # type: ignore[return-value]


def wait_total(world, club_id: int, user: str, expected: tuple[int, int, int, int]) -> None:
    assert world.standin.wait_for(lambda: totals(world, club_id, user) == expected, timeout=10), totals(
        world, club_id, user
    )


def test_posts_replies_files_and_reactions_are_counted_per_member_and_day(slack):
    club = make_club(slack)
    alice, bob = club.members
    ts = slack.standin.post_message(alice, club.channel, "New review on cat qubits: <https://arxiv.org/abs/1>")
    slack.standin.post_message(bob, club.channel, "Thanks, reading it now", thread_ts=ts)
    slack.standin.post_message(bob, club.channel, "Our slides", files=[{"name": "slides.pdf", "content": b"%PDF"}])
    slack.standin.react(alice, club.channel, ts, "tada")
    slack.standin.react(bob, club.channel, ts, "eyes")
    wait_total(slack, club.ref.id, alice, (1, 0, 0, 1))
    wait_total(slack, club.ref.id, bob, (1, 1, 1, 1))
    with slack.db.session() as session:
        assert session.scalar(select(func.count()).select_from(SlackEvent)) == 5
    # no message text is kept anywhere in the counts
    assert {c.name for c in ActivityDay.__table__.columns} == {
        "id",
        "club_id",
        "slack_user_id",
        "day",
        "messages",
        "replies",
        "files",
        "reactions",
    }


def test_edits_deletions_joins_and_bot_posts_are_not_counted(slack):
    club = make_club(slack)
    alice, bob = club.members
    ts = slack.standin.post_message(alice, club.channel, "first")
    wait_total(slack, club.ref.id, alice, (1, 0, 0, 0))
    slack.standin.edit_message(alice, club.channel, ts, "first (edited)")
    newcomer = slack.person("newcomer")
    slack.standin.join_channel(newcomer, club.channel)
    slack.standin.send_event(
        {
            "type": "message",
            "subtype": "bot_message",
            "bot_id": "BOTHER1",
            "text": "build passed",
            "channel": club.channel,
            "channel_type": "channel",
            "ts": "1790000000.000100",
        }
    )
    seen_by_user(slack.command(alice, club.channel, "update A card the bot posts"))
    from tests.support import deliver_all as flush

    flush(slack)  # the bot's own card is a message event too
    slack.standin.post_message(bob, club.channel, "sentinel")
    wait_total(slack, club.ref.id, bob, (1, 0, 0, 0))
    slack.standin.wait_for_events()
    assert totals(slack, club.ref.id, alice) == (1, 0, 0, 0)
    assert totals(slack, club.ref.id, newcomer) == (0, 0, 0, 0)
    assert {user for user, _ in counts(slack, club.ref.id)} == {alice, bob}
    # what the stand-in sent for each of them is what the classification refuses
    kinds = {(e.event.get("subtype") or "") for e in slack.standin.events_of("message")}
    assert {"message_changed", "channel_join", "bot_message"} <= kinds
    for record in slack.standin.events_of("message"):
        event = record.event
        if event.get("subtype") in ("message_changed", "channel_join", "bot_message") or event.get("bot_id"):
            assert classify_message(event) is None, event


def test_an_event_delivered_again_is_counted_once(slack):
    club = make_club(slack)
    alice, bob = club.members
    slack.standin.post_message(alice, club.channel, "hello")
    wait_total(slack, club.ref.id, alice, (1, 0, 0, 0))
    [record] = [r for r in slack.standin.events_of("message") if r.event.get("user") == alice]
    retry = slack.standin.redeliver(record.event_id, "http_timeout")
    assert retry.ok and retry.headers_sent.get("X-Slack-Retry-Num") == "1"
    slack.standin.post_message(bob, club.channel, "sentinel")
    wait_total(slack, club.ref.id, bob, (1, 0, 0, 0))
    slack.standin.wait_for_events()
    assert totals(slack, club.ref.id, alice) == (1, 0, 0, 0)


def test_recording_the_same_event_twice_counts_it_once(database):
    with database.session() as session:
        club = Club(name="C", field="ai", channel_id="C0ONE", timezone="Asia/Seoul")
        session.add(club)
    event = {"type": "message", "user": "U1", "channel": "C0ONE", "ts": "1790000000.000100", "text": "hi"}
    for _ in range(3):
        with database.session() as session:
            engagement.record_message(session, "Ev0001", event, default_tz="UTC")
    with database.session() as session:
        assert session.scalars(select(ActivityDay.messages)).all() == [1]


def test_the_day_is_the_clubs_local_day(slack):
    club = make_club(slack)
    alice = club.members[0]
    # 2026-09-30 15:30 UTC is already 1 October in Seoul
    slack.standin.send_event(
        {
            "type": "message",
            "user": alice,
            "text": "late",
            "channel": club.channel,
            "channel_type": "channel",
            "ts": f"{datetime(2026, 9, 30, 15, 30, tzinfo=UTC).timestamp():.6f}",
        }
    )
    assert slack.standin.wait_for(lambda: bool(counts(slack, club.ref.id)), timeout=10)
    assert list(counts(slack, club.ref.id)) == [(alice, date(2026, 10, 1))]


def _at(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def test_status_for_quarters_on_either_side_of_a_seoul_midnight(slack):
    club = make_club(slack)
    leader = club.leaders[0]
    alice, bob = club.members
    last_of_q3 = _at(2026, 9, 30, 14, 59)  # 23:59 in Seoul
    first_of_q4 = _at(2026, 9, 30, 15, 0)  # 00:00 on 1 October in Seoul
    with slack.db.session() as session:
        for membership in session.scalars(select(Membership)):
            membership.joined_at = _at(2026, 9, 17, 0)  # the club formed after its September meeting
        ref = ClubRef.of(session.get(Club, club.ref.id))
        as_alice = tracking.standing(session, ref.id, alice, is_admin=False)
        as_leader = tracking.standing(session, ref.id, leader, is_admin=False)
        tracking.file_update(session, ref, as_alice, "Q3 update", now=last_of_q3)
        tracking.file_update(session, ref, as_alice, "Q4 update", now=first_of_q4)
        filed = tracking.file_output(
            session,
            ref,
            as_alice,
            tracking.OutputDraft(OutputType.PAPER, "Cat qubits", OutputStatus.SUBMITTED, doi="10.1234/cat.1"),
            now=_at(2026, 8, 10, 3),
            today=date(2026, 8, 10),
        )
        tracking.change_output(
            session,
            ref,
            as_alice,
            filed.item.ref,
            tracking.OutputChange(status="published"),
            now=_at(2026, 10, 5, 3),
            today=date(2026, 10, 5),
        )
        tracking.confirm_output(session, filed.item.ref.id, leader, is_admin=False, now=_at(2026, 10, 6, 3))
        tracking.file_output(
            session,
            ref,
            as_leader,
            tracking.OutputDraft(OutputType.WORKSHOP, "Winter school"),
            now=_at(2026, 11, 2, 3),
            today=date(2026, 11, 2),
        )
        for held_on in (date(2026, 9, 30), date(2026, 10, 1)):
            tracking.file_meeting(
                session,
                ref,
                as_leader,
                tracking.MeetingDraft(held_on, MeetingFormat.ONLINE, 6, "Review"),
                now=_at(2026, 10, 2, 3),
                today=date(2026, 10, 2),
            )
        tracking.file_plan(session, ref, as_leader, "Joint proposal in Q1", now=_at(2026, 12, 30, 3))
    for user, instant in ((alice, last_of_q3), (alice, first_of_q4), (bob, _at(2026, 11, 3, 2))):
        slack.standin.send_event(
            {
                "type": "message",
                "user": user,
                "text": "x",
                "channel": club.channel,
                "channel_type": "channel",
                "ts": f"{instant.timestamp():.6f}",
            }
        )
    assert slack.standin.wait_for(lambda: sum(v[0] for v in counts(slack, club.ref.id).values()) == 3, timeout=10)

    q3 = seen_by_user(slack.command(leader, club.channel, "status 2026Q3"))
    assert "Quantum Hardware Club in 2026Q3" in q3
    assert "Updates: 1" in q3 and "Club meetings: 1" in q3 and "Plans filed: 0" in q3
    assert "Outputs: 1 (0 confirmed by a leader)" in q3
    assert "*Joint paper* 1 (submitted 1)" in q3
    assert "Active members: 1 of 3 (33%)" in q3 and "Messages: 1 ·" in q3

    q4 = seen_by_user(slack.command(leader, club.channel, "status 2026Q4"))
    assert "Updates: 1" in q4 and "Club meetings: 1" in q4 and "Plans filed: 1" in q4
    assert "Outputs: 2 (1 confirmed by a leader)" in q4
    assert "*Joint paper* 1 (published 1) · 1 confirmed" in q4
    assert "*Follow-up workshop* 1 (planned 1) · 0 confirmed" in q4
    assert "Active members: 2 of 3 (67%)" in q4 and "Messages: 2 ·" in q4
    assert "Core 0 · active 0 · occasional 2 · silent 1" in q4
    assert "Outcome report of Quantum Hardware Club, due Sep 30, 2026" in q4


def test_a_private_club_channel_is_counted_too(slack):
    alice = slack.person("alice")
    channel = slack.channel("xlab-private", [alice], is_private=True)
    with slack.db.session() as session:
        club = Club(name="Private Club", field="ai", channel_id=channel, channel_name="xlab-private", is_private=True)
        session.add(club)
        session.flush()
        club_id = club.id
    slack.standin.post_message(alice, channel, "hello from a private channel")
    wait_total(slack, club_id, alice, (1, 0, 0, 0))


def test_a_member_who_posted_counts_as_a_member_whatever_their_recorded_join_date(slack):
    club = make_club(slack)
    alice = club.members[0]
    with slack.db.session() as session:  # memberships recorded in November, activity in October
        for membership in session.scalars(select(Membership)):
            membership.joined_at = _at(2026, 11, 15, 0)
    slack.standin.send_event(
        {
            "type": "message",
            "user": alice,
            "text": "x",
            "channel": club.channel,
            "channel_type": "channel",
            "ts": f"{_at(2026, 10, 5, 3).timestamp():.6f}",
        }
    )
    assert slack.standin.wait_for(lambda: bool(counts(slack, club.ref.id)), timeout=10)
    with slack.db.session() as session:
        figures = engagement.club_engagement(
            session, club.ref.id, date(2026, 10, 1), date(2026, 10, 31), ZoneInfo("Asia/Seoul")
        )
    assert (figures.members, figures.active_members) == (1, 1)
