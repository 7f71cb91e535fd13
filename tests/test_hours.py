"""Every direct message at the reader's own hour (`bot.hours`): working hours in the reader's zone, weekends
and Korean public holidays skipped, and a deadline met by moving a message earlier, never later."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot.hours import WorkingHours, next_working_day, reader_hour
from bot.settings import SettingsError, load_settings

SEOUL, VIENNA, NEW_YORK = ZoneInfo("Asia/Seoul"), ZoneInfo("Europe/Vienna"), ZoneInfo("America/New_York")
HOURS = WorkingHours()


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def local(zone: ZoneInfo, *args: int) -> datetime:
    return datetime(*args, tzinfo=zone).astimezone(UTC)


@pytest.mark.parametrize(
    ("now", "zone", "deadline", "expected"),
    [
        # Monday 7 December 2026, 09:00 in Seoul = 01:00 in Vienna = Sunday 19:00 in New York
        (local(SEOUL, 2026, 12, 7, 9), SEOUL, None, local(SEOUL, 2026, 12, 7, 9)),
        (local(SEOUL, 2026, 12, 7, 9), VIENNA, None, local(VIENNA, 2026, 12, 7, 9)),
        (local(SEOUL, 2026, 12, 7, 9), NEW_YORK, None, local(NEW_YORK, 2026, 12, 7, 9)),
        # within working hours: at once; after them: the next working morning
        (local(VIENNA, 2026, 12, 8, 14, 30), VIENNA, None, local(VIENNA, 2026, 12, 8, 14, 30)),
        (local(VIENNA, 2026, 12, 8, 18), VIENNA, None, local(VIENNA, 2026, 12, 9, 9)),
        # a Friday evening waits for Monday
        (local(SEOUL, 2026, 12, 11, 20), SEOUL, None, local(SEOUL, 2026, 12, 14, 9)),
        # Christmas is a public holiday in Korea: only the Seoul reader's message moves (to Monday the 28th)
        (utc(2026, 12, 25, 0), SEOUL, None, local(SEOUL, 2026, 12, 28, 9)),
        (utc(2026, 12, 25, 0), VIENNA, None, local(VIENNA, 2026, 12, 25, 9)),
        (utc(2026, 12, 25, 0), NEW_YORK, None, local(NEW_YORK, 2026, 12, 25, 9)),
        # a deadline at 18:00 in Seoul on the 7th: Seoul and Vienna mornings come before it, New York's does
        # not, so New York's message goes at once rather than after the deadline
        (local(SEOUL, 2026, 12, 7, 9), VIENNA, local(SEOUL, 2026, 12, 7, 18), local(VIENNA, 2026, 12, 7, 9)),
        (local(SEOUL, 2026, 12, 7, 9), NEW_YORK, local(SEOUL, 2026, 12, 7, 18), local(SEOUL, 2026, 12, 7, 9)),
        (local(SEOUL, 2026, 12, 7, 9), SEOUL, local(SEOUL, 2026, 12, 7, 18), local(SEOUL, 2026, 12, 7, 9)),
    ],
)
def test_a_message_reaches_each_reader_in_their_working_hours_and_before_the_deadline(now, zone, deadline, expected):
    at = reader_hour(now, zone, HOURS, deadline=deadline)
    assert at == expected
    assert at >= now and (deadline is None or at <= deadline)


def test_the_same_reminder_reaches_three_readers_between_nine_and_ten_of_their_own_day():
    now = local(SEOUL, 2026, 12, 7, 9, 5)
    for zone in (SEOUL, VIENNA, NEW_YORK):
        moment = reader_hour(now, zone, HOURS).astimezone(zone)
        assert moment.date() == date(2026, 12, 7) and time(9) <= moment.time() < time(10), zone


def test_a_deadline_is_met_for_every_reader():
    deadline = local(SEOUL, 2026, 12, 7, 18)
    for now in (local(SEOUL, 2026, 12, 7, 9), local(SEOUL, 2026, 12, 5, 9), local(SEOUL, 2026, 12, 7, 17, 59)):
        for zone in (SEOUL, VIENNA, NEW_YORK):
            assert now <= reader_hour(now, zone, HOURS, deadline=deadline) <= deadline


@pytest.mark.parametrize(
    ("hours", "days", "expected"),
    [
        ("09:00-18:00", "mon-fri", WorkingHours(time(9), time(18), frozenset({0, 1, 2, 3, 4}))),
        ("08:30 - 17:30", "sun-thu", WorkingHours(time(8, 30), time(17, 30), frozenset({6, 0, 1, 2, 3}))),
        ("10:00-16:00", "Mon, Wed, Fri", WorkingHours(time(10), time(16), frozenset({0, 2, 4}))),
    ],
)
def test_working_hours_are_read_from_settings_text(hours, days, expected):
    assert WorkingHours.parse(hours, days) == expected


@pytest.mark.parametrize(
    ("hours", "days"), [("18:00-09:00", "mon-fri"), ("nine to six", "mon-fri"), ("09:00-18:00", "someday")]
)
def test_malformed_working_hours_stop_start_up_with_one_line_naming_the_settings(hours, days):
    with pytest.raises(SettingsError, match="CLUBBOT_WORKING_HOURS"):
        load_settings({"CLUBBOT_WORKING_HOURS": hours, "CLUBBOT_WORKING_DAYS": days}, env_file=None)


def test_always_sends_at_once_whatever_the_hour():
    always = WorkingHours.parse("always", "mon-fri")
    assert reader_hour(utc(2026, 12, 25, 0), SEOUL, always) == utc(2026, 12, 25, 0)


def test_the_default_is_nine_to_six_monday_to_friday():
    assert load_settings({}, env_file=None).working_hours == WorkingHours(time(9), time(18), frozenset(range(5)))


@pytest.mark.parametrize(
    ("day", "zone", "hours", "expected"),
    [
        (date(2026, 12, 7), SEOUL, HOURS, date(2026, 12, 8)),  # Monday → Tuesday
        (date(2026, 12, 11), VIENNA, HOURS, date(2026, 12, 14)),  # Friday → Monday
        (date(2026, 12, 12), NEW_YORK, HOURS, date(2026, 12, 14)),  # Saturday → Monday
        (date(2026, 12, 24), SEOUL, HOURS, date(2026, 12, 28)),  # Christmas in Korea, then the weekend
        (date(2026, 12, 24), NEW_YORK, HOURS, date(2026, 12, 25)),  # not a holiday the program knows there
        (date(2026, 12, 11), SEOUL, WorkingHours(days=frozenset(range(6))), date(2026, 12, 12)),  # Saturdays on
        (date(2026, 12, 11), SEOUL, WorkingHours(always=True), date(2026, 12, 12)),  # any day will do
    ],
)
def test_the_next_working_day_is_the_readers_own(day, zone, hours, expected):
    assert next_working_day(day, zone, hours) == expected
