"""The three files the secretariat hands in (participants, meetings, the overseas Korean scientists and
engineers database) read into typed records, and the participants export's header and cells.

Headers are recognised in Korean or English with aliases (`bot.participants.headers`); the header is the
first of the sheet's first ten rows in which two or more cells are known headers, so a title row above it
is fine. Columns nobody asked for are ignored and listed. Row numbers are the spreadsheet's own (header on
row 1 → first person on row 2). The records read are `bot.participants.types`.

A blank cell means "not given": importing it never clears a stored value. Every row is checked before
anything is written; `ParticipantSheet.errors` lists each bad cell (row, column as headed in the file,
reason) and the import writes nothing while there is one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from bot.domain import Language, MeetingRole
from bot.i18n import t
from bot.participants.headers import (
    EXPORT_COLUMNS,
    EXPORT_HEADER_KEY,
    MEETING_COLUMNS,
    OVERSEAS_COLUMNS,
    PARTICIPANT_COLUMNS,
    aliases_for_help,
    find_header,
)
from bot.participants.tables import RawTable, TableError
from bot.participants.types import (
    ExportRow,
    Header,
    MeetingRecord,
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
    contains_hangul,
    country_name,
    parse_career_stage,
    parse_country,
    parse_date,
    parse_email,
    parse_field,
    parse_name,
    parse_orcid,
    parse_role_cell,
    parse_slack_user_id,
    parse_yes_no,
)

T = TypeVar("T")

#: Words in an XLSX sheet's name that pick it over the first sheet.
PARTICIPANT_SHEETS = ("participants", "participant", "참가자", "attendees", "명단")
MEETING_SHEETS = ("meetings", "meeting", "행사", "회의")
OVERSEAS_SHEETS = ("members", "회원", "db")


def _data_rows(raw: RawTable, header: Header) -> list[tuple[int, tuple[str, ...]]]:
    return [(number, cells) for number, cells in raw.rows if number > header.row]


class _RowReader:
    """Reads one row's cells by column name, collecting errors instead of stopping at the first."""

    def __init__(self, header: Header, number: int, cells: tuple[str, ...], errors: list[RowError]) -> None:
        self.header, self.number, self.cells, self.errors = header, number, cells, errors

    def text(self, column: str) -> str:
        position = self.header.index.get(column)
        if position is None or position >= len(self.cells):
            return ""
        return clean_text(self.cells[position])

    def parsed(self, column: str, parse: Callable[[str], T]) -> T | None:
        raw = self.text(column)
        if not raw:
            return None
        try:
            return parse(raw)
        except InvalidValue as problem:
            self.error(column, problem.key, value=raw, **problem.params)
            return None

    def error(self, column: str, key: str, *, value: str = "", **params: object) -> None:
        self.errors.append(RowError(self.number, self.header.label(column), key, params, value))


def _length(field_name: str) -> Callable[[str], str]:
    return lambda value: check_length(field_name, value)


def _split_names(reader: _RowReader) -> tuple[str | None, str | None]:
    """(name_ko, name_en): separate columns win; a single name column fills the slot of its script."""
    name_ko = reader.parsed("name_ko", lambda v: parse_name("name_ko", v))
    name_en = reader.parsed("name_en", lambda v: parse_name("name_en", v))
    raw = reader.text("name")
    if raw:
        slot = "name_ko" if contains_hangul(raw) else "name_en"
        name = reader.parsed("name", lambda v: parse_name(slot, v))
        if slot == "name_ko" and name_ko is None:
            name_ko = name
        elif slot == "name_en" and name_en is None:
            name_en = name
    return name_ko, name_en


def _name_column(header: Header) -> str:
    return next((column for column in ("name", "name_ko", "name_en") if column in header.index), "name")


def _first_seen(reader: _RowReader, seen: dict[str, int], column: str, value: str | None, key: str) -> None:
    """Report a value (email, ORCID...) met on an earlier row of the same file."""
    if value is None:
        return
    if value in seen:
        reader.error(column, key, value=value, row=seen[value])
    else:
        seen[value] = reader.number


# --- participants ---------------------------------------------------------------------------------


def read_participants(raw: RawTable) -> ParticipantSheet:
    header = find_header(raw, PARTICIPANT_COLUMNS, catalog_headers=True)
    if not any(column in header.index for column in ("name", "name_ko", "name_en")):
        raise TableError("participants.file.missing_column", columns="이름/name, 한글이름/name_ko, 영문이름/name_en")
    if "email" not in header.index and "orcid" not in header.index:
        raise TableError("participants.file.missing_column", columns="이메일/email, ORCID")
    errors: list[RowError] = []
    records: list[ParticipantRecord] = []
    seen_email: dict[str, int] = {}
    seen_orcid: dict[str, int] = {}
    seen_slack: dict[str, int] = {}
    data = _data_rows(raw, header)
    for number, cells in data:
        before = len(errors)
        reader = _RowReader(header, number, cells, errors)
        name_ko, name_en = _split_names(reader)
        email = reader.parsed("email", parse_email)
        orcid = reader.parsed("orcid", parse_orcid)
        slack_user_id = reader.parsed("slack_user_id", parse_slack_user_id)
        roles = reader.parsed("role", parse_role_cell)
        record = ParticipantRecord(
            row=number,
            name_ko=name_ko,
            name_en=name_en,
            email=email,
            affiliation=reader.parsed("affiliation", _length("affiliation")),
            country=reader.parsed("country", parse_country),
            career_stage=reader.parsed("career_stage", parse_career_stage),
            role=roles if isinstance(roles, MeetingRole) else None,
            meeting_roles=roles if isinstance(roles, tuple) else (),
            orcid=orcid,
            overseas_korean=reader.parsed("overseas_korean", parse_yes_no),
            overseas_association=reader.parsed("overseas_association", _length("overseas_association")),
            slack_user_id=slack_user_id,
        )
        if (
            name_ko is None
            and name_en is None
            and not any(reader.text(column) for column in ("name", "name_ko", "name_en"))
        ):
            reader.error(_name_column(header), "participants.error.missing_name")
        if email is None and orcid is None and not reader.text("email") and not reader.text("orcid"):
            reader.error("email" if "email" in header.index else "orcid", "participants.error.no_identifier")
        _first_seen(reader, seen_email, "email", email, "participants.error.duplicate_email")
        _first_seen(reader, seen_orcid, "orcid", orcid, "participants.error.duplicate_orcid")
        _first_seen(reader, seen_slack, "slack_user_id", slack_user_id, "participants.error.duplicate_slack_id")
        if len(errors) == before:
            records.append(record)
    return ParticipantSheet(header=header, records=tuple(records), errors=tuple(errors), rows=len(data))


