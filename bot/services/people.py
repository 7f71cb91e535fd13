"""What the bot remembers of Slack users between requests, processes and restarts (locale, name, email)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from bot.slack import SlackProfile
from storage.models import SlackUser, utcnow

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
