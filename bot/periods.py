"""Periods: which run of a job is due at an instant. Pure functions, computed in the given time zone.

A scheduled job runs once per *period* (a week for a digest, a quarter for the report...). Each
function here returns the latest period whose scheduled time is at or before `now`, with that time,
so a clock that was down across several scheduled times catches up with one run (coalesced), and a
run older than the job's grace is not made at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.domain import Quarter


@dataclass(frozen=True)
class Due:
    """One run a job owes: its period key, its scope (`""` program-wide, `club:<id>` per club), when it fell due."""

    period: str
    scope: str
    due_at: datetime


def latest_weekly(now: datetime, tz: ZoneInfo, *, weekday: int, hour: int, minute: int = 0) -> tuple[str, datetime]:
    """The latest weekly slot (ISO weekday 0=Monday at hour:minute, local time) at or before `now`.

    The period key is the ISO week of the slot, e.g. `2026-W47`.
    """
    local_now = now.astimezone(tz)
    monday = local_now.date() - timedelta(days=local_now.weekday())
    slot = datetime.combine(monday + timedelta(days=weekday), time(hour, minute), tzinfo=tz)
    if slot > local_now:
        slot -= timedelta(days=7)
    # normalise through UTC so DST gaps resolve the way zoneinfo does
    slot_utc = slot.astimezone(UTC)
    year, week, _ = slot.date().isocalendar()
    return f"{year}-W{week:02d}", slot_utc


def latest_daily(now: datetime, tz: ZoneInfo, *, hour: int, minute: int = 0) -> tuple[str, datetime]:
    """The latest daily slot at or before `now`; the key is the local date, e.g. `2026-11-21`."""
    local_now = now.astimezone(tz)
    slot = datetime.combine(local_now.date(), time(hour, minute), tzinfo=tz)
    if slot > local_now:
        slot -= timedelta(days=1)
    return slot.date().isoformat(), slot.astimezone(UTC)


def first_working_day(start: date, holidays: frozenset[date] = frozenset()) -> date:
    """The first day on or after `start` that is a weekday and not a holiday."""
    day = start
    while day.weekday() >= 5 or day in holidays:
        day += timedelta(days=1)
    return day


def latest_quarter_report(
    now: datetime, tz: ZoneInfo, *, hour: int = 9, holidays: frozenset[date] = frozenset()
) -> tuple[str, datetime]:
    """The latest finished quarter whose report is due: on the first working day after it, at `hour`.

    Returns the quarter key (e.g. `2026Q4`) and the instant the report fell due.
    """
    local_now = now.astimezone(tz)
    quarter = Quarter.containing(local_now.date())
    due_day = first_working_day(quarter.first_day, holidays)
    due = datetime.combine(due_day, time(hour), tzinfo=tz)
    if due > local_now:
        quarter = quarter.previous()
        due = datetime.combine(first_working_day(quarter.first_day, holidays), time(hour), tzinfo=tz)
    return str(quarter.previous()), due.astimezone(UTC)


def latest_year_report(
    now: datetime, tz: ZoneInfo, *, hour: int = 9, holidays: frozenset[date] = frozenset()
) -> tuple[str, datetime]:
    """The latest finished year whose annual report is due: on the first working day of January after it, at
    `hour`. Returns the year's key (e.g. `2026`) and the instant the report fell due."""
    local_now = now.astimezone(tz)
    year = local_now.year
    due = datetime.combine(first_working_day(date(year, 1, 1), holidays), time(hour), tzinfo=tz)
    if due > local_now:
        year -= 1
        due = datetime.combine(first_working_day(date(year, 1, 1), holidays), time(hour), tzinfo=tz)
    return str(year - 1), due.astimezone(UTC)


def latest_interval(now: datetime, *, seconds: int, origin: datetime | None = None) -> tuple[str, datetime]:
    """The latest slot of a fixed interval at or before `now` (key: the slot's UTC start, ISO format)."""
    origin = origin or datetime(2000, 1, 1, tzinfo=UTC)
    slots = int((now - origin).total_seconds() // seconds)
    slot = origin + timedelta(seconds=slots * seconds)
    return slot.strftime("%Y-%m-%dT%H:%M:%SZ"), slot


def within_grace(due_at: datetime, now: datetime, grace: timedelta) -> bool:
    """Whether a run that fell due at `due_at` is still worth making at `now`."""
    return timedelta(0) <= now - due_at <= grace
