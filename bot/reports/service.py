"""Quarterly club operation reports: which report a request means, building it, and the runs that store and
send it. The figures and files are made by the engine (`bot.reports.load`, `figures`, `build`: pure, plus
its one loader); the narrative is in `bot.reports.narrative`, storage in `store`, sending in `delivery`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.domain import ClubRole, Language, LanguageOf, Quarter
from bot.errors import UserError
from bot.refs import ClubRef
from bot.reports import views
from bot.reports.build import build_club, build_program
from bot.reports.build_year import build_year
from bot.reports.delivery import club_leader_ids, enqueue_delivery, enqueue_files_dm, uploads
from bot.reports.load import load_dataset, load_year
from bot.reports.period import Period
from bot.reports.settings import ReportSettings, load_report_settings
from bot.reports.store import DatabaseSink, drop_stale_drafts, record_report, should_store, stored_report
from bot.reports.timing import latest_finished_quarter
from bot.reports.types import PROGRAM, BuiltReport, ReportTarget, RequestedReport, StoredReport
from bot.settings import Settings
from bot.standing import club_by_channel, find_club, role_in
from storage.db import Database
from storage.models import Club

log = logging.getLogger(__name__)
#: The one chart posted with a report asked for in the secretariat channel: the scores (a quarter), the
#: indicators (a year).
CHART_SENT = re.compile(r"-(scores|indicators)-")


# --- which report ----------------------------------------------------------------------------------------------


def resolve_target(
    session: Session,
    *,
    user_id: str,
    channel_id: str,
    club_name: str | None,
    is_admin: bool,
    period: Period | None,
    now: datetime,
    tz: ZoneInfo,
) -> ReportTarget:
    """Which report `/club report` means: the club's (in its channel, or `club:NAME`) for its leaders and the
    secretariat, the program's for the secretariat elsewhere. Raises UserError otherwise."""
    period = period or Period.of_quarter(latest_finished_quarter(now, tz))
    if period.start(tz) > now:
        raise UserError("reports.error.future_period", period=period.key)
    club = find_club(session, club_name) if club_name else club_by_channel(session, channel_id)
    if club_name and club is None:
        raise UserError("clubs.error.no_such_club", name=club_name)
    finished = period.is_finished(now, tz)
    if club is not None and period.year:
        raise UserError("reports.year.error.club")
    if club is not None:
        if not is_admin and role_in(session, club.id, user_id) is not ClubRole.LEADER:
            raise UserError("reports.error.not_leader", club=club.name)
        return ReportTarget(period, f"club:{club.id}", club, finished)
    if not is_admin:
        raise UserError("reports.error.program_admins_only")
    return ReportTarget(period, PROGRAM, None, finished)


def club_ref(session: Session, club_id: int) -> ClubRef | None:
    club = session.get(Club, club_id)
    return ClubRef.of(club) if club else None


def clubs_in_period(session: Session, period: Period, tz: ZoneInfo) -> list[int]:
    """Clubs a period's report covers (created before its end, not closed before its start)."""
    start, end = period.start(tz), period.end(tz)
    return list(
        session.scalars(
            select(Club.id)
            .where(Club.created_at < end, (Club.closed_at.is_(None)) | (Club.closed_at >= start))
            .order_by(Club.id)
        )
    )


def club_report_target(session: Session, club_id: int, period: Period) -> ReportTarget:
    ref = club_ref(session, club_id)
    if ref is None:
        raise UserError("reports.error.bad_request")
    return ReportTarget(period, f"club:{club_id}", ref, True)


# --- building --------------------------------------------------------------------------------------------------


def report_settings(settings: Settings) -> ReportSettings:
    return load_report_settings(settings.data_dir)


def build_for(
    session: Session,
    target: ReportTarget,
    settings: Settings,
    *,
    now: datetime,
    progress: Callable[[str], None] = lambda _stage: None,
) -> BuiltReport:
    """Load the rows and build the target's files (both languages) into the database, in `session`."""
    options = report_settings(settings)
    sink = DatabaseSink(
        session, period=target.period.key, scope=target.scope, club_id=target.club.id if target.club else None
    )
    progress("loading")
    if target.period.year and target.club is None:  # the annual program report
        year = load_year(session, target.period.year, settings.tz)
        progress("writing")
        return build_year(year, options, sink, built_at=now, workbook_lang=Language(settings.language))
    club_ids = [target.club.id] if target.club else None
    dataset = load_dataset(session, target.period, settings.tz, club_ids=club_ids)
    progress("writing")
    if target.club is not None:
        if not any(c.id == target.club.id for c in dataset.clubs):
            raise UserError("reports.error.club_not_in_period", club=target.club.name, period=target.period.key)
        return build_club(dataset, options, target.club.id, sink, built_at=now)
    return build_program(dataset, options, sink, built_at=now, workbook_lang=Language(settings.language))


# --- on request (`/club report`) -------------------------------------------------------------------------------


