"""Stored reports: a report of a finished period is stored (a `Report` row listing its files, the files under
`CLUBBOT_DATA_DIR/reports/<period>/...`) and fetched again without rebuilding.

A club's own report is stored only once the program report of the period exists (its narratives are closed,
its figures final); before that, and for a period not over yet, a report is a draft, built on each request.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.reports.narrative import is_closed
from bot.reports.period import Period
from bot.reports.types import PROGRAM, BuiltFile, BuiltReport, ReportTarget, StoredReport
from storage.models import Report


def stored_report(session: Session, period: Period, scope: str) -> StoredReport | None:
    row = session.scalar(select(Report).where(Report.period == period.key, Report.scope == scope))
    if row is None:
        return None
    summary = dict(row.summary)
    return StoredReport(
        period,
        scope,
        row.club_id,
        summary.get("club"),
        tuple(BuiltFile.of_json(f) for f in row.files),
        summary,
        row.built_at,
        True,
    )


def record_report(session: Session, built: BuiltReport, built_at: datetime) -> StoredReport:
    """Store a built report (replacing an earlier build of the same period and scope)."""
    row = session.scalar(select(Report).where(Report.period == built.period.key, Report.scope == built.scope))
    if row is None:
        row = Report(period=built.period.key, scope=built.scope)
        session.add(row)
    row.club_id = built.club_id
    row.built_at = built_at
    row.files = [f.as_json() for f in built.files]
    row.summary = dict(built.summary)
    session.flush()
    return StoredReport.of_built(built, built_at, stored=True)


def should_store(session: Session, target: ReportTarget) -> bool:
    if not target.finished:
        return False
    return target.scope == PROGRAM or is_closed(session, target.period.key)
