"""`clubbot reports prune`: the stored report files kept in the database, and the import of older ones on disk.

    clubbot reports prune [--before QUARTER]

Without `--before`, the retention setting (`CLUBBOT_REPORTS_KEEP_QUARTERS`; by default every quarter is kept)
says what goes. `clubbot db upgrade` calls `import_on_upgrade` to store files an older version left under
`CLUBBOT_DATA_DIR/reports` (once: files already stored are skipped).
"""

from __future__ import annotations

import argparse
from typing import Any

from bot.cli.help import help_texts
from bot.domain import Quarter
from bot.i18n import t
from bot.reports.upkeep import import_report_folder, prune_reports, retention_cutoff
from bot.settings import Settings, SettingsError, load_settings
from bot.startup import StartupError, check_schema, fail
from storage.db import Database
from storage.models import utcnow


def add_commands(subparsers: Any) -> None:
    h = help_texts()
    reports = subparsers.add_parser("reports", help=h("reports.cli.files.help"))
    actions = reports.add_subparsers(dest="reports_command", required=True, metavar="ACTION")
    prune = actions.add_parser("prune", help=h("reports.cli.prune.help"))
    prune.add_argument("--before", metavar="QUARTER", help=h("reports.cli.prune.before"))
    prune.set_defaults(handler=run_prune)


def run_prune(args: argparse.Namespace) -> int:
    try:
        settings = load_settings()
    except SettingsError as error:
        fail(str(error))
    lang = settings.language
    now = utcnow()
    if args.before:
        try:
            before: Quarter | None = Quarter.parse(args.before)
        except ValueError:
            fail(t(lang, "reports.error.bad_quarter", text=args.before))
    else:
        before = retention_cutoff(settings.reports_keep_quarters, now, settings.tz)
    database = Database(settings.database_url)
    try:
        try:
            check_schema(settings, database)
        except StartupError as error:
            fail(str(error))
        if before is None:
            print(t(lang, "reports.cli.prune.keep_all"))
            return 0
        with database.session() as session:
            pruned = prune_reports(session, before, now=now)
    finally:
        database.dispose()
    print(t(lang, "reports.cli.prune.done", before=str(before), count=len(pruned.reports), drafts=pruned.drafts))
    for label in pruned.reports:
        print(f"  {label}")
    return 0


def import_on_upgrade(settings: Settings) -> list[str]:
    """After `clubbot db upgrade`: the lines telling what was moved from the reports folder, and what was missing
    (nothing when there was nothing to move)."""
    lang = settings.language
    root = settings.data_dir / "reports"
    database = Database(settings.database_url)
    try:
        with database.session() as session:
            done = import_report_folder(session, root)
    finally:
        database.dispose()
    if not done.moved and not done.missing:
        return []
    lines = [t(lang, "reports.cli.import.done", moved=len(done.moved), missing=len(done.missing), folder=str(root))]
    lines += [f"  + {path}" for path in done.moved]
    lines += [f"  - {path} ({t(lang, 'reports.cli.import.missing')})" for path in done.missing]
    if done.outbox_rows:
        lines.append(t(lang, "reports.cli.import.outbox", count=done.outbox_rows))
    return lines
