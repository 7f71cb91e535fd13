"""`clubbot casebook`: the year's casebook offline, from the database.

    clubbot casebook pick NAME [--year 2026]
    clubbot casebook list [--year 2026]
    clubbot casebook build [--year 2026] [--lang ko|en] [--out DIR] [--foreword FILE] [--send] [--draft]
    clubbot casebook brief [--club NAME] [--year 2026] [--lang ko|en] --out DIR

`build` stores both editions in the database (a report of the year with scope `casebook`: no process needs
another's disk), writes them under DIR when asked (`DIR/2026/casebook/casebook-2026-ko.docx`, `.pdf`) and, with
`--send`, posts them to the secretariat's channel through the outbox. `--foreword FILE` stores the foreword of the
`--lang` edition (Korean by default) first. `--draft --out DIR` only writes the editions as they would print now:
nothing is stored, and people may still change their answers (a stored build makes them final).
`brief` writes the December briefs, one page per club (or the one club), as `DIR/2026/briefs/briefs-2026-ko.docx`
(and `-en`).
Exit status: 0 done, 1 refused (unknown club), 2 settings or database.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from bot.casebook import brief, make, service, writing
from bot.casebook.brief_document import briefs_docx
from bot.casebook.gather import gather
from bot.casebook.types import Listing
from bot.cli.help import help_texts
from bot.domain import Language
from bot.errors import UserError
from bot.i18n import t
from bot.reports.build import FolderSink
from bot.reports.settings import load_report_settings
from bot.settings import Settings, SettingsError, load_settings
from bot.standing import find_club
from bot.startup import StartupError, check_schema, fail, say_database
from storage import files
from storage.db import Database
from storage.models import utcnow

ACTOR = "cli:casebook"


def add_commands(subparsers: Any) -> None:
    h = help_texts()
    casebook = subparsers.add_parser("casebook", help=h("cases.cli.help"), description=h("cases.cli.help"))
    actions = casebook.add_subparsers(dest="casebook_command", required=True, metavar="ACTION")
    pick = actions.add_parser("pick", help=h("cases.cli.pick"))
    pick.add_argument("club", help=h("cases.cli.club"))
    listed = actions.add_parser("list", help=h("cases.cli.list"))
    build = actions.add_parser("build", help=h("cases.cli.build"))
    build.add_argument("--lang", choices=["ko", "en"], help=h("cases.cli.lang"))
    build.add_argument("--out", type=Path, metavar="DIR", help=h("cases.cli.out"))
    build.add_argument("--foreword", type=Path, metavar="FILE", help=h("cases.cli.foreword"))
    build.add_argument("--send", action="store_true", help=h("cases.cli.send"))
    build.add_argument("--draft", action="store_true", help=h("cases.cli.draft"))
    brief = actions.add_parser("brief", help=h("cases.cli.brief"))
    brief.add_argument("--club", metavar="NAME", help=h("cases.cli.club"))
    brief.add_argument("--lang", choices=["ko", "en"], help=h("cases.cli.lang"))
    brief.add_argument("--out", type=Path, required=True, metavar="DIR", help=h("cases.cli.out"))
    for parser in (pick, listed, build, brief):
        parser.add_argument("--year", type=int, metavar="YEAR", help=h("cases.cli.year"))
    casebook.set_defaults(handler=run_casebook)


def _listing_lines(listing: Listing, lang: str) -> list[str]:
    lines = [t(lang, "cases.list.title", year=listing.year)]
    if not listing.clubs:
        lines.append("  " + t(lang, "cases.list.empty", year=listing.year))
    for club in listing.clubs:
        tags = (
            t(lang, "cases.list.picked" if club.picked else "cases.list.not_picked")
            + ", "
            + t(lang, "cases.list.candidate" if club.candidate else "cases.list.added")
        )
        lines.append(f"  {club.club_name} ({tags})")
        if club.picked:
            c = club.consents
            lines.append(
                "    "
                + t(
                    lang,
                    "cases.list.consents",
                    agreed=c.agreed,
                    anonymised=c.anonymised,
                    declined=c.declined,
                    pending=c.pending,
                )
            )
    return lines


def run_casebook(args: argparse.Namespace) -> int:
    try:
        settings = load_settings()
    except SettingsError as error:
        fail(str(error))
    lang = settings.language
    say_database(settings)
    database = Database(settings.database_url)
    try:
        try:
            check_schema(settings, database)
        except StartupError as error:
            fail(str(error))
        try:
            return _run(args, settings, database, lang)
        except UserError as error:
            print(f"clubbot: {t(lang, error.key, **error.params)}", file=sys.stderr)
            return 1
    finally:
        database.dispose()


def _run(args: argparse.Namespace, settings: Settings, database: Database, lang: str) -> int:
    now = utcnow()
    year = args.year or service.current_year(settings, now)
    if args.casebook_command == "pick":
        with database.session() as session:
            club = find_club(session, args.club)
            if club is None:
                raise UserError("clubs.error.no_such_club", name=args.club)
            result = service.pick(session, settings, club, user_id=ACTOR, language_of=None, now=now, year=year)
        key = "cases.cli.picked" if result.newly else "cases.cli.already"
        print(t(lang, key, club=result.club_name, year=year, count=result.asked))
        return 0
    if args.casebook_command == "brief":
        return _briefs(args, settings, database, lang, year)
    if args.casebook_command == "list":
        with database.read() as session:
            listing = service.listing(session, settings, year=year, now=now)
        print("\n".join(_listing_lines(listing, lang)))
        return 0
    if args.draft:
        return _draft(args, settings, database, lang, year)
    with database.session() as session:
        if args.foreword is not None:
            text = args.foreword.read_text(encoding="utf-8")
            writing.save_foreword(session, year, {args.lang or "ko": text}, user_id=ACTOR, now=now)
        casebook, stored = make.build_and_store(
            session, year, settings.tz, load_report_settings(settings.data_dir), now=now
        )
        if args.send:
            if settings.secretariat_channel:
                make.send_to_secretariat(session, stored, settings.secretariat_channel, Language(lang))
            else:
                print(f"clubbot: {t(lang, 'cases.cli.no_channel')}", file=sys.stderr)
        written = []
        if args.out is not None:
            for file in stored.files:
                if file.file_id is None or (args.lang and file.lang != args.lang):
                    continue
                target = args.out / file.path
                target.parent.mkdir(parents=True, exist_ok=True)
                with target.open("wb") as out:
                    for chunk in files.iter_chunks(session, file.file_id):
                        out.write(chunk)
                written.append(target)
    chapters = t(lang, "cases.doc.cover_chapters", count=len(casebook.chapters))
    print(t(lang, "cases.cli.built", year=year, chapters=chapters, count=len(stored.files)))
    for target in written:
        print(f"  {target}")
    if not any(file.kind == "pdf" for file in stored.files):
        print(f"clubbot: {t(lang, 'cases.cli.no_pdf')}", file=sys.stderr)
    if args.send and settings.secretariat_channel:
        print(t(lang, "cases.cli.sent"))
    return 0


def _briefs(args: argparse.Namespace, settings: Settings, database: Database, lang: str, year: int) -> int:
    now = utcnow()
    written = []
    for edition in [Language(args.lang)] if args.lang else list(Language):
        with database.read() as session:
            briefs = brief.every_brief(
                session, year, settings.tz, load_report_settings(settings.data_dir), now=now, lang=edition.value
            )
            if args.club:
                club = find_club(session, args.club)
                if club is None:
                    raise UserError("clubs.error.no_such_club", name=args.club)
                briefs = [b for b in briefs if b.club_name == club.name]
                if not briefs:
                    raise UserError("cases.error.club_not_in_year", club=club.name, year=year)
        target = args.out / str(year) / "briefs" / f"briefs-{year}-{edition.value}.docx"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(briefs_docx(briefs, edition))
        written.append(target)
    print(t(lang, "cases.cli.briefs", count=len(briefs), year=year))
    for target in written:
        print(f"  {target}")
    return 0


def _draft(args: argparse.Namespace, settings: Settings, database: Database, lang: str, year: int) -> int:
    """The editions as a build would print them now, into `--out` only: nothing stored, answers stay open."""
    if args.out is None:
        fail(t(lang, "cases.cli.draft_needs_out"))
    with database.read() as session:
        casebook = gather(session, year, settings.tz, load_report_settings(settings.data_dir), now=utcnow())
    langs = (Language(args.lang),) if args.lang else tuple(Language)
    made = make.build_files(casebook, FolderSink(args.out), langs=langs)
    chapters = t(lang, "cases.doc.cover_chapters", count=len(casebook.chapters))
    print(t(lang, "cases.cli.drafted", year=year, chapters=chapters))
    for file in made:
        print(f"  {args.out / file.path}")
    return 0
