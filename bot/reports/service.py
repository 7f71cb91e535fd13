"""Quarterly club operation reports: collecting the leaders' narrative, building, storing and delivering reports.

The figures and files are made by `bot.reports` (pure, plus its one loader); this module holds the rules
around them:

- **Narrative**: two weeks before a quarter ends each club's leaders are asked (DM with a button), and
  reminded one week and two days before the end unless the club answered. A leader (or the secretariat)
  submits once and may edit until the program report of the quarter is built; then it is closed.
- **Storage**: a report of a finished period is stored (a `Report` row listing its files, the files under
  `CLUBBOT_DATA_DIR/reports/<period>/...`) and fetched again without rebuilding. A club's own report is
  stored only once the program report of the period exists (its narratives are closed, its figures
  final); before that, and for a period not over yet, a report is a draft, built on each request.
- **Delivery**: summary messages and files go through the outbox (`enqueue`, `enqueue_file`) in the same
  transaction as the `Report` row.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot import due
from bot.domain import ClubRole, ClubStatus, Language, MembershipStatus, Quarter
from bot.errors import UserError
from bot.i18n import t
from bot.reports.build import BuiltFile, BuiltReport, build_club, build_program
from bot.reports.load import load_dataset
from bot.reports.period import Period
from bot.reports.settings import ReportSettings, load_report_settings
from bot.settings import Settings
from bot.slack.forms import FieldErrors
from bot.slack.outbox import enqueue, enqueue_dm, enqueue_file
from bot.standing import ClubRef, club_by_channel, club_leaders, find_club, participant_of, role_in
from storage.db import Database
from storage.models import Club, ClubMeeting, Membership, Output, Participant, Plan, Report, ReportNarrative, Update

log = logging.getLogger(__name__)

#: When leaders are asked, counted back from the quarter's end: (step, days before the end).
NARRATIVE_STEPS: tuple[tuple[str, int], ...] = (("request", 14), ("reminder-7d", 7), ("reminder-2d", 2))
NARRATIVE_HOUR = 10
NARRATIVE_ACTION = "reports_narrative_open"
NARRATIVE_CALLBACK = "reports_narrative"
NARRATIVE_FIELDS = ("highlights", "difficulties", "plans", "support")
NARRATIVE_MAX = 3000
PROGRAM = "program"


# --- narrative: when ---------------------------------------------------------------------------------------------


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


# --- narrative: asking -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NarrativeAsk:
    """One DM to one leader: who, in which language, about which club and quarter."""

    user_id: str
    lang: Language
    club_id: int
    club_name: str
    period: str
    step: str
    due_on: date


def clubs_for_narrative(session: Session, at: datetime) -> list[int]:
    """Active clubs that existed at `at`."""
    return list(
        session.scalars(
            select(Club.id).where(Club.status == ClubStatus.ACTIVE, Club.created_at <= at).order_by(Club.id)
        )
    )


def is_closed(session: Session, period_key: str) -> bool:
    """A quarter's narratives close when its program report is built."""
    return session.scalar(select(Report.id).where(Report.period == period_key, Report.scope == PROGRAM)) is not None


def narrative_asks(session: Session, club_id: int, quarter: Quarter, step: str) -> list[NarrativeAsk]:
    """The DMs a step owes for one club: none when the club answered or the quarter's report is built."""
    period = str(quarter)
    club = session.get(Club, club_id)
    if club is None or club.status is not ClubStatus.ACTIVE or is_closed(session, period):
        return []
    answered = session.scalar(
        select(ReportNarrative.id).where(ReportNarrative.club_id == club_id, ReportNarrative.period == period)
    )
    if answered is not None:
        return []
    return [
        NarrativeAsk(
            user_id=str(leader.slack_user_id),
            lang=Language(leader.language if leader.language in ("ko", "en") else club.language),
            club_id=club.id,
            club_name=club.name,
            period=period,
            step=step,
            due_on=quarter.last_day,
        )
        for leader in club_leaders(session, club_id)
    ]


