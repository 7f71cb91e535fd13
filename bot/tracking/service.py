"""Follow-up tracking: updates, outputs, club meetings and plans filed by members; their cards; quarter figures.

Each item is entered once and read by everything else (the channel card, `/club list` and `/club status`,
the quarterly reports). Writing functions take a `Session` and plain values, check who may do it from the
database (never from what a form carried), write the item, its history and its audit entry, and put the
item's card in the outbox in the same transaction. Reading functions return plain dataclasses.

Who may do what:
- any member files items; anyone in the club may move an output forward along its statuses (co-authors
  report their paper's progress), the history is kept;
- the author, a leader or an admin may edit an item; the author may delete it within the quarter it was
  filed in, leaders and admins at any time; deletion is soft and the content is kept in the audit log;
- an output counts as confirmed once a leader (or an admin) confirms it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from bot import audit
from bot.access import Caller
from bot.domain import (
    ACHIEVED_STATUSES,
    MAY_BE_DATED_AHEAD,
    OUTPUT_STATUSES,
    ClubRole,
    MeetingFormat,
    OutputStatus,
    OutputType,
    Quarter,
    allowed_next_statuses,
    can_change_status,
    default_status,
)
from bot.errors import UserError
from bot.i18n import Localized
from bot.slack import outbox
from bot.slack.forms import FieldErrors
from bot.standing import ClubRef, participant_of, role_in
from bot.tracking.engagement import EngagementFigures, club_engagement
from bot.tracking.parse import (
    ItemKind,
    ItemRef,
    MeetingDraft,
    OutputDraft,
    PersonRef,
    ValueProblem,
    output_status_of,
)
from storage.models import (
    AuditEntry,
    Club,
    ClubMeeting,
    OutboxMessage,
    Output,
    OutputPerson,
    OutputStatusChange,
    Participant,
    Plan,
    Update,
)

EARLIEST_DAY = date(1990, 1, 1)
#: How far ahead a date may lie (a planned workshop next year, not a typo for 2062).
MAX_DAYS_AHEAD = 730
#: How far back a club meeting may be filed.
MEETING_MAX_DAYS_BACK = 730

Problem = tuple[str, dict[str, object]]


def zone(club: ClubRef, default_tz: str) -> ZoneInfo:
    """The club's time zone (its own, else the program's)."""
    return ZoneInfo(club.timezone or default_tz)


# --- the items as plain values ------------------------------------------------------------------------


@dataclass(frozen=True)
class Coauthor:
    """Someone an output was done with. `email` is personal data: never shown in channel posts."""

    participant_id: int | None
    user_id: str | None
    name: str | None
    email: str | None


@dataclass(frozen=True)
class StatusStep:
    from_status: OutputStatus | None
    to_status: OutputStatus
    changed_at: datetime
    changed_by_user_id: str | None


@dataclass(frozen=True, kw_only=True)
class Item:
    ref: ItemRef
    club_id: int
    author_id: int
    author_user_id: str | None
    author_name: str | None
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None = None
    deleted_by: str | None = None

    @property
    def kind(self) -> ItemKind:
        return self.ref.kind


@dataclass(frozen=True, kw_only=True)
class UpdateItem(Item):
    text: str


@dataclass(frozen=True, kw_only=True)
class PlanItem(Item):
    text: str


@dataclass(frozen=True, kw_only=True)
class MeetingItem(Item):
    held_on: date
    format: MeetingFormat
    attendees: int | None
    summary: str


@dataclass(frozen=True, kw_only=True)
class OutputItem(Item):
    type: OutputType
    title: str
    status: OutputStatus
    occurred_on: date | None
    doi: str | None
    url: str | None
    note: str | None
    people: tuple[Coauthor, ...] = ()
    confirmed_at: datetime | None = None
    confirmed_by_user_id: str | None = None
    history: tuple[StatusStep, ...] = ()

    @property
    def confirmed(self) -> bool:
        return self.confirmed_at is not None

    @property
    def link(self) -> str | None:
        return f"https://doi.org/{self.doi}" if self.doi else self.url

    def status_as_of(self, instant: datetime) -> OutputStatus | None:
        """The status the output had just before `instant` (None if it was filed later)."""
        if self.created_at >= instant:
            return None
        status: OutputStatus | None = None
        for step in self.history:
            if step.changed_at < instant:
                status = step.to_status
        return status or (self.history[0].to_status if self.history else self.status)

    def confirmed_as_of(self, instant: datetime) -> bool:
        return self.confirmed_at is not None and self.confirmed_at < instant


AnyItem = UpdateItem | PlanItem | MeetingItem | OutputItem


def _status(value: str | None) -> OutputStatus | None:
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


def display_name(person: Participant | None) -> str | None:
    if person is None or person.forgotten_at is not None:
        return None
    return person.name_en or person.name_ko


def _update_item(session: Session, row: Update) -> UpdateItem:
    return UpdateItem(**_author_fields(ItemKind.UPDATE, row, session.get(Participant, row.author_id)), text=row.text)


def _plan_item(session: Session, row: Plan) -> PlanItem:
    return PlanItem(**_author_fields(ItemKind.PLAN, row, session.get(Participant, row.author_id)), text=row.text)


def _meeting_item(session: Session, row: ClubMeeting) -> MeetingItem:
    return MeetingItem(
        **_author_fields(ItemKind.MEETING, row, session.get(Participant, row.filed_by_id)),
        held_on=row.held_on,
        format=row.format,
        attendees=row.attendees,
        summary=row.summary,
    )


def _output_item(session: Session, row: Output) -> OutputItem:
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
        to_status = _status(change.to_status)
        if to_status is not None:
            history.append(
                StatusStep(
                    _status(change.from_status),
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
    return OutputItem(
        **_author_fields(ItemKind.OUTPUT, row, session.get(Participant, row.filed_by_id)),
        type=row.type,
        title=row.title,
        status=_status(row.status) or default_status(row.type),
        occurred_on=row.occurred_on,
        doi=row.doi,
        url=row.url,
        note=row.note,
        people=tuple(people),
        confirmed_at=row.confirmed_at,
        confirmed_by_user_id=confirmer,
        history=tuple(history),
    )


MODELS: dict[ItemKind, type[Update] | type[Output] | type[ClubMeeting] | type[Plan]] = {
    ItemKind.UPDATE: Update,
    ItemKind.OUTPUT: Output,
    ItemKind.MEETING: ClubMeeting,
    ItemKind.PLAN: Plan,
}


def item_of(session: Session, row: Update | Output | ClubMeeting | Plan) -> AnyItem:
    if isinstance(row, Update):
        return _update_item(session, row)
    if isinstance(row, Output):
        return _output_item(session, row)
    if isinstance(row, ClubMeeting):
        return _meeting_item(session, row)
    return _plan_item(session, row)


# --- who is asking ----------------------------------------------------------------------------------------


def standing(session: Session, club_id: int, user_id: str, *, is_admin: bool) -> Caller:
    """The caller's standing, read from the database (a form's metadata is never trusted for this)."""
    return Caller(user_id=user_id, is_admin=is_admin, club_role=role_in(session, club_id, user_id))


def _require_member(caller: Caller) -> None:
    if not caller.is_admin and caller.club_role is None:
        raise UserError("tracking.error.not_a_member")


def _is_leader(caller: Caller) -> bool:
    return caller.is_admin or caller.club_role is ClubRole.LEADER


def _filer(session: Session, caller: Caller) -> Participant:
    """The participant filing, known to the router already (or looked up for callers from forms and jobs)."""
    if caller.participant_id is not None:
        person = session.get(Participant, caller.participant_id)
    else:
        person = participant_of(session, caller.user_id)
    if person is None:
        raise UserError("tracking.error.no_participant_record")
    return person


def _audit(
    session: Session, actor: str, action: str, entity: str, entity_id: object, club_id: int | None, **details: Any
) -> None:
    audit.record(
        session, actor=actor, action=action, entity=entity, entity_id=entity_id, club_id=club_id, details=details
    )


def club_ref(session: Session, club_id: int) -> ClubRef:
    club = session.get(Club, club_id)
    if club is None:
        raise UserError("tracking.error.no_such_club")
    return ClubRef.of(club)


# --- cards in the club channel ----------------------------------------------------------------------------


def _card_row(session: Session, ref: ItemRef) -> OutboxMessage | None:
    return session.scalar(
        select(OutboxMessage)
        .where(OutboxMessage.ref == ref.card_ref, OutboxMessage.kind == outbox.KIND_MESSAGE)
        .order_by(OutboxMessage.id)
        .limit(1)
    )


def _post_card(session: Session, club: ClubRef, item: AnyItem) -> None:
    from bot.tracking.views import item_card

    if club.channel_id:
        outbox.enqueue(session, club.channel_id, item_card(club.language, item), ref=item.ref.card_ref)


def _refresh_card(session: Session, club: ClubRef, item: AnyItem) -> None:
    """Show the item's new state on its card (posted earlier), or post a card if it never had one."""
    from bot.tracking.views import item_card

    card = _card_row(session, item.ref)
    if card is None:
        if item.deleted_at is None:
            _post_card(session, club, item)
        return
    outbox.enqueue_update(session, card, item_card(club.language, item))


