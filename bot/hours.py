"""A person's own hour: when a direct message may reach them. Pure.

Club members live in Korea, Europe and the Americas; 09:00 in Seoul is 01:00 in Vienna. Every direct message
the bot schedules (deadline reminders, survey invitations, the leaders' narrative requests, feed-problem
notices) is therefore timed by one rule, `reader_hour`:

1. It goes out within the reader's **working hours** (settings `CLUBBOT_WORKING_HOURS`, default 09:00-18:00,
   or `always`; and `CLUBBOT_WORKING_DAYS`, default Monday to Friday) in the reader's own time zone (their Slack `tz`;
   the club's or the program's zone when Slack has not said), at the earliest such moment not before now.
   Weekends are skipped for everyone; Korean public holidays for people whose zone is Korea's.
2. **A deadline is still a deadline**: when the reader's next working moment would come after it, the
   message is not held back but goes out now (moved earlier, never later). Deadlines are instants, so a
   deadline at 18:00 in Seoul is the same moment for a reader in Boston.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import holidays

#: The days of the week by their short English names, Monday first (date.weekday()).
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
#: Zones whose people keep Korea's public holidays.
KOREAN_ZONES = frozenset({"Asia/Seoul"})
#: How far ahead a working moment is looked for (a long holiday plus a weekend fits well within it).
LOOKAHEAD_DAYS = 21


@dataclass(frozen=True)
class WorkingHours:
    """When people may be written to: from `start` to `end` local time on `days` (0 = Monday)."""

    start: time = time(9, 0)
    end: time = time(18, 0)
    days: frozenset[int] = field(default_factory=lambda: frozenset(range(5)))
    #: Any moment will do (`CLUBBOT_WORKING_HOURS=always`): messages go at once, as for a test workspace.
    always: bool = False

    def __post_init__(self) -> None:
        if not self.start < self.end:
            raise ValueError("working hours must start before they end")
        if not self.days or not self.days <= frozenset(range(7)):
            raise ValueError("working days must be some of Monday to Sunday")

    @classmethod
    def parse(cls, hours: str, days: str) -> WorkingHours:
        """`"09:00-18:00"` and `"mon-fri"` (or `"mon,tue,thu"`, `"sun-thu"`), or `"always"`; ValueError when
        malformed."""
        if hours.strip().lower() == "always":
            return cls(always=True)
        try:
            start_text, end_text = (part.strip() for part in hours.split("-"))
            start, end = time.fromisoformat(start_text), time.fromisoformat(end_text)
        except ValueError as error:
            raise ValueError(f"{hours!r} is not a range of times such as 09:00-18:00") from error
        return cls(start, end, _parse_days(days))


def _parse_days(text: str) -> frozenset[int]:
    chosen: set[int] = set()
    for part in (p.strip().lower() for p in text.split(",")):
        if "-" in part:
            first, _, last = part.partition("-")
            a, b = _weekday(first), _weekday(last)
            chosen.update((a + n) % 7 for n in range((b - a) % 7 + 1))
        elif part:
            chosen.add(_weekday(part))
    if not chosen:
        raise ValueError(f"{text!r} names no day of the week")
    return frozenset(chosen)


def _weekday(name: str) -> int:
    key = name.strip().lower()[:3]
    if key not in WEEKDAYS:
        raise ValueError(f"{name!r} is not a day of the week (mon, tue, … sun)")
    return WEEKDAYS.index(key)


@cache
def _korean_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("KR", years=year))


def holiday_rule(zone: ZoneInfo) -> Callable[[date], bool]:
    """The public holidays a person in `zone` keeps: Korea's for Korea's zone, none otherwise (the program
    knows no other country's calendar well enough to guess it)."""
    if zone.key in KOREAN_ZONES:
        return lambda day: day in _korean_holidays(day.year)
    return lambda day: False


def reader_hour(
    now: datetime,
    zone: ZoneInfo,
    hours: WorkingHours = WorkingHours(),
    *,
    deadline: datetime | None = None,
    is_holiday: Callable[[date], bool] | None = None,
) -> datetime:
    """The instant (UTC) a message decided at `now` should reach a reader in `zone`: the earliest moment at or
    after `now` within their working hours on a working day that is not a holiday, unless that comes after
    `deadline`, in which case `now` (see the module's rules)."""
    if now.tzinfo is None:
        raise ValueError("now must be an aware instant")
    if hours.always:
        return now.astimezone(UTC)
    holiday = is_holiday if is_holiday is not None else holiday_rule(zone)
    local_now = now.astimezone(zone)
    for offset in range(LOOKAHEAD_DAYS):
        day = local_now.date() + timedelta(days=offset)
        if day.weekday() not in hours.days or holiday(day):
            continue
        opens = datetime.combine(day, hours.start, tzinfo=zone)
        closes = datetime.combine(day, hours.end, tzinfo=zone)
        if closes <= local_now:
            continue
        moment = max(local_now, opens).astimezone(UTC)
        if deadline is not None and moment > deadline:
            break
        return moment
    return now.astimezone(UTC)


def next_working_day(
    day: date, zone: ZoneInfo, hours: WorkingHours = WorkingHours(), *, is_holiday: Callable[[date], bool] | None = None
) -> date:
    """The reader's next working day after `day` (their own calendar: working days, and Korea's public holidays
    for people in Korea); simply the next day when any moment will do (`always`)."""
    if hours.always:
        return day + timedelta(days=1)
    holiday = is_holiday if is_holiday is not None else holiday_rule(zone)
    for offset in range(1, LOOKAHEAD_DAYS):
        candidate = day + timedelta(days=offset)
        if candidate.weekday() in hours.days and not holiday(candidate):
            return candidate
    return day + timedelta(days=1)
