"""The program's deadlines as reminders to club leaders: kinds of reminders, sending, snoozing, "done".

A **kind** of reminder (`ReminderKind`, in `bot.tracking.types` with `Deadline`) is a due-date rule and a
"done" check; any feature can add one with `register_kind` (the reports feature adds the quarterly
narrative request the same way):

- `deadlines(session, club, today)` gives the club's deadlines of that kind (each a `Deadline` with a
  `subject` naming what is due, e.g. `outcome-report:meeting:3`, and its due date);
- `is_done(session, deadline)` says whether it has been done (reminders then stop);
- `offsets`: the days before the due date a reminder goes out (7, 2 and 0: a week before, two days
  before, and on the day).

The clock's daily run (`jobs/tracking.py`) calls `send_due_reminders` for each club at 09:00 in its time
zone. Each reminder is a `Reminder` row, unique per (subject, leader, day), written with its direct
message in the outbox in the same transaction: a reminder goes out once per day it is due, even when the
run is repeated. A clock that was down catches up with the latest reminder missed, while the deadline has
not passed. A leader may say **Remind me tomorrow** once per deadline (`snooze`): the reminder comes back on
their next working day (`bot.hours.next_working_day`, in their own zone and calendar), at their own hour
(`reader_hour`, through the job's `Timing`), and never after the deadline: the button is offered only while the
due date is ahead, and a next working day past the due date is the due date itself.

**The outcome report** (`outcome-report`) is due two weeks after the club's X-Lab Day meeting ends. The
plan has organizers submit it through the secretariat's online form, which the bot cannot see, so it
counts as filed when a leader says so (`/club outcome-report submitted`, or the button on the reminder) or
when secretariat staff record it for the club: an audit entry (`outcome_report.submitted`) keeps
who said so and when.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import audit, due
from bot.access import Caller
from bot.domain import DEFAULT_TIMEZONE, ClubRole, ClubStatus, Language, LanguageOf, MembershipStatus
from bot.errors import UserError
from bot.hours import WorkingHours, next_working_day
from bot.i18n import Localized
from bot.people import Timing, is_away, zone_of
from bot.refs import ClubRef
from bot.slack import outbox
from bot.slack.blocks import Message
from bot.standing import club_leaders, language_for_person, participant_of
from bot.time import zone
from bot.tracking.types import (
    OUTCOME_SUBMITTED_ACTION,
    Deadline,
    DueLine,
    MeetingTitle,
    OutcomeReportState,
    ReminderKind,
)
from bot.tracking.views.deadlines import reminder_message
from storage.models import AuditEntry, Club, Meeting, Membership, OutboxMessage, Participant, Reminder

#: How long before its due date a deadline shows in a person's list of things due (the App Home).
DUE_LIST_WINDOW = timedelta(days=21)
#: How long after its due date an undone deadline still shows there.
OVERDUE_LIST_WINDOW = timedelta(days=30)


KINDS: dict[str, ReminderKind] = {}


def register_kind(kind: ReminderKind) -> ReminderKind:
    if kind.name in KINDS:
        raise ValueError(f"reminder kind {kind.name!r} registered twice")
    KINDS[kind.name] = kind
    return kind


def kind_of(subject: str) -> ReminderKind | None:
    return next((k for name, k in KINDS.items() if subject.startswith(name + ":")), None)


# --- the outcome report --------------------------------------------------------------------------------

OUTCOME_REPORT = "outcome-report"
OUTCOME_REPORT_DAYS = 14


def _meeting_title(meeting: Meeting) -> MeetingTitle:
    return MeetingTitle(title_ko=meeting.title_ko, title_en=meeting.title_en, code=meeting.code)


def outcome_report_deadlines(session: Session, club: ClubRef, today: date) -> list[Deadline]:
    if club.meeting_id is None:
        return []
    meeting = session.get(Meeting, club.meeting_id)
    if meeting is None:
        return []
    return [
        Deadline(
            kind=OUTCOME_REPORT,
            club_id=club.id,
            subject=f"{OUTCOME_REPORT}:meeting:{meeting.id}",
            due_on=meeting.ends_on + timedelta(days=OUTCOME_REPORT_DAYS),
            params={"meeting": Localized(_meeting_title(meeting).in_language), "ended": meeting.ends_on.isoformat()},
        )
    ]


def _submission(session: Session, meeting_id: int) -> AuditEntry | None:
    return session.scalar(
        select(AuditEntry)
        .where(
            AuditEntry.action == "outcome_report.submitted",
            AuditEntry.entity == "meeting",
            AuditEntry.entity_id == str(meeting_id),
        )
        .order_by(AuditEntry.id)
        .limit(1)
    )


def _outcome_meeting_id(deadline: Deadline) -> int:
    return int(deadline.subject.rsplit(":", 1)[1])


def outcome_report_done(session: Session, deadline: Deadline) -> bool:
    return _submission(session, _outcome_meeting_id(deadline)) is not None


register_kind(
    ReminderKind(
        name=OUTCOME_REPORT,
        text_key="tracking.reminder.outcome_report",
        due_key="tracking.due.outcome_report",
        deadlines=outcome_report_deadlines,
        is_done=outcome_report_done,
        done_action_id=OUTCOME_SUBMITTED_ACTION,
        done_label_key="tracking.reminder.mark_submitted",
    )
)


def outcome_report_state(session: Session, club: ClubRef) -> OutcomeReportState:
    deadlines = outcome_report_deadlines(session, club, date.min)
    if not deadlines:
        raise UserError("tracking.error.no_meeting_for_report")
    deadline = deadlines[0]
    entry = _submission(session, _outcome_meeting_id(deadline))
    submitted_on = None
    if entry is not None:
        submitted_on = date.fromisoformat(str(entry.details.get("submitted_on") or entry.at.date().isoformat()))
    meeting = session.get(Meeting, _outcome_meeting_id(deadline))
    title = _meeting_title(meeting) if meeting is not None else None
    return OutcomeReportState(
        meeting=title.in_language("en") if title else "",
        meeting_ko=title.in_language("ko") if title else None,
        due_on=deadline.due_on,
        submitted_on=submitted_on,
        submitted_by=entry.actor if entry is not None else None,
    )


def mark_outcome_report_submitted(
    session: Session,
    club: ClubRef,
    caller: Caller,
    *,
    on: date | None,
    today: date,
    now: datetime,
    language_of: LanguageOf | None = None,
) -> OutcomeReportState:
    """A leader (or an admin) records that the club's outcome report was submitted; its reminders stop."""
    if not caller.is_admin and caller.club_role is not ClubRole.LEADER:
        raise UserError("tracking.error.outcome_leaders_only")
    state = outcome_report_state(session, club)
    if state.submitted_on is not None:
        return state
    submitted_on = on or today
    if submitted_on > today:
        raise UserError("tracking.error.outcome_date_future", date=submitted_on.isoformat())
    [deadline] = outcome_report_deadlines(session, club, today)
    audit.record(
        session,
        actor=caller.user_id,
        action="outcome_report.submitted",
        entity="meeting",
        entity_id=_outcome_meeting_id(deadline),
        club_id=club.id,
        details={"submitted_on": submitted_on.isoformat(), "due_on": deadline.due_on.isoformat()},
    )
    session.flush()
    close_reminders(session, deadline, now=now, language_of=language_of)
    return OutcomeReportState(state.meeting, state.due_on, submitted_on, caller.user_id, newly_marked=True)