# --- validation shared by commands and forms ------------------------------------------------------------


def date_problem(day: date, status: OutputStatus | None, today: date) -> Problem | None:
    """A date that cannot be right: before 1990, more than two years ahead, or ahead for a status that has happened."""
    if day < EARLIEST_DAY:
        return "tracking.error.date_too_early", {"date": day.isoformat()}
    if day > today + timedelta(days=MAX_DAYS_AHEAD):
        return "tracking.error.date_too_far", {"date": day.isoformat()}
    if status is not None and day > today and status not in MAY_BE_DATED_AHEAD:
        return "tracking.error.date_in_future", {"date": day.isoformat(), "status": _status_name(status)}
    return None


def _status_name(status: OutputStatus) -> Localized:
    from bot.tracking.views import status_name

    return Localized(lambda lang: status_name(lang, status))


def _status_list(statuses: Sequence[OutputStatus]) -> Localized:
    from bot.tracking.views import status_names

    return Localized(lambda lang: status_names(lang, statuses))


def output_problems(draft: OutputDraft, today: date) -> dict[str, Problem]:
    """Problems by field (`title`, `status`, `date`...): the form shows each on its field, a command the first."""
    problems: dict[str, Problem] = {}
    if not draft.title.strip():
        problems["title"] = ("tracking.error.missing_title", {})
    status = draft.status or default_status(draft.type)
    if status not in OUTPUT_STATUSES[draft.type]:
        problems["status"] = (
            "tracking.error.status_not_for_type",
            {"status": _status_name(status), "allowed": _status_list(OUTPUT_STATUSES[draft.type])},
        )
    elif draft.occurred_on is not None:
        problem = date_problem(draft.occurred_on, status, today)
        if problem:
            problems["date"] = problem
    return problems


