"""Changing filed items: editing one (its author, a leader or an admin), moving an output along its
statuses (anyone in the club), deleting (softly: the content is kept in the audit log) and confirming an
output (leaders and admins)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import audit
from bot.access import Caller
from bot.domain import OUTPUT_STATUSES, OutputStatus, Quarter, allowed_next_statuses
from bot.errors import UserError
from bot.refs import ClubRef
from bot.slack.forms import FieldErrors
from bot.standing import participant_of
from bot.tracking.service.cards import refresh_card
from bot.tracking.service.checks import (
    Problem,
    date_problem,
    meeting_problems,
    output_problems,
    raise_problems,
    status_list_of,
    status_name_of,
)
from bot.tracking.service.filing import people_rows, record_status
from bot.tracking.service.items import club_ref, find_row, item_of, output_item
from bot.tracking.service.permissions import is_author, is_leader, may_edit, require_member, standing
from bot.tracking.types import (
    AnyItem,
    ItemKind,
    ItemRef,
    MeetingDraft,
    MeetingItem,
    OutputChange,
    OutputDraft,
    OutputItem,
    PlanItem,
    UpdateItem,
)
from bot.tracking.values import TEXT_LIMIT, ValueProblem, output_status_of, text_problems
from storage.models import ClubMeeting, Output, OutputPerson, Participant, Plan, Update


def item_for_edit(session: Session, club: ClubRef, caller: Caller, ref: ItemRef) -> AnyItem:
    """The item to pre-fill its form with; refused to people who may not edit it."""
    row = find_row(session, club, ref)
    if not may_edit(session, row, caller):
        raise UserError("tracking.error.edit_not_allowed", id=str(ref))
    return item_of(session, row)


def editable_statuses(item: OutputItem, caller: Caller) -> tuple[OutputStatus, ...]:
    """The statuses the output's form offers: its current one and where it may go; any (a correction) for admins."""
    if caller.is_admin:
        return OUTPUT_STATUSES[item.type]
    return (item.status, *allowed_next_statuses(item.type, item.status))


def _snapshot(item: AnyItem) -> dict[str, Any]:
    """An item's content for the audit log (what was there before an edit or deletion)."""
    data: dict[str, Any] = {
        "id": str(item.ref),
        "author_user_id": item.author_user_id,
        "created_at": item.created_at.isoformat(),
    }
    match item:
        case UpdateItem() | PlanItem():
            data["text"] = item.text
        case MeetingItem():
            data.update(
                held_on=item.held_on.isoformat(),
                format=item.format.value,
                attendees=item.attendees,
                summary=item.summary,
            )
        case OutputItem():
            data.update(
                type=item.type.value,
                title=item.title,
                status=item.status.value,
                occurred_on=item.occurred_on.isoformat() if item.occurred_on else None,
                doi=item.doi,
                url=item.url,
                note=item.note,
                confirmed=item.confirmed,
                people=[{"participant_id": p.participant_id, "name": p.name, "email": p.email} for p in item.people],
            )
    return data


def edit_text(session: Session, club: ClubRef, caller: Caller, ref: ItemRef, text: str, *, now: datetime) -> AnyItem:
    """A new text for an update or a plan."""
    row = find_row(session, club, ref)
    if not may_edit(session, row, caller):
        raise UserError("tracking.error.edit_not_allowed", id=str(ref))
    if not isinstance(row, Update | Plan):
        raise UserError("tracking.error.no_such_item", id=str(ref), club=club.name)
    if not text.strip():
        raise FieldErrors({"text": ("tracking.error.update_needs_text", {})})
    # A text filed before the limit existed may be edited over several inputs; it may not grow.
    raise_problems(text_problems("text", text.strip(), max(TEXT_LIMIT, len(row.text))))
    before = _snapshot(item_of(session, row))
    row.text = text.strip()
    row.updated_at = now
    session.flush()
    item = item_of(session, row)
    audit.record(
        session,
        actor=caller.user_id,
        action="item.edited",
        entity=ref.kind.entity,
        entity_id=ref.id,
        club_id=club.id,
        details={"before": before},
    )
    refresh_card(session, club, item)
    return item


def edit_meeting(
    session: Session, club: ClubRef, caller: Caller, ref: ItemRef, draft: MeetingDraft, *, now: datetime, today: date
) -> AnyItem:
    row = find_row(session, club, ref)
    if not isinstance(row, ClubMeeting) or not may_edit(session, row, caller):
        raise UserError("tracking.error.edit_not_allowed", id=str(ref))
    raise_problems(meeting_problems(draft, today))
    before = _snapshot(item_of(session, row))
    row.held_on, row.format, row.attendees = draft.held_on, draft.format, draft.attendees
    row.summary = draft.summary.strip()
    row.updated_at = now
    session.flush()
    item = item_of(session, row)
    audit.record(
        session,
        actor=caller.user_id,
        action="item.edited",
        entity="meeting",
        entity_id=ref.id,
        club_id=club.id,
        details={"before": before},
    )
    refresh_card(session, club, item)
    return item


