"""A club's digest time in its own time zone: the slot owed now, the next one, and a week's slot by its key."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.digests.types import DigestSchedule
from bot.domain import FieldKey, Language
from bot.time import zone as club_tz


def schedule(weekday: int, hour: int, minute: int = 0, tz: str = "Asia/Seoul") -> DigestSchedule:
    return DigestSchedule(1, "Q", "C1", Language.KO, FieldKey.QUANTUM, tz, weekday, hour, minute, 8)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("weekday", "hour", "tz", "now", "period", "slot", "following"),
    [
        # Monday 09:00 in Seoul is Monday 00:00 UTC
        (0, 9, "Asia/Seoul", utc(2026, 11, 23, 0, 5), "2026-W48", utc(2026, 11, 23, 0, 0), utc(2026, 11, 30, 0, 0)),
        # a minute before the slot: last week's is the latest
        (0, 9, "Asia/Seoul", utc(2026, 11, 22, 23, 59), "2026-W47", utc(2026, 11, 16, 0, 0), utc(2026, 11, 23, 0, 0)),
        # Friday 17:30 in Berlin, across the end of daylight saving time (25 Oct 2026)
        (
            4,
            17,
            "Europe/Berlin",
            utc(2026, 10, 26, 12),
            "2026-W43",
            utc(2026, 10, 23, 15, 30),
            utc(2026, 10, 30, 16, 30),
        ),
        # Sunday 23:00 in Los Angeles is Monday UTC, but the week is the local one
        (6, 23, "America/Los_Angeles", utc(2026, 11, 24), "2026-W47", utc(2026, 11, 23, 7, 0), utc(2026, 11, 30, 7, 0)),
    ],
)
def test_the_slot_owed_and_the_next_one(weekday, hour, tz, now, period, slot, following):
    minute = 30 if tz == "Europe/Berlin" else 0
    s = schedule(weekday, hour, minute, tz)
    assert s.latest_slot(now) == (period, slot)
    assert s.next_slot(now) == following
    assert s.slot_of_period(period) == slot


def test_a_period_that_is_not_a_week_has_no_slot():
    assert schedule(0, 9).slot_of_period("2026Q4") is None


def test_a_club_without_a_valid_time_zone_uses_the_bots():
    assert club_tz(None, "Asia/Seoul").key == "Asia/Seoul"
    assert club_tz("Mars/Olympus_Mons", "Asia/Seoul").key == "Asia/Seoul"
    assert club_tz("Europe/Berlin", "Asia/Seoul").key == "Europe/Berlin"