# --- sending ----------------------------------------------------------------------------------------------


def _reminder_rows(session: Session, subject: str) -> list[Reminder]:
    return list(session.scalars(select(Reminder).where(Reminder.subject == subject).order_by(Reminder.id)))


def _card(session: Session, reminder_id: int) -> OutboxMessage | None:
    return session.scalar(
        select(OutboxMessage)
        .where(OutboxMessage.ref == f"reminder:{reminder_id}", OutboxMessage.kind == outbox.KIND_DM)
        .order_by(OutboxMessage.id)
        .limit(1)
    )


def _person_language(person: Participant, language_of: LanguageOf | None) -> Language:
    return language_for_person(person, language_of)


@dataclass(frozen=True)
class SentReminder:
    reminder_id: int
    user_id: str
    subject: str
    remind_on: date


def _view(
    session: Session,
    kind: ReminderKind,
    deadline: Deadline,
    club: ClubRef,
    row: Reminder,
    lang: Language,
    *,
    today: date,
    state: str,
) -> Message:
    snoozed_before = any(
        r.snoozed_until is not None
        for r in _reminder_rows(session, deadline.subject)
        if r.participant_id == row.participant_id
    )
    return reminder_message(
        lang,
        kind,
        deadline,
        club.name,
        reminder_id=row.id,
        today=today,
        state=state,
        can_snooze=not snoozed_before and state == "open" and today < deadline.due_on,
        snoozed_until=row.snoozed_until,
    )


