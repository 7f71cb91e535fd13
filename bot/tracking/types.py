"""What follow-up tracking talks about, defined once: item IDs, the items as plain values, what a person
entered (drafts), what a filing did, a quarter's figures, deadlines and surveys, and the Slack action and
callback IDs of the feature's buttons and forms.

Everything here is a plain value: the parsers produce some, the services build the others from the
database, and the views render them. Nothing here reads the database or Slack.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from bot.domain import MeetingFormat, OutputStatus, OutputType, Quarter
from bot.refs import ClubRef, PersonRef

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from storage.models import Participant

# --- action ids and callback ids (the handlers listen to these) ---------------------------------------

CONFIRM_ACTION = "tracking:confirm_output"
SNOOZE_ACTION = "tracking:snooze_reminder"
SURVEY_OPEN_ACTION = "tracking:survey_open"
OUTCOME_SUBMITTED_ACTION = "tracking:outcome_report_submitted"
SWITCH_TO_OUTPUT = "tracking:switch_to_output"
SWITCH_TO_UPDATE = "tracking:switch_to_update"
UPDATE_FORM = "tracking:update_form"
PLAN_FORM = "tracking:plan_form"
MEETING_FORM = "tracking:meeting_form"
OUTPUT_FORM = "tracking:output_form"
SURVEY_FORM = "tracking:survey_form"
RECORD_SHORTCUT = "tracking:record_message"


# --- item IDs -------------------------------------------------------------------------------------------


class ItemKind(StrEnum):
    """What a filed item is; its letter prefixes the item's ID (`u12`, `o7`, `m3`, `p2`)."""

    UPDATE = "u"
    OUTPUT = "o"
    MEETING = "m"
    PLAN = "p"

    @property
    def entity(self) -> str:
        return {"u": "update", "o": "output", "m": "meeting", "p": "plan"}[self.value]


@dataclass(frozen=True, order=True)
class ItemRef:
    kind: ItemKind
    id: int

    def __str__(self) -> str:
        return f"{self.kind.value}{self.id}"

    @property
    def card_ref(self) -> str:
        """The outbox `ref` of the item's card in the club channel, e.g. `output:12`."""
        return f"{self.kind.entity}:{self.id}"


# --- what a person entered ------------------------------------------------------------------------------


@dataclass(frozen=True)
class OutputDraft:
    """An output as a person entered it (command or form), before it is checked."""

    type: OutputType
    title: str
    status: OutputStatus | None = None
    occurred_on: date | None = None
    doi: str | None = None
    url: str | None = None
    people: tuple[PersonRef, ...] = ()
    note: str | None = None


@dataclass(frozen=True)
class MeetingDraft:
    held_on: date
    format: MeetingFormat
    attendees: int | None
    summary: str


@dataclass(frozen=True)
class OutputChange:
    """`/club output o7 status:… [date:…] [doi:…] [url:…]`: a later step of an existing output."""

    status: str | None = None
    occurred_on: date | None = None
    doi: str | None = None
    url: str | None = None


# --- the items as plain values ------------------------------------------------------------------------


@dataclass(frozen=True)
class Coauthor:
    """Someone an output was done with. `email` is personal data: never shown in channel posts."""

    participant_id: int | None
    user_id: str | None
    name: str | None
    email: str | None


@dataclass(frozen=True)
class StatusStep:
    from_status: OutputStatus | None
    to_status: OutputStatus
    changed_at: datetime
    changed_by_user_id: str | None


@dataclass(frozen=True, kw_only=True)
class Item:
    ref: ItemRef
    club_id: int
    author_id: int
    author_user_id: str | None
    author_name: str | None
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None = None
    deleted_by: str | None = None

    @property
    def kind(self) -> ItemKind:
        return self.ref.kind


@dataclass(frozen=True, kw_only=True)
class UpdateItem(Item):
    text: str


@dataclass(frozen=True, kw_only=True)
class PlanItem(Item):
    text: str


@dataclass(frozen=True, kw_only=True)
class MeetingItem(Item):
    held_on: date
    format: MeetingFormat
    attendees: int | None
    summary: str


