"""What the clubs feature talks about, defined once: a new-club request, what happened to each person named,
member lines and listings, club summaries and the member-record form. Plain values: the views take these,
the services build them; nothing here touches the database or Slack."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from bot.domain import ClubRole, FieldKey, Language, MembershipStatus
from bot.refs import ClubRef, PersonRef


@dataclass(frozen=True)
class NewClub:
    name: str
    field: FieldKey
    meeting_code: str | None
    leaders: Sequence[PersonRef]
    members: Sequence[PersonRef]
    private: bool
    language: Language
    actor: str


@dataclass(frozen=True)
class PersonOutcome:
    """What happened to one person named in a command."""

    label: str  # name as registered, or the email when nothing else is known
    email: str | None
    user_id: str | None
    outcome: str  # "invited", "already", "pending", "held" (pending an admin), "shared", "failed"
    reason: str | None = None  # Slack's error code, or our own (`not_in_workspace`, `deactivated`, `bot`)


@dataclass(frozen=True)
class ProvisionResult:
    club: ClubRef
    created: bool
    channel_reused: bool
    people: list[PersonOutcome] = field(default_factory=list)

    def of(self, outcome: str) -> list[PersonOutcome]:
        return [p for p in self.people if p.outcome == outcome]


@dataclass(frozen=True)
class MemberLine:
    name: str
    user_id: str | None
    role: ClubRole
    status: MembershipStatus
    affiliation: str | None
    country: str | None
    email: str | None  # only filled for callers allowed to see emails
    joined_at: datetime | None


@dataclass(frozen=True)
class MemberListing:
    club: ClubRef
    members: list[MemberLine]
    emails_shown: bool


@dataclass(frozen=True)
class ClubSummary:
    club: ClubRef
    role: ClubRole | None
    members: int
    pending: int


@dataclass(frozen=True)
class RecordForm:
    participant_id: int
    values: dict[str, object]
    show_email: bool
