"""A participant's record edited from Slack (`/club member`, the App Home): one's own, one's club members'
(leaders), anyone's (secretariat staff). The checks are here; the validation is the import's
(`bot.participants.records`)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.clubs.types import RecordForm
from bot.domain import ClubRole, ClubStatus, MembershipStatus
from bot.errors import UserError
from bot.participants.records import update_participant_record
from bot.slack.blocks import Markup
from bot.slack.forms import FieldErrors
from bot.standing import participant_of
from storage.models import Club, Membership, Participant


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
        raise UserError("clubs.error.no_record", user=Markup(f"<@{target or editor}>"))
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
    person = session.get(Participant, participant_id)
    if person is None or not _may_edit(session, editor, person, is_admin=is_admin):
        raise UserError("clubs.error.record_not_allowed")
    result = update_participant_record(session, participant_id, changes, editor)
    if result.errors:
        raise FieldErrors({field_: (key, {}) for field_, key in result.errors.items()})
    return result.changed