def action_value(club_id: int, period: str) -> str:
    return json.dumps({"club": club_id, "period": period}, separators=(",", ":"))


def parse_action_value(value: str | None) -> tuple[int, str]:
    try:
        data = json.loads(value or "")
        return int(data["club"]), str(_quarter(str(data["period"])))
    except (ValueError, KeyError, TypeError):
        raise UserError("reports.error.bad_request") from None


def _quarter(period: str) -> Quarter:
    try:
        return Quarter.parse(period)
    except ValueError:
        raise UserError("reports.error.bad_request") from None


# --- narrative: the form -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NarrativeForm:
    club_id: int
    club_name: str
    period: str
    closed: bool
    values: dict[str, str]  # the saved narrative, or the pre-filled draft
    saved: bool
    items: tuple[str, ...]  # what the club filed in the quarter, as lines
    answered_by: str | None = None
    answered_at: datetime | None = None


def _require_leader(session: Session, club_id: int, user_id: str, is_admin: bool) -> Club:
    club = session.get(Club, club_id)
    if club is None:
        raise UserError("reports.error.bad_request")
    if not is_admin and role_in(session, club_id, user_id) is not ClubRole.LEADER:
        raise UserError("reports.error.not_leader", club=club.name)
    return club


def narrative_form(
    session: Session, club_id: int, period: str, *, user_id: str, is_admin: bool, tz: ZoneInfo, lang: Language
) -> NarrativeForm:
    """What the narrative modal shows: the saved narrative, or a draft from the club's plans and items."""
    club = _require_leader(session, club_id, user_id, is_admin)
    quarter = _quarter(period)
    period = str(quarter)
    start, end = quarter.start(tz), quarter.end(tz)
    items = _quarter_items(session, club_id, start, end, quarter, lang)
    saved = session.scalar(
        select(ReportNarrative).where(ReportNarrative.club_id == club_id, ReportNarrative.period == period)
    )
    if saved is not None:
        author = session.get(Participant, saved.author_id) if saved.author_id else None
        values = {name: getattr(saved, name) for name in NARRATIVE_FIELDS}
        return NarrativeForm(
            club.id,
            club.name,
            period,
            is_closed(session, period),
            values,
            True,
            items,
            answered_by=_name(author, lang),
            answered_at=saved.updated_at,
        )
    plans = session.scalars(
        select(Plan.text)
        .where(Plan.club_id == club_id, Plan.deleted_at.is_(None), Plan.created_at >= start, Plan.created_at < end)
        .order_by(Plan.created_at, Plan.id)
    ).all()
    values = {
        "highlights": "\n".join(items),
        "difficulties": "",
        "plans": "\n".join(f"• {p}" for p in plans),
        "support": "",
    }
    return NarrativeForm(club.id, club.name, period, is_closed(session, period), values, False, items)


def _quarter_items(
    session: Session, club_id: int, start: datetime, end: datetime, quarter: Quarter, lang: Language
) -> tuple[str, ...]:
    lines = []
    for output_type, title, status in session.execute(
        select(Output.type, Output.title, Output.status)
        .where(
            Output.club_id == club_id, Output.deleted_at.is_(None), Output.created_at >= start, Output.created_at < end
        )
        .order_by(Output.created_at, Output.id)
    ):
        lines.append(f"• {t(lang, f'output.type.{output_type}')}: {title} ({t(lang, f'output.status.{status}')})")
    for held_on, summary in session.execute(
        select(ClubMeeting.held_on, ClubMeeting.summary)
        .where(
            ClubMeeting.club_id == club_id,
            ClubMeeting.deleted_at.is_(None),
            ClubMeeting.held_on >= quarter.first_day,
            ClubMeeting.held_on <= quarter.last_day,
        )
        .order_by(ClubMeeting.held_on, ClubMeeting.id)
    ):
        lines.append(f"• {t(lang, 'reports.form.meeting_item', date=held_on.isoformat(), summary=summary[:200])}")
    count = session.scalar(
        select(func.count(Update.id)).where(
            Update.club_id == club_id, Update.deleted_at.is_(None), Update.created_at >= start, Update.created_at < end
        )
    )
    if count:
        lines.append(f"• {t(lang, 'reports.form.updates_item', count=count)}")
    return tuple(lines)


