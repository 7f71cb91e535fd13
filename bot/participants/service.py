"""The participant database: import, linking with the overseas Korean scientists and engineers database,
export, erasure and single-record edits.

Plain functions taking a `Session` and typed values (the files already read by `bot.participants.sheets`),
returning plain dataclasses; they never commit (the caller's `Database.session()` does) and never print.
Queries are batched (one SELECT per table, bulk INSERT/UPDATE by executemany), never one SELECT per row.
"""

from __future__ import annotations

import json
import re
import secrets
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import JSON, String, Text, func, insert, or_, select, update
from sqlalchemy.orm import Session

from bot import audit
from bot.domain import CareerStage, ClubRole, MeetingRole, MembershipStatus
from bot.participants.names import person_keys
from bot.participants.sheets import (
    ExportRow,
    MeetingSheet,
    OverseasRecord,
    OverseasSheet,
    ParticipantRecord,
    ParticipantSheet,
    RowError,
)
from bot.participants.values import (
    InvalidValue,
    check_length,
    clean_text,
    parse_career_stage,
    parse_country,
    parse_email,
    parse_name,
    parse_orcid,
    parse_yes_no,
)
from storage.models import (
    AuditEntry,
    Base,
    Club,
    ClubMeeting,
    Meeting,
    MeetingAttendance,
    Membership,
    OutboxMessage,
    Output,
    OutputPerson,
    Participant,
    Plan,
    Report,
    ReportNarrative,
    SharedItem,
    SlackUser,
    SurveyResponse,
    Update,
    utcnow,
)

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


class MeetingNotFound(LookupError):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class ClubNotFound(LookupError):
    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


class ParticipantNotFound(LookupError):
    pass


def _audit(session: Session, actor: str, action: str, entity: str, entity_id: object, **details: Any) -> None:
    audit.record(session, actor=actor, action=action, entity=entity, entity_id=entity_id, details=details)


# --- importing participants -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportResult:
    """What an import did (or, with `dry_run` or `errors`, would do: nothing is written when `errors`)."""

    meeting_code: str
    rows: int
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: tuple[RowError, ...] = ()
    ignored_columns: tuple[str, ...] = ()
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


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
            if value in wanted:
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
    for person_id, person in stored.items():
        for name, index in by_value.items():
            if person[name]:
                index[person[name]] = person_id

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
        if person_id is None:
            values["overseas_korean"] = bool(values["overseas_korean"])
            creates.append((values, record.role or MeetingRole.RESEARCHER))
            continue
        person = stored[person_id]
        changes = {name: value for name, value in values.items() if value is not None and person[name] != value}
        if changes:
            person_updates.append({"id": person_id, **changes, "updated_at": now})
        current = attendance.get(person_id)
        if current is None:
            new_attendances.append(
                {"meeting_id": meeting.id, "participant_id": person_id, "role": record.role or MeetingRole.RESEARCHER}
            )
        elif record.role is not None and current[1] != record.role:
            role_updates.append({"id": current[0], "role": record.role})
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
        _audit(
            session,
            actor,
            "participant.import",
            "meeting",
            meeting.id,
            rows=sheet.rows,
            created=len(creates),
            updated=updated,
            unchanged=unchanged,
        )
    return result


# --- importing meetings ------------------------------------------------------------------------------------

MEETING_FIELDS = ("field", "starts_on", "ends_on", "title_ko", "title_en", "venue", "organizers")


@dataclass(frozen=True)
class MeetingImportResult:
    rows: int
    created: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    errors: tuple[RowError, ...] = ()
    ignored_columns: tuple[str, ...] = ()
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


def import_meetings(
    session: Session, sheet: MeetingSheet, *, dry_run: bool = False, actor: str = "cli:import"
) -> MeetingImportResult:
    """Create or update one meeting per row, by code; nothing when a row is bad. Blank cells keep stored values."""
    base = {"rows": sheet.rows, "ignored_columns": sheet.header.ignored, "dry_run": dry_run}
    if sheet.errors:
        return MeetingImportResult(errors=sheet.errors, **base)
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
        return MeetingImportResult(errors=tuple(errors), **base)
    if not dry_run:
        for meeting, changed in changes:
            for name, value in changed.items():
                setattr(meeting, name, value)
            _audit(session, actor, "meeting.update", "meeting", meeting.id, fields=sorted(changed))
        for values in creates:
            meeting = Meeting(**values)
            session.add(meeting)
            session.flush()
            _audit(session, actor, "meeting.create", "meeting", meeting.id)
    return MeetingImportResult(
        created=tuple(values["code"] for values in creates),
        updated=tuple(meeting.code for meeting, _ in changes),
        unchanged=tuple(unchanged),
        **base,
    )


