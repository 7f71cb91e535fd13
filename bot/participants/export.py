"""The participants export: everyone not erased (of a club, of a meeting, or both), with their meeting
roles and clubs, as `ExportRow`s for `bot.participants.sheets.export_cells`."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.domain import ClubRole, MeetingRole, MembershipStatus
from bot.participants.types import ClubNotFound, ExportRow, ExportSelection, MeetingNotFound
from storage.models import Club, Meeting, MeetingAttendance, Membership, Participant


def export_participants(
    session: Session, *, club_name: str | None = None, meeting_code: str | None = None
) -> ExportSelection:
    """Everyone not forgotten (of the club, of the meeting, or both), with meeting roles and clubs."""
    query = select(Participant).where(Participant.forgotten_at.is_(None)).order_by(Participant.id)
    meeting_id: int | None = None
    if meeting_code is not None:
        meeting_id = session.scalar(select(Meeting.id).where(Meeting.code == meeting_code))
        if meeting_id is None:
            raise MeetingNotFound(meeting_code)
        query = query.where(
            Participant.id.in_(
                select(MeetingAttendance.participant_id).where(MeetingAttendance.meeting_id == meeting_id)
            )
        )
    if club_name is not None:
        club_id = session.scalar(select(Club.id).where(Club.name == club_name))
        if club_id is None:
            raise ClubNotFound(club_name)
        query = query.where(
            Participant.id.in_(
                select(Membership.participant_id).where(
                    Membership.club_id == club_id, Membership.status != MembershipStatus.LEFT
                )
            )
        )
    people = session.scalars(query).all()
    selected = query.with_only_columns(Participant.id).order_by(None)  # the same people, as a subquery
    roles: dict[int, list[tuple[str, MeetingRole]]] = defaultdict(list)
    role_query = (
        select(MeetingAttendance.participant_id, Meeting.code, MeetingAttendance.role)
        .join(Meeting, Meeting.id == MeetingAttendance.meeting_id)
        .where(MeetingAttendance.participant_id.in_(selected))
        .order_by(Meeting.starts_on, Meeting.code)
    )
    if meeting_id is not None:
        role_query = role_query.where(MeetingAttendance.meeting_id == meeting_id)
    for person_id, code, role in session.execute(role_query):
        roles[person_id].append((code, role))
    clubs: dict[int, list[tuple[str, ClubRole]]] = defaultdict(list)
    club_query = (
        select(Membership.participant_id, Club.name, Membership.role)
        .join(Club, Club.id == Membership.club_id)
        .where(Membership.participant_id.in_(selected), Membership.status != MembershipStatus.LEFT)
        .order_by(Club.name)
    )
    for person_id, name, club_role in session.execute(club_query):
        clubs[person_id].append((name, club_role))
    rows = tuple(
        ExportRow(
            name_ko=person.name_ko,
            name_en=person.name_en,
            email=person.email,
            affiliation=person.affiliation,
            country=person.country,
            career_stage=person.career_stage,
            overseas_korean=person.overseas_korean,
            overseas_association=person.overseas_association,
            orcid=person.orcid,
            roles=tuple(roles[person.id]),
            clubs=tuple(clubs[person.id]),
        )
        for person in people
    )
    return ExportSelection(rows=rows, meeting_code=meeting_code, club_name=club_name)