def _name(person: Participant | None, lang: Language) -> str | None:
    if person is None:
        return None
    first, second = (person.name_ko, person.name_en) if lang == "ko" else (person.name_en, person.name_ko)
    return first or second


@dataclass(frozen=True)
class SavedNarrative:
    club_name: str
    period: str
    created: bool


def save_narrative(
    session: Session,
    club_id: int,
    period: str,
    values: dict[str, str],
    *,
    user_id: str,
    is_admin: bool,
    now: datetime,
) -> SavedNarrative:
    """Save (or replace) a club's narrative for a quarter. Re-checks the submitter's role; closed once built."""
    club = _require_leader(session, club_id, user_id, is_admin)
    period = str(_quarter(period))
    if is_closed(session, period):
        raise UserError("reports.error.closed", period=period)
    cleaned = {name: (values.get(name) or "").strip() for name in NARRATIVE_FIELDS}
    errors: dict[str, tuple[str, dict[str, object]]] = {}
    if not cleaned["highlights"]:
        errors["highlights"] = ("reports.error.highlights_required", {})
    for name, value in cleaned.items():
        if len(value) > NARRATIVE_MAX:
            errors[name] = ("reports.error.too_long", {"limit": NARRATIVE_MAX})
    if errors:
        raise FieldErrors(errors)
    author = participant_of(session, user_id)
    narrative = session.scalar(
        select(ReportNarrative).where(ReportNarrative.club_id == club_id, ReportNarrative.period == period)
    )
    created = narrative is None
    if narrative is None:
        narrative = ReportNarrative(club_id=club_id, period=period, submitted_at=now)
        session.add(narrative)
    for name, value in cleaned.items():
        setattr(narrative, name, value)
    narrative.author_id = author.id if author else None
    narrative.updated_at = now
    session.flush()
    return SavedNarrative(club.name, period, created)


# --- narrative: who answered -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NarrativeStatus:
    club_name: str
    answered_by: str | None
    answered_at: datetime | None


def narrative_status(session: Session, period: str, lang: Language) -> list[NarrativeStatus]:
    """Every active club and whether (by whom, when) it answered for the quarter: not yet answered first."""
    answers = {n.club_id: n for n in session.scalars(select(ReportNarrative).where(ReportNarrative.period == period))}
    authors = {
        p.id: p
        for p in session.scalars(
            select(Participant).where(Participant.id.in_([n.author_id for n in answers.values() if n.author_id]))
        )
    }
    rows = []
    for club in session.scalars(select(Club).where(Club.status == ClubStatus.ACTIVE).order_by(Club.name)):
        answer = answers.get(club.id)
        if answer is None:
            rows.append(NarrativeStatus(club.name, None, None))
        else:
            rows.append(
                NarrativeStatus(club.name, _name(authors.get(answer.author_id or 0), lang) or "—", answer.updated_at)
            )
    return sorted(rows, key=lambda r: (r.answered_at is not None, r.club_name.casefold()))


# --- the App Home: narratives due --------------------------------------------------------------------------------