def send_due_reminders(
    session: Session,
    club: ClubRef,
    today: date,
    *,
    now: datetime,
    language_of: LanguageOf | None = None,
    timing: Timing | None = None,
) -> list[SentReminder]:
    """Send the club's reminders due `today` (the club's local day): at most one per deadline and leader.

    With `timing`, each reaches its reader at their own hour and before the deadline ends, and nobody who said
    they are away is reminded (their reminder comes once they are back, while the deadline is still ahead)."""
    sent: list[SentReminder] = []
    for kind in KINDS.values():
        for deadline in kind.deadlines(session, club, today):
            if kind.is_done(session, deadline):
                close_reminders(session, deadline, now=now, language_of=language_of)
                continue
            if today > deadline.due_on:
                continue  # a reminder never comes after its deadline
            rows = _reminder_rows(session, deadline.subject)
            recipients = kind.recipients(session, club) if kind.recipients else club_leaders(session, club.id)
            for person in recipients:
                if timing is not None and is_away(person, today):
                    continue
                mine = [r for r in rows if r.participant_id == person.id]
                days = {deadline.due_on - timedelta(days=o) for o in kind.offsets}
                days |= {r.snoozed_until for r in mine if r.snoozed_until is not None}
                eligible = [d for d in days if d <= today]
                if not eligible:
                    continue
                day = max(eligible)
                if day != today and today > deadline.due_on:
                    continue  # a missed reminder is caught up only while the deadline has not passed
                if any(r.remind_on == day for r in mine):
                    continue
                row = Reminder(
                    club_id=club.id,
                    participant_id=person.id,
                    subject=deadline.subject,
                    due_on=deadline.due_on,
                    remind_on=day,
                    sent_at=now,
                )
                session.add(row)
                session.flush()
                lang = _person_language(person, language_of)
                message = _view(session, kind, deadline, club, row, lang, today=today, state="open")
                assert person.slack_user_id is not None
                at = (
                    timing.at(
                        session,
                        person.slack_user_id,
                        deadline=timing.end_of(deadline.due_on, club.timezone),
                        default_tz=club.timezone,
                    )
                    if timing is not None
                    else None
                )
                outbox.enqueue_dm(session, person.slack_user_id, message, ref=f"reminder:{row.id}", at=at)
                sent.append(SentReminder(row.id, person.slack_user_id, deadline.subject, day))
    return sent


def close_reminders(
    session: Session, deadline: Deadline, *, now: datetime, language_of: LanguageOf | None = None
) -> int:
    """Mark a deadline's reminders done and take the buttons off the messages already sent."""
    kind = KINDS[deadline.kind]
    closed = 0
    for row in _reminder_rows(session, deadline.subject):
        if row.done_at is not None:
            continue
        row.done_at = now
        closed += 1
        card = _card(session, row.id)
        person = session.get(Participant, row.participant_id)
        club = session.get(Club, row.club_id)
        if card is not None and person is not None and club is not None:
            lang = _person_language(person, language_of)
            message = _view(session, kind, deadline, ClubRef.of(club), row, lang, today=now.date(), state="done")
            outbox.enqueue_update(session, card, message)
    return closed


@dataclass(frozen=True)
class Snoozed:
    until: date
    subject: str


