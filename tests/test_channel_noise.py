"""Low noise in club channels: the bot's reminders and requests (the meeting survey, the outcome report, the
quarterly narrative) go to each person by direct message, and nothing the bot posts in a club channel tags the
people who have not answered; a long summary is one short post with its lines in the thread."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from jobs import clock
from jobs.reports import NARRATIVE_JOB
from jobs.tracking import REMINDERS, SURVEYS
from tests.factories import make_club
from tests.support import deliver_all

SEOUL = ZoneInfo("Asia/Seoul")
MENTION = re.compile(r"<@[UW][A-Z0-9]+")


def at(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, 5, tzinfo=SEOUL)


def test_no_club_channel_post_tags_people_who_have_not_answered(slack):
    club = make_club(slack, leaders=2, members=3)  # the meeting ended on 16 September
    for n in range(25):  # the survey the day after, its reminders, the outcome report's reminders
        day = date(2026, 9, 17) + timedelta(days=n)
        clock.run_due(slack.runtime, SURVEYS, owner="test", at=at(day, 10))
        clock.run_due(slack.runtime, REMINDERS, owner="test", at=at(day, 9))
    for n in range(15):  # the quarterly narrative: asked two weeks before the end, then reminded
        clock.run_due(slack.runtime, NARRATIVE_JOB, owner="test", at=at(date(2026, 12, 17) + timedelta(days=n), 10))
    deliver_all(slack)

    people = [*club.leaders, *club.members]
    reached = [u for u in people if any(m.bot_id for m in slack.standin.messages(slack.standin.dm_channel(u)))]
    assert set(reached) == set(people)  # everyone was asked or reminded, privately
    channel_posts = [m for m in slack.standin.messages(club.channel) if m.bot_id]
    tagged = [m.text for m in channel_posts if MENTION.search(f"{m.text} {m.blocks}")]
    assert tagged == []
