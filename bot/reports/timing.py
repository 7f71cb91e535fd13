"""When the reports feature acts: the narrative's request and reminders before a quarter ends, the quarterly
report on the first working day after it, and the annual report on the first working day of January (weekends
and Korean public holidays skipped)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import holidays

from bot.domain import Quarter
from bot.periods import latest_quarter_report, latest_year_report

#: When leaders are asked, counted back from the quarter's end: (step, days before the end).
NARRATIVE_STEPS: tuple[tuple[str, int], ...] = (("request", 14), ("reminder-7d", 7), ("reminder-2d", 2))
NARRATIVE_HOUR = 10
REPORT_HOUR = 9


def narrative_step_time(quarter: Quarter, days_before_end: int, tz: ZoneInfo) -> datetime:
    """The instant a step falls due: `days_before_end` days before the quarter's end, at 10:00 local time."""
    day = quarter.next().first_day - timedelta(days=days_before_end)
    return datetime.combine(day, time(NARRATIVE_HOUR), tzinfo=tz).astimezone(ZoneInfo("UTC"))


def latest_narrative_step(now: datetime, tz: ZoneInfo) -> tuple[Quarter, str, datetime] | None:
    """The latest step of the current quarter at or before `now` (None before its first request)."""
    quarter = Quarter.of_instant(now, tz)
    latest = None
    for step, days in NARRATIVE_STEPS:
        at = narrative_step_time(quarter, days, tz)
        if at <= now:
            latest = (quarter, step, at)
    return latest


def default_narrative_quarter(now: datetime, tz: ZoneInfo) -> Quarter:
    """The quarter whose narratives are being collected: this one once its request went out, else the last."""
    quarter = Quarter.of_instant(now, tz)
    return quarter if now >= narrative_step_time(quarter, NARRATIVE_STEPS[0][1], tz) else quarter.previous()


def latest_finished_quarter(now: datetime, tz: ZoneInfo) -> Quarter:
    return Quarter.of_instant(now, tz).previous()


@cache
def korean_holidays(year: int) -> frozenset[date]:
    """South Korea's public holidays of a year (including substitute holidays)."""
    return frozenset(holidays.country_holidays("KR", years=year).keys())


def report_due(now: datetime, tz: ZoneInfo) -> tuple[str, datetime]:
    """The latest quarter whose report fell due at or before `now`, and when: 09:00 on its first working day."""
    year = now.astimezone(tz).year
    days = korean_holidays(year - 1) | korean_holidays(year)
    return latest_quarter_report(now, tz, hour=REPORT_HOUR, holidays=days)


def year_report_due(now: datetime, tz: ZoneInfo) -> tuple[str, datetime]:
    """The latest year whose annual report fell due at or before `now` (`2026`), and when: 09:00 on the first
    working day of the January after it."""
    year = now.astimezone(tz).year
    days = korean_holidays(year - 1) | korean_holidays(year)
    return latest_year_report(now, tz, hour=REPORT_HOUR, holidays=days)