def edit_output(
    session: Session,
    club: ClubRef,
    caller: Caller,
    ref: ItemRef,
    draft: OutputDraft,
    *,
    now: datetime,
    today: date,
    form_problems: dict[str, Problem] | None = None,
) -> AnyItem:
    """Save the output's form: content, and a status change recorded in its history."""
    row = find_row(session, club, ref)
    if not isinstance(row, Output) or not may_edit(session, row, caller):
        raise UserError("tracking.error.edit_not_allowed", id=str(ref))
    current = output_item(session, row)
    problems = {**output_problems(draft, today), **(form_problems or {})}
    new_status = draft.status or current.status
    if (
        "status" not in problems
        and draft.type == current.type
        and new_status != current.status
        and new_status not in editable_statuses(current, caller)
    ):
        problems["status"] = (
            "tracking.error.status_cannot_follow",
            {
                "status": status_name_of(new_status),
                "current": status_name_of(current.status),
                "allowed": status_list_of(allowed_next_statuses(current.type, current.status)),
            },
        )
    if draft.doi and draft.doi != row.doi:
        other = session.scalar(select(Output.id).where(Output.club_id == club.id, Output.doi == draft.doi))
        if other is not None:
            problems["doi"] = ("tracking.error.doi_taken", {"id": str(ItemRef(ItemKind.OUTPUT, other))})
    raise_problems(problems)
    before = _snapshot(current)
    changer = participant_of(session, caller.user_id)
    if new_status != current.status or draft.type != current.type:
        record_status(session, row, new_status, changer, now)
    row.type = draft.type
    row.title = draft.title.strip()
    row.occurred_on = draft.occurred_on
    if draft.doi != row.doi:
        row.doi_looked_up_at = None  # the new DOI is looked up by the `doi-lookups` job
    row.doi = draft.doi
    row.url = draft.url
    row.note = (draft.note or "").strip() or None
    wanted = {(p.user_id, None, None) if p.user_id else (None, p.email, p.name) for p in draft.people}
    if wanted != _people_keys(session, row):
        row.people = people_rows(session, draft.people)
    row.updated_at = now
    session.flush()
    item = output_item(session, row)
    audit.record(
        session,
        actor=caller.user_id,
        action="item.edited",
        entity="output",
        entity_id=ref.id,
        club_id=club.id,
        details={"before": before},
    )
    refresh_card(session, club, item)
    return item


def _people_keys(session: Session, row: Output) -> set[tuple[str | None, str | None, str | None]]:
    keys: set[tuple[str | None, str | None, str | None]] = set()
    for person in row.people:
        participant = session.get(Participant, person.participant_id) if person.participant_id else None
        if participant is not None and participant.slack_user_id:
            keys.add((participant.slack_user_id, None, None))
        elif participant is not None:
            keys.add((None, participant.email, None))
        else:
            keys.add((None, person.email, person.name))
    return keys


