"""The leaders' narrative of a quarter: asking, the form, saving, who answered, and the App Home's item.

Two weeks before a quarter ends each club's leaders are asked (DM with a button), and reminded one week
and two days before the end unless the club answered (`bot.reports.timing`). A leader (or the
secretariat) submits once and may edit until the program report of the quarter is built; then it is closed.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot import due, time
from bot.domain import ClubRole, ClubStatus, Language, LanguageOf, MembershipStatus, Quarter
from bot.errors import UserError
from bot.i18n import t
from bot.people import Timing, display_name, is_away
from bot.reports import views
from bot.reports.timing import NARRATIVE_STEPS, default_narrative_quarter, narrative_step_time
from bot.reports.types import (
    NARRATIVE_ACTION,
    NARRATIVE_FIELDS,
    NARRATIVE_MAX,
    PROGRAM,
    NarrativeAsk,
    NarrativeForm,
    NarrativeStatus,
    SavedNarrative,
    action_value,
    quarter_of,
)
from bot.slack.forms import FieldErrors
from bot.slack.outbox import enqueue_dm
from bot.standing import club_leaders, participant_of, role_in
from storage.models import Club, ClubMeeting, Membership, Output, Participant, Plan, Report, ReportNarrative, Update

# --- asking --------------------------------------------------------------------------------------------------------


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


def ask_leaders(
    session: Session,
    club_id: int,
    quarter: Quarter,
    step: str,
    *,
    language_of: LanguageOf,
    timing: Timing | None = None,
) -> int:
    """Enqueue a step's DMs for one club, each in the leader's own language (deduplicated per leader); with
    `timing`, each at the leader's own hour before the quarter's last working day ends, and none to a leader
    away that day (`bot.people.is_away`; the next step reaches them once back)."""
    asks = narrative_asks(session, club_id, quarter, step)
    club = session.get(Club, club_id)
    if timing is not None:  # a leader who said they are away is asked at the next step once back
        zone_name = club.timezone if club is not None else None
        today = timing.not_before.astimezone(time.zone(zone_name, timing.default_tz)).date()
        asks = [a for a in asks if (p := participant_of(session, a.user_id)) is None or not is_away(p, today)]
    for ask in asks:
        ask = replace(ask, lang=language_of(ask.user_id))
        at = None
        if timing is not None:
            zone_name = club.timezone if club is not None else None
            at = timing.at(session, ask.user_id, deadline=timing.end_of(ask.due_on, zone_name), default_tz=zone_name)
        enqueue_dm(
            session,
            ask.user_id,
            views.narrative_request(ask),
            ref=f"report-narrative:{club_id}",
            dedupe_key=f"report-narrative:{quarter}:{step}:club:{club_id}:{ask.user_id}",
            at=at,
        )
    return len(asks)


# --- the form ------------------------------------------------------------------------------------------------------


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
    quarter = quarter_of(period)
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
            answered_by=display_name(author, lang),
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
    period = str(quarter_of(period))
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


# --- who answered --------------------------------------------------------------------------------------------------


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
            author = authors.get(answer.author_id or 0)
            rows.append(NarrativeStatus(club.name, display_name(author, lang) or "—", answer.updated_at))
    return sorted(rows, key=lambda r: (r.answered_at is not None, r.club_name.casefold()))


# --- the App Home: narratives due ----------------------------------------------------------------------------------


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