@due.register
def narratives_due(session: Session, participant_id: int, now: datetime, tz: ZoneInfo) -> list[due.DueItem]:
    """`report narrative due` for each club the person leads, from the request until the report is built."""
    quarter = default_narrative_quarter(now, tz)
    period = str(quarter)
    if now < narrative_step_time(quarter, NARRATIVE_STEPS[0][1], tz) or is_closed(session, period):
        return []
    rows = session.execute(
        select(Club.id, Club.name)
        .join(Membership, Membership.club_id == Club.id)
        .where(
            Membership.participant_id == participant_id,
            Membership.role == ClubRole.LEADER,
            Membership.status == MembershipStatus.ACTIVE,
            Club.status == ClubStatus.ACTIVE,
        )
    ).all()
    answered = set(
        session.scalars(
            select(ReportNarrative.club_id).where(
                ReportNarrative.period == period, ReportNarrative.club_id.in_([r[0] for r in rows])
            )
        )
    )
    return [
        due.DueItem(
            club_id=club_id,
            club_name=name,
            due_on=quarter.last_day,
            text_key="reports.due.narrative",
            params={"club": name, "period": period},
            action_id=NARRATIVE_ACTION,
            action_value=action_value(club_id, period),
        )
        for club_id, name in rows
        if club_id not in answered
    ]


# --- reports: which one ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportTarget:
    period: Period
    scope: str  # "program" or "club:<id>"
    club: ClubRef | None
    finished: bool


def latest_finished_quarter(now: datetime, tz: ZoneInfo) -> Quarter:
    return Quarter.of_instant(now, tz).previous()


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
    if club is not None:
        if not is_admin and role_in(session, club.id, user_id) is not ClubRole.LEADER:
            raise UserError("reports.error.not_leader", club=club.name)
        return ReportTarget(period, f"club:{club.id}", club, finished)
    if not is_admin:
        raise UserError("reports.error.program_admins_only")
    return ReportTarget(period, PROGRAM, None, finished)


# --- reports: stored -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StoredReport:
    """A built report as handlers and views see it (stored or a draft)."""

    period: Period
    scope: str
    club_id: int | None
    club_name: str | None
    files: tuple[BuiltFile, ...]
    summary: dict[str, Any] = field(default_factory=dict)
    built_at: datetime | None = None
    stored: bool = True

    @classmethod
    def of_built(cls, built: BuiltReport, built_at: datetime, *, stored: bool) -> StoredReport:
        return cls(
            built.period, built.scope, built.club_id, built.club_name, built.files, built.summary, built_at, stored
        )


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


# --- reports: building ---------------------------------------------------------------------------------------------


def reports_dir(settings: Settings) -> Path:
    return settings.data_dir / "reports"


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
    """Load the rows and build the target's files (both languages)."""
    options = report_settings(settings)
    progress("loading")
    club_ids = [target.club.id] if target.club else None
    dataset = load_dataset(session, target.period, settings.tz, club_ids=club_ids)
    progress("writing")
    if target.club is not None:
        if not any(c.id == target.club.id for c in dataset.clubs):
            raise UserError("reports.error.club_not_in_period", club=target.club.name, period=target.period.key)
        return build_club(dataset, options, target.club.id, reports_dir(settings), built_at=now)
    return build_program(
        dataset, options, reports_dir(settings), built_at=now, workbook_lang=Language(settings.language)
    )


# --- reports: delivery ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Upload:
    """One file of a report to send: its path under the data folder, its name and its title."""

    path: str
    filename: str
    title: str


def uploads(report: StoredReport, *, kinds: tuple[str, ...], langs: tuple[str, ...]) -> list[Upload]:
    chosen = []
    for lang in langs:
        for kind in kinds:
            for file in report.files:
                if file.kind == kind and file.lang == lang:
                    chosen.append(
                        Upload(
                            path=f"reports/{file.path}",
                            filename=Path(file.path).name,
                            title=file.title(report.period, report.club_name or ""),
                        )
                    )
    return chosen


