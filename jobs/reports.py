"""Report jobs: asking leaders for their narrative, and the quarterly reports.

- `report-narrative`: two weeks, one week and two days before a quarter ends (10:00 local time), each
  active club's leaders get a DM, unless the club answered; keyed per club and `<quarter>:<step>`.
- `quarter-report`: on the first working day after a quarter (weekends and Korean public holidays
  skipped, from the `holidays` package), 09:00 local time, the program report is built, stored and posted
  to the secretariat channel; a clock that was down catches up (grace: 30 days).
- `quarter-report-clubs`: once the program report exists, each club's own report, keyed per club.
- `year-report`: on the first working day of January, 09:00 local time, the annual program report of the year
  just ended is built, stored and posted to the secretariat channel (keyed by the year; grace: 30 days).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from bot.domain import Quarter
from bot.periods import Due
from bot.reports import narrative, service, upkeep
from bot.reports.period import Period
from bot.reports.timing import (
    NARRATIVE_STEPS,
    latest_narrative_step,
    narrative_step_time,
    report_due,
    year_report_due,
)
from bot.runtime import Runtime
from jobs.base import PeriodicJob, dm_timing
from storage.models import utcnow

log = logging.getLogger(__name__)

# --- the leaders' narrative --------------------------------------------------------------------------------------


def _narrative_dues(runtime: Runtime, quarter: Quarter, step: str, at: datetime) -> list[Due]:
    with runtime.db.session() as session:
        clubs = narrative.clubs_for_narrative(session, at)
    return [Due(f"{quarter}:{step}", f"club:{club_id}", at) for club_id in clubs]


def narrative_due(runtime: Runtime, now: datetime) -> list[Due]:
    latest = latest_narrative_step(now, runtime.settings.tz)
    if latest is None:
        return []
    quarter, step, at = latest
    return _narrative_dues(runtime, quarter, step, at)


def narrative_for_period(runtime: Runtime, period: str) -> list[Due]:
    quarter_text, _, step = period.partition(":")
    days = dict(NARRATIVE_STEPS).get(step)
    if days is None:
        raise ValueError(f"period must be QUARTER:STEP with a step of {[s for s, _ in NARRATIVE_STEPS]}")
    quarter = Quarter.parse(quarter_text)
    return _narrative_dues(runtime, quarter, step, narrative_step_time(quarter, days, runtime.settings.tz))


def ask_for_narrative(runtime: Runtime, due: Due, session: Session) -> None:
    quarter_text, _, step = due.period.partition(":")
    club_id = int(due.scope.removeprefix("club:"))
    narrative.ask_leaders(
        session,
        club_id,
        Quarter.parse(quarter_text),
        step,
        language_of=runtime.language_of,
        timing=dm_timing(runtime),
    )


NARRATIVE_JOB = PeriodicJob(
    name="report-narrative",
    description="ask club leaders for the quarterly report narrative, and remind them",
    check="15 * * * *",
    grace=timedelta(days=5),
    due=narrative_due,
    for_period=narrative_for_period,
    work=ask_for_narrative,
)


# --- the program's report ----------------------------------------------------------------------------------------


def program_due(runtime: Runtime, now: datetime) -> list[Due]:
    period, due_at = report_due(now, runtime.settings.tz)
    return [Due(period, "", due_at)]


def program_for_period(runtime: Runtime, period: str) -> list[Due]:
    return [Due(str(Quarter.parse(period)), "", utcnow())]


def build_program_report(runtime: Runtime, due: Due, session: Session) -> None:
    now = utcnow()
    service.quarterly_program_report(session, runtime.settings, Quarter.parse(due.period), now=now)
    # the retention setting (CLUBBOT_REPORTS_KEEP_QUARTERS; by default every quarter is kept)
    before = upkeep.retention_cutoff(runtime.settings.reports_keep_quarters, now, runtime.settings.tz)
    if before is not None:
        pruned = upkeep.prune_reports(session, before, now=now)
        if pruned.reports:
            log.info("reports before %s deleted (retention): %s", before, ", ".join(pruned.reports))


PROGRAM_JOB = PeriodicJob(
    name="quarter-report",
    description="build the program's quarterly report and post it to the secretariat channel",
    check="*/20 * * * *",
    grace=timedelta(days=30),
    due=program_due,
    for_period=program_for_period,
    work=build_program_report,
    take_over_after=timedelta(hours=2),
)


# --- each club's report ------------------------------------------------------------------------------------------


def _club_dues(runtime: Runtime, quarter: str, due_at: datetime) -> list[Due]:
    period = Period.of_quarter(Quarter.parse(quarter))
    with runtime.db.session() as session:
        if not narrative.is_closed(session, quarter):
            return []  # waits for the program report
        clubs = service.clubs_in_period(session, period, runtime.settings.tz)
    return [Due(quarter, f"club:{club_id}", due_at) for club_id in clubs]


def clubs_due(runtime: Runtime, now: datetime) -> list[Due]:
    period, due_at = report_due(now, runtime.settings.tz)
    return _club_dues(runtime, period, due_at)


def clubs_for_period(runtime: Runtime, period: str) -> list[Due]:
    return _club_dues(runtime, str(Quarter.parse(period)), utcnow())


def build_club_report(runtime: Runtime, due: Due, session: Session) -> None:
    service.quarterly_club_report(
        session,
        runtime.settings,
        Quarter.parse(due.period),
        int(due.scope.removeprefix("club:")),
        now=utcnow(),
        language_of=runtime.language_of,
    )


CLUBS_JOB = PeriodicJob(
    name="quarter-report-clubs",
    description="build each club's quarterly report and send it to its leaders",
    check="*/20 * * * *",
    grace=timedelta(days=30),
    due=clubs_due,
    for_period=clubs_for_period,
    work=build_club_report,
)

# --- the annual program report -----------------------------------------------------------------------------------


def year_due(runtime: Runtime, now: datetime) -> list[Due]:
    year, due_at = year_report_due(now, runtime.settings.tz)
    return [Due(year, "", due_at)]


def year_for_period(runtime: Runtime, period: str) -> list[Due]:
    text = period.strip()
    if not (text.isdigit() and len(text) == 4):
        raise ValueError("period must be a year, e.g. 2026")
    return [Due(text, "", utcnow())]


def build_year_report(runtime: Runtime, due: Due, session: Session) -> None:
    service.annual_program_report(session, runtime.settings, int(due.period), now=utcnow())


YEAR_JOB = PeriodicJob(
    name="year-report",
    description="build the annual program report of the year just ended and post it to the secretariat channel",
    check="*/20 * * * *",
    grace=timedelta(days=30),
    due=year_due,
    for_period=year_for_period,
    work=build_year_report,
    take_over_after=timedelta(hours=2),
)

JOBS = (NARRATIVE_JOB, PROGRAM_JOB, CLUBS_JOB, YEAR_JOB)