def meeting_problems(draft: MeetingDraft, today: date) -> dict[str, Problem]:
    problems: dict[str, Problem] = {}
    if draft.held_on > today:
        problems["held_on"] = ("tracking.error.meeting_in_future", {"date": draft.held_on.isoformat()})
    elif draft.held_on < today - timedelta(days=MEETING_MAX_DAYS_BACK):
        problems["held_on"] = ("tracking.error.meeting_too_old", {"date": draft.held_on.isoformat()})
    if draft.attendees is not None and not 0 <= draft.attendees <= 10000:
        problems["attendees"] = ("tracking.error.bad_attendees", {"value": str(draft.attendees)})
    if not draft.summary.strip():
        problems["summary"] = ("tracking.error.meeting_needs_summary", {})
    return problems


def _raise(problems: dict[str, Problem]) -> None:
    if problems:
        raise FieldErrors(problems)


# --- filing -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filed:
    """What a filing did: the item, and for an output whose DOI the club already had, what happened to it."""

    item: AnyItem
    created: bool = True
    #: The DOI was already recorded: `item` is that output.
    duplicate: bool = False
    #: (from, to) when filing moved the existing output to a new status.
    status_changed: tuple[OutputStatus, OutputStatus] | None = None
    #: The status asked for could not follow the existing output's status: these could.
    status_refused: OutputStatus | None = None
    allowed: tuple[OutputStatus, ...] = ()


