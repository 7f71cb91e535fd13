"""Importing the secretariat's files into the participant database: people with their attendance at a
meeting, and meetings. All rows or none; a blank cell keeps the stored value.

Plain functions taking a `Session` and the files already read by `bot.participants.sheets`, returning
`bot.participants.types` values; they never commit (the caller's `Database.session()` does) and never
print. Queries are batched (one SELECT per table, bulk INSERT/UPDATE by executemany), never one SELECT
per row.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from bot import audit
from bot.domain import MeetingRole
from bot.participants.types import (
    ImportResult,
    MeetingImportResult,
    MeetingNotFound,
    MeetingSheet,
    ParticipantRecord,
    ParticipantSheet,
    RowError,
)
from storage.models import Meeting, MeetingAttendance, Participant, utcnow

#: The person-describing columns an import may set (a blank cell leaves them as they are).
RECORD_FIELDS = (
    "name_ko",
    "name_en",
    "email",
    "affiliation",
    "country",
    "career_stage",
    "orcid",
    "overseas_korean",
    "overseas_association",
    "slack_user_id",
)


def _stored_people(session: Session, records: Sequence[ParticipantRecord]) -> dict[int, dict[str, Any]]:
    """The participants (not forgotten) that share an email, ORCID or Slack ID with the records.

    One pass over the table's person columns, matched in memory: the participant database holds
    thousands of people, and a plan that does not depend on the table's statistics (`IN` lists of
    bind parameters fall back to sequential scans on a freshly loaded PostgreSQL table).
    """
    wanted = {
        name: {getattr(record, name) for record in records} - {None} for name in ("email", "orcid", "slack_user_id")
    }
    columns = [Participant.id, *(getattr(Participant, name) for name in RECORD_FIELDS)]
    query = select(*columns).where(Participant.forgotten_at.is_(None))
    return {
        row["id"]: dict(row)
        for row in session.execute(query).mappings()
        if any(row[name] in values for name, values in wanted.items())
    }


def _ids_by_identifier(session: Session, people: Sequence[Mapping[str, Any]]) -> dict[str, int]:
    """The ids of people just inserted, by email (or ORCID for those without one)."""
    wanted = {person["email"] or person["orcid"] for person in people}
    query = select(Participant.id, Participant.email, Participant.orcid).where(Participant.forgotten_at.is_(None))
    found: dict[str, int] = {}
    for person_id, email, orcid in session.execute(query):
        for value in (email, orcid):
            if value is not None and value in wanted:
                found[value] = person_id
    return found


def import_participants(
    session: Session,
    sheet: ParticipantSheet,
    meeting_code: str,
    *,
    dry_run: bool = False,
    actor: str = "cli:import",
) -> ImportResult:
    """Create or update the sheet's people and their attendance at the meeting; all rows or none.

    A row is the person with its email, else with its ORCID (then the row's email replaces theirs).
    A row whose email and ORCID belong to two different people, whose Slack ID is another person's,
    or that is the same person as an earlier row, is an error like a bad cell. A blank cell keeps the
    stored value; a new attendance without a role is `researcher`.
    """
    meeting = session.scalar(select(Meeting).where(Meeting.code == meeting_code))
    if meeting is None:
        raise MeetingNotFound(meeting_code)
    base = ImportResult(
        meeting_code=meeting.code, rows=sheet.rows, ignored_columns=sheet.ignored_columns, dry_run=dry_run
    )
    stored = _stored_people(session, sheet.records)
    by_value: dict[str, dict[str, int]] = {name: {} for name in ("email", "orcid", "slack_user_id")}
    for stored_id, person in stored.items():
        for name, index in by_value.items():
            if person[name]:
                index[person[name]] = stored_id

    errors = list(sheet.errors)
    label = sheet.header.label
    matched_row: dict[int, int] = {}
    plans: list[tuple[ParticipantRecord, int | None]] = []
    for record in sheet.records:
        by_email = by_value["email"].get(record.email or "")
        by_orcid = by_value["orcid"].get(record.orcid or "")
        if by_email and by_orcid and by_email != by_orcid:
            errors.append(
                RowError(record.row, label("orcid"), "participants.error.orcid_taken", {}, record.orcid or "")
            )
            continue
        person_id = by_email or by_orcid
        owner = by_value["slack_user_id"].get(record.slack_user_id or "")
        if owner and owner != person_id:
            errors.append(
                RowError(
                    record.row,
                    label("slack_user_id"),
                    "participants.error.slack_id_taken",
                    {},
                    record.slack_user_id or "",
                )
            )
            continue
        if person_id is not None:
            if person_id in matched_row:
                column = "email" if by_email else "orcid"
                errors.append(
                    RowError(
                        record.row,
                        label(column),
                        "participants.error.same_person",
                        {"row": matched_row[person_id]},
                        getattr(record, column) or "",
                    )
                )
                continue
            matched_row[person_id] = record.row
        plans.append((record, person_id))
    if errors:
        return replace(base, errors=tuple(sorted(errors, key=lambda error: error.row)))

    attendance = {
        participant_id: (attendance_id, role)
        for attendance_id, participant_id, role in session.execute(
            select(MeetingAttendance.id, MeetingAttendance.participant_id, MeetingAttendance.role).where(
                MeetingAttendance.meeting_id == meeting.id
            )
        )
    }
    now = utcnow()
    creates: list[tuple[dict[str, Any], MeetingRole]] = []
    person_updates: list[dict[str, Any]] = []
    new_attendances: list[dict[str, Any]] = []
    role_updates: list[dict[str, Any]] = []
    unchanged = 0
    for record, person_id in plans:
        values = {name: getattr(record, name) for name in RECORD_FIELDS}
        role = record.role_at(meeting.code)
        if person_id is None:
            values["overseas_korean"] = bool(values["overseas_korean"])
            creates.append((values, role or MeetingRole.RESEARCHER))
            continue
        person = stored[person_id]
        changes = {name: value for name, value in values.items() if value is not None and person[name] != value}
        if changes:
            person_updates.append({"id": person_id, **changes, "updated_at": now})
        current = attendance.get(person_id)
        if current is None and record.names_other_meetings_only(meeting.code):
            unchanged += 0 if changes else 1  # the row says where they were, and it was not this meeting
        elif current is None:
            new_attendances.append(
                {"meeting_id": meeting.id, "participant_id": person_id, "role": role or MeetingRole.RESEARCHER}
            )
        elif role is not None and current[1] != role:
            role_updates.append({"id": current[0], "role": role})
        else:
            unchanged += 0 if changes else 1
    updated = len(plans) - len(creates) - unchanged
    result = replace(base, created=len(creates), updated=updated, unchanged=unchanged)
    if dry_run:
        return result

    if person_updates:
        session.execute(update(Participant), person_updates)
    if creates:
        # executemany without RETURNING: with it SQLite would insert one row per statement to keep the order
        session.execute(insert(Participant), [values for values, _ in creates])
        created = _ids_by_identifier(session, [values for values, _ in creates])
        new_attendances += [
            {"meeting_id": meeting.id, "participant_id": created[values["email"] or values["orcid"]], "role": role}
            for values, role in creates
        ]
    if new_attendances:
        session.execute(insert(MeetingAttendance), new_attendances)
    if role_updates:
        session.execute(update(MeetingAttendance), role_updates)
    if creates or updated:
        audit.record(
            session,
            actor=actor,
            action="participant.import",
            entity="meeting",
            entity_id=meeting.id,
            details={"rows": sheet.rows, "created": len(creates), "updated": updated, "unchanged": unchanged},
        )
    return result


# --- meetings ---------------------------------------------------------------------------------------------

MEETING_FIELDS = ("field", "starts_on", "ends_on", "title_ko", "title_en", "venue", "organizers")


def import_meetings(
    session: Session, sheet: MeetingSheet, *, dry_run: bool = False, actor: str = "cli:import"
) -> MeetingImportResult:
    """Create or update one meeting per row, by code; nothing when a row is bad. Blank cells keep stored values."""
    base = MeetingImportResult(rows=sheet.rows, ignored_columns=sheet.header.ignored, dry_run=dry_run)
    if sheet.errors:
        return replace(base, errors=sheet.errors)
    codes = [record.code for record in sheet.records]
    existing = (
        {meeting.code: meeting for meeting in session.scalars(select(Meeting).where(Meeting.code.in_(codes)))}
        if codes
        else {}
    )
    creates: list[dict[str, Any]] = []
    changes: list[tuple[Meeting, dict[str, Any]]] = []
    unchanged: list[str] = []
    errors: list[RowError] = []
    for record in sheet.records:
        values = {name: getattr(record, name) for name in MEETING_FIELDS}
        meeting = existing.get(record.code)
        if meeting is None:
            creates.append({"code": record.code, **values})
            continue
        changed = {
            name: value for name, value in values.items() if value is not None and getattr(meeting, name) != value
        }
        if changed.get("ends_on", meeting.ends_on) < changed.get("starts_on", meeting.starts_on):
            errors.append(RowError(record.row, sheet.header.label("ends_on"), "participants.error.dates_order"))
        elif changed:
            changes.append((meeting, changed))
        else:
            unchanged.append(record.code)
    if errors:
        return replace(base, errors=tuple(errors))
    if not dry_run:
        for meeting, changed in changes:
            for name, value in changed.items():
                setattr(meeting, name, value)
            audit.record(
                session,
                actor=actor,
                action="meeting.update",
                entity="meeting",
                entity_id=meeting.id,
                details={"fields": sorted(changed)},
            )
        for values in creates:
            meeting = Meeting(**values)
            session.add(meeting)
            session.flush()
            audit.record(session, actor=actor, action="meeting.create", entity="meeting", entity_id=meeting.id)
    return replace(
        base,
        created=tuple(values["code"] for values in creates),
        updated=tuple(meeting.code for meeting, _ in changes),
        unchanged=tuple(unchanged),
    )
