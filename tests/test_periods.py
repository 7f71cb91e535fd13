"""Which run of a job is due at an instant: weekly digests, daily checks, quarter reports, grace."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.periods import (
    first_working_day,
    latest_daily,
    latest_interval,
    latest_quarter_report,
    latest_weekly,
    within_grace,
)

SEOUL = ZoneInfo("Asia/Seoul")
BERLIN = ZoneInfo("Europe/Berlin")


def seoul(*args: int) -> datetime:
    return datetime(*args, tzinfo=SEOUL)


@pytest.mark.parametrize(
    ("now", "key", "due"),
    [
        (seoul(2026, 11, 23, 9, 0), "2026-W48", seoul(2026, 11, 23, 9, 0)),  # Monday 09:00 exactly
        (seoul(2026, 11, 23, 8, 59), "2026-W47", seoul(2026, 11, 16, 9, 0)),  # a minute early: last week's
        (seoul(2026, 11, 29, 23, 0), "2026-W48", seoul(2026, 11, 23, 9, 0)),  # Sunday night
        (seoul(2027, 1, 4, 10, 0), "2027-W01", seoul(2027, 1, 4, 9, 0)),  # ISO week 1 of 2027
        (seoul(2027, 1, 3, 10, 0), "2026-W53", seoul(2026, 12, 28, 9, 0)),  # 2026 has 53 ISO weeks
    ],
)
def test_weekly_period_is_the_latest_monday_slot_in_the_clubs_time_zone(now, key, due):
    assert latest_weekly(now, SEOUL, weekday=0, hour=9) == (key, due.astimezone(UTC))


def test_weekly_slot_respects_daylight_saving_where_the_club_is():
    # Berlin switches to summer time on 2026-03-29; Monday 09:00 local is 07:00 UTC afterwards.
    _, before = latest_weekly(datetime(2026, 3, 24, tzinfo=BERLIN), BERLIN, weekday=0, hour=9)
    _, after = latest_weekly(datetime(2026, 3, 31, tzinfo=BERLIN), BERLIN, weekday=0, hour=9)
    assert before == datetime(2026, 3, 23, 8, 0, tzinfo=UTC)
    assert after == datetime(2026, 3, 30, 7, 0, tzinfo=UTC)


def test_daily_period():
    assert latest_daily(seoul(2026, 11, 21, 7, 0), SEOUL, hour=8) == (
        "2026-11-20",
        seoul(2026, 11, 20, 8).astimezone(UTC),
    )


def test_quarter_report_is_due_on_the_first_working_day_after_the_quarter():
    new_year = frozenset({date(2027, 1, 1)})
    assert first_working_day(date(2027, 1, 1), new_year) == date(2027, 1, 4)  # Fri holiday, weekend
    # on 4 January at 10:00 the 2026Q4 report is owed, due that day at 09:00
    assert latest_quarter_report(seoul(2027, 1, 4, 10), SEOUL, holidays=new_year) == (
        "2026Q4",
        seoul(2027, 1, 4, 9).astimezone(UTC),
    )
    # before that, the owed one is still 2026Q3 (due on 1 October 2026, a Thursday)
    assert latest_quarter_report(seoul(2027, 1, 2, 10), SEOUL, holidays=new_year) == (
        "2026Q3",
        seoul(2026, 10, 1, 9).astimezone(UTC),
    )


def test_interval_slots():
    origin = datetime(2026, 1, 1, tzinfo=UTC)
    key, slot = latest_interval(origin + timedelta(seconds=7.5), seconds=2, origin=origin)
    assert slot == origin + timedelta(seconds=6)
    assert key == "2026-01-01T00:00:06Z"


def test_grace():
    due = datetime(2026, 1, 1, tzinfo=UTC)
    assert within_grace(due, due + timedelta(days=6), timedelta(days=7))
    assert not within_grace(due, due + timedelta(days=8), timedelta(days=7))
    assert not within_grace(due, due - timedelta(seconds=1), timedelta(days=7))  # not yet due
