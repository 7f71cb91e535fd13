"""Reading clubs: member lists (as each viewer may see them), a person's clubs with their role, and the
meetings and attendees the new-club form offers."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.clubs.types import ClubSummary, MemberLine, MemberListing
from bot.domain import ClubRole, ClubStatus, Language, MembershipStatus
from bot.people import display_name
from bot.refs import ClubRef, ClubWithRole
from bot.standing import clubs_of, role_in
from storage.models import Club, Meeting, MeetingAttendance, Membership, Participant


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


def members_for_viewer(
    session: Session, club_id: int, user_id: str, *, is_admin: bool, lang: Language
) -> MemberListing | None:
    """A club's member list as `user_id` may see it: members see names, affiliations and countries; leaders
    and secretariat staff also see emails. None when the viewer is neither a member nor staff."""
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


def club_summaries(session: Session, user_id: str, *, is_admin: bool) -> list[ClubSummary]:
    """The caller's clubs with their role (closed ones too, after the active ones); every club for secretariat
    staff."""
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
        clubs = [ClubRef.of(c) for c in session.scalars(select(Club).order_by(Club.name))]
    else:
        closed = session.execute(
            select(Club, Membership.role)
            .join(Membership, Membership.club_id == Club.id)
            .join(Participant, Participant.id == Membership.participant_id)
            .where(
                Participant.slack_user_id == user_id,
                Membership.status == MembershipStatus.ACTIVE,
                Club.status == ClubStatus.CLOSED,
            )
            .order_by(Club.name)
        ).all()
        roles.update({club.id: role for club, role in closed})
        clubs = [m.club for m in mine] + [ClubRef.of(club) for club, _role in closed]
    clubs.sort(key=lambda c: not c.is_active)  # the active clubs first, each group by name
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
