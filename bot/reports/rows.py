"""The stored items a report reads, as plain frozen dataclasses (no session attached).

`Dataset` holds everything one report needs, loaded once (`bot.reports.load`); the figures are
computed from it by pure functions (`bot.reports.figures`), so tests build a `Dataset` by hand.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.domain import FieldKey, Language, OutputType
from bot.reports.period import Period


@dataclass(frozen=True)
class MeetingInfo:
    code: str
    title_ko: str | None
    title_en: str | None
    venue: str | None
    starts_on: date
    ends_on: date


@dataclass(frozen=True)
class ClubRow:
    id: int
    name: str
    field: FieldKey
    language: str
    channel_id: str | None
    channel_name: str | None
    status: str
    created_at: datetime
    meeting: MeetingInfo | None = None


@dataclass(frozen=True)
class PersonRow:
    id: int
    name_ko: str | None
    name_en: str | None
    country: str | None = None
    career_stage: str | None = None
    overseas_korean: bool = False
    slack_user_id: str | None = None
    has_orcid: bool = False

    def name(self, lang: Language | str) -> str:
        """The name as the person registered it: Korean in the Korean edition when present, else English."""
        first, second = (self.name_ko, self.name_en) if str(lang) == "ko" else (self.name_en, self.name_ko)
        return first or second or "—"


@dataclass(frozen=True)
class MemberRow:
    club_id: int
    person_id: int
    role: str  # leader | member
    status: str  # active | pending | left
    joined_at: datetime | None
    left_at: datetime | None


@dataclass(frozen=True)
class AwayRow:
    """A time a member said they were away (`AwaySpan`), first and last day included."""

    person_id: int
    first_day: date
    last_day: date


@dataclass(frozen=True)
class UpdateRow:
    id: int
    club_id: int
    author_id: int
    created_at: datetime
    text: str = ""


@dataclass(frozen=True)
class PlanRow:
    """A `/club plan` item filed during the period: what the club means to do next quarter."""

    club_id: int
    author_id: int
    created_at: datetime
    text: str


@dataclass(frozen=True)
class OutputRow:
    id: int
    club_id: int
    type: OutputType
    title: str
    status: str  # the current status
    created_at: datetime
    occurred_on: date | None = None
    doi: str | None = None
    url: str | None = None
    confirmed_at: datetime | None = None
    #: `filed` by a member, or `discovered` through OpenAlex and confirmed by a leader.
    source: str = "filed"
    #: For a discovered paper, whether discovery found it international (its authors span two countries).
    international: bool | None = None


@dataclass(frozen=True)
class OutputPersonRow:
    output_id: int
    person_id: int | None
    name: str | None


@dataclass(frozen=True)
class StatusChangeRow:
    output_id: int
    from_status: str | None
    to_status: str
    changed_at: datetime


@dataclass(frozen=True)
class ClubMeetingRow:
    id: int
    club_id: int
    held_on: date
    format: str
    attendees: int | None
    summary: str
    filed_by_id: int | None = None  # who recorded the meeting


@dataclass(frozen=True)
class ActivityRow:
    club_id: int
    slack_user_id: str
    day: date
    messages: int = 0
    replies: int = 0
    files: int = 0
    reactions: int = 0

    @property
    def posts(self) -> int:
        """What makes a member active (`bot.domain.is_active_member`): messages, thread replies and files."""
        return self.messages + self.replies + self.files


@dataclass(frozen=True)
class SurveyResponseRow:
    club_id: int
    survey_id: int
    overall: int
    program: int
    speakers: int
    networking: int
    comment: str | None = None


@dataclass(frozen=True)
class NarrativeRow:
    club_id: int
    period: str
    author_id: int | None
    highlights: str
    difficulties: str
    plans: str
    support: str
    submitted_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class Dataset:
    """Everything a report reads. Lists hold only what the loader selected: items not deleted, updates and
    meetings of the period, outputs filed before its end, activity of the period and the one before."""

    period: Period
    tz: ZoneInfo
    clubs: tuple[ClubRow, ...]
    people: dict[int, PersonRow] = field(default_factory=dict)
    members: tuple[MemberRow, ...] = ()
    updates: tuple[UpdateRow, ...] = ()
    outputs: tuple[OutputRow, ...] = ()
    output_people: tuple[OutputPersonRow, ...] = ()
    status_changes: tuple[StatusChangeRow, ...] = ()
    meetings: tuple[ClubMeetingRow, ...] = ()
    activity: tuple[ActivityRow, ...] = ()
    survey_responses: tuple[SurveyResponseRow, ...] = ()
    narratives: tuple[NarrativeRow, ...] = ()
    plans: tuple[PlanRow, ...] = ()
    away: tuple[AwayRow, ...] = ()  # away times touching the period or the one before
    as_of: date | None = None  # the day the report is built, when before the period's end (ages count to it)
