"""The console's `:clock` argument: how far ahead, or to which local moment, and what it refuses."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.console.clock import ClockError, parse_target, steps

SEOUL = ZoneInfo("Asia/Seoul")
NOW = datetime(2026, 12, 7, 7, 12, tzinfo=SEOUL).astimezone(UTC)  # Monday 07:12 in Seoul


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("+3h", NOW + timedelta(hours=3)),
        ("+2d", NOW + timedelta(days=2)),
        ("+30m", NOW + timedelta(minutes=30)),
        ("+1d6h", NOW + timedelta(days=1, hours=6)),
        ("2026-12-08 09:00", datetime(2026, 12, 8, 9, tzinfo=SEOUL)),  # the program's zone
        ("2026-12-09", datetime(2026, 12, 9, tzinfo=SEOUL)),
        ("2026-12-08T09:00+01:00", datetime(2026, 12, 8, 8, tzinfo=UTC)),  # a zone given wins
    ],
)
def test_the_clock_moves_ahead_by_a_span_or_to_a_local_moment(text, expected):
    assert parse_target(text, NOW, SEOUL) == expected


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("+3x", "write +3h"),
        ("tomorrow", "write a date and time"),
        ("2026-12-06 09:00", "only moves forward"),
        ("+0h", "only moves forward"),
        ("+101d", "at most 100 days"),
    ],
)
def test_the_clock_refuses_what_it_cannot_do_and_says_why(text, says):
    with pytest.raises(ClockError, match=re.escape(says)):
        parse_target(text, NOW, SEOUL)


def test_the_clock_stops_at_every_whole_hour_on_the_way():
    target = NOW + timedelta(hours=3)
    stops = steps(NOW, target)
    assert [s.astimezone(SEOUL).strftime("%H:%M") for s in stops] == ["08:00", "09:00", "10:00", "10:12"]
