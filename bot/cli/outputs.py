"""`clubbot outputs discover [--club NAME] [--dry-run]`: the weekly discovery of joint papers, by hand.

It runs the `outputs-discovery` job's run of this week through its once-per-period claim (program-wide, or the
club's own run with `--club`): new joint papers are stored as suggestions and their leaders' DMs sent. With
`--dry-run`, OpenAlex is asked and what would be suggested is printed; nothing is stored or sent.
Exit status: 0 done (or already run this week), 1 the run failed or the club is unknown, 2 settings or database.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from bot.app import discover_outputs
from bot.cli.help import help_texts
from bot.i18n import t
from bot.standing import find_club
from bot.startup import prepare


def add_commands(subparsers: Any) -> None:
    h = help_texts()
    outputs = subparsers.add_parser("outputs", help=h("outputs.cli.help"))
    actions = outputs.add_subparsers(dest="outputs_command", required=True, metavar="ACTION")
    discover = actions.add_parser("discover", help=h("outputs.cli.discover"))
    discover.add_argument("--club", metavar="NAME", help=h("outputs.cli.club"))
    discover.add_argument("--dry-run", action="store_true", help=h("outputs.cli.dry_run"))
    discover.set_defaults(handler=run_discover)


def run_discover(args: argparse.Namespace) -> int:
    runtime = prepare("outputs")
    try:
        club_id = None
        if args.club:
            with runtime.db.session() as session:
                club = find_club(session, args.club)
            if club is None:
                print(t(runtime.settings.language, "outputs.cli.unknown_club", name=args.club), file=sys.stderr)
                return 1
            club_id = club.id
        return discover_outputs(runtime, club_id, dry_run=args.dry_run, out=sys.stdout)
    finally:
        runtime.close()
