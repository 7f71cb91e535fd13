"""Clubs: provisioning a club with its Slack channel, inviting people, leaders, members, archiving.

Order of work, so nothing is half-done:
1. people are resolved in Slack (cached lookups by email) before anything is written;
2. the channel is created (or, if an interrupted run left this bot's channel without a club, reused);
   if that fails, no club record is written;
3. the club, its memberships (pending), its catalog feeds and its pinned welcome post (outbox) are
   committed together;
4. people are invited in as few `conversations.invite` calls as Slack allows; each person's failure is
   kept and reported, and the club stays.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot import audit
from bot.clubs import views as club_views
from bot.clubs.naming import channel_name, name_variants
from bot.clubs.parse import PersonRef
from bot.digests.service import subscribe_new_club
from bot.domain import ClubRole, ClubStatus, FieldKey, Language, MembershipStatus
from bot.errors import UserError
from bot.participants.values import contains_hangul
from bot.settings import Settings
from bot.slack import outbox
from bot.slack.gateway import SlackChannel, SlackGateway, SlackProfile, SlackRefused
from bot.standing import ClubRef, ClubWithRole, clubs_of, participant_of
from storage.db import Database
from storage.models import Club, Meeting, MeetingAttendance, Membership, Participant, SlackUser, utcnow

log = logging.getLogger(__name__)

#: A cached `users.lookupByEmail` answer is trusted this long.
LOOKUP_TTL = timedelta(hours=24)


# --- results ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonOutcome:
    """What happened to one person named in a command."""

    label: str  # name as registered, or the email when nothing else is known
    email: str | None
    user_id: str | None
    outcome: str  # "invited", "already", "pending", "shared" (Slack Connect invitation sent), "failed"
    reason: str | None = None  # Slack's error code, or our own (`not_in_workspace`, `deactivated`, `bot`)


@dataclass(frozen=True)
class ProvisionResult:
    club: ClubRef
    created: bool
    channel_reused: bool
    people: list[PersonOutcome] = field(default_factory=list)

    def of(self, outcome: str) -> list[PersonOutcome]:
        return [p for p in self.people if p.outcome == outcome]


@dataclass(frozen=True)
class NewClub:
    name: str
    field: FieldKey
    meeting_code: str | None
    leaders: Sequence[PersonRef]
    members: Sequence[PersonRef]
    private: bool
    language: Language
    actor: str


# --- resolving people --------------------------------------------------------------------------------


@dataclass
class _Person:
    ref: PersonRef
    label: str
    email: str | None
    profile: SlackProfile | None
    problem: str | None = None  # why they cannot be invited (not in workspace, deactivated, a bot)


def _cached_lookup(db: Database, slack: SlackGateway, email: str) -> SlackProfile | None:
    """`users.lookupByEmail`, remembered in `slack_users` for a day so re-runs do not ask Slack again."""
    now = utcnow()
    with db.session() as session:
        cached = session.scalar(select(SlackUser).where(SlackUser.email == email))
        if cached is not None and now - cached.fetched_at < LOOKUP_TTL:
            if cached.user_id.startswith("none:"):
                return None
            return SlackProfile(cached.user_id, cached.locale, cached.email, cached.real_name, cached.is_deleted, False)
    profile = slack.lookup_by_email(email)
    with db.session() as session:
        key = profile.user_id if profile else f"none:{email}"
        row = session.get(SlackUser, key) or SlackUser(user_id=key)
        row.email, row.fetched_at = email, now
        if profile:
            row.real_name, row.locale, row.is_deleted = profile.real_name, profile.locale, profile.is_deleted
        session.add(row)
    return profile


def _resolve(db: Database, slack: SlackGateway, refs: Iterable[PersonRef]) -> list[_Person]:
    people: list[_Person] = []
    for ref in dict.fromkeys(refs):
        if ref.user_id:
            profile = slack.profile(ref.user_id)
            person = _Person(ref, (profile.real_name if profile else None) or ref.user_id, None, profile)
            person.email = profile.email.lower() if profile and profile.email else None
            if profile is None:
                person.problem = "user_not_found"
        else:
            assert ref.email
            profile = _cached_lookup(db, slack, ref.email)
            person = _Person(ref, (profile.real_name if profile else None) or ref.email, ref.email, profile)
            if profile is None:
                person.problem = "not_in_workspace"
        if profile is not None and profile.is_deleted:
            person.problem = "deactivated"
        elif profile is not None and profile.is_bot:
            person.problem = "bot"
        people.append(person)
    return people


def _participant_for(session: Session, person: _Person) -> Participant:
    """The person's participant record, linked to their Slack account; created from Slack if new."""
    user_id = person.profile.user_id if person.profile and not person.problem else None
    record = session.scalar(select(Participant).where(Participant.slack_user_id == user_id)) if user_id else None
    if record is None and person.email:
        record = session.scalar(select(Participant).where(Participant.email == person.email))
    if record is None:
        name = person.profile.real_name if person.profile and person.profile.real_name else None
        name = name or (person.email or "").split("@")[0] or person.label
        record = Participant(
            name_ko=name if contains_hangul(name) else None,
            name_en=None if contains_hangul(name) else name,
            email=person.email,
        )
        session.add(record)
    if user_id and record.slack_user_id is None:
        taken = session.scalar(select(Participant.id).where(Participant.slack_user_id == user_id))
        if taken is None:
            record.slack_user_id = user_id
    session.flush()
    person.label = display_name(record) or person.label
    return record