def request_report(
    db: Database,
    settings: Settings,
    target: ReportTarget,
    *,
    user_id: str,
    channel_id: str,
    lang: Language,
    now: datetime,
    progress: Callable[[str], None] = lambda _stage: None,
) -> RequestedReport:
    """Fetch the stored report, or build it; send its files privately (a club's) or into the secretariat channel
    (the program's, asked there, with its summary)."""
    with db.session() as session:
        report = stored_report(session, target.period, target.scope) if target.finished else None
    rebuilt = report is None
    built = None
    if report is None:
        with db.session() as session:
            built = build_for(session, target, settings, now=now, progress=progress)
        progress("storing")
    in_secretariat = target.scope == PROGRAM and channel_id == settings.secretariat_channel
    with db.session() as session:  # the stored report and its deliveries in one transaction
        drop_stale_drafts(session, now)
        if built is not None:
            if should_store(session, target):
                report = record_report(session, built, now)
            else:
                report = StoredReport.of_built(built, now, stored=False)
        assert report is not None
        if in_secretariat:
            files = uploads(report, kinds=("docx",), langs=("ko", "en")) + uploads(
                report, kinds=("xlsx", "png"), langs=(settings.language,)
            )
            enqueue_delivery(
                session,
                report,
                channel=channel_id,
                dm=False,
                summary=views.report_summary(report, Language(settings.language)),
                files=[f for f in files if CHART_SENT.search(f.filename) or not f.filename.endswith(".png")],
                key=None,
            )
        else:
            files = uploads(report, kinds=("docx",), langs=(lang.value,))
            if target.scope == PROGRAM:  # the workbook exists in the secretariat's language only
                files += uploads(report, kinds=("xlsx",), langs=(settings.language,))
            enqueue_files_dm(session, user_id, report, files)
    return RequestedReport(report, rebuilt, channel_id if in_secretariat else "dm")


# --- the quarterly runs ----------------------------------------------------------------------------------------


def quarterly_program_report(session: Session, settings: Settings, quarter: Quarter, *, now: datetime) -> StoredReport:
    """Build and store the program report of a finished quarter; post it to the secretariat channel."""
    return _program_report(session, settings, Period.of_quarter(quarter), now=now, chart="-scores-", key=str(quarter))


def _program_report(
    session: Session, settings: Settings, period: Period, *, now: datetime, chart: str, key: str
) -> StoredReport:
    """Build and store a program report; post it to the secretariat channel once (deduplicated by `key`): the
    summary, both documents, the workbook and the one chart whose file name holds `chart`."""
    built = build_for(session, ReportTarget(period, PROGRAM, None, True), settings, now=now)
    report = record_report(session, built, now)
    if not settings.secretariat_channel:
        log.warning("CLUBBOT_SECRETARIAT_CHANNEL is not set: the %s report is stored but not posted", key)
        return report
    lang = settings.language
    files = uploads(report, kinds=("docx",), langs=("ko", "en")) + uploads(report, kinds=("xlsx",), langs=(lang,))
    files += [f for f in uploads(report, kinds=("png",), langs=(lang,)) if chart in f.filename]
    enqueue_delivery(
        session,
        report,
        channel=settings.secretariat_channel,
        dm=False,
        summary=views.report_summary(report, Language(lang)),
        files=files,
        key=f"report:{key}:program",
    )
    return report


def quarterly_club_report(
    session: Session,
    settings: Settings,
    quarter: Quarter,
    club_id: int,
    *,
    now: datetime,
    language_of: LanguageOf | None = None,
) -> StoredReport | None:
    """Build and store one club's report of a finished quarter and send it to its leaders (DM or channel)."""
    period = Period.of_quarter(quarter)
    target = club_report_target(session, club_id, period)
    try:
        built = build_for(session, target, settings, now=now)
    except UserError:
        return None  # the club did not exist in that quarter
    report = record_report(session, built, now)
    options = report_settings(settings)
    club = target.club
    assert club is not None
    key = f"report:{quarter}:club:{club_id}"
    if options.leaders_delivery == "channel" and club.channel_id:
        files = uploads(report, kinds=("docx",), langs=("ko", "en"))
        enqueue_delivery(
            session,
            report,
            channel=club.channel_id,
            dm=False,
            summary=views.report_summary(report, club.language),
            files=files,
            key=key,
        )
    else:
        for user_id, stored_lang in club_leader_ids(session, club_id):
            lang = language_of(user_id) if language_of else stored_lang
            enqueue_delivery(
                session,
                report,
                channel=user_id,
                dm=True,
                summary=views.report_summary(report, lang),
                files=uploads(report, kinds=("docx",), langs=(lang.value,)),
                key=f"{key}:{user_id}",
            )
    return report


def annual_program_report(session: Session, settings: Settings, year: int, *, now: datetime) -> StoredReport:
    """Build and store the annual program report of a finished year; post it to the secretariat channel (the
    summary, both documents, the workbook and the indicators' chart), once (deduplicated by the year)."""
    return _program_report(session, settings, Period.of_year(year), now=now, chart="-indicators-", key=str(year))
