"""Keeping club membership in step with Slack: people joining and leaving channels, channels renamed,
archived and unarchived, and people joining the workspace.

Each function takes what the handler learned from the event (and, where needed, the person's Slack
profile fetched beforehand) and applies it in one transaction, together with the event's de-duplication
record, so a redelivered event changes nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import audit
from bot.domain import ClubRole, ClubStatus, MembershipStatus
from bot.participants.values import contains_hangul
from bot.slack.events import first_delivery
from bot.slack.types import SlackProfile
from storage.models import Club, Membership, Participant, utcnow

log = logging.getLogger(__name__)


def club_id_for_channel(session: Session, channel_id: str) -> int | None:
    return session.scalar(select(Club.id).where(Club.channel_id == channel_id))


def _participant(session: Session, user_id: str, profile: SlackProfile | None) -> Participant:
    """The participant behind a Slack user: linked by Slack ID, else by email (a pending person who has now
    joined), else created from their Slack profile (someone who joined the channel on their own)."""
    person = session.scalar(select(Participant).where(Participant.slack_user_id == user_id))
    if person is None and profile is not None and profile.email:
        person = session.scalar(select(Participant).where(Participant.email == profile.email.lower()))
        if person is not None and person.slack_user_id is None:
            person.slack_user_id = user_id
    if person is None:
        name = (profile.real_name if profile else None) or user_id
        person = Participant(
            name_ko=name if contains_hangul(name) else None,
            name_en=None if contains_hangul(name) else name,
            email=profile.email.lower() if profile and profile.email else None,
            slack_user_id=user_id,
        )
        session.add(person)
        session.flush()
    return person


def member_joined(
    session: Session, *, event_id: str | None, channel_id: str, user_id: str, profile: SlackProfile | None
) -> bool:
    """A person joined a club channel: they are an active member (a pending one becomes active)."""
    if not first_delivery(session, event_id):
        return False
    club_id = club_id_for_channel(session, channel_id)
    if club_id is None:
        return False
    if profile is None or profile.is_bot or profile.is_deleted:
        reason = "user_not_found" if profile is None else "bot" if profile.is_bot else "deactivated"
        log.info("%s joined club %s's channel and is no member: %s (only people join clubs)", user_id, club_id, reason)
        return False
    person = _participant(session, user_id, profile)
    membership = session.scalar(
        select(Membership).where(Membership.club_id == club_id, Membership.participant_id == person.id)
    )
    now = utcnow()
    if membership is None:
        session.add(
            Membership(
                club_id=club_id,
                participant_id=person.id,
                role=ClubRole.MEMBER,
                status=MembershipStatus.ACTIVE,
                joined_at=now,
            )
        )
    elif membership.status is not MembershipStatus.ACTIVE:
        membership.status, membership.left_at = MembershipStatus.ACTIVE, None
        membership.joined_at = membership.joined_at or now
    audit.record(
        session, actor=user_id, action="member.join", entity="membership", entity_id=person.id, club_id=club_id
    )
    return True


def member_left(session: Session, *, event_id: str | None, channel_id: str, user_id: str) -> bool:
    """A person left a club channel: their membership is marked left; their history stays."""
    if not first_delivery(session, event_id):
        return False
    club_id = club_id_for_channel(session, channel_id)
    if club_id is None:
        return False
    membership = session.scalar(
        select(Membership)
        .join(Participant, Participant.id == Membership.participant_id)
        .where(Membership.club_id == club_id, Participant.slack_user_id == user_id)
    )
    if membership is None or membership.status is MembershipStatus.LEFT:
        return False
    membership.status, membership.left_at = MembershipStatus.LEFT, utcnow()
    audit.record(
        session, actor=user_id, action="member.leave", entity="membership", entity_id=membership.id, club_id=club_id
    )
    return True


def channel_renamed(session: Session, *, event_id: str | None, channel_id: str, name: str) -> bool:
    if not first_delivery(session, event_id):
        return False
    club = session.scalar(select(Club).where(Club.channel_id == channel_id))
    if club is None:
        return False
    club.channel_name = name
    return True


def channel_archived(session: Session, *, event_id: str | None, channel_id: str, archived: bool, actor: str) -> bool:
    """Archived channel → closed club; unarchived → active again."""
    if not first_delivery(session, event_id):
        return False
    club = session.scalar(select(Club).where(Club.channel_id == channel_id))
    if club is None:
        return False
    club.status = ClubStatus.CLOSED if archived else ClubStatus.ACTIVE
    club.closed_at = utcnow() if archived else None
    audit.record(
        session,
        actor=actor,
        action="club.archive" if archived else "club.unarchive",
        entity="club",
        entity_id=club.id,
        club_id=club.id,
        details={"by": "slack"},
    )
    return True


@dataclass(frozen=True)
class PendingInvite:
    club_id: int
    channel_id: str


def workspace_joined(session: Session, *, event_id: str | None, profile: SlackProfile) -> list[PendingInvite]:
    """Someone joined the workspace: link them to their participant record by email, and return the club
    channels they are pending in, to invite them to (their membership becomes active when they join)."""
    if not first_delivery(session, event_id) or not profile.email or profile.is_bot:
        return []
    person = session.scalar(select(Participant).where(Participant.email == profile.email.lower()))
    if person is None:
        return []
    if person.slack_user_id is None:
        taken = session.scalar(select(Participant.id).where(Participant.slack_user_id == profile.user_id))
        if taken is None:
            person.slack_user_id = profile.user_id
    rows = session.execute(
        select(Club.id, Club.channel_id)
        .join(Membership, Membership.club_id == Club.id)
        .where(
            Membership.participant_id == person.id,
            Membership.status == MembershipStatus.PENDING,
            Club.status == ClubStatus.ACTIVE,
            Club.channel_id.is_not(None),
        )
    ).all()
    return [PendingInvite(club_id, channel_id) for club_id, channel_id in rows if channel_id is not None]