def file_update(session: Session, club: ClubRef, caller: Caller, text: str, *, now: datetime) -> Filed:
    _require_member(caller)
    if not text.strip():
        raise FieldErrors({"text": ("tracking.error.update_needs_text", {})})
    author = _filer(session, caller)
    row = Update(club_id=club.id, author_id=author.id, text=text.strip(), created_at=now, updated_at=now)
    session.add(row)
    session.flush()
    item = _update_item(session, row)
    _audit(session, caller.user_id, "item.filed", "update", row.id, club.id)
    _post_card(session, club, item)
    return Filed(item)


def file_plan(session: Session, club: ClubRef, caller: Caller, text: str, *, now: datetime) -> Filed:
    _require_member(caller)
    if not text.strip():
        raise FieldErrors({"text": ("tracking.error.plan_needs_text", {})})
    author = _filer(session, caller)
    row = Plan(club_id=club.id, author_id=author.id, text=text.strip(), created_at=now, updated_at=now)
    session.add(row)
    session.flush()
    item = _plan_item(session, row)
    _audit(session, caller.user_id, "item.filed", "plan", row.id, club.id)
    _post_card(session, club, item)
    return Filed(item)


def file_meeting(
    session: Session, club: ClubRef, caller: Caller, draft: MeetingDraft, *, now: datetime, today: date
) -> Filed:
    _require_member(caller)
    _raise(meeting_problems(draft, today))
    author = _filer(session, caller)
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
    item = _meeting_item(session, row)
    _audit(session, caller.user_id, "item.filed", "meeting", row.id, club.id)
    _post_card(session, club, item)
    return Filed(item)


def _people_rows(session: Session, people: Iterable[PersonRef]) -> list[OutputPerson]:
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


def _record_status(
    session: Session, row: Output, new: OutputStatus, changer: Participant | None, now: datetime
) -> None:
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
    _require_member(caller)
    _raise({**output_problems(draft, today), **(form_problems or {})})
    author = _filer(session, caller)
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
    row.people = _people_rows(session, draft.people)
    row.status_changes.append(
        OutputStatusChange(from_status=None, to_status=status.value, changed_at=now, changed_by_id=author.id)
    )
    session.add(row)
    session.flush()
    item = _output_item(session, row)
    _audit(session, caller.user_id, "item.filed", "output", row.id, club.id)
    _post_card(session, club, item)
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
    current = _status(row.status) or default_status(row.type)
    wanted = draft.status
    if wanted is None or wanted == current:
        return Filed(_output_item(session, row), created=False, duplicate=True)
    if not can_change_status(row.type, current, wanted):
        return Filed(
            _output_item(session, row),
            created=False,
            duplicate=True,
            status_refused=wanted,
            allowed=allowed_next_statuses(row.type, current),
        )
    _record_status(session, row, wanted, changer, now)
    if draft.occurred_on and row.occurred_on is None:
        row.occurred_on = draft.occurred_on
    row.updated_at = now
    session.flush()
    _audit(
        session,
        caller.user_id,
        "item.status_changed",
        "output",
        row.id,
        club.id,
        from_status=current.value,
        to_status=wanted.value,
        via="same-doi",
    )
    item = _output_item(session, row)
    _refresh_card(session, club, item)
    return Filed(item, created=False, duplicate=True, status_changed=(current, wanted))


