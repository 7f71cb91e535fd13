"""A club's settings and end: its language, archiving its channel and closing it (records stay for reports)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import audit
from bot.domain import ClubStatus, Language
from bot.i18n import t
from bot.refs import ClubRef
from bot.settings import Settings
from bot.slack import outbox
from bot.slack.blocks import Message, escape
from bot.slack.gateway import SlackGateway
from storage.db import Database
from storage.models import AuditEntry, Club, utcnow

CHANNEL_LOST = "club.channel_lost"


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


def channel_lost(session: Session, channel_id: str, *, settings: Settings) -> bool:
    """A post found the club's channel deleted in Slack (`channel_not_found`; Slack cannot restore it): the club
    is marked, once, with a `club.channel_lost` audit entry (its records stay; it keeps its name and status)
    and the secretariat is told which club lost its channel. False when no club has that channel."""
    club = session.scalar(select(Club).where(Club.channel_id == channel_id))
    if club is None:
        return False
    marked = session.scalar(
        select(AuditEntry.id).where(AuditEntry.action == CHANNEL_LOST, AuditEntry.entity_id == str(club.id))
    )
    if marked is None:
        audit.record(
            session,
            actor="outbox",
            action=CHANNEL_LOST,
            entity="club",
            entity_id=club.id,
            club_id=club.id,
            details={"channel": channel_id},
        )
    if settings.secretariat_channel:
        text = t(settings.language, "clubs.channel_lost", name=escape(club.name), channel=channel_id)
        outbox.enqueue(
            session,
            settings.secretariat_channel,
            Message(text=text),
            kind=outbox.KIND_ALERT,
            dedupe_key=f"club:{club.id}:channel-lost:{channel_id}",
        )
    return True


def has_lost_channel(session: Session, club_id: int) -> bool:
    """Whether a post found this club's channel deleted in Slack (see `channel_lost`)."""
    found = session.scalar(
        select(AuditEntry.id).where(AuditEntry.action == CHANNEL_LOST, AuditEntry.entity_id == str(club_id))
    )
    return found is not None
