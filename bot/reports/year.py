"""The annual program report's figures: the year as four quarters of the quarterly figures, plus the year as one
period. Pure: reads the datasets `bot.reports.load.load_year` made.

The rules, on top of the quarterly ones (`bot.reports.figures`):

- **A quarter's figures** are exactly those of that quarter's program report.
- **The year's value of an indicator**: clubs and members at the end of the year (the fourth quarter's);
  updates and meetings summed over the quarters; outputs worked on in the year and achieved at its end (an
  output worked on in two quarters counts once); joint papers recorded in the year (filed, or discovered and
  confirmed), international ones among them; the share of the year's members active in the year; the mean
  overall answer of every meeting survey answered by the year's end.
- **A club's year score** is the mean of its quarterly scores, over the quarters it existed in; the
  outstanding clubs of the year are chosen on it with the quarterly rule (`outstanding` in the settings).
- **What changed since the first quarter**: the fourth quarter's figures against the first's.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime

from bot.domain import OutputStatus, OutputType
from bot.reports.figures import program_figures, survey_summary
from bot.reports.papers import PaperCounts, paper_counts
from bot.reports.period import Period
from bot.reports.results import CasebookItem, ClubFigures, ProgramFigures, SurveySummary
from bot.reports.rows import ClubMeetingRow, ClubRow, Dataset, MeetingInfo
from bot.reports.settings import ANNUAL_TARGETS, ReportSettings

#: How the year's value is read and shown: a count, a share (0-1) or a mean (1-5).
SHARES = frozenset({"share_active"})
MEANS = frozenset({"satisfaction"})
#: Indicators whose quarters add up to the year (their per-quarter target is a quarter of the year's).
SUMMED = frozenset({"updates", "meetings", "outputs_achieved", "joint_papers", "international_papers"})
#: The figures compared between the first and the last quarter.
CHANGES = ("clubs", "members", "updates", "meetings", "outputs_new", "outputs_achieved", "active_members",
           "share_active", "messages", "mean_score")  # fmt: skip


@dataclass(frozen=True)
class YearData:
    """The rows of a year: the year as one period, and each of its four quarters."""

    period: Period
    year: Dataset
    quarters: tuple[Dataset, ...]


@dataclass(frozen=True)
class Indicator:
    key: str  # one of `bot.reports.settings.ANNUAL_TARGETS`
    quarters: tuple[float | None, ...]  # Q1..Q4 (None: no figure, e.g. no survey answered yet)
    year: float | None
    target: float

    @property
    def kind(self) -> str:
        return "share" if self.key in SHARES else "mean" if self.key in MEANS else "count"

    @property
    def quarter_target(self) -> float:
        """What one quarter aims at: a quarter of a summed target, the target itself otherwise."""
        return self.target / 4 if self.key in SUMMED else self.target

    @property
    def progress(self) -> float | None:
        return None if self.year is None else self.year / self.target

    @property
    def met(self) -> bool:
        return self.year is not None and self.year >= self.target


@dataclass(frozen=True)
class ClubYear:
    club: ClubRow
    quarters: tuple[ClubFigures | None, ...]  # Q1..Q4, None for a quarter the club did not exist in
    year: ClubFigures  # the year as one period (members, outputs, meetings, survey of the year)
    mean_score: float
    outstanding_quarters: tuple[int, ...]  # the quarters (1-4) it was among the outstanding clubs

    @property
    def scores(self) -> tuple[float | None, ...]:
        return tuple(q.score.total if q else None for q in self.quarters)

    @property
    def outputs_achieved(self) -> int:
        return self.year.outputs_achieved

    @property
    def narratives(self) -> tuple[tuple[int, str], ...]:
        """(quarter, highlights) of the narratives the club's leaders wrote."""
        return tuple(
            (i, q.narrative.highlights)
            for i, q in enumerate(self.quarters, start=1)
            if q and q.narrative and q.narrative.highlights
        )