def display_name(person: Participant, lang: Language | str = Language.EN) -> str:
    """A person's name as they registered it, in the language's preferred script when both exist."""
    if Language(str(lang)) is Language.KO:
        return person.name_ko or person.name_en or ""
    return person.name_en or person.name_ko or ""


# --- channels ------------------------------------------------------------------------------------------


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


# --- provisioning --------------------------------------------------------------------------------------


def _audit(session: Session, actor: str, action: str, club_id: int | None, **details: object) -> None:
    audit.record(
        session, actor=actor, action=action, entity="club", entity_id=club_id, club_id=club_id, details=details
    )


def _attendee_refs(db: Database, meeting_code: str) -> list[PersonRef]:
    with db.session() as session:
        rows = session.execute(
            select(Participant.slack_user_id, Participant.email)
            .join(MeetingAttendance, MeetingAttendance.participant_id == Participant.id)
            .join(Meeting, Meeting.id == MeetingAttendance.meeting_id)
            .where(Meeting.code == meeting_code, Participant.forgotten_at.is_(None))
        ).all()
    return [PersonRef(user_id=uid) if uid else PersonRef(email=email) for uid, email in rows if uid or email]


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
        member_refs = _attendee_refs(db, request.meeting_code)  # default: everybody who attended
    leaders = _resolve(db, slack, request.leaders)
    members = [p for p in _resolve(db, slack, member_refs) if p.ref not in set(request.leaders)]

    if existing_ref is not None:
        if not existing_ref.is_active:
            raise UserError("clubs.error.club_closed", name=existing_ref.name)
        outcomes = _add_people(db, slack, settings, existing_ref, leaders, members, actor=request.actor)
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
            _audit(session, request.actor, "club.create", club.id, name=request.name, channel=channel.id)
    except IntegrityError:
        # the same command ran twice at once: the other run created the club; add the people to it
        with db.session() as session:
            club_row = session.scalar(select(Club).where(func.lower(Club.name) == request.name.casefold()))
            assert club_row is not None
            ref = ClubRef.of(club_row)
        outcomes = _add_people(db, slack, settings, ref, leaders, members, actor=request.actor)
        return ProvisionResult(ref, created=False, channel_reused=True, people=outcomes)
    outcomes = _add_people(db, slack, settings, ref, leaders, members, actor=request.actor, welcome=True)
    return ProvisionResult(ref, created=True, channel_reused=reused, people=outcomes)


def _add_people(
    db: Database,
    slack: SlackGateway,
    settings: Settings,
    club: ClubRef,
    leaders: list[_Person],
    members: list[_Person],
    *,
    actor: str,
    welcome: bool = False,
) -> list[PersonOutcome]:
    """Record memberships (pending), post the welcome if asked, then invite and record each outcome."""
    assert club.channel_id
    roles = [(p, ClubRole.LEADER) for p in leaders] + [(p, ClubRole.MEMBER) for p in members]
    with db.session() as session:
        membership_ids: dict[int, int] = {}
        for index, (person, role) in enumerate(roles):
            participant = _participant_for(session, person)
            membership = session.scalar(
                select(Membership).where(Membership.club_id == club.id, Membership.participant_id == participant.id)
            )
            if membership is None:
                membership = Membership(
                    club_id=club.id, participant_id=participant.id, role=role, status=MembershipStatus.PENDING
                )
                session.add(membership)
            elif role is ClubRole.LEADER:
                membership.role = ClubRole.LEADER
            if membership.status is MembershipStatus.LEFT:
                membership.status, membership.left_at = MembershipStatus.PENDING, None
            session.flush()
            membership_ids[index] = membership.id
        if welcome:
            leader_ids = [p.profile.user_id for p in leaders if p.profile and not p.problem]
            message = club_views.welcome(club, leader_ids)
            outbox.enqueue(
                session,
                club.channel_id,
                message,
                pin=True,
                ref=f"club:{club.id}:welcome",
                dedupe_key=f"club:{club.id}:welcome",
            )
        _audit(session, actor, "club.add_people", club.id, count=len(roles))

    invitable = [p.profile.user_id for p, _ in roles if p.profile and not p.problem]
    failures = slack.invite(club.channel_id, invitable) if invitable else {}
    outcomes: list[PersonOutcome] = []
    now = utcnow()
    pending_outside: list[PersonOutcome] = []
    with db.session() as session:
        for index, (person, _role) in enumerate(roles):
            membership = session.get(Membership, membership_ids[index])
            assert membership is not None
            user_id = person.profile.user_id if person.profile else None
            if person.problem == "not_in_workspace":
                outcome = PersonOutcome(person.label, person.email, None, "pending", "not_in_workspace")
                pending_outside.append(outcome)
            elif person.problem:
                outcome = PersonOutcome(person.label, person.email, user_id, "failed", person.problem)
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
    return _add_people(db, slack, settings, club, [], _resolve(db, slack, refs), actor=actor)


