"""The figures of a report, as plain frozen dataclasses: what `bot.reports.figures` computes from a `Dataset`
and what the documents, the workbook, the charts and the Slack summary read.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.domain import ACHIEVED_STATUSES, FieldKey, ReviewArea
from bot.reports.papers import PaperCounts
from bot.reports.period import Period
from bot.reports.rows import (
    ClubMeetingRow,
    ClubRow,
    MemberRow,
    NarrativeRow,
    OutputPersonRow,
    OutputRow,
    PersonRow,
    StatusChangeRow,
    UpdateRow,
)

_ACHIEVED = frozenset(str(s) for s in ACHIEVED_STATUSES)


@dataclass(frozen=True)
class Engagement:
    members: int  # members in the period
    active_members: int
    messages: int  # messages and thread replies
    files: int
    reactions: int
    #: members who did not post and were away for the whole period (`bot.domain.is_away_member`)
    away_members: int = 0

    @property
    def share_active(self) -> float:
        return self.active_members / self.members if self.members else 0.0

    @property
    def silent_members(self) -> int:
        """Members neither active nor away."""
        return max(0, self.members - self.active_members - self.away_members)


@dataclass(frozen=True)
class OutputFigure:
    output: OutputRow
    status: str  # at the end of the period
    is_new: bool
    changes: tuple[StatusChangeRow, ...]  # status changes in the period
    people: tuple[OutputPersonRow, ...]
    confirmed: bool  # confirmed by a leader before the end
    points: float
    casebook: bool

    @property
    def moved(self) -> bool:
        return bool(self.changes)

    @property
    def worked_on(self) -> bool:
        return self.is_new or self.moved

    @property
    def achieved(self) -> bool:
        return self.status in _ACHIEVED


@dataclass(frozen=True)
class SurveySummary:
    responses: int
    overall: float
    program: float
    speakers: float
    networking: float
    comments: tuple[str, ...]


@dataclass(frozen=True)
class ScoreComponent:
    name: str  # activity, engagement, outputs, meetings, satisfaction
    raw: float | None  # updates, share active, output points, meetings, mean overall satisfaction
    value: float | None  # 0..1, None when the club has no such figure (its weight is left out)
    weight: float

    @property
    def points(self) -> float:
        return self.value * self.weight if self.value is not None else 0.0


@dataclass(frozen=True)
class Score:
    total: float  # 0..100
    components: tuple[ScoreComponent, ...]


@dataclass(frozen=True)
class ClubFigures:
    club: ClubRow
    age_days: int
    leaders: tuple[PersonRow, ...]
    members: tuple[tuple[PersonRow, MemberRow], ...]  # at the end of the period
    joined: tuple[PersonRow, ...]
    left: tuple[PersonRow, ...]
    pending: int
    by_country: dict[str, int]
    by_stage: dict[str, int]
    overseas_korean: int
    by_role: dict[str, int]
    updates: int
    update_items: tuple[UpdateRow, ...]
    meetings: tuple[ClubMeetingRow, ...]
    outputs: tuple[OutputFigure, ...]  # every output at the end of the period
    by_type_status: dict[tuple[str, str], int]
    engagement: Engagement
    previous_engagement: Engagement
    survey: SurveySummary | None
    narrative: NarrativeRow | None
    score: Score
    inactive: bool
    #: The club's members with an ORCID iD and its joint papers, filed and discovered (`bot.reports.papers`).
    papers: PaperCounts = field(default_factory=PaperCounts)

    @property
    def member_count(self) -> int:
        return len(self.members)

    @property
    def meeting_attendees(self) -> int:
        return sum(m.attendees or 0 for m in self.meetings)

    @property
    def outputs_new(self) -> int:
        return sum(1 for o in self.outputs if o.is_new)

    @property
    def outputs_moved(self) -> int:
        return sum(1 for o in self.outputs if o.moved)

    @property
    def outputs_achieved(self) -> int:
        """Outputs worked on in the period whose status at its end counts as achieved."""
        return sum(1 for o in self.outputs if o.worked_on and o.achieved)

    @property
    def output_points(self) -> float:
        return sum(o.points for o in self.outputs if o.worked_on)

    @property
    def answered(self) -> bool:
        return self.narrative is not None


@dataclass(frozen=True)
class Totals:
    clubs: int
    members: int
    joined: int
    left: int
    overseas_korean: int
    updates: int
    meetings: int
    meeting_attendees: int
    outputs: int
    outputs_new: int
    outputs_moved: int
    outputs_achieved: int
    active_members: int
    members_in_period: int
    messages: int
    previous_active_members: int
    previous_messages: int
    survey_responses: int
    satisfaction: float | None  # mean overall satisfaction over every response
    answered: int
    mean_score: float

    @property
    def share_active(self) -> float:
        return self.active_members / self.members_in_period if self.members_in_period else 0.0


@dataclass(frozen=True)
class FieldRow:
    field: FieldKey
    area: ReviewArea
    clubs: int
    members: int
    updates: int
    meetings: int
    outputs_new: int
    outputs_achieved: int
    active_members: int
    members_in_period: int
    mean_score: float

    @property
    def share_active(self) -> float:
        return self.active_members / self.members_in_period if self.members_in_period else 0.0


@dataclass(frozen=True)
class CasebookItem:
    club: ClubRow
    output: OutputFigure


@dataclass(frozen=True)
class ProgramFigures:
    period: Period
    previous: Period
    clubs: tuple[ClubFigures, ...]  # ranked: best score first
    totals: Totals
    fields: tuple[FieldRow, ...]
    outputs_by_type: dict[str, int]  # worked on in the period, by type
    outstanding: tuple[ClubFigures, ...]
    casebook: tuple[CasebookItem, ...]
    inactive: tuple[ClubFigures, ...]
    not_answered: tuple[ClubFigures, ...]
    #: Members with an ORCID iD; joint papers filed and discovered (`bot.reports.papers`).
    papers: PaperCounts = field(default_factory=PaperCounts)

    def rank_of(self, club_id: int) -> int:
        for index, figures in enumerate(self.clubs, start=1):
            if figures.club.id == club_id:
                return index
        raise KeyError(club_id)
