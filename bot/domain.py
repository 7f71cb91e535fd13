"""The program's vocabulary as types, defined once: fields, review areas, roles, output types, quarters.

Names a person reads (a field's Korean and English name, a role's label) live in the message
catalogs under `field.<key>`, `area.<key>`, `role.<key>`...; this module only holds the keys and the
rules between them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo


class Language(StrEnum):
    KO = "ko"
    EN = "en"


#: The program's time zone, when neither the club nor the settings name one.
DEFAULT_TIMEZONE = "Asia/Seoul"
#: Finds the language to write to a Slack user in (their locale; see `Runtime.language_of`).
LanguageOf = Callable[[str], "Language"]


class ReviewArea(StrEnum):
    """The technology advisory committee's seven review areas."""

    BASICS = "basics"
    MACHINERY_MATERIALS_AEROSPACE = "machinery-materials-aerospace"
    ELECTRICAL_ELECTRONICS = "electrical-electronics"
    INFORMATION_COMMUNICATIONS = "information-communications"
    CHEMICAL_LIFE = "chemical-life"
    RESOURCES_ENVIRONMENT_ENERGY = "resources-environment-energy"
    AI_METAVERSE = "ai-metaverse"


class FieldKey(StrEnum):
    """The 12 national strategic technologies plus core science and technology."""

    SECONDARY_BATTERY = "secondary-battery"
    ADVANCED_MOBILITY = "advanced-mobility"
    NUCLEAR = "nuclear"
    SEMICONDUCTOR_DISPLAY = "semiconductor-display"
    ADVANCED_BIOTECH = "advanced-biotech"
    AEROSPACE_MARINE = "aerospace-marine"
    CYBERSECURITY = "cybersecurity"
    HYDROGEN = "hydrogen"
    AI = "ai"
    NEXT_GEN_COMMUNICATION = "next-gen-communication"
    ROBOT_MANUFACTURING = "robot-manufacturing"
    QUANTUM = "quantum"
    CORE_SCIENCE = "core-science"

    @property
    def review_area(self) -> ReviewArea:
        return FIELD_REVIEW_AREA[self]


#: The plan's table: each field belongs to one review area.
FIELD_REVIEW_AREA: dict[FieldKey, ReviewArea] = {
    FieldKey.SECONDARY_BATTERY: ReviewArea.RESOURCES_ENVIRONMENT_ENERGY,
    FieldKey.ADVANCED_MOBILITY: ReviewArea.MACHINERY_MATERIALS_AEROSPACE,
    FieldKey.NUCLEAR: ReviewArea.RESOURCES_ENVIRONMENT_ENERGY,
    FieldKey.SEMICONDUCTOR_DISPLAY: ReviewArea.ELECTRICAL_ELECTRONICS,
    FieldKey.ADVANCED_BIOTECH: ReviewArea.CHEMICAL_LIFE,
    FieldKey.AEROSPACE_MARINE: ReviewArea.MACHINERY_MATERIALS_AEROSPACE,
    FieldKey.CYBERSECURITY: ReviewArea.INFORMATION_COMMUNICATIONS,
    FieldKey.HYDROGEN: ReviewArea.RESOURCES_ENVIRONMENT_ENERGY,
    FieldKey.AI: ReviewArea.AI_METAVERSE,
    FieldKey.NEXT_GEN_COMMUNICATION: ReviewArea.INFORMATION_COMMUNICATIONS,
    FieldKey.ROBOT_MANUFACTURING: ReviewArea.MACHINERY_MATERIALS_AEROSPACE,
    FieldKey.QUANTUM: ReviewArea.BASICS,
    FieldKey.CORE_SCIENCE: ReviewArea.BASICS,
}


class CareerStage(StrEnum):
    SENIOR = "senior"
    MID_CAREER = "mid-career"
    EARLY_CAREER = "early-career"
    POSTDOC = "postdoc"
    GRADUATE_STUDENT = "graduate-student"
    OTHER = "other"


class MeetingRole(StrEnum):
    """A person's role at an X-Lab Day meeting."""

    ORGANIZER = "organizer"
    SPEAKER = "speaker"
    RESEARCHER = "researcher"
    STUDENT = "student"
    OBSERVER = "observer"


class ClubRole(StrEnum):
    LEADER = "leader"
    MEMBER = "member"


class MembershipStatus(StrEnum):
    ACTIVE = "active"
    PENDING = "pending"  # not (yet) in the Slack workspace or channel
    LEFT = "left"


class ClubStatus(StrEnum):
    ACTIVE = "active"
    CLOSED = "closed"


class OutputType(StrEnum):
    PAPER = "paper"
    PROPOSAL = "proposal"
    PROJECT = "project"
    EXCHANGE = "exchange"
    WORKSHOP = "workshop"
    PATENT = "patent"
    POLICY = "policy"
    ROADMAP = "roadmap"
    SOFTWARE = "software"
    AWARD = "award"
    OTHER = "other"