@dataclass(frozen=True)
class MeetingSurvey:
    """The survey of one X-Lab Day meeting, over every club formed at it."""

    meeting: MeetingInfo
    clubs: tuple[str, ...]
    survey: SurveySummary | None


@dataclass(frozen=True)
class Change:
    key: str  # one of CHANGES
    first: float
    last: float


@dataclass(frozen=True)
class YearFigures:
    period: Period
    quarters: tuple[ProgramFigures, ...]
    year: ProgramFigures
    indicators: tuple[Indicator, ...]
    clubs: tuple[ClubYear, ...]  # ranked: best mean score first
    outstanding: tuple[ClubYear, ...]
    by_type_status: tuple[tuple[str, str, int], ...]  # outputs worked on in the year, by type and status at its end
    papers: tuple[PaperCounts, ...]  # recorded in each quarter
    papers_year: PaperCounts  # recorded in the year
    meetings: tuple[tuple[ClubRow, ClubMeetingRow], ...]  # every club meeting of the year, by date
    surveys: tuple[MeetingSurvey, ...]
    casebook: tuple[CasebookItem, ...]  # standout outputs reached in the year
    changes: tuple[Change, ...]
    new_clubs: tuple[ClubRow, ...]  # in the last quarter, not in the first (by name)
    gone_clubs: tuple[ClubRow, ...]  # in the first quarter, not in the last (by name)

    def club_year(self, club_id: int) -> ClubYear:
        return next(c for c in self.clubs if c.club.id == club_id)


def papers_between(dataset: Dataset, start: datetime, end: datetime) -> PaperCounts:
    """Joint papers recorded in `[start, end)` (`bot.reports.papers`, on the outputs filed then)."""
    outputs = tuple(o for o in dataset.outputs if start <= o.created_at < end)
    return paper_counts(replace(dataset, outputs=outputs))


def year_figures(data: YearData, settings: ReportSettings) -> YearFigures:
    tz = data.year.tz
    quarters = tuple(program_figures(d, settings) for d in data.quarters)
    year = program_figures(data.year, settings)
    papers = tuple(papers_between(data.year, d.period.start(tz), d.period.end(tz)) for d in data.quarters)
    papers_year = papers_between(data.year, data.period.start(tz), data.period.end(tz))

    def joint(p: PaperCounts) -> int:
        return p.filed + p.discovered

    def international(p: PaperCounts) -> int:
        return p.filed_international + p.discovered_international

    per_quarter: dict[str, tuple[float | None, ...]] = {
        "clubs": tuple(float(q.totals.clubs) for q in quarters),
        "members": tuple(float(q.totals.members) for q in quarters),
        "updates": tuple(float(q.totals.updates) for q in quarters),
        "meetings": tuple(float(q.totals.meetings) for q in quarters),
        "outputs_achieved": tuple(float(q.totals.outputs_achieved) for q in quarters),
        "joint_papers": tuple(float(joint(p)) for p in papers),
        "international_papers": tuple(float(international(p)) for p in papers),
        "share_active": tuple(q.totals.share_active for q in quarters),
        "satisfaction": tuple(q.totals.satisfaction for q in quarters),
    }
    year_value: dict[str, float | None] = {
        "clubs": float(quarters[-1].totals.clubs),
        "members": float(quarters[-1].totals.members),
        "updates": float(year.totals.updates),
        "meetings": float(year.totals.meetings),
        "outputs_achieved": float(year.totals.outputs_achieved),
        "joint_papers": float(joint(papers_year)),
        "international_papers": float(international(papers_year)),
        "share_active": year.totals.share_active,
        "satisfaction": year.totals.satisfaction,
    }
    indicators = tuple(
        Indicator(key, per_quarter[key], year_value[key], settings.annual_targets[key]) for key in ANNUAL_TARGETS
    )

    year_of = {c.club.id: c for c in year.clubs}
    clubs = []
    for club in (c.club for c in year.clubs):
        in_quarters = tuple(next((c for c in q.clubs if c.club.id == club.id), None) for q in quarters)
        scores = [c.score.total for c in in_quarters if c is not None]
        chosen = tuple(i for i, q in enumerate(quarters, start=1) if any(c.club.id == club.id for c in q.outstanding))
        clubs.append(
            ClubYear(club, in_quarters, year_of[club.id], sum(scores) / len(scores) if scores else 0.0, chosen)
        )
    ranked = tuple(sorted(clubs, key=lambda c: (-round(c.mean_score, 6), c.club.name.casefold(), c.club.id)))
    outstanding = [c for c in ranked if settings.outstanding_min_score is None or
                   c.mean_score >= settings.outstanding_min_score]  # fmt: skip
    if settings.outstanding_top_n is not None:
        outstanding = outstanding[: settings.outstanding_top_n]

    first, last = quarters[0], quarters[-1]
    first_ids = {c.club.id for c in first.clubs}
    last_ids = {c.club.id for c in last.clubs}
    return YearFigures(
        period=data.period,
        quarters=quarters,
        year=year,
        indicators=indicators,
        clubs=ranked,
        outstanding=tuple(outstanding),
        by_type_status=_by_type_status(year),
        papers=papers,
        papers_year=papers_year,
        meetings=tuple(
            sorted(((c.club, m) for c in year.clubs for m in c.meetings), key=lambda cm: (cm[1].held_on, cm[1].id))
        ),
        surveys=_surveys(data.year, year),
        casebook=year.casebook,
        changes=tuple(Change(key, _figure(first, key), _figure(last, key)) for key in CHANGES),
        new_clubs=_by_name(c.club for c in last.clubs if c.club.id not in first_ids),
        gone_clubs=_by_name(c.club for c in first.clubs if c.club.id not in last_ids),
    )


