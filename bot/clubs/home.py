"""The App Home: a person's clubs, their role in each, and what is due from them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.clubs.listing import club_summaries
from bot.clubs.types import ClubSummary
from bot.domain import Language
from bot.due import DueItem, due_for
from bot.people import display_name
from bot.standing import participant_of


@dataclass(frozen=True)
class HomeData:
    name: str
    clubs: list[ClubSummary]
    due: list[DueItem]
    is_admin: bool
    #: The last day the person said they are away (None: not away, or no participant record).
    away_until: date | None = None
    has_record: bool = False
    #: A member without an ORCID iD who was not asked for one yet: the App Home asks, once.
    orcid_nudge: bool = False


def home_data(
    session: Session, user_id: str, *, is_admin: bool, lang: Language, now: datetime, tz: ZoneInfo
) -> HomeData:
    person = participant_of(session, user_id)
    due = due_for(session, person.id, now, tz) if person else []
    name = display_name(person, lang) or ""
    today = now.astimezone(tz).date()
    away = person.away_until if person is not None and person.away_until and person.away_until >= today else None
    clubs = club_summaries(session, user_id, is_admin=is_admin)
    nudge = bool(
        person is not None
        and not person.orcid
        and person.orcid_nudged_at is None
        and any(summary.role is not None for summary in clubs)
    )
    return HomeData(
        name=name,
        clubs=clubs,
        due=due,
        is_admin=is_admin,
        away_until=away,
        has_record=person is not None,
        orcid_nudge=nudge,
    )


def mark_orcid_nudged(session: Session, user_id: str, now: datetime) -> None:
    """The App Home showing the ORCID nudge was published: it is not shown again."""
    person = participant_of(session, user_id)
    if person is not None and person.orcid_nudged_at is None:
        person.orcid_nudged_at = now
