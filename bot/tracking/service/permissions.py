"""Who is asking, and what they may do with an item (read from the database, never from a form)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.access import Caller
from bot.domain import ClubRole
from bot.errors import UserError
from bot.standing import participant_of, role_in
from storage.models import ClubMeeting, Output, Participant, Plan, Update


def standing(session: Session, club_id: int, user_id: str, *, is_admin: bool) -> Caller:
    """The caller's standing, read from the database (a form's metadata is never trusted for this)."""
    return Caller(user_id=user_id, is_admin=is_admin, club_role=role_in(session, club_id, user_id))


def require_member(caller: Caller) -> None:
    if not caller.is_admin and caller.club_role is None:
        raise UserError("tracking.error.not_a_member")


def is_leader(caller: Caller) -> bool:
    return caller.is_admin or caller.club_role is ClubRole.LEADER


def filer(session: Session, caller: Caller) -> Participant:
    """The participant filing, known to the router already (or looked up for callers from forms and jobs)."""
    if caller.participant_id is not None:
        person = session.get(Participant, caller.participant_id)
    else:
        person = participant_of(session, caller.user_id)
    if person is None:
        raise UserError("tracking.error.no_participant_record")
    return person


def _author_id(row: Update | Output | ClubMeeting | Plan) -> int:
    return row.author_id if isinstance(row, Update | Plan) else row.filed_by_id


def is_author(session: Session, row: Update | Output | ClubMeeting | Plan, user_id: str) -> bool:
    author = session.get(Participant, _author_id(row))
    return author is not None and author.slack_user_id == user_id


def may_edit(session: Session, row: Update | Output | ClubMeeting | Plan, caller: Caller) -> bool:
    return is_leader(caller) or (caller.club_role is not None and is_author(session, row, caller.user_id))