# --- finding, changing, deleting ---------------------------------------------------------------------------


def _row(session: Session, club: ClubRef, ref: ItemRef) -> Update | Output | ClubMeeting | Plan:
    row = session.get(MODELS[ref.kind], ref.id)
    if row is None or row.club_id != club.id or row.deleted_at is not None:
        raise UserError("tracking.error.no_such_item", id=str(ref), club=club.name)
    return row


def _author_id(row: Update | Output | ClubMeeting | Plan) -> int:
    return row.author_id if isinstance(row, Update | Plan) else row.filed_by_id


def _is_author(session: Session, row: Update | Output | ClubMeeting | Plan, user_id: str) -> bool:
    author = session.get(Participant, _author_id(row))
    return author is not None and author.slack_user_id == user_id


def _may_edit(session: Session, row: Update | Output | ClubMeeting | Plan, caller: Caller) -> bool:
    return _is_leader(caller) or (caller.club_role is not None and _is_author(session, row, caller.user_id))


def item_for_edit(session: Session, club: ClubRef, caller: Caller, ref: ItemRef) -> AnyItem:
    """The item to pre-fill its form with; refused to people who may not edit it."""
    row = _row(session, club, ref)
    if not _may_edit(session, row, caller):
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
    row = _row(session, club, ref)
    if not _may_edit(session, row, caller):
        raise UserError("tracking.error.edit_not_allowed", id=str(ref))
    if not isinstance(row, Update | Plan):
        raise UserError("tracking.error.no_such_item", id=str(ref), club=club.name)
    if not text.strip():
        raise FieldErrors({"text": ("tracking.error.update_needs_text", {})})
    before = _snapshot(item_of(session, row))
    row.text = text.strip()
    row.updated_at = now
    session.flush()
    item = item_of(session, row)
    _audit(session, caller.user_id, "item.edited", ref.kind.entity, ref.id, club.id, before=before)
    _refresh_card(session, club, item)
    return item


def edit_meeting(
    session: Session, club: ClubRef, caller: Caller, ref: ItemRef, draft: MeetingDraft, *, now: datetime, today: date
) -> AnyItem:
    row = _row(session, club, ref)
    if not isinstance(row, ClubMeeting) or not _may_edit(session, row, caller):
        raise UserError("tracking.error.edit_not_allowed", id=str(ref))
    _raise(meeting_problems(draft, today))
    before = _snapshot(item_of(session, row))
    row.held_on, row.format, row.attendees = draft.held_on, draft.format, draft.attendees
    row.summary = draft.summary.strip()
    row.updated_at = now
    session.flush()
    item = item_of(session, row)
    _audit(session, caller.user_id, "item.edited", "meeting", ref.id, club.id, before=before)
    _refresh_card(session, club, item)
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
    row = _row(session, club, ref)
    if not isinstance(row, Output) or not _may_edit(session, row, caller):
        raise UserError("tracking.error.edit_not_allowed", id=str(ref))
    current = _output_item(session, row)
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
                "status": _status_name(new_status),
                "current": _status_name(current.status),
                "allowed": _status_list(allowed_next_statuses(current.type, current.status)),
            },
        )
    if draft.doi and draft.doi != row.doi:
        other = session.scalar(select(Output.id).where(Output.club_id == club.id, Output.doi == draft.doi))
        if other is not None:
            problems["doi"] = ("tracking.error.doi_taken", {"id": str(ItemRef(ItemKind.OUTPUT, other))})
    _raise(problems)
    before = _snapshot(current)
    changer = participant_of(session, caller.user_id)
    if new_status != current.status or draft.type != current.type:
        _record_status(session, row, new_status, changer, now)
    row.type = draft.type
    row.title = draft.title.strip()
    row.occurred_on = draft.occurred_on
    row.doi = draft.doi
    row.url = draft.url
    row.note = (draft.note or "").strip() or None
    wanted = {(p.user_id, None, None) if p.user_id else (None, p.email, p.name) for p in draft.people}
    if wanted != _people_keys(session, row):
        row.people = _people_rows(session, draft.people)
    row.updated_at = now
    session.flush()
    item = _output_item(session, row)
    _audit(session, caller.user_id, "item.edited", "output", ref.id, club.id, before=before)
    _refresh_card(session, club, item)
    return item


