"""Filing items: an update, a plan, a club meeting, an output (an output whose DOI the club already has is
the same output, moved on to the status given if it can)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import audit
from bot.access import Caller
from bot.domain import OutputStatus, allowed_next_statuses, can_change_status, default_status
from bot.refs import ClubRef, PersonRef
from bot.slack.forms import FieldErrors
from bot.standing import participant_of
from bot.tracking.service.cards import post_card, refresh_card
from bot.tracking.service.checks import Problem, meeting_problems, output_problems, raise_problems
from bot.tracking.service.items import meeting_item, output_item, plan_item, status_of, update_item
from bot.tracking.service.permissions import filer, require_member
from bot.tracking.types import Filed, MeetingDraft, OutputDraft
from bot.tracking.values import text_problems
from storage.models import ClubMeeting, Output, OutputPerson, OutputStatusChange, Participant, Plan, Update


def file_update(session: Session, club: ClubRef, caller: Caller, text: str, *, now: datetime) -> Filed:
    require_member(caller)
    if not text.strip():
        raise FieldErrors({"text": ("tracking.error.update_needs_text", {})})
    raise_problems(text_problems("text", text.strip()))
    author = filer(session, caller)
    row = Update(club_id=club.id, author_id=author.id, text=text.strip(), created_at=now, updated_at=now)
    session.add(row)
    session.flush()
    item = update_item(session, row)
    audit.record(session, actor=caller.user_id, action="item.filed", entity="update", entity_id=row.id, club_id=club.id)
    post_card(session, club, item)
    return Filed(item)


def file_plan(session: Session, club: ClubRef, caller: Caller, text: str, *, now: datetime) -> Filed:
    require_member(caller)
    if not text.strip():
        raise FieldErrors({"text": ("tracking.error.plan_needs_text", {})})
    raise_problems(text_problems("text", text.strip()))
    author = filer(session, caller)
    row = Plan(club_id=club.id, author_id=author.id, text=text.strip(), created_at=now, updated_at=now)
    session.add(row)
    session.flush()
    item = plan_item(session, row)
    audit.record(session, actor=caller.user_id, action="item.filed", entity="plan", entity_id=row.id, club_id=club.id)
    post_card(session, club, item)
    return Filed(item)


def file_meeting(
    session: Session, club: ClubRef, caller: Caller, draft: MeetingDraft, *, now: datetime, today: date
) -> Filed:
    require_member(caller)
    raise_problems(meeting_problems(draft, today))
    author = filer(session, caller)
    row = ClubMeeting(
        club_id=club.id,
        filed_by_id=author.id,
        held_on=draft.held_on,
        format=draft.format,
        attendees=draft.attendees,
        summary=draft.summary.strip(),
        created_at=now,
        updated_at=now,
    )
    session.add(row)
    session.flush()
    item = meeting_item(session, row)
    audit.record(
        session, actor=caller.user_id, action="item.filed", entity="meeting", entity_id=row.id, club_id=club.id
    )
    post_card(session, club, item)
    return Filed(item)


def people_rows(session: Session, people: Iterable[PersonRef]) -> list[OutputPerson]:
    rows = []
    for person in people:
        participant = None
        if person.user_id:
            participant = participant_of(session, person.user_id)
        elif person.email:
            participant = session.scalar(select(Participant).where(Participant.email == person.email.lower()))
        if person.user_id and participant is None:  # a Slack user not (yet) in the participant database
            rows.append(OutputPerson(name=person.name or f"<@{person.user_id}>"))
        else:
            rows.append(
                OutputPerson(
                    participant_id=participant.id if participant else None,
                    name=None if participant else person.name,
                    email=None if participant else person.email,
                )
            )
    return rows


def record_status(session: Session, row: Output, new: OutputStatus, changer: Participant | None, now: datetime) -> None:
    row.status_changes.append(
        OutputStatusChange(
            from_status=row.status, to_status=new.value, changed_at=now, changed_by_id=changer.id if changer else None
        )
    )
    row.status = new.value


def file_output(
    session: Session,
    club: ClubRef,
    caller: Caller,
    draft: OutputDraft,
    *,
    now: datetime,
    today: date,
    form_problems: dict[str, Problem] | None = None,
) -> Filed:
    """File an output; a DOI the club already recorded is the same output (its status moves on if it can).
    `form_problems`: what reading the form found wrong, shown together with the checks made here."""
    require_member(caller)
    raise_problems({**output_problems(draft, today), **(form_problems or {})})
    author = filer(session, caller)
    status = draft.status or default_status(draft.type)
    if draft.doi:
        existing = session.scalar(select(Output).where(Output.club_id == club.id, Output.doi == draft.doi))
        if existing is not None:
            return _same_doi(session, club, caller, existing, draft, author, now=now)
    row = Output(
        club_id=club.id,
        filed_by_id=author.id,
        type=draft.type,
        title=draft.title.strip(),
        status=status.value,
        occurred_on=draft.occurred_on,
        doi=draft.doi,
        url=draft.url,
        note=(draft.note or "").strip() or None,
        created_at=now,
        updated_at=now,
    )
    row.people = people_rows(session, draft.people)
    row.status_changes.append(
        OutputStatusChange(from_status=None, to_status=status.value, changed_at=now, changed_by_id=author.id)
    )
    session.add(row)
    session.flush()
    item = output_item(session, row)
    audit.record(session, actor=caller.user_id, action="item.filed", entity="output", entity_id=row.id, club_id=club.id)
    post_card(session, club, item)
    return Filed(item)


def _same_doi(
    session: Session,
    club: ClubRef,
    caller: Caller,
    row: Output,
    draft: OutputDraft,
    changer: Participant,
    *,
    now: datetime,
) -> Filed:
    current = status_of(row.status) or default_status(row.type)
    wanted = draft.status
    if wanted is None or wanted == current:
        return Filed(output_item(session, row), created=False, duplicate=True)
    if not can_change_status(row.type, current, wanted):
        return Filed(
            output_item(session, row),
            created=False,
            duplicate=True,
            status_refused=wanted,
            allowed=allowed_next_statuses(row.type, current),
        )
    record_status(session, row, wanted, changer, now)
    if draft.occurred_on and row.occurred_on is None:
        row.occurred_on = draft.occurred_on
    row.updated_at = now
    session.flush()
    audit.record(
        session,
        actor=caller.user_id,
        action="item.status_changed",
        entity="output",
        entity_id=row.id,
        club_id=club.id,
        details={"from_status": current.value, "to_status": wanted.value, "via": "same-doi"},
    )
    item = output_item(session, row)
    refresh_card(session, club, item)
    return Filed(item, created=False, duplicate=True, status_changed=(current, wanted))
