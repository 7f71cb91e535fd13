"""Provisioning a club with its Slack channel (`/club new` and the new-club form).

Order of work, so nothing is half-done:
1. people are resolved in Slack (cached lookups by email) before anything is written;
2. the channel is created (or, if an interrupted run left this bot's channel without a club, reused);
   if that fails, no club record is written (a workspace that restricts channel creation, `restricted_action`,
   gets its own explanation);
3. the club, its memberships (pending), its catalog feeds and its pinned welcome post (outbox) are
   committed together;
4. people are invited in as few `conversations.invite` calls as Slack allows; each person's failure is
   kept and reported, and the club stays.
"""

from __future__ import annotations

import logging

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from bot import audit
from bot.clubs import views as club_views
from bot.clubs.invites import add_people
from bot.clubs.naming import channel_name, name_variants
from bot.clubs.resolving import attendee_refs, resolve
from bot.clubs.types import NewClub, ProvisionResult
from bot.digests.service import subscribe_new_club
from bot.errors import UserError
from bot.refs import ClubRef
from bot.settings import Settings
from bot.slack.gateway import SlackChannel, SlackGateway, SlackRefused
from storage.db import Database
from storage.models import Club, Meeting

log = logging.getLogger(__name__)


def _channel_in_use(db: Database, channel_id: str) -> bool:
    with db.session() as session:
        return session.scalar(select(Club.id).where(Club.channel_id == channel_id)) is not None


def _create_channel(db: Database, slack: SlackGateway, club_name: str, *, private: bool) -> tuple[SlackChannel, bool]:
    """Create the club's channel under the first free variant of its name; reuse this bot's own orphan."""
    bot = slack.bot_user_id()
    for candidate in name_variants(channel_name(club_name)):
        try:
            return slack.create_channel(candidate, is_private=private), False
        except SlackRefused as refused:
            if refused.error == "restricted_action":  # the workspace lets only some people create channels
                raise UserError("clubs.error.channel_restricted") from refused
            if refused.error != "name_taken":
                raise UserError("clubs.error.channel_failed", error=refused.error) from refused
        existing = slack.find_channel(candidate)
        if (
            existing is not None
            and existing.creator == bot
            and not existing.is_archived
            and existing.is_private == private
            and not _channel_in_use(db, existing.id)
        ):
            log.info("reusing channel #%s, created by this bot for a club that was never recorded", candidate)
            return existing, True
    raise UserError("clubs.error.no_channel_name", name=club_name)


def provision_club(db: Database, slack: SlackGateway, settings: Settings, request: NewClub) -> ProvisionResult:
    """Create a club with its channel, or — when a club of that name exists — add and invite the people named.

    Running the same request twice never creates two clubs.
    """
    with db.session() as session:
        existing = session.scalar(select(Club).where(func.lower(Club.name) == request.name.casefold()))
        existing_ref = ClubRef.of(existing) if existing else None
        meeting_id = None
        if request.meeting_code:
            meeting_id = session.scalar(select(Meeting.id).where(Meeting.code == request.meeting_code))
            if meeting_id is None:
                raise UserError("clubs.error.no_such_meeting", code=request.meeting_code)
    member_refs = list(request.members)
    if not member_refs and request.meeting_code:
        member_refs = attendee_refs(db, request.meeting_code)  # default: everybody who attended
    leaders = resolve(db, slack, request.leaders)
    members = [p for p in resolve(db, slack, member_refs) if p.ref not in set(request.leaders)]

    if existing_ref is not None:
        if not existing_ref.is_active:
            raise UserError("clubs.error.club_closed", name=existing_ref.name)
        outcomes = add_people(db, slack, settings, existing_ref, leaders, members, actor=request.actor)
        return ProvisionResult(existing_ref, created=False, channel_reused=True, people=outcomes)

    channel, reused = _create_channel(db, slack, request.name, private=request.private)
    topic, purpose = club_views.channel_topic(request.name, request.field)
    slack.describe_channel(channel.id, topic=topic, purpose=purpose)
    try:
        with db.session() as session:
            club = Club(
                name=request.name,
                field=request.field,
                meeting_id=meeting_id,
                channel_id=channel.id,
                channel_name=channel.name,
                is_private=request.private,
                language=request.language.value,
                created_by=request.actor,
            )
            session.add(club)
            session.flush()
            ref = ClubRef.of(club)
            subscribe_new_club(session, club.id)  # the field's catalog feeds, for the club's news digest
            audit.record(
                session,
                actor=request.actor,
                action="club.create",
                entity="club",
                entity_id=club.id,
                club_id=club.id,
                details={"name": request.name, "channel": channel.id},
            )
    except IntegrityError:
        # the same command ran twice at once: the other run created the club; add the people to it
        with db.session() as session:
            club_row = session.scalar(select(Club).where(func.lower(Club.name) == request.name.casefold()))
            assert club_row is not None
            ref = ClubRef.of(club_row)
        outcomes = add_people(db, slack, settings, ref, leaders, members, actor=request.actor)
        return ProvisionResult(ref, created=False, channel_reused=True, people=outcomes)
    outcomes = add_people(db, slack, settings, ref, leaders, members, actor=request.actor, welcome=True)
    return ProvisionResult(ref, created=True, channel_reused=reused, people=outcomes)