def make_leader(
    db: Database, slack: SlackGateway, settings: Settings, club: ClubRef, ref: PersonRef, *, actor: str
) -> PersonOutcome:
    """`/club leader`: make someone a leader of the club (adding and inviting them if they are not in it)."""
    _require_active(club)
    [outcome] = _add_people(db, slack, settings, club, _resolve(db, slack, [ref]), [], actor=actor)
    with db.session() as session:
        _audit(session, actor, "club.leader", club.id, leader=outcome.user_id or "pending")
    return outcome


def set_language(db: Database, club: ClubRef, language: Language, *, actor: str) -> ClubRef:
    with db.session() as session:
        row = session.get(Club, club.id)
        assert row is not None
        row.language = language.value
        _audit(session, actor, "club.language", club.id, language=language.value)
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
        _audit(session, actor, "club.archive" if closed else "club.unarchive", club_id)
        return ClubRef.of(row)


def _require_active(club: ClubRef) -> None:
    if not club.is_active:
        raise UserError("clubs.error.club_closed", name=club.name)


# --- reading -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MemberLine:
    name: str
    user_id: str | None
    role: ClubRole
    status: MembershipStatus
    affiliation: str | None
    country: str | None
    email: str | None  # only filled for callers allowed to see emails
    joined_at: datetime | None


def members_of(session: Session, club_id: int, *, with_emails: bool, lang: Language) -> list[MemberLine]:
    """The club's members (active and pending; those who left are kept but not listed), leaders first."""
    rows = session.execute(
        select(Membership, Participant)
        .join(Participant, Participant.id == Membership.participant_id)
        .where(Membership.club_id == club_id, Membership.status != MembershipStatus.LEFT)
    ).all()
    lines = [
        MemberLine(
            name=display_name(person, lang) or "—",
            user_id=person.slack_user_id,
            role=membership.role,
            status=membership.status,
            affiliation=person.affiliation,
            country=person.country,
            email=person.email if with_emails else None,
            joined_at=membership.joined_at,
        )
        for membership, person in rows
    ]
    return sorted(lines, key=lambda m: (m.role is not ClubRole.LEADER, m.status is not MembershipStatus.ACTIVE, m.name))


@dataclass(frozen=True)
class MemberListing:
    club: ClubRef
    members: list[MemberLine]
    emails_shown: bool


def members_for_viewer(
    session: Session, club_id: int, user_id: str, *, is_admin: bool, lang: Language
) -> MemberListing | None:
    """A club's member list as `user_id` may see it: members see names, affiliations and countries; leaders
    and secretariat staff also see emails. None when the viewer is neither a member nor staff."""
    from bot.standing import role_in

    row = session.get(Club, club_id)
    if row is None:
        return None
    role = role_in(session, club_id, user_id)
    if role is None and not is_admin:
        return None
    emails_shown = is_admin or role is ClubRole.LEADER
    return MemberListing(
        ClubRef.of(row), members_of(session, club_id, with_emails=emails_shown, lang=lang), emails_shown
    )


@dataclass(frozen=True)
class ClubSummary:
    club: ClubRef
    role: ClubRole | None
    members: int
    pending: int


def club_summaries(session: Session, user_id: str, *, is_admin: bool) -> list[ClubSummary]:
    """The caller's clubs with their role; every active club for secretariat staff."""
    counts = dict(
        session.execute(
            select(Membership.club_id, func.count())
            .where(Membership.status == MembershipStatus.ACTIVE)
            .group_by(Membership.club_id)
        ).all()
    )
    pending = dict(
        session.execute(
            select(Membership.club_id, func.count())
            .where(Membership.status == MembershipStatus.PENDING)
            .group_by(Membership.club_id)
        ).all()
    )
    mine: list[ClubWithRole] = clubs_of(session, user_id)
    roles = {m.club.id: m.role for m in mine}
    if is_admin:
        clubs = [
            ClubRef.of(c)
            for c in session.scalars(select(Club).where(Club.status == ClubStatus.ACTIVE).order_by(Club.name))
        ]
    else:
        clubs = [m.club for m in mine]
    return [ClubSummary(c, roles.get(c.id), counts.get(c.id, 0), pending.get(c.id, 0)) for c in clubs]


