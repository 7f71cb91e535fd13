"""The App Home: a person's clubs, their role in each, and what is due from them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
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


def home_data(
    session: Session, user_id: str, *, is_admin: bool, lang: Language, now: datetime, tz: ZoneInfo
) -> HomeData:
    person = participant_of(session, user_id)
    due = due_for(session, person.id, now, tz) if person else []
    name = display_name(person, lang) or ""
    return HomeData(name=name, clubs=club_summaries(session, user_id, is_admin=is_admin), due=due, is_admin=is_admin)