def _people_keys(session: Session, row: Output) -> set[tuple[str | None, str | None, str | None]]:
    keys = set()
    for person in row.people:
        participant = session.get(Participant, person.participant_id) if person.participant_id else None
        if participant is not None and participant.slack_user_id:
            keys.add((participant.slack_user_id, None, None))
        elif participant is not None:
            keys.add((None, participant.email, None))
        else:
            keys.add((None, person.email, person.name))
    return keys


@dataclass(frozen=True)
class OutputChange:
    status: str | None = None
    occurred_on: date | None = None
    doi: str | None = None
    url: str | None = None


def change_output(
    session: Session, club: ClubRef, caller: Caller, ref: ItemRef, change: OutputChange, *, now: datetime, today: date
) -> tuple[OutputItem, tuple[OutputStatus, OutputStatus] | None]:
    """`/club output o7 status:… [date:…] [doi:…] [url:…]`: anyone in the club moves it forward; its author or a
    leader may also set its date, DOI and link. Returns the output and the status change made, if any."""
    _require_member(caller)
    row = _row(session, club, ref)
    if not isinstance(row, Output):
        raise UserError("tracking.error.not_an_output", id=str(ref))
    current = _output_item(session, row)
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
                            "status": _status_name(new_status),
                            "current": _status_name(current.status),
                            "allowed": _status_list(allowed_next_statuses(current.type, current.status)),
                        },
                    )
                }
            )
    if (change.occurred_on or change.doi or change.url) and not _may_edit(session, row, caller):
        raise UserError("tracking.error.edit_not_allowed", id=str(ref))
    status_for_date = new_status or current.status
    if change.occurred_on:
        problem = date_problem(change.occurred_on, status_for_date, today)
        if problem:
            raise FieldErrors({"date": problem})
    if change.doi and change.doi != row.doi:
        other = session.scalar(select(Output.id).where(Output.club_id == club.id, Output.doi == change.doi))
        if other is not None:
            raise FieldErrors({"doi": ("tracking.error.doi_taken", {"id": str(ItemRef(ItemKind.OUTPUT, other))})})
    before = _snapshot(current)
    changed = None
    if new_status is not None and new_status != current.status:
        _record_status(session, row, new_status, participant_of(session, caller.user_id), now)
        changed = (current.status, new_status)
    if change.occurred_on:
        row.occurred_on = change.occurred_on
    if change.doi:
        row.doi = change.doi
    if change.url:
        row.url = change.url
    row.updated_at = now
    session.flush()
    item = _output_item(session, row)
    action = (
        "item.status_changed" if changed and not (change.occurred_on or change.doi or change.url) else "item.edited"
    )
    _audit(session, caller.user_id, action, "output", ref.id, club.id, before=before)
    _refresh_card(session, club, item)
    return item, changed


