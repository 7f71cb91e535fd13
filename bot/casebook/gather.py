"""Everything the year's casebook prints, read from the record once: the picked clubs' chapters (with each
person's consent) and every club's line for the appendix. The figures are the reports' (`bot.reports.figures`)
over the calendar year."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.casebook.picks import people_of, picked_ids
from bot.casebook.types import (
    Casebook,
    Chapter,
    Consent,
    Event,
    Interview,
    MeetingOrigin,
    Person,
    PrintedOutput,
    SummaryLine,
    Words,
    year_period,
    year_quarters,
)
from bot.casebook.writing import forewords
from bot.domain import ClubRole
from bot.reports.figures import club_figures
from bot.reports.load import clean, load_dataset
from bot.reports.results import ClubFigures
from bot.reports.settings import ReportSettings
from storage.models import CasebookConsent, CasebookInterview, Membership, Participant, ReportNarrative


def _persons(session: Session, ids: set[int], year: int) -> dict[int, Person]:
    if not ids:
        return {}
    answers = dict(
        session.execute(
            select(CasebookConsent.participant_id, CasebookConsent.answer).where(
                CasebookConsent.year == year,
                CasebookConsent.participant_id.in_(ids),
            )
        ).all()
    )
    people = {}
    for p in session.scalars(select(Participant).where(Participant.id.in_(ids))):
        erased = p.forgotten_at is not None
        consent = Consent.DECLINE if erased else Consent(answers.get(p.id, Consent.PENDING.value))
        people[p.id] = Person(p.id, clean(p.name_ko), clean(p.name_en), p.country, consent)
    return people


def _chapter(session: Session, figures: ClubFigures, year: int, people: dict[int, Person], tz: ZoneInfo) -> Chapter:
    club = figures.club
    leaders = set(
        session.scalars(
            select(Membership.participant_id).where(
                Membership.club_id == club.id,
                Membership.role == ClubRole.LEADER,
            )
        )
    )

    def person(pid: int | None) -> Person | None:
        found = people.get(pid) if pid is not None else None
        if found is None:
            return None
        return Person(
            found.id,
            found.name_ko,
            found.name_en,
            found.country,
            found.consent,
            "leader" if found.id in leaders else "member",
        )

    def author(pid: int | None) -> Person | None:
        """The author of a timeline item as printed; one the chapter does not know is left out with their words."""
        found = person(pid)
        if found is None and pid is not None:
            return Person(pid, None, None, None, Consent.PENDING)
        return found

    chapter_people = [p for pid in people_of(session, club.id, year, tz) if (p := person(pid)) is not None]
    chapter_people.sort(key=lambda p: (p.role != "leader", (p.name_en or p.name_ko or "").casefold()))
    events = [Event(m.held_on, "meeting", m.summary or "", author(m.filed_by_id)) for m in figures.meetings]
    events += [
        Event(o.output.occurred_on or o.output.created_at.astimezone(tz).date(), "output", o.output.title)
        for o in figures.outputs
        if o.is_new
    ]
    events += [
        Event(u.created_at.astimezone(tz).date(), "update", u.text, author(u.author_id)) for u in figures.update_items
    ]
    events.sort(key=lambda e: e.day)
    outputs = tuple(
        PrintedOutput(str(o.output.type), o.output.title, o.status, o.output.occurred_on, o.output.doi)
        for o in figures.outputs
    )
    narratives = session.execute(
        select(ReportNarrative.period, ReportNarrative.author_id, ReportNarrative.highlights, ReportNarrative.plans)
        .where(ReportNarrative.club_id == club.id, ReportNarrative.period.in_(year_quarters(year)))
        .order_by(ReportNarrative.period)
    ).all()
    words = tuple(Words(q, person(a), clean(h) or "", clean(p) or "") for q, a, h, p in narratives)
    row = session.scalar(
        select(CasebookInterview).where(CasebookInterview.year == year, CasebookInterview.club_id == club.id)
    )
    interview = None
    if row is not None:
        pairs = tuple((clean(str(p.get("q") or "")) or "", clean(str(p.get("a") or "")) or "") for p in row.pairs)
        interview = Interview(person(row.interviewee_id), pairs)
    meeting = club.meeting
    origin = (
        MeetingOrigin(
            meeting.code, meeting.title_ko, meeting.title_en, meeting.venue, meeting.starts_on, meeting.ends_on
        )
        if meeting is not None
        else None
    )
    return Chapter(
        club.id, club.name, str(club.field), origin, tuple(chapter_people), tuple(events), outputs, words, interview
    )


def gather(session: Session, year: int, tz: ZoneInfo, settings: ReportSettings, *, now: datetime) -> Casebook:
    """The year's casebook as plain values (the document builder applies consent)."""
    dataset = load_dataset(session, year_period(year), tz)
    figures = club_figures(dataset, settings)
    by_id = {f.club.id: f for f in figures}
    picked = [club_id for club_id in picked_ids(session, year) if club_id in by_id]
    ids: set[int] = set()
    for club_id in picked:
        ids.update(people_of(session, club_id, year, tz))
    people = _persons(session, ids, year)
    chapters = sorted(
        (_chapter(session, by_id[club_id], year, people, tz) for club_id in picked),
        key=lambda c: c.club_name.casefold(),
    )
    appendix = tuple(
        SummaryLine(
            f.club.name,
            str(f.club.field),
            f.member_count,
            len(f.meetings),
            len(f.outputs),
            sum(1 for o in f.outputs if o.achieved),
            f.club.id in picked,
        )
        for f in sorted(figures, key=lambda f: f.club.name.casefold())
    )
    return Casebook(
        year,
        tuple(chapters),
        appendix,
        {lang: clean(text) or "" for lang, text in forewords(session, year).items()},
        now.astimezone(tz),
    )
