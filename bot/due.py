"""What is due from a person: each feature contributes a provider; the App Home and reminders list them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.domain import DEFAULT_TIMEZONE


@dataclass(frozen=True)
class DueItem:
    """One thing a person owes: a catalog key with parameters, when it is due, and the action that does it."""

    club_id: int | None
    club_name: str | None
    due_on: date
    text_key: str
    params: dict[str, object] = field(default_factory=dict)
    #: A block action id that opens the form for it (e.g. the report narrative modal), if any.
    action_id: str | None = None
    action_value: str | None = None


DueProvider = Callable[[Session, int, datetime, ZoneInfo], list[DueItem]]
#: Providers registered by the features: (participant id, now, the program's time zone) → items.
PROVIDERS: list[DueProvider] = []


def register(provider: DueProvider) -> DueProvider:
    PROVIDERS.append(provider)
    return provider


PROGRAM_ZONE = ZoneInfo(DEFAULT_TIMEZONE)


def due_for(session: Session, participant_id: int, now: datetime, tz: ZoneInfo = PROGRAM_ZONE) -> list[DueItem]:
    """Everything due from a person, soonest first. `tz` is the program's time zone (`CLUBBOT_TIMEZONE`); a
    club's own time zone, when it has one, wins for that club's items."""
    items = [item for provider in PROVIDERS for item in provider(session, participant_id, now, tz)]
    return sorted(items, key=lambda item: (item.due_on, item.club_name or ""))
