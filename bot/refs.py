"""Plain values that name the program's records across features, with no session attached: a club
(`ClubRef`, and with the caller's role `ClubWithRole`) and someone named in a command or a form
(`PersonRef`). Pure: types, parsers and views may use them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.domain import ClubRole, ClubStatus, FieldKey, Language

if TYPE_CHECKING:
    from storage.models import Club


@dataclass(frozen=True)
class PersonRef:
    """Someone named in a command or a form: a Slack user (`<@U…>`), an email address, or (for people
    outside the program, such as an output's co-author) only a name."""

    user_id: str | None = None
    email: str | None = None
    name: str | None = None

    def __str__(self) -> str:
        if self.user_id:
            return f"<@{self.user_id}>"
        return self.email or self.name or ""


@dataclass(frozen=True)
class ClubRef:
    """A club as handlers and views see it: plain values, no session attached."""

    id: int
    name: str
    field: FieldKey
    channel_id: str | None
    channel_name: str | None
    language: Language
    timezone: str | None
    status: ClubStatus
    is_private: bool
    meeting_id: int | None

    @classmethod
    def of(cls, club: Club) -> ClubRef:
        """The plain value of a club record (any object with the `Club` model's attributes)."""
        return cls(
            id=club.id,
            name=club.name,
            field=club.field,
            channel_id=club.channel_id,
            channel_name=club.channel_name,
            language=Language(club.language),
            timezone=club.timezone,
            status=club.status,
            is_private=club.is_private,
            meeting_id=club.meeting_id,
        )

    @property
    def is_active(self) -> bool:
        return self.status is ClubStatus.ACTIVE


@dataclass(frozen=True)
class ClubWithRole:
    club: ClubRef
    role: ClubRole
