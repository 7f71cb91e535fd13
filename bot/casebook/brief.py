"""The one-page brief of a club for the December club operation meeting: the year's figures (the reports'),
what is due from its leaders (`bot.due`), and next steps suggested from its record (`bot.casebook.nextsteps`)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.casebook.nextsteps import next_steps
from bot.casebook.types import Brief, BriefDue, BriefFacts, year_period
from bot.domain import OutputType, Quarter
from bot.due import due_for
from bot.errors import UserError
from bot.refs import ClubRef
from bot.reports.figures import program_figures
from bot.reports.load import load_dataset
from bot.reports.results import ClubFigures, OutputFigure, ProgramFigures
from bot.reports.rows import Dataset
from bot.reports.settings import ReportSettings
from storage.models import ReportNarrative

#: Updates within this many days count as a club still reporting.
RECENT_UPDATES = timedelta(days=90)


def facts_of(figures: ClubFigures, dataset: Dataset, *, now: datetime, tz: ZoneInfo, narrative_due: bool) -> BriefFacts:
    """What the next steps are derived from, out of the year's figures."""
    quarter = Quarter.of_instant(now, tz)
    papers = [o for o in figures.outputs if o.output.type is OutputType.PAPER and len(o.people) >= 2]

    def international(paper: OutputFigure) -> bool:
        countries = {
            dataset.people[p.person_id].country
            for p in paper.people
            if p.person_id is not None and p.person_id in dataset.people and dataset.people[p.person_id].country
        }
        return bool(paper.output.international) or len(countries) >= 2

    return BriefFacts(
        joint_papers=len(papers),
        international_papers=sum(1 for p in papers if international(p)),
        meetings_this_quarter=sum(1 for m in figures.meetings if quarter.first_day <= m.held_on <= quarter.last_day),
        members=figures.member_count,
        members_without_orcid=sum(1 for p, _ in figures.members if not p.has_orcid),
        updates_last_90_days=sum(1 for u in figures.update_items if u.created_at >= now - RECENT_UPDATES),
        proposals=sum(1 for o in figures.outputs if o.output.type is OutputType.PROPOSAL),
        narrative_due=narrative_due,
        active_share=figures.engagement.share_active,
    )


def club_brief(
    session: Session, club: ClubRef, year: int, tz: ZoneInfo, settings: ReportSettings, *, now: datetime, lang: str
) -> Brief:
    """The club's brief for the year (its figures ranked among every club of the year)."""
    dataset = load_dataset(session, year_period(year), tz)
    program = program_figures(dataset, settings)
    figures = next((c for c in program.clubs if c.club.id == club.id), None)
    if figures is None:
        raise UserError("cases.error.club_not_in_year", club=club.name, year=year)
    return _brief(session, program, dataset, figures, year, tz, now=now, lang=lang)


def every_brief(
    session: Session, year: int, tz: ZoneInfo, settings: ReportSettings, *, now: datetime, lang: str
) -> list[Brief]:
    """Every club's brief for the year, by club name (the figures computed once)."""
    dataset = load_dataset(session, year_period(year), tz)
    program = program_figures(dataset, settings)
    ordered = sorted(program.clubs, key=lambda c: c.club.name.casefold())
    return [_brief(session, program, dataset, figures, year, tz, now=now, lang=lang) for figures in ordered]


def _brief(
    session: Session,
    program: ProgramFigures,
    dataset: Dataset,
    figures: ClubFigures,
    year: int,
    tz: ZoneInfo,
    *,
    now: datetime,
    lang: str,
) -> Brief:
    club = figures.club
    quarter = str(Quarter.of_instant(now, tz))
    narrative_due = (
        session.scalar(
            select(ReportNarrative.id).where(ReportNarrative.club_id == club.id, ReportNarrative.period == quarter)
        )
        is None
    )
    facts = facts_of(figures, dataset, now=now, tz=tz, narrative_due=narrative_due)
    due: dict[tuple[str, str], BriefDue] = {}
    for leader in figures.leaders:
        for item in due_for(session, leader.id, now, tz):
            if item.club_id == club.id:
                due.setdefault(
                    (item.text_key, item.due_on.isoformat()), BriefDue(item.text_key, item.params, item.due_on)
                )
    by_type: dict[OutputType, int] = {}
    for o in figures.outputs:
        if o.worked_on:
            by_type[o.output.type] = by_type.get(o.output.type, 0) + 1
    return Brief(
        year=year,
        club_name=club.name,
        field=club.field,
        members=figures.member_count,
        leaders=tuple(p.name(lang) for p in figures.leaders),
        updates=figures.updates,
        meetings=len(figures.meetings),
        attendees=figures.meeting_attendees,
        outputs_new=figures.outputs_new,
        outputs_achieved=figures.outputs_achieved,
        by_type=by_type,
        active_share=figures.engagement.share_active,
        score=figures.score.total,
        rank=program.rank_of(club.id),
        clubs=len(program.clubs),
        due=tuple(sorted(due.values(), key=lambda d: d.due_on)),
        steps=next_steps(facts),
        facts=facts,
    )
