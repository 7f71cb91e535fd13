"""Who the people named in a command are: resolved in Slack (cached `users.lookupByEmail` answers) before
anything is written, then found or created in the participant database and linked to their Slack account."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.participants.values import contains_hangul
from bot.people import display_name
from bot.refs import PersonRef
from bot.slack.gateway import SlackGateway, SlackProfile
from storage.db import Database
from storage.models import Meeting, MeetingAttendance, Participant, SlackUser, utcnow

#: A cached `users.lookupByEmail` answer is trusted this long.
LOOKUP_TTL = timedelta(hours=24)


@dataclass
class ResolvedPerson:
    """A person named in a command, as Slack knows them (or does not)."""

    ref: PersonRef
    label: str
    email: str | None
    profile: SlackProfile | None
    problem: str | None = None  # why they cannot be invited (not in workspace, deactivated, a bot)

    @property
    def invitable_id(self) -> str | None:
        """Their Slack user ID when they can be invited to a channel."""
        return self.profile.user_id if self.profile and not self.problem else None


def cached_lookup(db: Database, slack: SlackGateway, email: str) -> SlackProfile | None:
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


def resolve(db: Database, slack: SlackGateway, refs: Iterable[PersonRef]) -> list[ResolvedPerson]:
    """Each person named (once), with their Slack profile and why they cannot be invited, if so."""
    people: list[ResolvedPerson] = []
    for ref in dict.fromkeys(refs):
        if ref.user_id:
            profile = slack.profile(ref.user_id)
            person = ResolvedPerson(ref, (profile.real_name if profile else None) or ref.user_id, None, profile)
            person.email = profile.email.lower() if profile and profile.email else None
            if profile is None:
                person.problem = "user_not_found"
        else:
            assert ref.email
            profile = cached_lookup(db, slack, ref.email)
            person = ResolvedPerson(ref, (profile.real_name if profile else None) or ref.email, ref.email, profile)
            if profile is None:
                person.problem = "not_in_workspace"
        if profile is not None and profile.is_deleted:
            person.problem = "deactivated"
        elif profile is not None and profile.is_bot:
            person.problem = "bot"
        people.append(person)
    return people


def participant_for(session: Session, person: ResolvedPerson) -> Participant:
    """The person's participant record, linked to their Slack account; created from Slack if new."""
    user_id = person.invitable_id
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


def _refs(rows: Iterable[tuple[str | None, str | None]]) -> list[PersonRef]:
    return [PersonRef(user_id=uid) if uid else PersonRef(email=email) for uid, email in rows if uid or email]


def attendee_refs(db: Database, meeting_code: str) -> list[PersonRef]:
    """Everybody (not erased) who attended the meeting, as people to add to a club."""
    with db.session() as session:
        rows = session.execute(
            select(Participant.slack_user_id, Participant.email)
            .join(MeetingAttendance, MeetingAttendance.participant_id == Participant.id)
            .join(Meeting, Meeting.id == MeetingAttendance.meeting_id)
            .where(Meeting.code == meeting_code, Participant.forgotten_at.is_(None))
        ).all()
    return _refs(rows)


def refs_for_participants(session: Session, participant_ids: Iterable[int]) -> list[PersonRef]:
    """The participants picked in the new-club form, as people to add to a club."""
    rows = session.execute(
        select(Participant.slack_user_id, Participant.email).where(Participant.id.in_(list(participant_ids)))
    ).all()
    return _refs(rows)