# --- the overseas Korean scientists and engineers database -----------------------------------------------------


@dataclass(frozen=True)
class PersonRef:
    """A participant as shown in the linking summary."""

    participant_id: int
    name: str
    email: str | None
    affiliation: str | None


@dataclass(frozen=True)
class OverseasLink:
    record: OverseasRecord
    person: PersonRef
    rule: str  # "email", "orcid" or "name_affiliation"
    changed: bool


@dataclass(frozen=True)
class OverseasAmbiguity:
    """Records and people that could be linked more than one way: reported, never guessed."""

    records: tuple[OverseasRecord, ...]
    people: tuple[PersonRef, ...]


@dataclass(frozen=True)
class OverseasLinkResult:
    links: tuple[OverseasLink, ...]
    ambiguous: tuple[OverseasAmbiguity, ...]
    unmatched: tuple[OverseasRecord, ...]
    warnings: tuple[RowError, ...]
    dry_run: bool = False

    def linked_by(self, rule: str) -> int:
        return sum(1 for link in self.links if link.rule == rule)

    @property
    def changed(self) -> int:
        return sum(1 for link in self.links if link.changed)


LINK_RULES = ("email", "orcid", "name_affiliation")


def link_overseas_db(
    session: Session, sheet: OverseasSheet, *, dry_run: bool = False, actor: str = "cli:import"
) -> OverseasLinkResult:
    """Mark the participants found in the overseas database as overseas Koreans, with their association.

    A record is matched by email, else ORCID, else (name, affiliation) as `bot.participants.names`
    normalises them. A record whose email and ORCID point at two people, a record matching several
    people by name and affiliation, and a person matched by several records are ambiguous: reported
    with their candidates, not linked.
    """
    people = session.execute(
        select(
            Participant.id,
            Participant.name_ko,
            Participant.name_en,
            Participant.email,
            Participant.orcid,
            Participant.affiliation,
            Participant.overseas_korean,
            Participant.overseas_association,
        ).where(Participant.forgotten_at.is_(None))
    ).all()
    refs = {
        row.id: PersonRef(
            row.id, " / ".join(n for n in (row.name_ko, row.name_en) if n) or "-", row.email, row.affiliation
        )
        for row in people
    }
    state = {row.id: (row.overseas_korean, row.overseas_association) for row in people}
    by_email = {row.email: row.id for row in people if row.email}
    by_orcid = {row.orcid: row.id for row in people if row.orcid}
    by_key: dict[tuple[str, str], set[int]] = defaultdict(set)
    for row in people:
        for key in person_keys((row.name_ko, row.name_en), row.affiliation):
            by_key[key].add(row.id)

    matches: dict[int, list[tuple[OverseasRecord, str]]] = defaultdict(list)
    ambiguous: list[OverseasAmbiguity] = []
    unmatched: list[OverseasRecord] = []
    for record in sheet.records:
        email_id = by_email.get(record.email or "")
        orcid_id = by_orcid.get(record.orcid or "")
        if email_id and orcid_id and email_id != orcid_id:
            ambiguous.append(OverseasAmbiguity((record,), (refs[email_id], refs[orcid_id])))
        elif email_id or orcid_id:
            person_id = email_id or orcid_id
            matches[person_id].append((record, "email" if email_id else "orcid"))
        else:
            candidates = set().union(
                *(by_key.get(key, set()) for key in person_keys((record.name_ko, record.name_en), record.affiliation))
            )
            if len(candidates) == 1:
                matches[candidates.pop()].append((record, "name_affiliation"))
            elif candidates:
                ambiguous.append(OverseasAmbiguity((record,), tuple(refs[i] for i in sorted(candidates))))
            else:
                unmatched.append(record)

    links: list[OverseasLink] = []
    changes: list[dict[str, Any]] = []
    now = utcnow()
    for person_id, found in matches.items():
        if len(found) > 1:
            ambiguous.append(OverseasAmbiguity(tuple(record for record, _ in found), (refs[person_id],)))
            continue
        record, rule = found[0]
        is_overseas, association = state[person_id]
        new_association = record.association or association
        changed = not is_overseas or new_association != association
        links.append(OverseasLink(record, refs[person_id], rule, changed))
        if changed:
            changes.append(
                {"id": person_id, "overseas_korean": True, "overseas_association": new_association, "updated_at": now}
            )
    ambiguous.sort(key=lambda item: item.records[0].row)
    links.sort(key=lambda link: link.record.row)
    if changes and not dry_run:
        session.execute(update(Participant), changes)
        _audit(
            session,
            actor,
            "participant.link_overseas",
            "participant",
            None,
            linked={rule: sum(1 for link in links if link.rule == rule) for rule in LINK_RULES},
            changed=len(changes),
            ambiguous=len(ambiguous),
            unmatched=len(unmatched),
        )
    return OverseasLinkResult(tuple(links), tuple(ambiguous), tuple(unmatched), sheet.warnings, dry_run)