def delete_item(
    session: Session, club: ClubRef, caller: Caller, ref: ItemRef, *, now: datetime, tz: ZoneInfo
) -> AnyItem:
    """Soft-delete: the author within the quarter it was filed in, leaders and admins at any time. The content
    goes to the audit log; an output's DOI is freed so the same work can be filed again."""
    row = _row(session, club, ref)
    is_author = caller.club_role is not None and _is_author(session, row, caller.user_id)
    if not _is_leader(caller):
        if not is_author:
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
    _audit(session, caller.user_id, "item.deleted", ref.kind.entity, ref.id, club.id, content=before)
    _refresh_card(session, club, item)
    return item


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
    if not _is_leader(caller):
        raise UserError("tracking.error.confirm_leaders_only")
    if row.confirmed_at is not None:
        return club, _output_item(session, row), False
    confirmer = participant_of(session, caller_user_id)
    row.confirmed_at = now
    row.confirmed_by_id = confirmer.id if confirmer else None
    row.updated_at = now
    _audit(session, caller_user_id, "item.confirmed", "output", row.id, row.club_id)
    session.flush()
    item = _output_item(session, row)
    _refresh_card(session, club, item)
    return club, item, True


# --- reading: items in a period, quarter figures ------------------------------------------------------------


@dataclass(frozen=True)
class ClubItems:
    updates: tuple[UpdateItem, ...] = ()
    outputs: tuple[OutputItem, ...] = ()
    meetings: tuple[MeetingItem, ...] = ()
    plans: tuple[PlanItem, ...] = ()

    def all(self) -> list[AnyItem]:
        items: list[AnyItem] = [*self.updates, *self.outputs, *self.meetings, *self.plans]
        return sorted(items, key=lambda i: (i.created_at, i.ref))


def items_filed(
    session: Session,
    club_id: int,
    start: datetime,
    end: datetime,
    *,
    author_user_id: str | None = None,
    include_deleted: bool = False,
) -> ClubItems:
    """Items filed in [start, end) (meetings by the day they were held, in the same instants' days)."""
    author_id = None
    if author_user_id is not None:
        author = participant_of(session, author_user_id)
        if author is None:
            return ClubItems()
        author_id = author.id

    def rows(model: Any, author_column: Any, *when: Any) -> list[Any]:
        query = select(model).where(model.club_id == club_id, *when).order_by(model.created_at, model.id)
        if not include_deleted:
            query = query.where(model.deleted_at.is_(None))
        if author_id is not None:
            query = query.where(author_column == author_id)
        return list(session.scalars(query))

    filed = (Update.created_at >= start, Update.created_at < end)
    return ClubItems(
        updates=tuple(_update_item(session, r) for r in rows(Update, Update.author_id, *filed)),
        outputs=tuple(
            _output_item(session, r)
            for r in rows(Output, Output.filed_by_id, Output.created_at >= start, Output.created_at < end)
        ),
        meetings=tuple(
            _meeting_item(session, r)
            for r in rows(
                ClubMeeting, ClubMeeting.filed_by_id, ClubMeeting.created_at >= start, ClubMeeting.created_at < end
            )
        ),
        plans=tuple(
            _plan_item(session, r) for r in rows(Plan, Plan.author_id, Plan.created_at >= start, Plan.created_at < end)
        ),
    )


def items_in_quarter(session: Session, club: ClubRef, quarter: Quarter, tz: ZoneInfo) -> ClubItems:
    """What a quarterly report covers: updates and plans filed in the quarter, meetings held in it, and outputs
    filed in it or whose status changed in it (the reader takes each output's `status_as_of(quarter end)`)."""
    start, end = quarter.start(tz), quarter.end(tz)
    filed = items_filed(session, club.id, start, end)
    meetings = session.scalars(
        select(ClubMeeting)
        .where(
            ClubMeeting.club_id == club.id,
            ClubMeeting.deleted_at.is_(None),
            ClubMeeting.held_on >= quarter.first_day,
            ClubMeeting.held_on <= quarter.last_day,
        )
        .order_by(ClubMeeting.held_on, ClubMeeting.id)
    )
    moved = select(OutputStatusChange.output_id).where(
        OutputStatusChange.changed_at >= start, OutputStatusChange.changed_at < end
    )
    outputs = session.scalars(
        select(Output)
        .where(
            Output.club_id == club.id,
            Output.deleted_at.is_(None),
            Output.created_at < end,
            or_(Output.created_at >= start, Output.id.in_(moved)),
        )
        .order_by(Output.created_at, Output.id)
    )
    return ClubItems(
        updates=filed.updates,
        outputs=tuple(_output_item(session, r) for r in outputs),
        meetings=tuple(_meeting_item(session, r) for r in meetings),
        plans=filed.plans,
    )


