"""Adding people to a club: their memberships (pending until they are in the channel), the channel invitations
in as few `conversations.invite` calls as Slack allows, and each person's outcome. `/club invite` and
`/club leader` go through here, and so does provisioning."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from sqlalchemy import select

from bot import audit
from bot.clubs import views as club_views
from bot.clubs.resolving import ResolvedPerson, participant_for, resolve
from bot.clubs.types import PersonOutcome
from bot.domain import ClubRole, MembershipStatus
from bot.errors import UserError
from bot.refs import ClubRef, PersonRef
from bot.settings import Settings
from bot.slack import outbox
from bot.slack.gateway import SlackGateway, SlackRefused
from storage.db import Database
from storage.models import Membership, utcnow

#: Invitation refusals only a workspace admin can lift (a single-channel guest already in their one channel):
#: the membership stays pending, and the secretariat gets the list with the reason.
ADMIN_NEEDED = frozenset({"ura_max_channels"})

log = logging.getLogger(__name__)


#: Why someone named is no club member at all (not even pending): only people join clubs.
REFUSED = frozenset({"bot", "deactivated", "user_not_found"})


def add_people(
    db: Database,
    slack: SlackGateway,
    settings: Settings,
    club: ClubRef,
    leaders: list[ResolvedPerson],
    members: list[ResolvedPerson],
    *,
    actor: str,
    welcome: bool = False,
) -> list[PersonOutcome]:
    """Record memberships (pending), post the welcome if asked, then invite and record each outcome."""
    assert club.channel_id
    roles = [(p, ClubRole.LEADER) for p in leaders] + [(p, ClubRole.MEMBER) for p in members]
    with db.session() as session:
        membership_ids: dict[int, int] = {}
        newly_added: set[int] = set()  # the people this call adds (not those already pending from an earlier run)
        for index, (person, role) in enumerate(roles):
            if person.problem in REFUSED:
                continue  # only people join clubs: no record for a bot, a deactivated or an unknown account
            participant = participant_for(session, person)
            membership = session.scalar(
                select(Membership).where(Membership.club_id == club.id, Membership.participant_id == participant.id)
            )
            if membership is None:
                membership = Membership(
                    club_id=club.id, participant_id=participant.id, role=role, status=MembershipStatus.PENDING
                )
                session.add(membership)
                newly_added.add(index)
            elif role is ClubRole.LEADER:
                membership.role = ClubRole.LEADER
            if membership.status is MembershipStatus.LEFT:
                membership.status, membership.left_at = MembershipStatus.PENDING, None
                newly_added.add(index)
            session.flush()
            membership_ids[index] = membership.id
        if welcome:
            leader_ids = [user_id for p in leaders if (user_id := p.invitable_id)]
            message = club_views.welcome(club, leader_ids)
            outbox.enqueue(
                session,
                club.channel_id,
                message,
                pin=True,
                ref=f"club:{club.id}:welcome",
                dedupe_key=f"club:{club.id}:welcome",
            )
        audit.record(
            session,
            actor=actor,
            action="club.add_people",
            entity="club",
            entity_id=club.id,
            club_id=club.id,
            details={"count": len(roles)},
        )

    invitable = [user_id for p, _ in roles if (user_id := p.invitable_id)]
    try:
        failures = slack.invite(club.channel_id, invitable) if invitable else {}
    except SlackRefused as refused:  # the call as a whole (channel gone or archived...): nobody got in
        failures = dict.fromkeys(invitable, refused.error)
    outcomes: list[PersonOutcome] = []
    now = utcnow()
    pending_outside: list[PersonOutcome] = []
    held: list[PersonOutcome] = []
    with db.session() as session:
        for index, (person, _role) in enumerate(roles):
            user_id = person.profile.user_id if person.profile else None
            if person.problem in REFUSED:
                log.info("not added to club %s: %s (%s)", club.id, user_id or person.email, person.problem)
                outcomes.append(PersonOutcome(person.label, person.email, user_id, "failed", person.problem))
                continue
            membership = session.get(Membership, membership_ids[index])
            assert membership is not None
            if person.problem == "not_in_workspace":
                outcome = PersonOutcome(person.label, person.email, None, "pending", "not_in_workspace")
                if index in newly_added or settings.slack_connect:
                    pending_outside.append(outcome)  # the secretariat heard of the others already
            elif person.problem:
                outcome = PersonOutcome(person.label, person.email, user_id, "failed", person.problem)
            elif user_id in failures and failures[user_id] in ADMIN_NEEDED:
                # a guest Slack will not let the bot invite: pending until an admin adds them
                outcome = PersonOutcome(person.label, person.email, user_id, "held", failures[user_id])
                held.append(outcome)
            elif user_id in failures and failures[user_id] != "already_in_channel":
                outcome = PersonOutcome(person.label, person.email, user_id, "failed", failures[user_id])
            else:
                already = failures.get(user_id or "") == "already_in_channel"
                outcome = PersonOutcome(person.label, person.email, user_id, "already" if already else "invited")
                membership.status = MembershipStatus.ACTIVE
                membership.joined_at = membership.joined_at or now
            outcomes.append(outcome)
        if pending_outside and not settings.slack_connect and settings.secretariat_channel:
            outbox.enqueue(
                session,
                settings.secretariat_channel,
                club_views.guests_to_invite(club, pending_outside, settings.language),
            )
        if held and settings.secretariat_channel:
            outbox.enqueue(
                session, settings.secretariat_channel, club_views.guests_to_add(club, held, settings.language)
            )
    if pending_outside and settings.slack_connect:
        outcomes = [_invite_shared(slack, club, o) if o in pending_outside else o for o in outcomes]
    return outcomes


def _invite_shared(slack: SlackGateway, club: ClubRef, person: PersonOutcome) -> PersonOutcome:
    assert club.channel_id and person.email
    try:
        slack.invite_shared(club.channel_id, person.email)
    except SlackRefused as refused:
        return PersonOutcome(person.label, person.email, None, "failed", refused.error)
    return PersonOutcome(person.label, person.email, None, "shared")


def invite_people(
    db: Database, slack: SlackGateway, settings: Settings, club: ClubRef, refs: Sequence[PersonRef], *, actor: str
) -> list[PersonOutcome]:
    """`/club invite`: add people to a club as members and invite them to its channel."""
    _require_active(club)
    return add_people(db, slack, settings, club, [], resolve(db, slack, refs), actor=actor)


def make_leader(
    db: Database, slack: SlackGateway, settings: Settings, club: ClubRef, ref: PersonRef, *, actor: str
) -> PersonOutcome:
    """`/club leader`: make someone a leader of the club (adding and inviting them if they are not in it)."""
    _require_active(club)
    [outcome] = add_people(db, slack, settings, club, resolve(db, slack, [ref]), [], actor=actor)
    with db.session() as session:
        audit.record(
            session,
            actor=actor,
            action="club.leader",
            entity="club",
            entity_id=club.id,
            club_id=club.id,
            details={"leader": outcome.user_id or "pending"},
        )
    return outcome


def _require_active(club: ClubRef) -> None:
    if not club.is_active:
        raise UserError("clubs.error.club_closed", name=club.name)