class MeetingFormat(StrEnum):
    ONLINE = "online"
    OFFLINE = "offline"
    HYBRID = "hybrid"


class FeedStatus(StrEnum):
    OK = "ok"
    UNHEALTHY = "unhealthy"
    DISABLED = "disabled"


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    DEAD = "dead"  # gave up after the set number of attempts; listed by `clubbot outbox`


class JobRunStatus(StrEnum):
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


def is_active_member(*, posts: int) -> bool:
    """The one definition of an **active member**, used by `/club status`, the App Home and every report:
    a member who took part in the club's conversation in the period, that is who posted at least once
    (a message, a thread reply or a shared file) in the club's channel. Reactions alone are attention,
    not engagement in the club's follow-up activities, and do not make a member active."""
    return posts > 0


def is_away_member(*, posts: int, away: Iterable[tuple[date, date]], first_day: date, last_day: date) -> bool:
    """The one definition of a member counted **away** rather than silent, beside `is_active_member`: a
    member who did not post in the period (`first_day`..`last_day`) and was away (the App Home's "away until",
    kept as spans of days, first and last day included) on every one of its days."""
    if is_active_member(posts=posts):
        return False
    day = first_day
    for first, last in sorted(away):
        if first > day:
            return False
        if last >= day:
            day = last + timedelta(days=1)
        if day > last_day:
            return True
    return False


def language_for_locale(locale: str | None, default: Language | str = Language.KO) -> Language:
    """Map a Slack locale (`ko-KR`, `en-US`...) to one of the bot's languages."""
    if locale:
        primary = locale.replace("_", "-").split("-", 1)[0].lower()
        if primary in {"ko", "en"}:
            return Language(primary)
        return Language.EN  # any other locale: English is the program's lingua franca
    return Language(str(default))


# --- quarters -------------------------------------------------------------------------------

_QUARTER = re.compile(r"^\s*(\d{4})\s*[-/ ]?\s*[Qq]([1-4])\s*$")


@dataclass(frozen=True, order=True)
class Quarter:
    """A calendar quarter, e.g. `Quarter(2026, 4)` printed as `2026Q4`."""

    year: int
    number: int

    def __post_init__(self) -> None:
        if not 1 <= self.number <= 4:
            raise ValueError(f"quarter number must be 1..4, not {self.number}")

    def __str__(self) -> str:
        return f"{self.year}Q{self.number}"

    @classmethod
    def parse(cls, text: str) -> Quarter:
        """Parse `2026Q4`, `2026-Q4`, `2026 q4`. Raises ValueError otherwise."""
        match = _QUARTER.match(text)
        if not match:
            raise ValueError(f"not a quarter: {text!r}")
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def containing(cls, day: date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @classmethod
    def of_instant(cls, instant: datetime, tz: ZoneInfo) -> Quarter:
        """The quarter an instant falls in, in the given time zone (the one rule for quarter boundaries)."""
        return cls.containing(instant.astimezone(tz).date())

    @property
    def first_day(self) -> date:
        return date(self.year, 3 * (self.number - 1) + 1, 1)

    @property
    def last_day(self) -> date:
        return self.next().first_day - timedelta(days=1)

    def start(self, tz: ZoneInfo) -> datetime:
        """The first instant of the quarter in `tz`, as an aware UTC datetime."""
        return datetime.combine(self.first_day, time.min, tzinfo=tz).astimezone(UTC)

    def end(self, tz: ZoneInfo) -> datetime:
        """The first instant after the quarter in `tz` (exclusive bound), as an aware UTC datetime."""
        return self.next().start(tz)

    def next(self) -> Quarter:
        return Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)

    def previous(self) -> Quarter:
        return Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)

    def contains(self, day: date) -> bool:
        return self.first_day <= day <= self.last_day


# --- outputs: statuses by type and the allowed transitions ----------------------------------------


