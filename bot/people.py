"""People, defined once: how a participant's name is shown (`display_name`, which honours erasure), and what the
bot remembers of Slack users between requests, processes and restarts (locale, name, email)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from bot.domain import Language
from bot.slack.types import SlackProfile
from storage.models import Participant, SlackUser, utcnow


def display_name(person: Participant | None, lang: Language | str = Language.EN) -> str | None:
    """A participant's name as they registered it, in the language's preferred script when both exist.
    None for no one, and for a person whose data was erased (`forgotten_at`): an erased name is never shown."""
    if person is None or person.forgotten_at is not None:
        return None
    if Language(str(lang)) is Language.KO:
        return person.name_ko or person.name_en
    return person.name_en or person.name_ko


#: A stored locale is trusted this long before Slack is asked again.
LOCALE_TTL = timedelta(days=7)


def stored_locale(session: Session, user_id: str, *, now: datetime | None = None) -> tuple[bool, str | None]:
    """(known, locale) from the `slack_users` table; known is False when absent or stale."""
    row = session.get(SlackUser, user_id)
    if row is None or (now or utcnow()) - row.fetched_at > LOCALE_TTL:
        return False, None
    return True, row.locale


def remember(session: Session, profile: SlackProfile) -> None:
    row = session.get(SlackUser, profile.user_id) or SlackUser(user_id=profile.user_id)
    row.locale, row.real_name, row.is_deleted, row.fetched_at = (
        profile.locale,
        profile.real_name,
        profile.is_deleted,
        utcnow(),
    )
    if profile.email:
        row.email = profile.email.lower()
    session.add(row)
