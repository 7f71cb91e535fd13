"""Building test data the way the product would have it: a club with its Slack channel, leaders and members."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from bot.domain import ClubRole, FieldKey, MeetingRole, MembershipStatus
from bot.refs import ClubRef
from storage.models import Club, Meeting, MeetingAttendance, Membership, Participant, utcnow
from tests.support import World


@dataclass
class TestClub:
    ref: ClubRef
    channel: str
    leaders: list[str]  # Slack user ids
    members: list[str]  # Slack user ids (leaders not included)


def participant(world: World, user_id: str) -> Participant:
    with world.db.session() as session:
        person = session.scalar(select(Participant).where(Participant.slack_user_id == user_id))
        assert person is not None
        return person


def make_club(
    world: World,
    name: str = "Quantum Hardware Club",
    *,
    field: FieldKey = FieldKey.QUANTUM,
    leaders: int = 1,
    members: int = 2,
    language: str = "ko",
    meeting_code: str | None = "XL-2026-09",
    locale: str = "en-US",
) -> TestClub:
    """A club with a channel in the stand-in, `leaders` leaders and `members` members, all in Slack and in the
    participant database, attending the club's meeting."""
    prefix = name.split()[0].lower()
    leader_ids = [world.person(f"{prefix}-leader{i}", locale=locale) for i in range(leaders)]
    member_ids = [world.person(f"{prefix}-member{i}", locale=locale) for i in range(members)]
    channel = world.channel(f"xlab-{prefix}", leader_ids + member_ids)
    with world.db.session() as session:
        meeting = None
        if meeting_code:
            meeting = session.scalar(select(Meeting).where(Meeting.code == meeting_code))
            if meeting is None:
                meeting = Meeting(
                    code=meeting_code,
                    title_en=f"{name} meeting",
                    field=field,
                    venue="Gyeongju",
                    starts_on=date(2026, 9, 14),
                    ends_on=date(2026, 9, 16),
                )
                session.add(meeting)
        club = Club(name=name, field=field, language=language, meeting=meeting, channel_id=channel,
                    channel_name=f"xlab-{prefix}", created_by=world.admin)  # fmt: skip
        session.add(club)
        for user_id, role in [(u, ClubRole.LEADER) for u in leader_ids] + [(u, ClubRole.MEMBER) for u in member_ids]:
            user = world.standin.user(user_id)
            person = Participant(name_en=user.real_name, email=user.email, slack_user_id=user_id, country="KR")
            session.add(person)
            session.add(Membership(club=club, participant=person, role=role, status=MembershipStatus.ACTIVE,
                                   joined_at=utcnow()))  # fmt: skip
            if meeting is not None:
                session.add(MeetingAttendance(meeting=meeting, participant=person, role=MeetingRole.RESEARCHER))
        session.flush()
        ref = ClubRef.of(club)
    return TestClub(ref=ref, channel=channel, leaders=leader_ids, members=member_ids)
