"""What the casebook feature talks about, defined once: its ids, the consent answers, and the plain values the
services make and the views and the document read."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.domain import FieldKey, Language, OutputType
from bot.reports.period import Period

#: The three buttons of the consent DM (their value is the consent's id).
CONSENT_AGREE = "casebook_consent_agree"
CONSENT_ANONYMISE = "casebook_consent_anonymise"
CONSENT_DECLINE = "casebook_consent_decline"
#: The secretariat's modals.
INTERVIEW_CALLBACK = "casebook_interview"
FOREWORD_CALLBACK = "casebook_foreword"
#: The interview form: this many question and answer pairs, each at most so long (Slack's input takes 3,000).
INTERVIEW_PAIRS = 4
QUESTION_MAX = 300
ANSWER_MAX = 3000
FOREWORD_MAX = 3000
#: The report files' scope of the casebook (a report's is `program` or `club:<id>`).
CASEBOOK_SCOPE = "casebook"


class Consent(StrEnum):
    """A person's answer. `pending` (asked, no answer) is printed as a refusal: nothing of theirs appears."""

    PENDING = "pending"
    AGREE = "agree"
    ANONYMISE = "anonymise"
    DECLINE = "decline"


#: The button of each answer.
CONSENT_BUTTONS: dict[str, Consent] = {
    CONSENT_AGREE: Consent.AGREE,
    CONSENT_ANONYMISE: Consent.ANONYMISE,
    CONSENT_DECLINE: Consent.DECLINE,
}


@dataclass(frozen=True)
class ConsentCounts:
    agreed: int = 0
    anonymised: int = 0
    declined: int = 0
    pending: int = 0

    @property
    def asked(self) -> int:
        return self.agreed + self.anonymised + self.declined + self.pending


@dataclass(frozen=True)
class ListedClub:
    """One line of `/club casebook list`: a candidate, a pick, or both."""

    club_id: int
    club_name: str
    picked: bool
    candidate: bool
    #: The candidate outputs' titles (why the report names the club).
    reasons: tuple[str, ...] = ()
    consents: ConsentCounts = field(default_factory=ConsentCounts)


@dataclass(frozen=True)
class Listing:
    year: int
    clubs: tuple[ListedClub, ...]
    interviews: int = 0
    forewords: tuple[Language, ...] = ()  # the languages with a foreword


@dataclass(frozen=True)
class PickResult:
    year: int
    club_name: str
    newly: bool
    candidate: bool
    asked: int  # consent DMs sent now (people asked already this year are not asked again)


@dataclass(frozen=True)
class UnpickResult:
    year: int
    club_name: str
    removed: bool


@dataclass(frozen=True)
class ConsentAsk:
    """What the consent DM shows: the year, the club that asked first, the person's current answer."""

    consent_id: int
    year: int
    club_name: str
    answer: Consent


@dataclass(frozen=True)
class InterviewForm:
    year: int
    club_id: int
    club_name: str
    interviewee_user_id: str | None
    pairs: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class ForewordForm:
    year: int
    ko: str
    en: str


# --- the document ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    """Someone whose name or words could be printed, with their answer."""

    id: int
    name_ko: str | None
    name_en: str | None
    country: str | None
    consent: Consent
    role: str = "member"  # leader | member


@dataclass(frozen=True)
class Event:
    """One line of a chapter's timeline; `author` is whose words `text` are (None: the record's own words)."""

    day: date
    kind: str  # meeting | output | update
    text: str
    author: Person | None = None


@dataclass(frozen=True)
class PrintedOutput:
    type: str
    title: str
    status: str
    day: date | None
    doi: str | None


@dataclass(frozen=True)
class Words:
    """A leader's own words from one quarter's narrative."""

    quarter: str
    author: Person | None
    highlights: str
    plans: str


@dataclass(frozen=True)
class Interview:
    interviewee: Person | None
    pairs: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class MeetingOrigin:
    code: str
    title_ko: str | None
    title_en: str | None
    venue: str | None
    starts_on: date
    ends_on: date


@dataclass(frozen=True)
class Chapter:
    club_id: int
    club_name: str
    field: str
    meeting: MeetingOrigin | None
    people: tuple[Person, ...]
    timeline: tuple[Event, ...]
    outputs: tuple[PrintedOutput, ...]
    words: tuple[Words, ...]
    interview: Interview | None


@dataclass(frozen=True)
class SummaryLine:
    """A club's one line in the appendix."""

    club_name: str
    field: str
    members: int
    meetings: int
    outputs: int
    achieved: int
    picked: bool


@dataclass(frozen=True)
class Casebook:
    year: int
    chapters: tuple[Chapter, ...]
    appendix: tuple[SummaryLine, ...]
    forewords: dict[str, str]
    built_at: datetime


# --- the December brief ----------------------------------------------------------------------------------------


class Step(StrEnum):
    """A next step the brief may suggest (its text is `casebook.step.<value>`)."""

    NARRATIVE = "narrative"
    MEETING = "meeting"
    JOINT_PAPER = "joint_paper"
    INTERNATIONAL = "international"
    PROPOSAL = "proposal"
    ORCID = "orcid"
    UPDATES = "updates"
    ENGAGEMENT = "engagement"
    KEEP_GOING = "keep_going"


@dataclass(frozen=True)
class BriefFacts:
    """What the suggested next steps are derived from (`bot.casebook.nextsteps.next_steps`)."""

    joint_papers: int  # papers with two or more people, any status
    international_papers: int
    meetings_this_quarter: int
    members: int
    members_without_orcid: int
    updates_last_90_days: int
    proposals: int
    narrative_due: bool  # this quarter's narrative not written yet
    active_share: float


@dataclass(frozen=True)
class BriefDue:
    text_key: str
    params: dict[str, object]
    due_on: date


@dataclass(frozen=True)
class Brief:
    year: int
    club_name: str
    field: FieldKey
    members: int
    leaders: tuple[str, ...]
    updates: int
    meetings: int
    attendees: int
    outputs_new: int
    outputs_achieved: int
    by_type: dict[OutputType, int]
    active_share: float
    score: float
    rank: int
    clubs: int
    due: tuple[BriefDue, ...]
    steps: tuple[Step, ...]
    facts: BriefFacts


# --- the year --------------------------------------------------------------------------------------------------


def casebook_year(now: datetime, tz: ZoneInfo) -> int:
    """The year a casebook command acts on by default: the current year, or the year just ended in January and
    February (the booklet is due in January, the steering committee reviews it in February)."""
    local = now.astimezone(tz).date()
    return local.year - 1 if local.month <= 2 else local.year


def year_period(year: int) -> Period:
    """The calendar year as a report period (`2026-01-01..2026-12-31`)."""
    return Period(date(year, 1, 1), date(year, 12, 31))


def year_quarters(year: int) -> tuple[str, ...]:
    """The keys of the year's quarters (`2026Q1`…`2026Q4`), under which the leaders' narratives are stored."""
    return tuple(f"{year}Q{n}" for n in range(1, 5))