# --- export ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportSelection:
    rows: tuple[ExportRow, ...]
    meeting_code: str | None
    club_name: str | None

    @property
    def one_meeting(self) -> bool:
        return self.meeting_code is not None


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
    for person_id, name, role in session.execute(club_query):
        clubs[person_id].append((name, role))
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


# --- one record, from Slack ---------------------------------------------------------------------------------------

EDITABLE_FIELDS = (
    "name_ko",
    "name_en",
    "email",
    "affiliation",
    "country",
    "career_stage",
    "orcid",
    "overseas_korean",
    "overseas_association",
)


@dataclass(frozen=True)
class RecordUpdate:
    """`errors` maps a field to the catalog key of its problem (for the modal to show on that field)."""

    participant_id: int
    changed: tuple[str, ...] = ()
    errors: Mapping[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def _parse_edit(name: str, value: str) -> Any:
    if name in {"name_ko", "name_en"}:
        return parse_name(name, value)
    if name == "email":
        return parse_email(value)
    if name == "country":
        return parse_country(value)
    if name == "career_stage":
        return parse_career_stage(value)
    if name == "orcid":
        return parse_orcid(value)
    if name == "overseas_korean":
        return parse_yes_no(value)
    return check_length(name, value)


def update_participant_record(
    session: Session,
    participant_id: int,
    changes: Mapping[str, str | bool | CareerStage | None],
    actor: str,
) -> RecordUpdate:
    """Validate and apply a person's edited fields (by the import's rules); all or nothing.

    A blank value clears an optional field. A person keeps at least one name, and an email or an
    ORCID. The audit entry names the fields changed, never their values.
    """
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    person = session.get(Participant, participant_id)
    if person is None or person.forgotten_at is not None:
        raise ParticipantNotFound(participant_id)
    errors: dict[str, str] = {}
    parsed: dict[str, Any] = {}
    for name, raw in changes.items():
        if isinstance(raw, bool) or raw is None:
            parsed[name] = bool(raw) if name == "overseas_korean" else None
            continue
        text = clean_text(raw)
        if not text:
            parsed[name] = False if name == "overseas_korean" else None
            continue
        try:
            parsed[name] = _parse_edit(name, text)
        except InvalidValue as problem:
            errors[name] = problem.key
    after = {name: parsed.get(name, getattr(person, name)) for name in EDITABLE_FIELDS}
    if not after["name_ko"] and not after["name_en"]:
        for name in ("name_ko", "name_en"):
            if name in changes:
                errors.setdefault(name, "participants.error.missing_name")
    if not after["email"] and not after["orcid"]:
        for name in ("email", "orcid"):
            if name in changes:
                errors.setdefault(name, "participants.error.no_identifier")
    for name, key in (("email", "participants.error.email_taken"), ("orcid", "participants.error.orcid_taken")):
        value = parsed.get(name)
        if value and name not in errors:
            column = getattr(Participant, name)
            other = session.scalar(select(Participant.id).where(column == value, Participant.id != participant_id))
            if other is not None:
                errors[name] = key
    if errors:
        return RecordUpdate(participant_id, errors=errors)
    changed = tuple(name for name in EDITABLE_FIELDS if name in parsed and getattr(person, name) != parsed[name])
    for name in changed:
        setattr(person, name, parsed[name])
    if changed:
        _audit(session, actor, "participant.update", "participant", participant_id, fields=list(changed))
    return RecordUpdate(participant_id, changed=changed)


# --- erasure ------------------------------------------------------------------------------------------------------

ERASED = "[…]"

#: Texts people wrote that may name someone else; an erased person's identifiers are replaced there.
FREE_TEXT_COLUMNS = (
    Meeting.organizers,
    Update.text,
    Output.title,
    Output.note,
    ClubMeeting.summary,
    Plan.text,
    ReportNarrative.highlights,
    ReportNarrative.difficulties,
    ReportNarrative.plans,
    ReportNarrative.support,
    SharedItem.title,
    SharedItem.note,
)
#: JSON documents that may hold identifiers (audit details, queued and sent posts, built reports' figures).
FREE_JSON_COLUMNS = (AuditEntry.details, OutboxMessage.payload, Report.summary)


@dataclass(frozen=True)
class ErasureResult:
    """How many rows each step touched; no personal data."""

    participant_id: int
    counts: Mapping[str, int]


def find_participant_by_email(session: Session, email: str) -> Participant | None:
    try:
        address = parse_email(email)
    except InvalidValue:
        address = email.strip().lower()
    return session.scalar(select(Participant).where(Participant.email == address, Participant.forgotten_at.is_(None)))


def _redactor(person: Participant) -> re.Pattern[str] | None:
    """One pattern for the person's email, ORCID and names (both orders). Latin names match only as whole
    words and only with two words or more (`Kim` alone would erase every other Kim); Hangul names match
    inside words too, since Korean particles attach to them (`김서연은`)."""
    parts = [re.escape(value) for value in (person.email, person.orcid) if value]
    for name in (person.name_ko, person.name_en):
        if not name:
            continue
        words = name.split()
        if len(words) < 2 and name.isascii():
            continue
        for order in {tuple(words), tuple(words[1:] + words[:1])}:
            body = r"\s+".join(re.escape(word) for word in order)
            parts.append(body if not order[0].isascii() else rf"(?<!\w){body}(?!\w)")
    if not parts:
        return None
    parts.sort(key=len, reverse=True)
    return re.compile("|".join(parts), re.IGNORECASE)


def _redact(value: Any, pattern: re.Pattern[str] | None, slack_id: str | None, token: str) -> Any:
    if isinstance(value, str):
        text = value.replace(slack_id, token) if slack_id else value
        return pattern.sub(ERASED, text) if pattern else text
    if isinstance(value, list):
        return [_redact(item, pattern, slack_id, token) for item in value]
    if isinstance(value, dict):
        return {
            _redact(key, pattern, slack_id, token): _redact(item, pattern, slack_id, token)
            for key, item in value.items()
        }
    return value


def forget_participant(session: Session, participant_id: int, *, actor: str = "cli:forget") -> ErasureResult:
    """Erase a person's personal data on their request, keeping what is counted anonymously.

    Erased: names, email, affiliation, ORCID, Slack user ID and overseas association of the participant
    row (which stays, with `forgotten_at`, so memberships, outputs, updates, attendance and survey scores
    still count); their Slack profile cache; their name and email wherever they are listed on an
    output; their survey comments. Their Slack user ID is replaced by one random `anon-…` token in
    every column that holds Slack user IDs (activity counts, audit actors, `created_by`/`deleted_by`...),
    so per-person counts stay right. Their email, ORCID, names and Slack ID are replaced by `[…]` in
    free texts and JSON documents (updates, outputs, plans, narratives, audit details, posts). Kept:
    country, career stage, overseas-Korean flag and language, which are counted in reports. The
    audit entry of the erasure holds only the participant id and counts.
    """
    person = session.get(Participant, participant_id)
    if person is None or person.forgotten_at is not None:
        raise ParticipantNotFound(participant_id)
    token = f"anon-{secrets.token_hex(8)}"
    slack_id = person.slack_user_id
    email = person.email
    names = [name for name in (person.name_ko, person.name_en) if name]
    pattern = _redactor(person)
    counts: dict[str, int] = {}

    # The Slack profile cache, by user ID and by email.
    cache_filter = [SlackUser.user_id == slack_id] if slack_id else []
    if email:
        cache_filter.append(SlackUser.email == email)
    cached = session.scalars(select(SlackUser).where(or_(*cache_filter))).all() if cache_filter else []
    for row in cached:
        session.delete(row)
    counts["slack_users"] = len(cached)

    # Outputs listing them by participant, email or name.
    people_filter = [OutputPerson.participant_id == participant_id]
    if email:
        people_filter.append(func.lower(OutputPerson.email) == email)
    if names:
        people_filter.append(func.lower(OutputPerson.name).in_([name.lower() for name in names]))
    listed = session.scalars(select(OutputPerson).where(or_(*people_filter))).all()
    for row in listed:
        row.name = None
        row.email = None
    counts["output_people"] = len(listed)

    comments = session.scalars(
        select(SurveyResponse).where(
            SurveyResponse.participant_id == participant_id, SurveyResponse.comment.is_not(None)
        )
    ).all()
    for response in comments:
        response.comment = None
    counts["survey_comments"] = len(comments)

    person.name_ko = person.name_en = person.email = person.affiliation = None
    person.orcid = person.slack_user_id = person.overseas_association = None
    person.forgotten_at = utcnow()
    session.flush()

    if slack_id:
        replaced = 0
        for column in _slack_id_columns(len(token)):
            replaced += (
                session.execute(update(column.table).where(column == slack_id).values({column.name: token})).rowcount
                or 0
            )
        counts["slack_id_references"] = replaced

    counts["texts"] = _redact_free_texts(session, pattern, slack_id, token)
    session.flush()
    _audit(session, actor, "participant.forget", "participant", participant_id, counts=counts)
    return ErasureResult(participant_id=participant_id, counts=counts)


def _slack_id_columns(min_length: int) -> list[Any]:
    """The string columns that may hold a Slack user ID as their whole value (`slack_user_id`, `actor`,
    `created_by`, `deleted_by`...): every short string column, since an exact match is unambiguous."""
    skip = {("participants", "slack_user_id"), ("slack_users", "user_id")}
    return [
        column
        for table in Base.metadata.sorted_tables
        for column in table.columns
        if isinstance(column.type, String)
        and not isinstance(column.type, Text)
        and not getattr(column.type, "enums", None)
        and (column.type.length or 0) >= min_length
        and not column.primary_key
        and (table.name, column.name) not in skip
    ]


def _redact_free_texts(session: Session, pattern: re.Pattern[str] | None, slack_id: str | None, token: str) -> int:
    """Replace the identifiers in every free text and JSON document; returns the number of cells changed."""
    by_entity: dict[Any, list[str]] = defaultdict(list)
    for column in (*FREE_TEXT_COLUMNS, *FREE_JSON_COLUMNS):
        by_entity[column.class_].append(column.key)
    changed = 0
    for entity, keys in by_entity.items():
        for row in session.scalars(select(entity)).all():
            for key in keys:
                value = getattr(row, key)
                redacted = _redact(value, pattern, slack_id, token)
                if redacted != value:
                    setattr(row, key, redacted)
                    changed += 1
    return changed


@dataclass(frozen=True)
class PersonalDataHit:
    table: str
    column: str
    row: str  # the row's primary key


def find_personal_data(session: Session, values: Iterable[str]) -> list[PersonalDataHit]:
    """Every text or JSON cell, in every table, containing one of `values` (case-insensitive).

    It takes the values rather than a participant id because after an erasure the participant row no
    longer holds them: capture them first, erase, then search. JSON is searched as decoded text, so
    Korean stored as `\\uXXXX` escapes is found too. It reads every row: an audit tool, not a hot path.
    """
    needles = [value.casefold() for value in values if value and value.strip()]
    hits: list[PersonalDataHit] = []
    if not needles:
        return hits
    for table in Base.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, String | Text | JSON)]
        if not columns:
            continue
        keys = list(table.primary_key.columns)
        for row in session.execute(select(*keys, *columns)).mappings():
            for column in columns:
                value = row[column.name]
                if value is None:
                    continue
                text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
                folded = text.casefold()
                if any(needle in folded for needle in needles):
                    hits.append(PersonalDataHit(table.name, column.name, ",".join(str(row[k.name]) for k in keys)))
    return hits