# --- meetings ----------------------------------------------------------------------------------------


def _parse_code(value: str) -> str:
    if any(ch.isspace() for ch in value):
        raise InvalidValue("participants.error.bad_code")
    return check_length("code", value)


def read_meetings(raw: RawTable) -> MeetingSheet:
    header = find_header(raw, MEETING_COLUMNS)
    missing = [column for column in ("code", "field", "starts_on") if column not in header.index]
    if missing:
        raise TableError(
            "participants.file.missing_column",
            columns=", ".join(aliases_for_help({column: MEETING_COLUMNS[column] for column in missing})),
        )
    errors: list[RowError] = []
    records: list[MeetingRecord] = []
    seen_code: dict[str, int] = {}
    data = _data_rows(raw, header)
    for number, cells in data:
        before = len(errors)
        reader = _RowReader(header, number, cells, errors)
        code = reader.parsed("code", _parse_code)
        meeting_field = reader.parsed("field", parse_field)
        starts_on = reader.parsed("starts_on", parse_date)
        ends_on = reader.parsed("ends_on", parse_date) or starts_on
        title_ko = reader.parsed("title_ko", _length("title_ko"))
        title_en = reader.parsed("title_en", _length("title_en"))
        venue = reader.parsed("venue", _length("venue"))
        organizers = reader.parsed("organizers", _length("organizers"))
        for column in ("code", "field", "starts_on"):
            if not reader.text(column):
                reader.error(column, "participants.error.required")
        if starts_on and ends_on and ends_on < starts_on:
            reader.error("ends_on", "participants.error.dates_order", value=reader.text("ends_on"))
        _first_seen(reader, seen_code, "code", code, "participants.error.duplicate_code")
        if len(errors) == before and code and meeting_field and starts_on and ends_on:
            records.append(
                MeetingRecord(
                    row=number,
                    code=code,
                    field=meeting_field,
                    starts_on=starts_on,
                    ends_on=ends_on,
                    title_ko=title_ko,
                    title_en=title_en,
                    venue=venue,
                    organizers=organizers,
                )
            )
    return MeetingSheet(header=header, records=tuple(records), errors=tuple(errors), rows=len(data))


# --- the overseas Korean scientists and engineers database -------------------------------------------


def read_overseas(raw: RawTable) -> OverseasSheet:
    """Another organisation's export, read leniently: a bad value is left out (and listed), not fatal."""
    header = find_header(raw, OVERSEAS_COLUMNS)
    warnings: list[RowError] = []
    records: list[OverseasRecord] = []
    for number, cells in _data_rows(raw, header):
        reader = _RowReader(header, number, cells, warnings)
        name_ko, name_en = _split_names(reader)
        records.append(
            OverseasRecord(
                row=number,
                name_ko=name_ko,
                name_en=name_en,
                email=reader.parsed("email", parse_email),
                affiliation=reader.text("affiliation") or None,
                country=reader.parsed("country", parse_country),
                association=reader.parsed("association", _length("overseas_association")),
                orcid=reader.parsed("orcid", parse_orcid),
            )
        )
    return OverseasSheet(header=header, records=tuple(records), warnings=tuple(warnings))


# --- export -----------------------------------------------------------------------------------------------


def export_header(lang: Language | str) -> list[str]:
    return [t(lang, EXPORT_HEADER_KEY.format(column=column)) for column in EXPORT_COLUMNS]


def export_cells(row: ExportRow, lang: Language | str, *, one_meeting: bool = False) -> list[str]:
    """The row's cells as text in `lang`. With `one_meeting`, the role column holds just that meeting's role."""
    if one_meeting:
        roles = "; ".join(t(lang, f"participants.role.{role.value}") for _, role in row.roles)
    else:
        roles = "; ".join(f"{code}: {t(lang, f'participants.role.{role.value}')}" for code, role in row.roles)
    clubs = "; ".join(f"{name} ({t(lang, f'participants.club_role.{role.value}')})" for name, role in row.clubs)
    return [
        row.name_ko or "",
        row.name_en or "",
        row.email or "",
        row.affiliation or "",
        country_name(row.country, lang) if row.country else "",
        t(lang, f"participants.career.{row.career_stage.value}") if row.career_stage else "",
        t(lang, "participants.yes" if row.overseas_korean else "participants.no"),
        row.overseas_association or "",
        row.orcid or "",
        roles,
        clubs,
    ]