def _by_name(clubs: Iterable[ClubRow]) -> tuple[ClubRow, ...]:
    return tuple(sorted(clubs, key=lambda c: (c.name.casefold(), c.id)))


def _figure(program: ProgramFigures, key: str) -> float:
    n = program.totals
    values = {
        "clubs": n.clubs,
        "members": n.members,
        "updates": n.updates,
        "meetings": n.meetings,
        "outputs_new": n.outputs_new,
        "outputs_achieved": n.outputs_achieved,
        "active_members": n.active_members,
        "share_active": n.share_active,
        "messages": n.messages,
        "mean_score": n.mean_score,
    }
    return float(values[key])


def _by_type_status(year: ProgramFigures) -> tuple[tuple[str, str, int], ...]:
    counts = Counter((str(o.output.type), o.status) for c in year.clubs for o in c.outputs if o.worked_on)
    types, statuses = [str(t) for t in OutputType], [str(s) for s in OutputStatus]
    order = sorted(counts, key=lambda k: (types.index(k[0]), statuses.index(k[1]) if k[1] in statuses else 99))
    return tuple((kind, status, counts[(kind, status)]) for kind, status in order)


def _surveys(dataset: Dataset, year: ProgramFigures) -> tuple[MeetingSurvey, ...]:
    """Each X-Lab Day meeting the year's clubs grew from, with its survey's answers (over its clubs)."""
    meetings: dict[str, MeetingInfo] = {}
    clubs: dict[str, list[ClubRow]] = {}
    for club in (c.club for c in year.clubs):
        if club.meeting is not None:
            meetings.setdefault(club.meeting.code, club.meeting)
            clubs.setdefault(club.meeting.code, []).append(club)
    result = []
    for code in sorted(meetings, key=lambda k: (meetings[k].starts_on, k)):
        ids = {c.id for c in clubs[code]}
        responses = [r for r in dataset.survey_responses if r.club_id in ids]
        result.append(
            MeetingSurvey(meetings[code], tuple(sorted(c.name for c in clubs[code])), survey_summary(responses))
        )
    return tuple(result)
