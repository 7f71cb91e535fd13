"""What the participants feature talks about, defined once: the records read from the secretariat's files
(with their bad cells), the export's rows, and what each operation on the participant database did.
Plain values, shared by the file readers (`sheets`), the operations (`importing`, `overseas`, `export`,
`records`, `erasure`) and the command line (`cli`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from bot.domain import CareerStage, ClubRole, FieldKey, MeetingRole
from bot.participants.names import both_names

# --- lookups that found nothing -------------------------------------------------------------------------


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


# --- the files read ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    """One bad cell: `row` as the spreadsheet numbers it, `column` as the file heads it."""

    row: int
    column: str
    key: str
    params: Mapping[str, object] = field(default_factory=dict)
    value: str = ""


@dataclass(frozen=True)
class Header:
    row: int
    index: Mapping[str, int]  # column name → position
    labels: Mapping[str, str]  # column name → the header text in the file
    ignored: tuple[str, ...]  # header texts of columns that are not read

    def label(self, column: str) -> str:
        return self.labels.get(column, column)


@dataclass(frozen=True)
class ParticipantRecord:
    row: int
    name_ko: str | None = None
    name_en: str | None = None
    email: str | None = None
    affiliation: str | None = None
    country: str | None = None
    career_stage: CareerStage | None = None
    role: MeetingRole | None = None
    orcid: str | None = None
    overseas_korean: bool | None = None
    overseas_association: str | None = None
    slack_user_id: str | None = None
    #: The role cell of an export of several meetings (`XL-2026-09: 조직위원장; XL-2026-11: 참가자`): the role at
    #: each meeting named; importing it for a meeting takes that meeting's role (and adds no attendance at a
    #: meeting the cell does not name).
    meeting_roles: tuple[tuple[str, MeetingRole], ...] = ()

    def role_at(self, meeting_code: str) -> MeetingRole | None:
        if self.role is not None:
            return self.role
        wanted = meeting_code.casefold()
        return next((role for code, role in self.meeting_roles if code.casefold() == wanted), None)

    def names_other_meetings_only(self, meeting_code: str) -> bool:
        return bool(self.meeting_roles) and self.role_at(meeting_code) is None


@dataclass(frozen=True)
class ParticipantSheet:
    header: Header
    records: tuple[ParticipantRecord, ...]  # the rows without errors
    errors: tuple[RowError, ...]
    rows: int  # data rows read

    @property
    def ignored_columns(self) -> tuple[str, ...]:
        return self.header.ignored


@dataclass(frozen=True)
class MeetingRecord:
    row: int
    code: str
    field: FieldKey
    starts_on: date
    ends_on: date
    title_ko: str | None = None
    title_en: str | None = None
    venue: str | None = None
    organizers: str | None = None


@dataclass(frozen=True)
class MeetingSheet:
    header: Header
    records: tuple[MeetingRecord, ...]
    errors: tuple[RowError, ...]
    rows: int


@dataclass(frozen=True)
class OverseasRecord:
    row: int
    name_ko: str | None = None
    name_en: str | None = None
    email: str | None = None
    affiliation: str | None = None
    country: str | None = None
    association: str | None = None
    orcid: str | None = None

    @property
    def label(self) -> str:
        """The record's names, both scripts, for the linking summary."""
        return both_names(self.name_ko, self.name_en)


@dataclass(frozen=True)
class OverseasSheet:
    header: Header
    records: tuple[OverseasRecord, ...]
    warnings: tuple[RowError, ...]  # values that could not be used; the record is still matched on the rest


@dataclass(frozen=True)
class ExportRow:
    """One person in the export, as the database has them."""

    name_ko: str | None
    name_en: str | None
    email: str | None
    affiliation: str | None
    country: str | None
    career_stage: CareerStage | None
    overseas_korean: bool
    overseas_association: str | None
    orcid: str | None
    roles: tuple[tuple[str, MeetingRole], ...]  # (meeting code, role)
    clubs: tuple[tuple[str, ClubRole], ...]  # (club name, role)


# --- what the operations did ------------------------------------------------------------------------------


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


@dataclass(frozen=True)
class LinkedParticipant:
    """A participant as the overseas-database linking summary shows them."""

    participant_id: int
    name: str
    email: str | None
    affiliation: str | None


@dataclass(frozen=True)
class OverseasLink:
    record: OverseasRecord
    person: LinkedParticipant
    rule: str  # "email", "orcid" or "name_affiliation"
    changed: bool


@dataclass(frozen=True)
class OverseasAmbiguity:
    """Records and people that could be linked more than one way: reported, never guessed."""

    records: tuple[OverseasRecord, ...]
    people: tuple[LinkedParticipant, ...]


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


@dataclass(frozen=True)
class ExportSelection:
    rows: tuple[ExportRow, ...]
    meeting_code: str | None
    club_name: str | None

    @property
    def one_meeting(self) -> bool:
        return self.meeting_code is not None


@dataclass(frozen=True)
class RecordUpdate:
    """`errors` maps a field to the catalog key of its problem (for the modal to show on that field)."""

    participant_id: int
    changed: tuple[str, ...] = ()
    errors: Mapping[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class ErasureResult:
    """How many rows each step touched; no personal data."""

    participant_id: int
    counts: Mapping[str, int]


@dataclass(frozen=True)
class PersonalDataHit:
    table: str
    column: str
    row: str  # the row's primary key
