"""Stored reports: a report of a finished period is stored (a `Report` row listing its files, each file's bytes in
the database, `storage.files`) and fetched again without rebuilding, by any process on any host.

A club's own report is stored only once the program report of the period exists (its narratives are closed,
its figures final); before that, and for a period not over yet, a report is a draft, built on each request
(its files are stored too, with no report, for the outbox to upload, and dropped after a day).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.reports.narrative import is_closed
from bot.reports.period import Period
from bot.reports.types import PROGRAM, BuiltFile, BuiltReport, ReportTarget, StoredReport
from storage import files
from storage.models import Report, ReportFile

#: How long a draft's files (a report of a period not over yet) are kept for the outbox.
DRAFT_FILES_KEPT = timedelta(days=1)


class DatabaseSink:
    """Built files straight into the database, in the caller's transaction (`bot.reports.build.FileSink`)."""

    def __init__(self, session: Session, *, period: str, scope: str, club_id: int | None) -> None:
        self.session = session
        self.period = period
        self.scope = scope
        self.club_id = club_id

    def put(self, path: str, data: bytes, *, kind: str, lang: str) -> int | None:
        name = path.rsplit("/", 1)[-1]
        stored = files.save_file(
            self.session, data, name=name, kind=kind, lang=lang, period=self.period, scope=self.scope,
            club_id=self.club_id,
        )  # fmt: skip
        return stored.id


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
    """Store a built report (replacing an earlier build of the same period and scope, and its files)."""
    row = session.scalar(select(Report).where(Report.period == built.period.key, Report.scope == built.scope))
    if row is None:
        row = Report(period=built.period.key, scope=built.scope)
        session.add(row)
        session.flush()
    new_ids = {f.file_id for f in built.files if f.file_id is not None}
    old_ids = set(session.scalars(select(ReportFile.id).where(ReportFile.report_id == row.id)))
    files.delete_files(session, old_ids - new_ids)
    for file in session.scalars(select(ReportFile).where(ReportFile.id.in_(new_ids))):
        file.report_id = row.id
    row.club_id = built.club_id
    row.built_at = built_at
    row.files = [f.as_json() for f in built.files]
    row.summary = dict(built.summary)
    session.flush()
    return StoredReport.of_built(built, built_at, stored=True)


def remove_report(session: Session, period: str, scope: str) -> bool:
    """Delete a stored report and its files (the next request builds it again)."""
    row = session.scalar(select(Report).where(Report.period == period, Report.scope == scope))
    if row is None:
        return False
    files.delete_files(session, session.scalars(select(ReportFile.id).where(ReportFile.report_id == row.id)))
    session.delete(row)
    session.flush()
    return True


def drop_stale_drafts(session: Session, now: datetime) -> int:
    """Delete draft files (no report) older than `DRAFT_FILES_KEPT`."""
    stale = session.scalars(
        select(ReportFile.id).where(ReportFile.report_id.is_(None), ReportFile.created_at < now - DRAFT_FILES_KEPT)
    )
    return files.delete_files(session, list(stale))


def should_store(session: Session, target: ReportTarget) -> bool:
    if not target.finished:
        return False
    return target.scope == PROGRAM or is_closed(session, target.period.key)