@dataclass(frozen=True)
class OutputTally:
    """Outputs of one type in a period: how many, by status at the period's end, how many confirmed."""

    type: OutputType
    total: int
    by_status: tuple[tuple[OutputStatus, int], ...]
    confirmed: int
    achieved: int


def output_tallies(outputs: Iterable[OutputItem], end: datetime) -> tuple[OutputTally, ...]:
    """Count outputs by type and by their status as of `end` (pure)."""
    by_type: dict[OutputType, list[OutputItem]] = {}
    for output in outputs:
        if output.status_as_of(end) is not None:
            by_type.setdefault(output.type, []).append(output)
    tallies = []
    for output_type in OutputType:
        items = by_type.get(output_type)
        if not items:
            continue
        statuses: dict[OutputStatus, int] = {}
        for output in items:
            status = output.status_as_of(end)
            assert status is not None
            statuses[status] = statuses.get(status, 0) + 1
        ordered = tuple((s, statuses[s]) for s in OUTPUT_STATUSES[output_type] if s in statuses)
        tallies.append(
            OutputTally(
                type=output_type,
                total=len(items),
                by_status=ordered,
                confirmed=sum(1 for o in items if o.confirmed_as_of(end)),
                achieved=sum(1 for o in items if o.status_as_of(end) in ACHIEVED_STATUSES),
            )
        )
    return tuple(tallies)


@dataclass(frozen=True)
class QuarterFigures:
    """A club's figures for a quarter: the `/club status` card, and a report's numbers."""

    club: ClubRef
    quarter: Quarter
    as_of: datetime
    updates: int
    plans: int
    meetings: tuple[MeetingItem, ...]
    outputs: tuple[OutputTally, ...]
    engagement: EngagementFigures
    due: tuple[Any, ...] = ()  # bot.tracking.reminders.DueLine: the club's deadlines, done or not
    survey: Any = None  # bot.tracking.surveys.SurveySummary | None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def outputs_total(self) -> int:
        return sum(t.total for t in self.outputs)

    @property
    def outputs_confirmed(self) -> int:
        return sum(t.confirmed for t in self.outputs)


def quarter_figures(
    session: Session, club: ClubRef, quarter: Quarter, *, now: datetime, default_tz: str
) -> QuarterFigures:
    """The club's figures for `quarter` (a current quarter: as of now)."""
    from bot.tracking import reminders, surveys

    tz = zone(club, default_tz)
    end = min(quarter.end(tz), now)
    items = items_in_quarter(session, club, quarter, tz)
    last_day = min(quarter.last_day, now.astimezone(tz).date())
    engagement = club_engagement(session, club.id, quarter.first_day, max(last_day, quarter.first_day), tz)
    today = now.astimezone(tz).date()
    return QuarterFigures(
        club=club,
        quarter=quarter,
        as_of=end,
        updates=len(items.updates),
        plans=len(items.plans),
        meetings=items.meetings,
        outputs=output_tallies(items.outputs, end),
        engagement=engagement,
        due=tuple(reminders.club_due_lines(session, club, today)),
        survey=surveys.latest_summary(session, club.id, now=now),
    )


def count_items(session: Session, club_id: int) -> dict[str, int]:
    """How many live items of each kind a club has (for overviews)."""
    counts = {}
    for kind, model in MODELS.items():
        counts[kind.entity] = (
            session.scalar(
                select(func.count()).select_from(model).where(model.club_id == club_id, model.deleted_at.is_(None))
            )
            or 0
        )
    return counts