@dataclass(frozen=True, kw_only=True)
class OutputItem(Item):
    type: OutputType
    title: str
    status: OutputStatus
    occurred_on: date | None
    doi: str | None
    url: str | None
    note: str | None
    people: tuple[Coauthor, ...] = ()
    confirmed_at: datetime | None = None
    confirmed_by_user_id: str | None = None
    history: tuple[StatusStep, ...] = ()
    #: What Crossref says of the DOI: None not looked up (yet), True found, False unknown to Crossref.
    doi_known: bool | None = None
    venue: str | None = None
    authors: tuple[str, ...] = ()
    #: Crossref's type of the DOI (`journal-article`, `dataset`...) and the bot's output type for it.
    doi_type: str | None = None
    doi_output_type: OutputType | None = None

    @property
    def doi_type_differs(self) -> bool:
        """Crossref lists the DOI as something other than the type filed."""
        return bool(self.doi_known and self.doi_type and self.doi_output_type != self.type)

    @property
    def confirmed(self) -> bool:
        return self.confirmed_at is not None

    @property
    def link(self) -> str | None:
        return f"https://doi.org/{self.doi}" if self.doi else self.url

    def status_as_of(self, instant: datetime) -> OutputStatus | None:
        """The status the output had just before `instant` (None if it was filed later)."""
        if self.created_at >= instant:
            return None
        status: OutputStatus | None = None
        for step in self.history:
            if step.changed_at < instant:
                status = step.to_status
        return status or (self.history[0].to_status if self.history else self.status)

    def confirmed_as_of(self, instant: datetime) -> bool:
        return self.confirmed_at is not None and self.confirmed_at < instant


AnyItem = UpdateItem | PlanItem | MeetingItem | OutputItem


@dataclass(frozen=True)
class Filed:
    """What a filing did: the item, and for an output whose DOI the club already had, what happened to it."""

    item: AnyItem
    created: bool = True
    #: The DOI was already recorded: `item` is that output.
    duplicate: bool = False
    #: (from, to) when filing moved the existing output to a new status.
    status_changed: tuple[OutputStatus, OutputStatus] | None = None
    #: The status asked for could not follow the existing output's status: these could.
    status_refused: OutputStatus | None = None
    allowed: tuple[OutputStatus, ...] = ()


@dataclass(frozen=True)
class ClubItems:
    updates: tuple[UpdateItem, ...] = ()
    outputs: tuple[OutputItem, ...] = ()
    meetings: tuple[MeetingItem, ...] = ()
    plans: tuple[PlanItem, ...] = ()

    def all(self) -> list[AnyItem]:
        items: list[AnyItem] = [*self.updates, *self.outputs, *self.meetings, *self.plans]
        return sorted(items, key=lambda i: (i.created_at, i.ref))


# --- engagement ---------------------------------------------------------------------------------------


class Level(StrEnum):
    """A member's engagement level in a period (see `bot.tracking.engagement`)."""

    CORE = "core"
    ACTIVE = "active"
    OCCASIONAL = "occasional"
    SILENT = "silent"
    #: did not post and was away the whole period (`bot.domain.is_away_member`): not counted silent
    AWAY = "away"


def weeks_in(first_day: date, last_day: date) -> int:
    return max(1, math.ceil(((last_day - first_day).days + 1) / 7))


@dataclass(frozen=True)
class EngagementFigures:
    """A club channel's engagement over a period of days (`first_day`..`last_day`, inclusive)."""

    first_day: date
    last_day: date
    members: int
    active_members: int  # members who posted at least once (`bot.domain.is_active_member`)
    share_active: float  # active_members / members (0.0 with no members)
    messages: int  # top-level messages, by anyone
    replies: int  # thread replies, by anyone
    files: int
    reactions: int
    posters: int  # people who posted at least once, members or not
    levels: Mapping[str, Level] = field(default_factory=dict)  # member's Slack user id -> level

    @property
    def away_members(self) -> int:
        """Members away the whole period, counted apart from the silent."""
        return sum(1 for level in self.levels.values() if level is Level.AWAY)

    @property
    def by_level(self) -> dict[Level, int]:
        counts = dict.fromkeys(Level, 0)
        for level in self.levels.values():
            counts[level] += 1
        return counts

    @property
    def weeks(self) -> int:
        return weeks_in(self.first_day, self.last_day)


# --- deadlines ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Deadline:
    kind: str
    club_id: int
    subject: str  # what is due, unique across kinds, e.g. "outcome-report:meeting:3" (at most 80 characters)
    due_on: date
    params: dict[str, object] = field(default_factory=dict)  # for the kind's texts