def change_output(
    session: Session, club: ClubRef, caller: Caller, ref: ItemRef, change: OutputChange, *, now: datetime, today: date
) -> tuple[OutputItem, tuple[OutputStatus, OutputStatus] | None]:
    """`/club output o7 status:… [date:…] [doi:…] [url:…]`: anyone in the club moves it forward; its author or a
    leader may also set its date, DOI and link. Returns the output and the status change made, if any."""
    require_member(caller)
    row = find_row(session, club, ref)
    if not isinstance(row, Output):
        raise UserError("tracking.error.not_an_output", id=str(ref))
    current = output_item(session, row)
    new_status = None
    if change.status:
        try:
            new_status = output_status_of(change.status, row.type)
        except ValueProblem as problem:
            raise FieldErrors({"status": (problem.key, problem.params)}) from None
        if new_status != current.status and new_status not in editable_statuses(current, caller):
            raise FieldErrors(
                {
                    "status": (
                        "tracking.error.status_cannot_follow",
                        {
                            "status": status_name_of(new_status),
                            "current": status_name_of(current.status),
                            "allowed": status_list_of(allowed_next_statuses(current.type, current.status)),
                        },
                    )
                }
            )
    if (change.occurred_on or change.doi or change.url) and not may_edit(session, row, caller):
        raise UserError("tracking.error.edit_not_allowed", id=str(ref))
    status_for_date = new_status or current.status
    if change.occurred_on:
        wrong_date = date_problem(change.occurred_on, status_for_date, today)
        if wrong_date:
            raise FieldErrors({"date": wrong_date})
    if change.doi and change.doi != row.doi:
        other = session.scalar(select(Output.id).where(Output.club_id == club.id, Output.doi == change.doi))
        if other is not None:
            raise FieldErrors({"doi": ("tracking.error.doi_taken", {"id": str(ItemRef(ItemKind.OUTPUT, other))})})
    before = _snapshot(current)
    changed = None
    if new_status is not None and new_status != current.status:
        record_status(session, row, new_status, participant_of(session, caller.user_id), now)
        changed = (current.status, new_status)
    if change.occurred_on:
        row.occurred_on = change.occurred_on
    if change.doi:
        if change.doi != row.doi:
            row.doi_looked_up_at = None  # the new DOI is looked up by the `doi-lookups` job
        row.doi = change.doi
    if change.url:
        row.url = change.url
    row.updated_at = now
    session.flush()
    item = output_item(session, row)
    action = (
        "item.status_changed" if changed and not (change.occurred_on or change.doi or change.url) else "item.edited"
    )
    audit.record(
        session,
        actor=caller.user_id,
        action=action,
        entity="output",
        entity_id=ref.id,
        club_id=club.id,
        details={"before": before},
    )
    refresh_card(session, club, item)
    return item, changed


def delete_item(
    session: Session, club: ClubRef, caller: Caller, ref: ItemRef, *, now: datetime, tz: ZoneInfo
) -> AnyItem:
    """Soft-delete: the author within the quarter it was filed in, leaders and admins at any time. The content
    goes to the audit log; an output's DOI is freed so the same work can be filed again."""
    row = find_row(session, club, ref)
    by_author = caller.club_role is not None and is_author(session, row, caller.user_id)
    if not is_leader(caller):
        if not by_author:
            raise UserError("tracking.error.delete_not_allowed", id=str(ref))
        if Quarter.of_instant(row.created_at, tz) != Quarter.of_instant(now, tz):
            raise UserError(
                "tracking.error.delete_after_quarter", id=str(ref), quarter=str(Quarter.of_instant(row.created_at, tz))
            )
    before = _snapshot(item_of(session, row))
    row.deleted_at = now
    row.deleted_by = caller.user_id
    if isinstance(row, Output):
        row.doi = None
    session.flush()
    item = item_of(session, row)
    audit.record(
        session,
        actor=caller.user_id,
        action="item.deleted",
        entity=ref.kind.entity,
        entity_id=ref.id,
        club_id=club.id,
        details={"content": before},
    )
    refresh_card(session, club, item)
    return item


def _worked_on(session: Session, row: Output, participant_id: int) -> bool:
    """Whether the participant filed the output or is one of the people it was done with."""
    if row.filed_by_id == participant_id:
        return True
    with_them = select(OutputPerson.id).where(
        OutputPerson.output_id == row.id, OutputPerson.participant_id == participant_id
    )
    return session.scalar(with_them.limit(1)) is not None


def confirm_output(
    session: Session, output_id: int, caller_user_id: str, *, is_admin: bool, now: datetime
) -> tuple[ClubRef, OutputItem, bool]:
    """A leader (or an admin) confirms an output. Returns the club, the output and whether this click confirmed it
    (False when it already was)."""
    row = session.get(Output, output_id)
    if row is None or row.deleted_at is not None:
        raise UserError("tracking.error.output_gone")
    club = club_ref(session, row.club_id)
    caller = standing(session, row.club_id, caller_user_id, is_admin=is_admin)
    if not is_leader(caller):
        raise UserError("tracking.error.confirm_leaders_only")
    if row.confirmed_at is not None:
        return club, output_item(session, row), False
    confirmer = participant_of(session, caller_user_id)
    if not caller.is_admin and confirmer is not None and _worked_on(session, row, confirmer.id):
        # Confirmation is someone else's word: another leader of the club, or the secretariat (who always can).
        raise UserError("tracking.error.confirm_not_own", id=str(ItemRef(ItemKind.OUTPUT, row.id)))
    row.confirmed_at = now
    row.confirmed_by_id = confirmer.id if confirmer else None
    row.updated_at = now
    audit.record(
        session, actor=caller_user_id, action="item.confirmed", entity="output", entity_id=row.id, club_id=row.club_id
    )
    session.flush()
    item = output_item(session, row)
    refresh_card(session, club, item)
    return club, item, True