def enqueue_delivery(
    session: Session,
    report: StoredReport,
    *,
    channel: str,
    dm: bool,
    summary: Any,
    files: list[Upload],
    key: str | None,
) -> int:
    """The summary message, then each file, through the outbox (deduplicated by `key` when given)."""
    ref = f"report:{report.period.key}:{report.scope}"
    post = enqueue_dm if dm else enqueue
    post(session, channel, summary, ref=ref, dedupe_key=f"{key}:summary" if key else None)
    for upload in files:
        enqueue_file(
            session,
            channel,
            path=upload.path,
            filename=upload.filename,
            title=upload.title,
            dm=dm,
            ref=ref,
            dedupe_key=f"{key}:{upload.filename}" if key else None,
        )
    return 1 + len(files)


def club_leader_ids(session: Session, club_id: int) -> list[tuple[str, Language]]:
    club = session.get(Club, club_id)
    default = club.language if club else "ko"
    return [
        (str(p.slack_user_id), Language(p.language if p.language in ("ko", "en") else default))
        for p in club_leaders(session, club_id)
    ]


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


# --- reports: on request (`/club report`) ----------------------------------------------------------------------------


@dataclass(frozen=True)
class RequestedReport:
    report: StoredReport
    rebuilt: bool
    files_to: str  # "dm" or the channel the files were posted in


def request_report(
    db: Database,
    settings: Settings,
    target: ReportTarget,
    *,
    user_id: str,
    channel_id: str,
    lang: Language,
    now: datetime,
    summary_view: Callable[[StoredReport, Language], Any],
    progress: Callable[[str], None] = lambda _stage: None,
) -> RequestedReport:
    """Fetch the stored report, or build it; send its files privately (a club's) or into the secretariat channel
    (the program's, asked there). `summary_view` renders the message posted with the program's files."""
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
                summary=summary_view(report, Language(settings.language)),
                files=[f for f in files if "-scores-" in f.filename or not f.filename.endswith(".png")],
                key=None,
            )
        else:
            files = uploads(report, kinds=("docx",), langs=(lang.value,))
            if target.scope == PROGRAM:  # the workbook exists in the secretariat's language only
                files += uploads(report, kinds=("xlsx",), langs=(settings.language,))
            for upload in files:
                enqueue_file(
                    session,
                    user_id,
                    path=upload.path,
                    filename=upload.filename,
                    title=upload.title,
                    dm=True,
                    ref=f"report:{report.period.key}:{report.scope}",
                )
    return RequestedReport(report, rebuilt, channel_id if in_secretariat else "dm")


# --- reports: the quarterly runs -------------------------------------------------------------------------------------


def quarterly_program_report(
    session: Session, settings: Settings, quarter: Quarter, *, now: datetime, summary_view: Callable[..., Any]
) -> StoredReport:
    """Build and store the program report of a finished quarter; post it to the secretariat channel."""
    target = ReportTarget(Period.of_quarter(quarter), PROGRAM, None, True)
    report = record_report(session, build_for(session, target, settings, now=now), now)
    if settings.secretariat_channel:
        lang = settings.language
        files = uploads(report, kinds=("docx",), langs=("ko", "en")) + uploads(report, kinds=("xlsx",), langs=(lang,))
        files += [f for f in uploads(report, kinds=("png",), langs=(lang,)) if "-scores-" in f.filename]
        enqueue_delivery(
            session,
            report,
            channel=settings.secretariat_channel,
            dm=False,
            summary=summary_view(report, Language(lang)),
            files=files,
            key=f"report:{quarter}:program",
        )
    else:
        log.warning("CLUBBOT_SECRETARIAT_CHANNEL is not set: the %s report is stored but not posted", quarter)
    return report


def quarterly_club_report(
    session: Session,
    settings: Settings,
    quarter: Quarter,
    club_id: int,
    *,
    now: datetime,
    summary_view: Callable[..., Any],
    language_of: Callable[[str], Language] | None = None,
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
            summary=summary_view(report, club.language),
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
                summary=summary_view(report, lang),
                files=uploads(report, kinds=("docx",), langs=(lang.value,)),
                key=f"{key}:{user_id}",
            )
    return report
