"""The secretariat's participant database tools on the command line.

    clubbot import participants FILE --meeting CODE [--dry-run]
    clubbot import meeting FILE [--dry-run]
    clubbot import overseas-db FILE [--dry-run] [--list-unmatched]
    clubbot export participants [--format csv|xlsx] [--club NAME] [--meeting CODE] [--lang ko|en] [--out FILE]
    clubbot forget EMAIL [--yes]

Messages are in `CLUBBOT_LANGUAGE` (the export's header row in `--lang`). Exit status: 0 done, 1 the
file, the person or the request was refused (nothing written), 2 settings or database problems.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from bot.cli.help import help_texts
from bot.i18n import t
from bot.participants import sheets
from bot.participants.erasure import find_participant_by_email, forget_participant
from bot.participants.export import export_participants
from bot.participants.importing import import_meetings, import_participants
from bot.participants.overseas import link_overseas_db
from bot.participants.tables import RawTable, TableError, read_table, write_csv, write_xlsx
from bot.participants.types import ClubNotFound, LinkedParticipant, MeetingNotFound, RowError
from bot.reports.upkeep import rebuild_naming
from bot.settings import Settings, SettingsError, load_settings
from bot.startup import StartupError, check_schema, fail, say_database
from storage.db import Database
from storage.models import utcnow


def add_commands(subparsers: Any) -> None:
    """Add `import`, `export` and `forget` to the `clubbot` parser; each sets `args.handler`."""
    h = help_texts()

    importer = subparsers.add_parser("import", help=h("participants.help.import"))
    imports = importer.add_subparsers(dest="import_what", required=True, metavar="WHAT")
    participants = imports.add_parser("participants", help=h("participants.help.import_participants"))
    participants.add_argument("file", type=Path, metavar="FILE", help=h("participants.help.file"))
    participants.add_argument("--meeting", required=True, metavar="CODE", help=h("participants.help.meeting_code"))
    participants.add_argument("--dry-run", action="store_true", help=h("participants.help.dry_run"))
    meeting = imports.add_parser("meeting", help=h("participants.help.import_meeting"))
    meeting.add_argument("file", type=Path, metavar="FILE", help=h("participants.help.file"))
    meeting.add_argument("--dry-run", action="store_true", help=h("participants.help.dry_run"))
    overseas = imports.add_parser("overseas-db", help=h("participants.help.import_overseas"))
    overseas.add_argument("file", type=Path, metavar="FILE", help=h("participants.help.file"))
    overseas.add_argument("--dry-run", action="store_true", help=h("participants.help.dry_run"))
    overseas.add_argument("--list-unmatched", action="store_true", help=h("participants.help.list_unmatched"))

    exporter = subparsers.add_parser("export", help=h("participants.help.export"))
    exports = exporter.add_subparsers(dest="export_what", required=True, metavar="WHAT")
    export = exports.add_parser("participants", help=h("participants.help.export_participants"))
    export.add_argument("--format", choices=["csv", "xlsx"], default="csv", help=h("participants.help.format"))
    export.add_argument("--club", metavar="NAME", help=h("participants.help.club"))
    export.add_argument("--meeting", metavar="CODE", help=h("participants.help.meeting_filter"))
    export.add_argument("--lang", choices=["ko", "en"], help=h("participants.help.lang"))
    export.add_argument("--out", type=Path, metavar="FILE", help=h("participants.help.out"))

    forget = subparsers.add_parser("forget", help=h("participants.help.forget"))
    forget.add_argument("email", metavar="EMAIL", help=h("participants.help.email"))
    forget.add_argument("--yes", action="store_true", help=h("participants.help.yes"))
    importer.set_defaults(handler=run_import)
    exporter.set_defaults(handler=run_export)
    forget.set_defaults(handler=run_forget)


# --- shared ----------------------------------------------------------------------------------------------


def _settings() -> Settings:
    try:
        return load_settings()
    except SettingsError as error:
        fail(str(error))


@contextmanager
def _database(settings: Settings) -> Iterator[Database]:
    database = Database(settings.database_url)
    try:
        try:
            check_schema(settings, database)
        except StartupError as error:
            fail(str(error))
        yield database
    finally:
        database.dispose()


def _say(text: str, stream: IO[str] | None = None) -> None:
    print(text, file=stream or sys.stdout)


def _read(path: Path, lang: str, sheet_words: Sequence[str]) -> RawTable | None:
    try:
        raw = read_table(path, sheet_words=sheet_words)
    except TableError as problem:
        _file_error(path, problem, lang)
        return None
    detail = raw.encoding if raw.kind == "csv" else raw.sheet
    _say(t(lang, "participants.cli.file_read", path=str(path), kind=raw.kind.upper(), detail=detail or ""))
    return raw


def _file_error(path: Path, problem: TableError, lang: str) -> int:
    _say(
        t(lang, "participants.cli.file_error", path=str(path), reason=t(lang, problem.key, **problem.params)),
        sys.stderr,
    )
    return 1


def _print_row_errors(errors: Sequence[RowError], lang: str, stream: IO[str]) -> None:
    for error in errors:
        reason = t(lang, error.key, **error.params)
        if error.value:
            value = error.value if len(error.value) <= 60 else error.value[:57] + "..."
            _say(
                t(
                    lang,
                    "participants.cli.row_error_value",
                    row=error.row,
                    column=error.column,
                    reason=reason,
                    value=value,
                ),
                stream,
            )
        else:
            _say(t(lang, "participants.cli.row_error", row=error.row, column=error.column, reason=reason), stream)


def _print_ignored(columns: Sequence[str], lang: str) -> None:
    if columns:
        _say(t(lang, "participants.cli.ignored_columns", columns=", ".join(columns)))


def _rejected(errors: Sequence[RowError], lang: str) -> int:
    _say(t(lang, "participants.cli.rejected", count=len({error.row for error in errors})), sys.stderr)
    _print_row_errors(errors, lang, sys.stderr)
    return 1


# --- import ------------------------------------------------------------------------------------------------


def run_import(args: argparse.Namespace) -> int:
    settings = _settings()
    say_database(settings)
    lang = settings.language
    if args.import_what == "participants":
        return _import_participants(args, settings, lang)
    if args.import_what == "meeting":
        return _import_meeting(args, settings, lang)
    return _import_overseas(args, settings, lang)


def _import_participants(args: argparse.Namespace, settings: Settings, lang: str) -> int:
    raw = _read(args.file, lang, sheets.PARTICIPANT_SHEETS)
    if raw is None:
        return 1
    try:
        sheet = sheets.read_participants(raw)
    except TableError as problem:
        return _file_error(args.file, problem, lang)
    _print_ignored(sheet.ignored_columns, lang)
    with _database(settings) as database, database.session() as session:
        try:
            result = import_participants(session, sheet, args.meeting, dry_run=args.dry_run)
        except MeetingNotFound as missing:
            _say(t(lang, "participants.cli.meeting_not_found", code=missing.code), sys.stderr)
            return 1
    if not result.ok:
        return _rejected(result.errors, lang)
    _say(
        t(
            lang,
            "participants.cli.imported",
            meeting=result.meeting_code,
            rows=result.rows,
            created=result.created,
            updated=result.updated,
            unchanged=result.unchanged,
        )
    )
    if result.dry_run:
        _say(t(lang, "participants.cli.dry_run"))
    return 0


def _import_meeting(args: argparse.Namespace, settings: Settings, lang: str) -> int:
    raw = _read(args.file, lang, sheets.MEETING_SHEETS)
    if raw is None:
        return 1
    try:
        sheet = sheets.read_meetings(raw)
    except TableError as problem:
        return _file_error(args.file, problem, lang)
    _print_ignored(sheet.header.ignored, lang)
    with _database(settings) as database, database.session() as session:
        result = import_meetings(session, sheet, dry_run=args.dry_run)
    if not result.ok:
        return _rejected(result.errors, lang)
    _say(
        t(
            lang,
            "participants.cli.meetings_imported",
            created=len(result.created),
            updated=len(result.updated),
            unchanged=len(result.unchanged),
        )
    )
    for key, codes in (
        ("participants.cli.meetings_created", result.created),
        ("participants.cli.meetings_updated", result.updated),
    ):
        if codes:
            _say(t(lang, key, codes=", ".join(codes)))
    if result.dry_run:
        _say(t(lang, "participants.cli.dry_run"))
    return 0


def _import_overseas(args: argparse.Namespace, settings: Settings, lang: str) -> int:
    raw = _read(args.file, lang, sheets.OVERSEAS_SHEETS)
    if raw is None:
        return 1
    try:
        sheet = sheets.read_overseas(raw)
    except TableError as problem:
        return _file_error(args.file, problem, lang)
    _print_ignored(sheet.header.ignored, lang)
    with _database(settings) as database, database.session() as session:
        result = link_overseas_db(session, sheet, dry_run=args.dry_run)
    _say(t(lang, "participants.cli.overseas.records", count=len(sheet.records)))
    _say(
        t(
            lang,
            "participants.cli.overseas.linked",
            count=len(result.links),
            email=result.linked_by("email"),
            orcid=result.linked_by("orcid"),
            name_affiliation=result.linked_by("name_affiliation"),
            changed=result.changed,
        )
    )
    for link in result.links:
        _say(
            t(
                lang,
                "participants.cli.overseas.link",
                row=link.record.row,
                person=_person(link.person),
                rule=t(lang, f"participants.rule.{link.rule}"),
                association=link.record.association or "-",
            )
        )
    _say(t(lang, "participants.cli.overseas.ambiguous", count=len(result.ambiguous)))
    for item in result.ambiguous:
        rows = ", ".join(str(record.row) for record in item.records)
        records = "; ".join(
            ", ".join(part for part in (record.label, record.email, record.affiliation) if part)
            for record in item.records
        )
        people = "; ".join(_person(person) for person in item.people)
        _say(
            t(
                lang,
                "participants.cli.overseas.ambiguous_item",
                count=len(item.records),
                rows=rows,
                records=records,
                people=people,
            )
        )
    _say(t(lang, "participants.cli.overseas.unmatched", count=len(result.unmatched)))
    if args.list_unmatched:
        for record in result.unmatched:
            _say(
                t(
                    lang,
                    "participants.cli.overseas.unmatched_item",
                    row=record.row,
                    name=record.label,
                    email=record.email or "-",
                )
            )
    if result.warnings:
        _say(t(lang, "participants.cli.overseas.warnings", count=len(result.warnings)))
        _print_row_errors(result.warnings, lang, sys.stdout)
    if result.dry_run:
        _say(t(lang, "participants.cli.dry_run"))
    return 0


def _person(person: LinkedParticipant) -> str:
    return f"#{person.participant_id} {person.name} <{person.email or '-'}>"


# --- export ---------------------------------------------------------------------------------------------------


def run_export(args: argparse.Namespace) -> int:
    settings = _settings()
    say_database(settings, sys.stderr)  # standard output may be the file itself
    lang = settings.language
    header_lang = args.lang or lang
    if args.format == "xlsx" and args.out is None and sys.stdout.isatty():
        _say(t(lang, "participants.cli.xlsx_needs_out"), sys.stderr)
        return 1
    with _database(settings) as database, database.session() as session:
        try:
            selection = export_participants(session, club_name=args.club, meeting_code=args.meeting)
        except MeetingNotFound as missing:
            _say(t(lang, "participants.cli.meeting_not_found", code=missing.code), sys.stderr)
            return 1
        except ClubNotFound as missing:
            _say(t(lang, "participants.cli.club_not_found", name=missing.name), sys.stderr)
            return 1
    header = sheets.export_header(header_lang)
    rows = [sheets.export_cells(row, header_lang, one_meeting=selection.one_meeting) for row in selection.rows]
    writer = write_xlsx if args.format == "xlsx" else write_csv
    if args.out is None:
        sys.stdout.flush()
        writer(sys.stdout.buffer, header, rows)
        sys.stdout.buffer.flush()
        return 0
    with args.out.open("wb") as handle:
        writer(handle, header, rows)
    _say(t(lang, "participants.cli.exported", count=len(rows), path=str(args.out)), sys.stderr)
    return 0


# --- forget -----------------------------------------------------------------------------------------------------


def run_forget(args: argparse.Namespace) -> int:
    settings = _settings()
    say_database(settings)
    lang = settings.language
    with _database(settings) as database, database.session() as session:
        person = find_participant_by_email(session, args.email)
        if person is None:
            _say(t(lang, "participants.cli.forget.not_found", email=args.email), sys.stderr)
            return 1
        if not args.yes:
            if not sys.stdin.isatty():
                _say(t(lang, "participants.cli.forget.needs_yes"), sys.stderr)
                return 1
            answer = input(t(lang, "participants.cli.forget.confirm", email=args.email, id=person.id))
            if answer.strip().lower() not in {"yes", "y", "예", "네"}:
                _say(t(lang, "participants.cli.forget.cancelled"))
                return 1
        result = forget_participant(session, person.id)
        session.commit()
    _say(t(lang, "participants.cli.forget.done", id=result.participant_id))
    with _database(settings) as database:  # the stored report files that named them, built again without them
        reports = rebuild_naming(database, settings, result.participant_id, now=utcnow())
        if database.is_sqlite:
            # The write-ahead log still holds the erased rows until a checkpoint: fold it in and empty it.
            with database.engine.connect() as connection:
                connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    if reports.rebuilt:
        _say(t(lang, "reports.forget.rebuilt", names=", ".join(reports.rebuilt)))
    if reports.removed:
        _say(t(lang, "reports.forget.removed", names=", ".join(reports.removed)))
    _say(t(lang, "participants.cli.forget.erased"))
    if result.counts.get("posts_edited"):
        _say(t(lang, "participants.cli.forget.posts"))
    _say(t(lang, "participants.cli.forget.outside"))
    return 0
