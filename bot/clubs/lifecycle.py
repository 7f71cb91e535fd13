"""A club's settings and end: its language, archiving its channel and closing it (records stay for reports)."""

from __future__ import annotations

from bot import audit
from bot.domain import ClubStatus, Language
from bot.refs import ClubRef
from bot.slack.gateway import SlackGateway
from storage.db import Database
from storage.models import Club, utcnow


def set_language(db: Database, club: ClubRef, language: Language, *, actor: str) -> ClubRef:
    with db.session() as session:
        row = session.get(Club, club.id)
        assert row is not None
        row.language = language.value
        audit.record(
            session,
            actor=actor,
            action="club.language",
            entity="club",
            entity_id=club.id,
            club_id=club.id,
            details={"language": language.value},
        )
        return ClubRef.of(row)


def archive_club(db: Database, slack: SlackGateway, club: ClubRef, *, actor: str) -> ClubRef:
    """Archive the club's channel and mark the club closed (its records stay for the reports)."""
    if club.channel_id:
        slack.archive_channel(club.channel_id)
    return mark_closed(db, club.id, actor=actor)


def mark_closed(db: Database, club_id: int, *, actor: str, closed: bool = True) -> ClubRef:
    with db.session() as session:
        row = session.get(Club, club_id)
        assert row is not None
        row.status = ClubStatus.CLOSED if closed else ClubStatus.ACTIVE
        row.closed_at = utcnow() if closed else None
        audit.record(
            session,
            actor=actor,
            action="club.archive" if closed else "club.unarchive",
            entity="club",
            entity_id=club_id,
            club_id=club_id,
        )
        return ClubRef.of(row)
