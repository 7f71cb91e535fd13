"""`clubbot report`: the quarterly or the annual report offline, from the local database, into a folder.

    clubbot report --quarter 2026Q4 [--from DATE --to DATE] [--club NAME] [--lang ko,en] [--pdf] --out DIR
    clubbot report --year 2026 [--lang ko,en] [--pdf] --out DIR      (the annual program report)

Nothing is sent to Slack and nothing is stored in the database: the files are written under DIR
(`DIR/<period>/program/...`, `DIR/<period>/club-<id>/...`, `DIR/2026/program/...` for a year) and listed.
When the report of that period is stored (the one the bot sent), its stored files are written instead, fetched
from the database.
Exit status: 0 done, 1 the request was refused (unknown club, bad settings file), 2 settings or database problems.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import Any

from bot.cli.help import help_texts
from bot.domain import Language, Quarter
from bot.errors import UserError
from bot.i18n import t
from bot.reports.build import LANGUAGES, FolderSink, build_club, build_program
from bot.reports.build_year import build_year
from bot.reports.load import load_dataset, load_year
from bot.reports.period import Period
from bot.reports.settings import load_report_settings
from bot.reports.store import stored_report
from bot.reports.types import PROGRAM
from bot.settings import SettingsError, load_settings
from bot.standing import find_club
from bot.startup import StartupError, check_schema, fail, say_database
from storage import files
from storage.db import Database
from storage.models import utcnow


def add_commands(subparsers: Any) -> None:
    h = help_texts()

    report = subparsers.add_parser("report", help=h("reports.cli.help"))
    report.add_argument("--quarter", metavar="QUARTER", help=h("reports.cli.quarter"))
    report.add_argument("--year", type=str, metavar="YEAR", help=h("reports.cli.year"))
    report.add_argument("--from", dest="first", type=date.fromisoformat, metavar="DATE", help=h("reports.cli.first"))
    report.add_argument("--to", dest="last", type=date.fromisoformat, metavar="DATE", help=h("reports.cli.last"))
    report.add_argument("--club", metavar="NAME", help=h("reports.cli.club"))
    report.add_argument("--lang", default="ko,en", metavar="ko,en", help=h("reports.cli.lang"))
    report.add_argument("--pdf", action="store_true", help=h("reports.cli.pdf"))
    report.add_argument("--out", type=Path, required=True, metavar="DIR", help=h("reports.cli.out"))
    report.set_defaults(handler=run_report)


def _period(args: argparse.Namespace, lang: str) -> Period:
    if args.year is not None:
        if args.quarter or args.first or args.last or args.club:
            fail(t(lang, "reports.cli.year_and_other"))
        text = args.year.strip()
        if not (text.isdigit() and len(text) == 4):
            fail(t(lang, "reports.cli.bad_year", text=args.year))
        return Period.of_year(int(text))
    if args.first or args.last:
        if not (args.first and args.last) or args.last < args.first:
            fail(t(lang, "reports.cli.bad_range"))
        return Period.of_range(args.first, args.last)
    if args.quarter:
        try:
            return Period.of_quarter(Quarter.parse(args.quarter))
        except ValueError:
            fail(t(lang, "reports.error.bad_quarter", text=args.quarter))
    fail(t(lang, "reports.cli.no_period"))


def run_report(args: argparse.Namespace) -> int:
    try:
        settings = load_settings()
    except SettingsError as error:
        fail(str(error))
    lang = settings.language
    say_database(settings)
    period = _period(args, lang)
    try:
        langs = [Language(code.strip()) for code in args.lang.split(",") if code.strip()]
    except ValueError:
        fail(t(lang, "reports.cli.bad_lang", text=args.lang))
    langs = [code for code in LANGUAGES if code in langs]
    database = Database(settings.database_url)
    try:
        try:
            check_schema(settings, database)
        except StartupError as error:
            fail(str(error))
        try:
            options = load_report_settings(settings.data_dir)
            with database.session() as session:
                club = find_club(session, args.club) if args.club else None
                if args.club and club is None:
                    raise UserError("clubs.error.no_such_club", name=args.club)
                stored = stored_report(session, period, f"club:{club.id}" if club else PROGRAM)
                if stored is not None and not args.pdf:
                    written = [f for f in stored.files if f.lang in langs and f.file_id is not None]
                    for file in written:
                        target = args.out / file.path
                        target.parent.mkdir(parents=True, exist_ok=True)
                        with target.open("wb") as out:
                            for chunk in files.iter_chunks(session, file.file_id):  # type: ignore[arg-type]
                                out.write(chunk)
                    built_at = f"{stored.built_at:%Y-%m-%d %H:%M}Z" if stored.built_at else "?"
                    print(t(lang, "reports.cli.stored", period=period.key, built_at=built_at, count=len(written),
                            out=str(args.out)))  # fmt: skip
                    for file in written:
                        print(f"  {args.out / file.path}")
                    return 0
                if period.year:
                    year = load_year(session, period.year, settings.tz)
                else:
                    dataset = load_dataset(session, period, settings.tz, club_ids=[club.id] if club else None)
            if period.year:
                built = build_year(year, options, FolderSink(args.out), built_at=utcnow(), langs=langs, pdf=args.pdf)
            elif club is not None:
                if not any(c.id == club.id for c in dataset.clubs):
                    raise UserError("reports.error.club_not_in_period", club=club.name, period=period.key)
                built = build_club(dataset, options, club.id, FolderSink(args.out), built_at=utcnow(), langs=langs)
            else:
                sink = FolderSink(args.out)
                built = build_program(dataset, options, sink, built_at=utcnow(), langs=langs, pdf=args.pdf)
        except UserError as error:
            print(f"clubbot: {t(lang, error.key, **error.params)}", file=sys.stderr)
            return 1
    finally:
        database.dispose()
    print(t(lang, "reports.cli.done", period=period.key, count=len(built.files), out=str(args.out)))
    for file in built.files:
        print(f"  {args.out / file.path}")
    if args.pdf and not any(file.kind == "pdf" for file in built.files):
        print(f"clubbot: {t(lang, 'reports.cli.no_pdf_club' if args.club else 'reports.cli.no_pdf')}", file=sys.stderr)
    return 0
