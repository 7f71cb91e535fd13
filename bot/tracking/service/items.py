"""Tracking's items as read from the database: each row as its plain value (`bot.tracking.types`), with
its author's and co-authors' names (an erased person's name is never shown), and a club's item by its ID."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.domain import OutputStatus, OutputType, default_status
from bot.errors import UserError
from bot.people import display_name
from bot.refs import ClubRef
from bot.tracking.types import (
    AnyItem,
    Coauthor,
    ItemKind,
    ItemRef,
    MeetingItem,
    OutputItem,
    PlanItem,
    StatusStep,
    UpdateItem,
)
from storage.models import AuditEntry, Club, ClubMeeting, DoiMetadata, Output, Participant, Plan, Update


def status_of(value: str | None) -> OutputStatus | None:
    try:
        return OutputStatus(value) if value else None
    except ValueError:
        return None


def _author_fields(kind: ItemKind, row: Any, author: Participant | None) -> dict[str, Any]:
    author_id = row.author_id if kind in (ItemKind.UPDATE, ItemKind.PLAN) else row.filed_by_id
    return {
        "ref": ItemRef(kind, row.id),
        "club_id": row.club_id,
        "author_id": author_id,
        "author_user_id": author.slack_user_id if author else None,
        "author_name": display_name(author),
        "created_at": row.created_at,
        "updated_at": row.updated_at,
        "deleted_at": row.deleted_at,
        "deleted_by": row.deleted_by,
    }


def update_item(session: Session, row: Update) -> UpdateItem:
    return UpdateItem(**_author_fields(ItemKind.UPDATE, row, session.get(Participant, row.author_id)), text=row.text)


def plan_item(session: Session, row: Plan) -> PlanItem:
    return PlanItem(**_author_fields(ItemKind.PLAN, row, session.get(Participant, row.author_id)), text=row.text)


def meeting_item(session: Session, row: ClubMeeting) -> MeetingItem:
    return MeetingItem(
        **_author_fields(ItemKind.MEETING, row, session.get(Participant, row.filed_by_id)),
        held_on=row.held_on,
        format=row.format,
        attendees=row.attendees,
        summary=row.summary,
    )


def output_item(session: Session, row: Output) -> OutputItem:
    people = []
    for person in row.people:
        participant = session.get(Participant, person.participant_id) if person.participant_id else None
        people.append(
            Coauthor(
                participant_id=person.participant_id,
                user_id=participant.slack_user_id if participant else None,
                name=display_name(participant) or person.name,
                email=person.email,
            )
        )
    history = []
    for change in row.status_changes:
        changer = session.get(Participant, change.changed_by_id) if change.changed_by_id else None
        to_status = status_of(change.to_status)
        if to_status is not None:
            history.append(
                StatusStep(
                    status_of(change.from_status),
                    to_status,
                    change.changed_at,
                    changer.slack_user_id if changer else None,
                )
            )
    confirmer = None
    if row.confirmed_at is not None:
        if row.confirmed_by_id is not None:
            participant = session.get(Participant, row.confirmed_by_id)
            confirmer = participant.slack_user_id if participant else None
        else:  # an admin without a participant record: the audit log knows who
            confirmer = session.scalar(
                select(AuditEntry.actor)
                .where(
                    AuditEntry.action == "item.confirmed",
                    AuditEntry.entity == "output",
                    AuditEntry.entity_id == str(row.id),
                )
                .order_by(AuditEntry.id.desc())
                .limit(1)
            )
    found = session.get(DoiMetadata, row.doi) if row.doi else None
    return OutputItem(
        **_author_fields(ItemKind.OUTPUT, row, session.get(Participant, row.filed_by_id)),
        type=row.type,
        title=row.title,
        status=status_of(row.status) or default_status(row.type),
        occurred_on=row.occurred_on,
        doi=row.doi,
        url=row.url,
        note=row.note,
        people=tuple(people),
        confirmed_at=row.confirmed_at,
        confirmed_by_user_id=confirmer,
        history=tuple(history),
        **_doi_fields(found),
    )


def _doi_fields(found: DoiMetadata | None) -> dict[str, Any]:
    """What the DOI cache (`doi_metadata`, filled by `bot.scholarly.lookup`) adds to an output's card."""
    if found is None:
        return {}
    if found.message is None:
        return {"doi_known": False}
    kind = found.output_type if found.output_type in {t.value for t in OutputType} else None
    return {
        "doi_known": True,
        "venue": found.venue,
        "authors": tuple(str(a) for a in found.authors),
        "doi_type": found.crossref_type,
        "doi_output_type": OutputType(kind) if kind else None,
    }


MODELS: dict[ItemKind, type[Update] | type[Output] | type[ClubMeeting] | type[Plan]] = {
    ItemKind.UPDATE: Update,
    ItemKind.OUTPUT: Output,
    ItemKind.MEETING: ClubMeeting,
    ItemKind.PLAN: Plan,
}


def item_of(session: Session, row: Update | Output | ClubMeeting | Plan) -> AnyItem:
    if isinstance(row, Update):
        return update_item(session, row)
    if isinstance(row, Output):
        return output_item(session, row)
    if isinstance(row, ClubMeeting):
        return meeting_item(session, row)
    return plan_item(session, row)


def _get(session: Session, ref: ItemRef) -> Update | Output | ClubMeeting | Plan | None:
    match ref.kind:
        case ItemKind.UPDATE:
            return session.get(Update, ref.id)
        case ItemKind.OUTPUT:
            return session.get(Output, ref.id)
        case ItemKind.MEETING:
            return session.get(ClubMeeting, ref.id)
        case ItemKind.PLAN:
            return session.get(Plan, ref.id)


def find_row(session: Session, club: ClubRef, ref: ItemRef) -> Update | Output | ClubMeeting | Plan:
    row = _get(session, ref)
    if row is None or row.club_id != club.id or row.deleted_at is not None:
        raise UserError("tracking.error.no_such_item", id=str(ref), club=club.name)
    return row


def club_ref(session: Session, club_id: int) -> ClubRef:
    club = session.get(Club, club_id)
    if club is None:
        raise UserError("tracking.error.no_such_club")
    return ClubRef.of(club)
