"""People across time zones, end to end: the survey invitations of one club reach a member in Seoul, one in
Vienna and one in New York each between 09:00 and 10:00 of their own day (their Slack time zone, as
`users.info` gives it), a member who is away gets no reminder until they are back, and the clock's jobs time
their direct messages the same way."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.hours import WorkingHours
from bot.people import Timing, remember
from bot.tracking import surveys
from storage.models import OutboxMessage, Participant, SlackUser
from tests.factories import make_club

SEOUL = ZoneInfo("Asia/Seoul")
#: Monday 7 December 2026, 09:00 in Seoul: 01:00 in Vienna, Sunday 19:00 in New York.
NOW = datetime(2026, 12, 7, 9, tzinfo=SEOUL).astimezone(UTC)
ZONES = ("Asia/Seoul", "Europe/Vienna", "America/New_York")


def dms(slack, prefix: str) -> dict[str, datetime]:
    """When each direct message whose dedupe key starts with `prefix` is to be sent, by recipient."""
    with slack.db.session() as session:
        rows = session.scalars(select(OutboxMessage).where(OutboxMessage.dedupe_key.startswith(prefix)))
        return {row.channel: row.next_attempt_at for row in rows}


def test_survey_messages_reach_each_member_at_their_own_hour_and_not_while_away(slack):
    club = make_club(slack, leaders=1, members=2)
    people = [*club.leaders, *club.members]
    for user_id, zone in zip(people, ZONES, strict=True):
        slack.standin.user(user_id).tz = zone
    with slack.db.session() as session:
        for user_id in people:  # what the bot stores whenever it looks a person up in Slack
            profile = slack.runtime.slack.profile(user_id)
            assert profile is not None
            remember(session, profile)
    with slack.db.session() as session:
        stored = {row.user_id: row.tz for row in session.scalars(select(SlackUser))}
    assert stored == dict(zip(people, ZONES, strict=True))

    with slack.db.session() as session:
        surveys.open_survey(
            session,
            club.ref,
            closes_on=date(2026, 12, 21),
            created_by=slack.admin,
            now=NOW,
            default_tz="Asia/Seoul",
            timing=Timing(WorkingHours(), "Asia/Seoul", NOW),
        )
    invited = dms(slack, "survey-invite")
    assert set(invited) == set(people)
    for user_id, zone in zip(people, ZONES, strict=True):
        moment = invited[user_id].astimezone(ZoneInfo(zone))
        assert moment.date() == date(2026, 12, 7) and time(9) <= moment.time() < time(10), (zone, moment)

    away = people[1]  # the member in Vienna is away until Friday the 11th
    with slack.db.session() as session:
        session.scalars(select(Participant).where(Participant.slack_user_id == away)).one().away_until = date(
            2026, 12, 11
        )
    later = NOW + timedelta(days=3)  # Thursday: reminders are due
    with slack.db.session() as session:
        surveys.remind(session, club.ref.id, now=later, timing=Timing(WorkingHours(), "Asia/Seoul", later))
    reminded = dms(slack, "survey-reminder")
    assert set(reminded) == {people[0], people[2]}  # not the one away
    back = later + timedelta(days=4)  # Monday the 14th: back, and reminded then
    with slack.db.session() as session:
        surveys.remind(session, club.ref.id, now=back, timing=Timing(WorkingHours(), "Asia/Seoul", back))
    assert away in dms(slack, "survey-reminder")


def test_without_a_known_time_zone_the_clubs_or_the_programs_hour_is_used(slack):
    club = make_club(slack, leaders=1, members=1)
    with slack.db.session() as session:
        surveys.open_survey(
            session,
            club.ref,
            closes_on=date(2026, 12, 21),
            created_by=slack.admin,
            now=NOW - timedelta(hours=3),  # 06:00 in Seoul: before working hours
            default_tz="Asia/Seoul",
            timing=Timing(WorkingHours(), "Asia/Seoul", NOW - timedelta(hours=3)),
        )
    for moment in dms(slack, "survey-invite").values():
        assert moment == NOW  # 09:00 in Seoul, the program's zone