def meetings_for_form(session: Session) -> list[tuple[str, str]]:
    """Meetings to pick from when creating a club (newest first): (code, label)."""
    rows = session.execute(
        select(Meeting.code, Meeting.title_ko, Meeting.title_en, Meeting.starts_on).order_by(Meeting.starts_on.desc())
    ).all()
    return [(code, f"{code} {title_ko or title_en or ''}".strip()) for code, title_ko, title_en, _ in rows]


def attendees_for_form(session: Session, meeting_code: str, lang: Language) -> list[tuple[str, str]]:
    """A meeting's attendees to pick members from: (participant id, name · affiliation)."""
    rows = session.execute(
        select(Participant)
        .join(MeetingAttendance, MeetingAttendance.participant_id == Participant.id)
        .join(Meeting, Meeting.id == MeetingAttendance.meeting_id)
        .where(Meeting.code == meeting_code, Participant.forgotten_at.is_(None))
    ).scalars()
    people = [(str(p.id), " · ".join(x for x in (display_name(p, lang), p.affiliation) if x)) for p in rows]
    return sorted(people, key=lambda item: item[1])


def refs_for_participants(session: Session, participant_ids: Iterable[int]) -> list[PersonRef]:
    rows = session.execute(
        select(Participant.slack_user_id, Participant.email).where(Participant.id.in_(list(participant_ids)))
    ).all()
    return [PersonRef(user_id=uid) if uid else PersonRef(email=email) for uid, email in rows if uid or email]


# --- participant records from Slack -----------------------------------------------------------------------


@dataclass(frozen=True)
class RecordForm:
    participant_id: int
    values: dict[str, object]
    show_email: bool


def _leads_a_club_of(session: Session, leader_user_id: str, participant_id: int) -> bool:
    """Whether `leader_user_id` leads an active club in which the participant is a member (active or pending)."""
    led = (
        select(Membership.club_id)
        .join(Participant, Participant.id == Membership.participant_id)
        .where(
            Participant.slack_user_id == leader_user_id,
            Membership.role == ClubRole.LEADER,
            Membership.status == MembershipStatus.ACTIVE,
        )
    )
    return (
        session.scalar(
            select(Membership.id)
            .join(Club, Club.id == Membership.club_id)
            .where(
                Membership.participant_id == participant_id,
                Membership.club_id.in_(led),
                Membership.status != MembershipStatus.LEFT,
                Club.status == ClubStatus.ACTIVE,
            )
            .limit(1)
        )
        is not None
    )


def _may_edit(session: Session, editor: str, person: Participant, *, is_admin: bool) -> bool:
    return is_admin or person.slack_user_id == editor or _leads_a_club_of(session, editor, person.id)


def record_for_editing(session: Session, *, editor: str, target: str | None, is_admin: bool) -> RecordForm:
    """A person's record for the edit form: one's own, one's club members' (leaders), anyone's (admins)."""
    person = participant_of(session, target or editor)
    if person is None or person.forgotten_at is not None:
        raise UserError("clubs.error.no_record", user=f"<@{target or editor}>")
    if not _may_edit(session, editor, person, is_admin=is_admin):
        raise UserError("clubs.error.record_not_allowed")
    values: dict[str, object] = {
        "name_ko": person.name_ko,
        "name_en": person.name_en,
        "email": person.email,
        "affiliation": person.affiliation,
        "country": person.country,
        "career_stage": person.career_stage.value if person.career_stage else None,
        "orcid": person.orcid,
        "overseas_korean": person.overseas_korean,
        "overseas_association": person.overseas_association,
    }
    return RecordForm(person.id, values, show_email=True)


def save_record(
    session: Session, *, editor: str, participant_id: int, is_admin: bool, changes: dict[str, str | bool | None]
) -> tuple[str, ...]:
    """Apply an edited record after checking again that the editor may edit it; FieldErrors on bad values."""
    from bot.participants.records import update_participant_record
    from bot.slack.forms import FieldErrors

    person = session.get(Participant, participant_id)
    if person is None or not _may_edit(session, editor, person, is_admin=is_admin):
        raise UserError("clubs.error.record_not_allowed")
    result = update_participant_record(session, participant_id, changes, editor)
    if result.errors:
        raise FieldErrors({field_: (key, {}) for field_, key in result.errors.items()})
    return result.changed
