"""The secretariat's picks for the year's casebook, and the consent asked of each person a chapter would print.

Picking a club asks, by DM in their language at their own hour (through the outbox), everyone whose name or words
its chapter would hold: its leaders and the members named in its record (on its outputs, as authors of its updates,
meetings and narratives, the interviewee). One answer per person per year: someone asked for one club is not asked
again for another. People without Slack cannot be asked and stay *not answered* (printed as declined).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot import audit, time
from bot.casebook.types import (
    CASEBOOK_SCOPE,
    Consent,
    ConsentAsk,
    ConsentCounts,
    ListedClub,
    Listing,
    PickResult,
    UnpickResult,
    year_period,
    year_quarters,
)
from bot.casebook.views import consent_message
from bot.domain import DEFAULT_TIMEZONE, ClubRole, Language, LanguageOf, MembershipStatus
from bot.due import PROGRAM_ZONE
from bot.people import Timing
from bot.refs import ClubRef
from bot.reports.figures import program_figures
from bot.reports.load import load_dataset
from bot.reports.settings import ReportSettings
from bot.slack import outbox
from bot.standing import language_for_person
from storage.models import (
    CasebookConsent,
    CasebookForeword,
    CasebookInterview,
    CasebookPick,
    Club,
    ClubMeeting,
    Membership,
    Output,
    OutputPerson,
    Participant,
    Report,
    ReportNarrative,
    Update,
)


def candidates(session: Session, year: int, tz: ZoneInfo, settings: ReportSettings) -> dict[int, tuple[str, ...]]:
    """The clubs the year's figures name as casebook candidates, with the titles of the outputs that make them so
    (the report's rule, `bot.reports.figures.is_casebook`, over the whole year)."""
    program = program_figures(load_dataset(session, year_period(year), tz), settings)
    found: dict[int, list[str]] = defaultdict(list)
    for item in program.casebook:
        found[item.club.id].append(item.output.output.title)
    return {club_id: tuple(titles) for club_id, titles in found.items()}


def picked_ids(session: Session, year: int) -> list[int]:
    return list(
        session.scalars(select(CasebookPick.club_id).where(CasebookPick.year == year).order_by(CasebookPick.id))
    )


def people_of(session: Session, club_id: int, year: int, tz: ZoneInfo = PROGRAM_ZONE) -> list[int]:
    """The participant ids whose name or words a club's chapter would print (erased people never): what was
    recorded up to the end of the year in the program's time zone."""
    period = year_period(year)
    end = period.end(tz)
    ids: set[int] = set()
    ids.update(
        session.scalars(
            select(Membership.participant_id).where(
                Membership.club_id == club_id,
                Membership.role == ClubRole.LEADER,
                Membership.status == MembershipStatus.ACTIVE,
            )
        )
    )
    ids.update(
        pid
        for pid in session.scalars(
            select(OutputPerson.participant_id)
            .join(Output, Output.id == OutputPerson.output_id)
            .where(Output.club_id == club_id, Output.deleted_at.is_(None), Output.created_at < end)
        )
        if pid is not None
    )
    ids.update(
        session.scalars(
            select(Update.author_id).where(
                Update.club_id == club_id,
                Update.deleted_at.is_(None),
                Update.created_at < end,
            )
        )
    )
    ids.update(
        session.scalars(
            select(ClubMeeting.filed_by_id).where(
                ClubMeeting.club_id == club_id,
                ClubMeeting.deleted_at.is_(None),
                ClubMeeting.held_on <= period.last,
            )
        )
    )
    ids.update(
        pid
        for pid in session.scalars(
            select(ReportNarrative.author_id).where(
                ReportNarrative.club_id == club_id,
                ReportNarrative.period.in_(year_quarters(year)),
            )
        )
        if pid is not None
    )
    ids.update(
        pid
        for pid in session.scalars(
            select(CasebookInterview.interviewee_id).where(
                CasebookInterview.club_id == club_id,
                CasebookInterview.year == year,
            )
        )
        if pid is not None
    )
    if not ids:
        return []
    return list(
        session.scalars(
            select(Participant.id)
            .where(Participant.id.in_(ids), Participant.forgotten_at.is_(None))
            .order_by(Participant.id)
        )
    )


def is_built(session: Session, year: int) -> bool:
    """Whether the year's casebook was built (answers are final from then on)."""
    key = year_period(year).key
    return session.scalar(select(Report.id).where(Report.period == key, Report.scope == CASEBOOK_SCOPE)) is not None


def ask(
    session: Session, club: ClubRef, year: int, *, timing: Timing, language_of: LanguageOf | None, now: datetime
) -> int:
    """Ask everyone of the club's chapter not yet asked this year; returns how many DMs were queued."""
    asked = set(session.scalars(select(CasebookConsent.participant_id).where(CasebookConsent.year == year)))
    sent = 0
    for pid in people_of(session, club.id, year, time.zone(club.timezone, DEFAULT_TIMEZONE)):
        if pid in asked:
            continue
        person = session.get(Participant, pid)
        assert person is not None
        consent = CasebookConsent(year=year, participant_id=pid, club_id=club.id, answer=Consent.PENDING, asked_at=now)
        session.add(consent)
        session.flush()
        if person.slack_user_id:
            lang = language_for_person(person, language_of, club.language)
            message = consent_message(lang, ConsentAsk(consent.id, year, club.name, Consent.PENDING))
            row = outbox.enqueue_dm(
                session,
                person.slack_user_id,
                message,
                at=timing.at(session, person.slack_user_id),
                ref=f"casebook-consent:{consent.id}",
            )
            consent.message_id = row.id
            sent += 1
    return sent


def pick(
    session: Session,
    club: ClubRef,
    year: int,
    *,
    user_id: str,
    candidate: bool,
    timing: Timing,
    language_of: LanguageOf | None,
    now: datetime,
) -> PickResult:
    """Pick a club for the year's casebook (a candidate or not) and ask its people's consent."""
    existing = session.scalar(select(CasebookPick).where(CasebookPick.year == year, CasebookPick.club_id == club.id))
    if existing is not None:
        return PickResult(year, club.name, newly=False, candidate=candidate, asked=0)
    session.add(CasebookPick(year=year, club_id=club.id, picked_by=user_id, picked_at=now))
    session.flush()
    sent = ask(session, club, year, timing=timing, language_of=language_of, now=now)
    audit.record(
        session,
        actor=user_id,
        action="casebook_pick",
        entity="club",
        entity_id=club.id,
        club_id=club.id,
        details={"year": year, "candidate": candidate, "asked": sent},
    )
    return PickResult(year, club.name, newly=True, candidate=candidate, asked=sent)


def unpick(session: Session, club: ClubRef, year: int, *, user_id: str) -> UnpickResult:
    """Take a club out of the year's casebook (the answers people gave are kept: they may be in another chapter)."""
    result = session.execute(delete(CasebookPick).where(CasebookPick.year == year, CasebookPick.club_id == club.id))
    removed = bool(result.rowcount)  # type: ignore[attr-defined]
    if removed:
        audit.record(
            session,
            actor=user_id,
            action="casebook_unpick",
            entity="club",
            entity_id=club.id,
            club_id=club.id,
            details={"year": year},
        )
    return UnpickResult(year, club.name, removed)


def consent_counts(session: Session, participant_ids: list[int], year: int) -> ConsentCounts:
    answers = dict(
        session.execute(
            select(CasebookConsent.participant_id, CasebookConsent.answer).where(
                CasebookConsent.year == year,
                CasebookConsent.participant_id.in_(participant_ids),
            )
        ).all()
    )
    counted: defaultdict[str, int] = defaultdict(int)
    for pid in participant_ids:
        counted[answers.get(pid, Consent.PENDING.value)] += 1
    return ConsentCounts(
        agreed=counted[Consent.AGREE.value],
        anonymised=counted[Consent.ANONYMISE.value],
        declined=counted[Consent.DECLINE.value],
        pending=counted[Consent.PENDING.value],
    )


def listing(session: Session, year: int, tz: ZoneInfo, settings: ReportSettings) -> Listing:
    """The year's candidates and picks (picks first, then candidates), by name."""
    found = candidates(session, year, tz, settings)
    picked = set(picked_ids(session, year))
    ids = picked | set(found)
    names = dict(session.execute(select(Club.id, Club.name).where(Club.id.in_(ids))).all()) if ids else {}
    clubs = [
        ListedClub(
            club_id,
            names.get(club_id, ""),
            picked=club_id in picked,
            candidate=club_id in found,
            reasons=found.get(club_id, ()),
            consents=consent_counts(session, people_of(session, club_id, year, tz), year)
            if club_id in picked
            else ConsentCounts(),
        )
        for club_id in ids
    ]
    clubs.sort(key=lambda c: (not c.picked, c.club_name.casefold()))
    interviews = (
        len(
            list(
                session.scalars(
                    select(CasebookInterview.id).where(
                        CasebookInterview.year == year,
                        CasebookInterview.club_id.in_(picked),
                    )
                )
            )
        )
        if picked
        else 0
    )
    forewords = tuple(
        Language(lang)
        for lang in ("ko", "en")
        if session.scalar(
            select(CasebookForeword.text).where(CasebookForeword.year == year, CasebookForeword.lang == lang)
        )
    )
    return Listing(year, tuple(clubs), interviews, forewords)