class OutputStatus(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in-progress"
    SUBMITTED = "submitted"
    UNDER_REVIEW = "under-review"
    ACCEPTED = "accepted"
    PUBLISHED = "published"
    FUNDED = "funded"
    ONGOING = "ongoing"
    FILED = "filed"
    GRANTED = "granted"
    RELEASED = "released"
    ADOPTED = "adopted"
    RECEIVED = "received"
    COMPLETED = "completed"
    REJECTED = "rejected"
    CANCELLED = "cancelled"


S = OutputStatus
#: For each output type, its statuses in their usual order (the first is the default for a new item).
#: The main line comes first; the stopping statuses (rejected, cancelled) last. Every type but an award can
#: be cancelled (a paper abandoned, a proposal withdrawn, a roadmap dropped).
OUTPUT_STATUSES: dict[OutputType, tuple[OutputStatus, ...]] = {
    OutputType.PAPER: (S.PLANNED, S.IN_PROGRESS, S.SUBMITTED, S.UNDER_REVIEW, S.ACCEPTED, S.PUBLISHED, S.REJECTED,
                       S.CANCELLED),
    OutputType.PROPOSAL: (S.PLANNED, S.IN_PROGRESS, S.SUBMITTED, S.UNDER_REVIEW, S.FUNDED, S.REJECTED, S.CANCELLED),
    OutputType.PROJECT: (S.FUNDED, S.ONGOING, S.COMPLETED, S.CANCELLED),
    OutputType.EXCHANGE: (S.PLANNED, S.ONGOING, S.COMPLETED, S.CANCELLED),
    OutputType.WORKSHOP: (S.PLANNED, S.COMPLETED, S.CANCELLED),
    OutputType.PATENT: (S.PLANNED, S.FILED, S.GRANTED, S.REJECTED, S.CANCELLED),
    OutputType.POLICY: (S.PLANNED, S.SUBMITTED, S.ADOPTED, S.COMPLETED, S.REJECTED, S.CANCELLED),
    OutputType.ROADMAP: (S.PLANNED, S.IN_PROGRESS, S.PUBLISHED, S.CANCELLED),
    OutputType.SOFTWARE: (S.PLANNED, S.IN_PROGRESS, S.RELEASED, S.CANCELLED),
    OutputType.AWARD: (S.RECEIVED,),
    OutputType.OTHER: (S.PLANNED, S.ONGOING, S.COMPLETED, S.CANCELLED),
}  # fmt: skip
#: Statuses after which an item does not move on (except by correcting a mistake, which admins may do).
FINAL_STATUSES = frozenset({S.PUBLISHED, S.REJECTED, S.CANCELLED, S.COMPLETED, S.GRANTED, S.RELEASED, S.RECEIVED})
#: Statuses that count as an achieved outcome in reports (as opposed to one planned or under way).
ACHIEVED_STATUSES = frozenset(
    {S.ACCEPTED, S.PUBLISHED, S.FUNDED, S.ONGOING, S.COMPLETED, S.GRANTED, S.RELEASED, S.ADOPTED, S.RECEIVED, S.FILED}
)
#: The stopping statuses: not steps of the main line.
STOPPING_STATUSES = frozenset({S.REJECTED, S.CANCELLED})
#: Statuses waiting for someone else's decision: only these can end in `rejected`.
AWAITING_DECISION = frozenset({S.SUBMITTED, S.UNDER_REVIEW, S.FILED})
#: A rejected paper or proposal is usually revised and submitted elsewhere: the same joint work, not a new output.
REOPENED_FROM: dict[OutputType, dict[OutputStatus, tuple[OutputStatus, ...]]] = {
    OutputType.PAPER: {S.REJECTED: (S.IN_PROGRESS, S.SUBMITTED)},
    OutputType.PROPOSAL: {S.REJECTED: (S.IN_PROGRESS, S.SUBMITTED)},
}
#: Statuses whose date may lie ahead (a planned workshop, a project running until next year); every other
#: status states something that has happened, so its date cannot be in the future.
MAY_BE_DATED_AHEAD = frozenset({S.PLANNED, S.IN_PROGRESS, S.ONGOING})
del S


def default_status(output_type: OutputType) -> OutputStatus:
    return OUTPUT_STATUSES[output_type][0]


def allowed_next_statuses(output_type: OutputType, current: OutputStatus) -> tuple[OutputStatus, ...]:
    """Where an item may go from `current`, in the type's order:

    - forward along the main line, skipping steps if need be (submitted → published);
    - `rejected` only from a status awaiting a decision (submitted, under review, filed);
    - `cancelled` from any status that is not final;
    - a rejected paper or proposal back to in progress or submitted (revised and resubmitted).
    Never backwards otherwise, never from another final status."""
    order = OUTPUT_STATUSES[output_type]
    if current not in order:
        return ()
    reopened = REOPENED_FROM.get(output_type, {}).get(current)
    if reopened:
        return reopened
    if current in FINAL_STATUSES:
        return ()
    main = [s for s in order if s not in STOPPING_STATUSES]
    forward = main[main.index(current) + 1 :] if current in main else []
    allowed = set(forward)
    if OutputStatus.REJECTED in order and current in AWAITING_DECISION:
        allowed.add(OutputStatus.REJECTED)
    if OutputStatus.CANCELLED in order:
        allowed.add(OutputStatus.CANCELLED)
    return tuple(s for s in order if s in allowed)


def can_change_status(output_type: OutputType, current: OutputStatus, new: OutputStatus) -> bool:
    return new in allowed_next_statuses(output_type, current)


# --- outputs found, not only filed -----------------------------------------------------------


class OutputSource(StrEnum):
    """How an output came to be recorded: filed by a member, or discovered (a joint work a leader confirmed)."""

    FILED = "filed"
    DISCOVERED = "discovered"


class SuggestionStatus(StrEnum):
    """A discovered joint work put to a club's leaders: waiting, recorded as the club's output, or not theirs."""

    PENDING = "pending"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"