def snooze(
    session: Session,
    reminder_id: int,
    user_id: str,
    *,
    now: datetime,
    default_tz: str,
    lang: Language,
    hours: WorkingHours | None = None,
) -> Snoozed:
    """*Remind me tomorrow*: the leader the reminder was sent to puts it off to their next working day (in their
    own zone and calendar under `hours`), once per deadline, and never past the due date."""
    row = session.get(Reminder, reminder_id)
    person = participant_of(session, user_id)
    if row is None or person is None or row.participant_id != person.id:
        raise UserError("tracking.error.reminder_not_yours")
    kind = kind_of(row.subject)
    club = session.get(Club, row.club_id)
    if kind is None or club is None:
        raise UserError("tracking.error.reminder_not_yours")
    club_ref = ClubRef.of(club)
    today = now.astimezone(zone(club.timezone, default_tz)).date()
    deadline = next((d for d in kind.deadlines(session, club_ref, today) if d.subject == row.subject), None)
    if deadline is None or row.done_at is not None or kind.is_done(session, deadline):
        raise UserError("tracking.error.reminder_already_done")
    mine = [r for r in _reminder_rows(session, row.subject) if r.participant_id == person.id]
    if any(r.snoozed_until is not None for r in mine):
        raise UserError("tracking.error.snooze_once")
    if today >= deadline.due_on:
        raise UserError("tracking.error.snooze_too_late")
    reader = zone_of(session, user_id, club.timezone or default_tz)
    tomorrow = next_working_day(now.astimezone(reader).date(), reader, hours or WorkingHours())
    # In the club's calendar of runs: a reader behind the club's zone may already be on the club's next day.
    row.snoozed_until = max(min(tomorrow, deadline.due_on), row.remind_on + timedelta(days=1))
    session.flush()
    card = _card(session, row.id)
    if card is not None:
        message = _view(session, kind, deadline, club_ref, row, lang, today=today, state="snoozed")
        outbox.enqueue_update(session, card, message)
    return Snoozed(row.snoozed_until, row.subject)


# --- what is due ------------------------------------------------------------------------------------------


def club_due_lines(session: Session, club: ClubRef, today: date) -> list[DueLine]:
    """The club's deadlines for `/club status`: those not done, and those done in the last month."""
    lines = []
    for kind in KINDS.values():
        for deadline in kind.deadlines(session, club, today):
            done = kind.is_done(session, deadline)
            if done and deadline.due_on < today - OVERDUE_LIST_WINDOW:
                continue
            lines.append(
                DueLine(kind.name, kind.due_key, {**deadline.params, "club": club.name}, deadline.due_on, done)
            )
    return sorted(lines, key=lambda line: line.due_on)


def _led_clubs(session: Session, participant_id: int) -> list[ClubRef]:
    clubs = session.scalars(
        select(Club)
        .join(Membership, Membership.club_id == Club.id)
        .where(
            Membership.participant_id == participant_id,
            Membership.role == ClubRole.LEADER,
            Membership.status == MembershipStatus.ACTIVE,
            Club.status == ClubStatus.ACTIVE,
        )
        .order_by(Club.name)
    )
    return [ClubRef.of(c) for c in clubs]


@due.register
def due_from_leader(session: Session, participant_id: int, now: datetime, tz: ZoneInfo) -> list[due.DueItem]:
    """Deadlines a leader owes: from three weeks before their due date until done (or a month overdue)."""
    items = []
    for club in _led_clubs(session, participant_id):
        today = now.astimezone(zone(club.timezone, DEFAULT_TIMEZONE)).date()
        for kind in KINDS.values():
            for deadline in kind.deadlines(session, club, today):
                if not deadline.due_on - DUE_LIST_WINDOW <= today <= deadline.due_on + OVERDUE_LIST_WINDOW:
                    continue
                if kind.is_done(session, deadline):
                    continue
                items.append(
                    due.DueItem(
                        club_id=club.id,
                        club_name=club.name,
                        due_on=deadline.due_on,
                        text_key=kind.due_key,
                        params={**deadline.params, "club": club.name},
                        action_id=kind.done_action_id,
                        action_value=f"club:{club.id}" if kind.done_action_id else None,
                    )
                )
    return items
