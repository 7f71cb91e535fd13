"""What the reports feature talks about, defined once: the narrative's ids and forms, and the reports built,
stored, requested and delivered. Plain values: the views render them, the services make them."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from bot.domain import Language, Quarter
from bot.errors import UserError
from bot.i18n import t
from bot.refs import ClubRef
from bot.reports.period import Period
from bot.reports.text import period_label

#: The button in the leaders' DM (and on the App Home) that opens the narrative modal, and the modal's id.
NARRATIVE_ACTION = "reports_narrative_open"
NARRATIVE_CALLBACK = "reports_narrative"
NARRATIVE_FIELDS = ("highlights", "difficulties", "plans", "support")
NARRATIVE_MAX = 3000
#: The scope of the program's report (a club's is `club:<id>`).
PROGRAM = "program"


# --- the narrative ---------------------------------------------------------------------------------------------


def action_value(club_id: int, period: str) -> str:
    """The narrative button's value: which club and quarter it is about."""
    return json.dumps({"club": club_id, "period": period}, separators=(",", ":"))


def parse_action_value(value: str | None) -> tuple[int, str]:
    """(club id, quarter) from a narrative button's value; UserError when it is not one."""
    try:
        data = json.loads(value or "")
        return int(data["club"]), str(quarter_of(str(data["period"])))
    except (ValueError, KeyError, TypeError):
        raise UserError("reports.error.bad_request") from None


def quarter_of(period: str) -> Quarter:
    """The quarter a narrative is for; UserError when `period` is not a quarter."""
    try:
        return Quarter.parse(period)
    except ValueError:
        raise UserError("reports.error.bad_request") from None


@dataclass(frozen=True)
class NarrativeAsk:
    """One DM to one leader: who, in which language, about which club and quarter."""

    user_id: str
    lang: Language
    club_id: int
    club_name: str
    period: str
    step: str
    due_on: date


@dataclass(frozen=True)
class NarrativeForm:
    club_id: int
    club_name: str
    period: str
    closed: bool
    values: dict[str, str]  # the saved narrative, or the pre-filled draft
    saved: bool
    items: tuple[str, ...]  # what the club filed in the quarter, as lines
    answered_by: str | None = None
    answered_at: datetime | None = None


@dataclass(frozen=True)
class SavedNarrative:
    club_name: str
    period: str
    created: bool


@dataclass(frozen=True)
class NarrativeStatus:
    club_name: str
    answered_by: str | None
    answered_at: datetime | None


# --- reports ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BuiltFile:
    kind: str  # docx, xlsx, png, pdf
    lang: str
    path: str  # its path name: <period>/<scope folder>/<file name>
    title_key: str  # catalog key of the title shown in Slack
    file_id: int | None = None  # the stored file (`storage.files`), when it is in the database

    def title(self, period: Period, name: str = "") -> str:
        return t(self.lang, self.title_key, period=period_label(period, self.lang), club=name)

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"kind": self.kind, "lang": self.lang, "path": self.path, "title_key": self.title_key}
        if self.file_id is not None:
            data["file_id"] = self.file_id
        return data

    @classmethod
    def of_json(cls, data: dict[str, Any]) -> BuiltFile:
        file_id = data.get("file_id")
        return cls(
            str(data["kind"]),
            str(data["lang"]),
            str(data["path"]),
            str(data["title_key"]),
            int(file_id) if file_id is not None else None,
        )


@dataclass(frozen=True)
class BuiltReport:
    period: Period
    scope: str  # "program" or "club:<id>"
    club_id: int | None
    club_name: str | None
    files: tuple[BuiltFile, ...]
    summary: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ReportTarget:
    period: Period
    scope: str  # "program" or "club:<id>"
    club: ClubRef | None
    finished: bool


@dataclass(frozen=True)
class StoredReport:
    """A built report as handlers and views see it (stored or a draft)."""

    period: Period
    scope: str
    club_id: int | None
    club_name: str | None
    files: tuple[BuiltFile, ...]
    summary: dict[str, Any] = field(default_factory=dict)
    built_at: datetime | None = None
    stored: bool = True

    @classmethod
    def of_built(cls, built: BuiltReport, built_at: datetime, *, stored: bool) -> StoredReport:
        return cls(
            built.period, built.scope, built.club_id, built.club_name, built.files, built.summary, built_at, stored
        )


@dataclass(frozen=True)
class RequestedReport:
    report: StoredReport
    rebuilt: bool
    files_to: str  # "dm" or the channel the files were posted in


@dataclass(frozen=True)
class Upload:
    """One file of a report to send: the stored file's id, its name and its title."""

    file_id: int
    filename: str
    title: str
