"""Deadline reminders to club leaders by direct message: the outcome report two weeks after the meeting, reminded
a week before, two days before and on the day, once each; stopped once it is filed; *Remind me tomorrow* once, to the
reader's next working day at their own hour, never past the due date."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot import due
from bot.errors import UserError
from bot.hours import WorkingHours
from bot.people import Timing, remember
from bot.tracking import reminders
from bot.tracking.types import Deadline, ReminderKind
from jobs import clock
from jobs.tracking import REMINDERS
from storage.models import Meeting, OutboxMessage, Reminder
from tests.factories import make_club, participant
from tests.support import seen_by_user
from tests.tracking.support import dm_texts, dms, ephemeral_texts

SEOUL = ZoneInfo("Asia/Seoul")


def at_nine_thirty(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 9, 30, tzinfo=SEOUL).astimezone(UTC)


def run(world, day: date) -> dict[str, int]:
    return clock.run_due(world.runtime, REMINDERS, owner="test:reminders", at=at_nine_thirty(day))


def days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def test_a_reminder_a_week_before_two_days_before_and_on_the_day_each_sent_once(slack):
    club = make_club(slack, leaders=2)  # the meeting ended on 16 September: the report is due on 30 September
    for day in days(date(2026, 9, 15), date(2026, 10, 4)):
        run(slack, day)
        run(slack, day)  # a second clock run the same day changes nothing
    for leader in club.leaders:
        texts = dm_texts(slack, leader)
        assert len(texts) == 3
        assert "the outcome report of “Quantum Hardware Club meeting” is due on *Sep 30, 2026*" in texts[0]
        assert ["Due in 7 days" in texts[0], "Due in 2 days" in texts[1], "Due today" in texts[2]] == [True] * 3
    assert dms(slack, club.members[0]) == []  # members are not reminded
    with slack.db.session() as session:
        sent = sorted(r.remind_on for r in session.scalars(select(Reminder)))
        assert sent == [date(2026, 9, 23)] * 2 + [date(2026, 9, 28)] * 2 + [date(2026, 9, 30)] * 2


def test_a_clock_that_was_down_catches_up_with_the_latest_reminder_only(slack):
    club = make_club(slack)
    run(slack, date(2026, 9, 29))  # down from the 22nd to the 28th
    [text] = dm_texts(slack, club.leaders[0])
    assert "Due tomorrow" in text
    run(slack, date(2026, 10, 2))  # the deadline passed while it was down: nothing late
    assert len(dms(slack, club.leaders[0])) == 1


def test_reminders_stop_once_a_leader_records_the_report_as_submitted(slack):
    club = make_club(slack)
    leader = club.leaders[0]
    run(slack, date(2026, 9, 23))
    assert len(dms(slack, leader)) == 1
    assert "only a leader of the club may do this" in seen_by_user(
        slack.command(club.members[0], club.channel, "outcome-report submitted")
    )
    before = seen_by_user(slack.command(leader, club.channel, "outcome-report"))
    assert "was due on Sep 30, 2026 and is not recorded as submitted" in before
    reply = seen_by_user(slack.command(leader, club.channel, "outcome-report submitted date:2026-09-24"))
    assert "Recorded: the outcome report of “Quantum Hardware Club meeting” was submitted on Sep 24, 2026" in reply
    [reminder] = dm_texts(slack, leader)
    assert "Done: no more reminders." in reminder and "It's submitted" not in reminder  # the same message, updated
    for day in days(date(2026, 9, 24), date(2026, 10, 1)):
        run(slack, day)
    assert len(dms(slack, leader)) == 1
    with slack.db.session() as session:
        assert all(r.done_at is not None for r in session.scalars(select(Reminder)))
        assert not [
            i
            for i in due.due_for(session, participant(slack, leader).id, at_nine_thirty(date(2026, 9, 25)))
            if i.text_key == "tracking.due.outcome_report"
        ]
    again = seen_by_user(slack.command(leader, club.channel, "outcome-report"))
    assert "was recorded as submitted on Sep 24, 2026" in again


def test_the_button_on_the_reminder_records_the_report_as_submitted(slack):
    club = make_club(slack)
    leader = club.leaders[0]
    run(slack, date(2026, 9, 28))
    message = dms(slack, leader)[-1]
    channel = slack.standin.dm_channel(leader)
    slack.standin.click(
        leader, action_id="tracking:outcome_report_submitted", channel_id=channel, message_ts=message.ts
    )
    assert any("Recorded: the outcome report" in text for text in ephemeral_texts(slack, leader))
    run(slack, date(2026, 9, 30))
    assert len(dms(slack, leader)) == 1


def _meeting_ending(world, ends_on: date) -> None:
    with world.db.session() as session:
        meeting = session.scalars(select(Meeting)).one()
        meeting.starts_on = ends_on - timedelta(days=2)
        meeting.ends_on = ends_on


def test_remind_me_tomorrow_brings_the_reminder_back_the_next_day_once(slack):
    club = make_club(slack)
    leader = club.leaders[0]
    today = datetime.now(SEOUL).date()
    _meeting_ending(slack, today - timedelta(days=7))  # due in a week
    run(slack, today)
    [first] = dms(slack, leader)
    assert "Remind me tomorrow" in str(first.blocks)
    channel = slack.standin.dm_channel(leader)
    slack.standin.click(leader, action_id="tracking:snooze_reminder", channel_id=channel, message_ts=first.ts)
    tomorrow = today + timedelta(days=1)  # the tests' working hours are "always": every day is a working day
    assert slack.standin.wait_for(lambda: any("I will remind you again" in t for t in ephemeral_texts(slack, leader)))
    assert "Put off: the reminder comes back on" in dm_texts(slack, leader)[0]
    run(slack, today)  # the same day again: nothing more
    assert len(dms(slack, leader)) == 1
    run(slack, tomorrow)
    texts = dm_texts(slack, leader)
    assert len(texts) == 2 and "Due in 6 days" in texts[1]
    assert "Remind me tomorrow" not in str(dms(slack, leader)[1].blocks)  # once per deadline
    with slack.db.session() as session:
        rows = session.scalars(select(Reminder).order_by(Reminder.id)).all()
        assert rows[0].snoozed_until == tomorrow and rows[1].remind_on == tomorrow


def _reminder_of(slack, user_id: str) -> int:
    with slack.db.session() as session:
        return next(
            r.id for r in session.scalars(select(Reminder)) if r.participant_id == participant(slack, user_id).id
        )


@pytest.mark.parametrize(
    ("zone", "clicked", "back_on", "arrives"),
    [
        # Thursday 10 December 2026 in Seoul: back on Friday, 09:00 in Seoul
        ("Asia/Seoul", datetime(2026, 12, 10, 11, tzinfo=SEOUL), date(2026, 12, 11), datetime(2026, 12, 11, 9)),
        # Friday in Vienna: back on Monday, 09:00 in Vienna (the weekend skipped)
        (
            "Europe/Vienna",
            datetime(2026, 12, 11, 10, tzinfo=ZoneInfo("Europe/Vienna")),
            date(2026, 12, 14),
            datetime(2026, 12, 14, 9),
        ),
        # Christmas Eve in Seoul: Christmas is a holiday in Korea, then the weekend: back on Monday the 28th,
        # which is past the due date of Saturday the 26th, so on the due date itself (never after it)
        ("Asia/Seoul", datetime(2026, 12, 24, 11, tzinfo=SEOUL), date(2026, 12, 26), None),
        # the same day in New York: Christmas is a working day there
        (
            "America/New_York",
            datetime(2026, 12, 24, 11, tzinfo=ZoneInfo("America/New_York")),
            date(2026, 12, 25),
            datetime(2026, 12, 25, 9),
        ),
    ],
)
def test_remind_me_tomorrow_is_the_readers_next_working_day_at_their_hour(slack, zone, clicked, back_on, arrives):
    club = make_club(slack)
    leader = club.leaders[0]
    slack.standin.user(leader).tz = zone
    with slack.db.session() as session:
        profile = slack.runtime.slack.profile(leader)
        assert profile is not None
        remember(session, profile)
    sent_on = clicked.date()  # the morning's reminder, in the reader's own day
    due_on = date(2026, 12, 28) if arrives is not None else back_on
    _meeting_ending(slack, due_on - timedelta(days=14))
    with slack.db.session() as session:
        session.add(Reminder(club_id=club.ref.id, participant_id=participant(slack, leader).id,
                             subject=f"outcome-report:meeting:{club.ref.meeting_id}", due_on=due_on,
                             remind_on=sent_on, sent_at=clicked.astimezone(UTC)))  # fmt: skip
    with slack.db.session() as session:
        snoozed = reminders.snooze(
            session, _reminder_of(slack, leader), leader, now=clicked.astimezone(UTC), default_tz="Asia/Seoul",
            lang="en", hours=WorkingHours(),
        )  # fmt: skip
    assert snoozed.until == back_on
    run_at = datetime.combine(back_on, time(9), tzinfo=SEOUL).astimezone(UTC)  # the club's daily run
    with slack.db.session() as session:
        reminders.send_due_reminders(
            session, club.ref, back_on, now=run_at, timing=Timing(WorkingHours(), "Asia/Seoul", run_at)
        )
    with slack.db.session() as session:
        [row] = session.scalars(select(OutboxMessage).where(OutboxMessage.channel == leader)).all()
        moment = row.next_attempt_at.astimezone(ZoneInfo(zone))
    if arrives is None:
        assert moment <= datetime.combine(due_on, time(18), tzinfo=SEOUL)  # before the deadline ends
    else:
        assert moment.replace(tzinfo=None) == arrives


def test_on_the_due_day_a_reminder_cannot_be_put_off(slack):
    club = make_club(slack)
    leader = club.leaders[0]
    today = datetime.now(SEOUL).date()
    _meeting_ending(slack, today - timedelta(days=14))  # due today
    run(slack, today)
    [message] = dms(slack, leader)
    assert "Due today" in message.text or "Due today" in str(message.blocks)
    assert "Remind me tomorrow" not in str(message.blocks)
    with slack.db.session() as session, pytest.raises(UserError) as refused:
        reminders.snooze(
            session, _reminder_of(slack, leader), leader, now=datetime.now(UTC), default_tz="Asia/Seoul", lang="en"
        )
    assert refused.value.key == "tracking.error.snooze_too_late"


def test_snoozing_twice_or_someone_elses_reminder_is_refused(slack):
    club = make_club(slack, leaders=2)
    today = datetime.now(SEOUL).date()
    _meeting_ending(slack, today - timedelta(days=7))
    run(slack, today)
    with slack.db.session() as session:
        mine, theirs = session.scalars(select(Reminder).order_by(Reminder.id)).all()
        mine_id, theirs_id = mine.id, theirs.id
        owner = mine.participant_id
    leader = next(u for u in club.leaders if participant(slack, u).id == owner)
    now = datetime.now(UTC)
    with slack.db.session() as session:
        reminders.snooze(session, mine_id, leader, now=now, default_tz="Asia/Seoul", lang="en")
    for reminder_id, key in ((mine_id, "tracking.error.snooze_once"), (theirs_id, "tracking.error.reminder_not_yours")):
        with slack.db.session() as session, pytest.raises(UserError) as refused:
            reminders.snooze(session, reminder_id, leader, now=now, default_tz="Asia/Seoul", lang="en")
        assert refused.value.key == key


def test_what_is_due_shows_the_report_to_leaders_three_weeks_ahead(slack):
    club = make_club(slack)
    leader = participant(slack, club.leaders[0])
    member = participant(slack, club.members[0])

    def outcome_reports(person, day):  # other features (the quarterly narrative) may be due too
        items = due.due_for(session, person.id, at_nine_thirty(day))
        return [i for i in items if i.text_key == "tracking.due.outcome_report"]

    with slack.db.session() as session:
        [item] = outcome_reports(leader, date(2026, 9, 20))
        assert (item.due_on, item.action_id) == (date(2026, 9, 30), "tracking:outcome_report_submitted")
        assert outcome_reports(member, date(2026, 9, 20)) == []
        assert outcome_reports(leader, date(2026, 8, 31)) == []


def test_another_feature_adds_a_kind_of_reminder(slack):
    club = make_club(slack)
    kind = ReminderKind(
        name="test-narrative",
        text_key="tracking.due.outcome_report",
        due_key="tracking.due.outcome_report",
        deadlines=lambda session, club_ref, today: [
            Deadline("test-narrative", club_ref.id, f"test-narrative:club:{club_ref.id}:2026Q3", date(2026, 10, 9))
        ],
        is_done=lambda session, deadline: False,
        offsets=(3,),
    )
    reminders.register_kind(kind)
    try:
        run(slack, date(2026, 10, 6))
        run(slack, date(2026, 10, 7))
    finally:
        del reminders.KINDS["test-narrative"]
    texts = dm_texts(slack, club.leaders[0])
    assert texts == [t for t in texts if "Outcome report of Quantum Hardware Club, due Oct 9, 2026" in t]
    assert len(texts) == 1


def test_secretariat_staff_record_the_report_for_a_club_and_korean_leaders_read_korean(slack):
    club = make_club(slack, locale="ko-KR")
    leader = club.leaders[0]
    run(slack, date(2026, 9, 23))
    [text] = dm_texts(slack, leader)
    assert "“Quantum Hardware Club meeting” 결과보고서 제출 마감은 *2026. 9. 30.*입니다" in text
    assert "[제출했습니다]" in text and "[내일 다시 알림]" in text
    reply = seen_by_user(
        slack.command(slack.admin, slack.secretariat, 'outcome-report submitted club:"Quantum Hardware Club"')
    )
    assert "결과보고서를" in reply and "제출했습니다" in reply
    run(slack, date(2026, 9, 28))
    assert len(dms(slack, leader)) == 1
    assert "완료되어 더 이상 알림이 가지 않습니다." in dm_texts(slack, leader)[0]


def test_the_due_items_button_works_from_the_app_home(slack):
    club = make_club(slack)
    leader = club.leaders[0]
    with slack.db.session() as session:
        items = due.due_for(session, participant(slack, leader).id, at_nine_thirty(date(2026, 9, 25)))
    [item] = [i for i in items if i.text_key == "tracking.due.outcome_report"]
    button = {
        "type": "button",
        "action_id": item.action_id,
        "value": item.action_value,
        "text": {"type": "plain_text", "text": "Done"},
    }
    slack.runtime.slack.publish_home(
        leader, {"type": "home", "blocks": [{"type": "actions", "block_id": "due", "elements": [button]}]}
    )
    slack.standin.click(leader, action_id=item.action_id)
    assert slack.standin.wait_for(lambda: any("Recorded: the outcome report" in t for t in dm_texts(slack, leader)))