@dataclass(frozen=True)
class ReminderKind:
    """A kind of deadline reminder: its rule, its "done" check and its texts (see `bot.tracking.reminders`).

    Texts get the deadline's `params` plus `club` (the club's name) and `due` (the due date, formatted):
    `text_key` is the reminder's message, `due_key` one line for lists of things due.
    """

    name: str
    text_key: str
    due_key: str
    deadlines: Callable[[Session, ClubRef, date], list[Deadline]]
    is_done: Callable[[Session, Deadline], bool]
    offsets: tuple[int, ...] = (7, 2, 0)
    #: A button on the reminder that does the thing (its action id; the value is `club:<id>`).
    done_action_id: str | None = None
    done_label_key: str | None = None
    #: Who is reminded; None: the club's leaders.
    recipients: Callable[[Session, ClubRef], list[Participant]] | None = None


@dataclass(frozen=True)
class DueLine:
    kind: str
    text_key: str
    params: dict[str, object]
    due_on: date
    done: bool


@dataclass(frozen=True)
class OutcomeReportState:
    meeting: str  # the meeting's English title (else its Korean one, else its code)
    due_on: date
    submitted_on: date | None
    submitted_by: str | None  # Slack user id
    newly_marked: bool = False
    meeting_ko: str | None = None  # its Korean title, for Korean readers

    def meeting_in(self, lang: str) -> str:
        return (self.meeting_ko or self.meeting) if str(lang) == "ko" else self.meeting


@dataclass(frozen=True)
class MeetingTitle:
    """A meeting's title in each language (Korean readers get the Korean one when there is one)."""

    title_ko: str | None
    title_en: str | None
    code: str

    def in_language(self, lang: str) -> str:
        if str(lang) == "ko":
            return self.title_ko or self.title_en or self.code
        return self.title_en or self.title_ko or self.code


# --- surveys ------------------------------------------------------------------------------------------

QUESTIONS = ("overall", "program", "speakers", "networking")


@dataclass(frozen=True)
class SurveyInfo:
    id: int
    club_id: int
    club_name: str
    meeting_title: str | None
    opens_at: datetime
    closes_at: datetime
    closes_on: date  # the last day answers are taken, in the club's time zone
    meeting_title_ko: str | None = None  # the meeting's Korean title, for Korean readers

    def is_open(self, now: datetime) -> bool:
        return self.opens_at <= now < self.closes_at

    def meeting_in(self, lang: str) -> str:
        """The meeting's title for a reader of `lang` (the club's name when the survey has no meeting)."""
        if str(lang) == "ko" and self.meeting_title_ko:
            return self.meeting_title_ko
        return self.meeting_title or self.club_name


@dataclass(frozen=True)
class Answer:
    overall: int
    program: int
    speakers: int
    networking: int
    comment: str | None = None

    def score(self, question: str) -> int:
        return int(getattr(self, question))


@dataclass(frozen=True)
class QuestionResult:
    question: str
    average: float | None
    distribution: tuple[int, int, int, int, int]  # how many answered 1, 2, 3, 4, 5


@dataclass(frozen=True)
class SurveyResults:
    survey: SurveyInfo | None
    invited: int
    responses: int
    questions: tuple[QuestionResult, ...]
    comments: tuple[str, ...]  # for secretariat staff only

    @property
    def response_rate(self) -> float:
        return self.responses / self.invited if self.invited else 0.0

    def question(self, name: str) -> QuestionResult:
        return next(q for q in self.questions if q.question == name)


@dataclass(frozen=True)
class SurveySummary:
    """The latest survey in a line (no comments): for `/club status`."""

    survey: SurveyInfo
    is_open: bool
    invited: int
    responses: int
    overall: float | None

    @property
    def response_rate(self) -> float:
        return self.responses / self.invited if self.invited else 0.0


# --- a quarter's figures ------------------------------------------------------------------------------


@dataclass(frozen=True)
class OutputTally:
    """Outputs of one type in a period: how many, by status at the period's end, how many confirmed."""

    type: OutputType
    total: int
    by_status: tuple[tuple[OutputStatus, int], ...]
    confirmed: int
    achieved: int


@dataclass(frozen=True)
class QuarterFigures:
    """A club's figures for a quarter: the `/club status` card, and a report's numbers."""

    club: ClubRef
    quarter: Quarter
    as_of: datetime
    updates: int
    plans: int
    meetings: tuple[MeetingItem, ...]
    outputs: tuple[OutputTally, ...]
    engagement: EngagementFigures
    due: tuple[DueLine, ...] = ()  # the club's deadlines, done or not
    survey: SurveySummary | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def outputs_total(self) -> int:
        return sum(t.total for t in self.outputs)

    @property
    def outputs_confirmed(self) -> int:
        return sum(t.confirmed for t in self.outputs)
