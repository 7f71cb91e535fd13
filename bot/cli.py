"""The `clubbot` command: serve, socket, clock, db, console (and the secretariat's offline tools).

Problems with settings or the database end with one line on standard error and exit status 2.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from bot.cli_participants import add_commands as add_participant_commands
from bot.settings import SettingsError, load_settings
from bot.startup import configure_logging, fail, prepare

log = logging.getLogger(__name__)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="clubbot",
        description="Slack bot for BrainLink X-Lab Day clubs: channels, follow-up tracking, digests, reports.",
    )
    parser.add_argument("--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"])
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="serve the app over HTTP with gunicorn (Slack requests at /slack/events)")
    serve.add_argument("--port", type=int, help="TCP port (default: $PORT or 3000)")
    serve.add_argument("--workers", type=int, help="gunicorn worker processes (default: $WEB_CONCURRENCY or 2)")
    serve.add_argument("--threads", type=int, help="threads per worker (default: $WEB_THREADS or 8)")

    commands.add_parser("socket", help="run the app over Socket Mode (needs SLACK_APP_TOKEN)")
    commands.add_parser("clock", help="run the scheduler process")

    database = commands.add_parser("db", help="database schema")
    db_commands = database.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    db_commands.add_parser("upgrade", help="apply migrations up to the newest schema")
    db_commands.add_parser("current", help="print the schema revision of the database and of the code")

    console = commands.add_parser("console", help="try the bot locally: a local Slack stand-in and the real app")
    console.add_argument("--demo", action="store_true", help="seed a sample X-Lab Day meeting, people and a club")
    console.add_argument("--fresh", action="store_true", help="start from an empty local workspace and database")

    add_participant_commands(commands)  # import, export, forget: the participant database (bot/cli_participants.py)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    configure_logging(args.log_level)
    handler = getattr(args, "handler", None) or {
        "serve": _serve,
        "socket": _socket,
        "clock": _clock,
        "db": _db,
        "console": _console,
    }[args.command]
    return handler(args)


def _serve(args: argparse.Namespace) -> int:
    from bot.server import serve_with_gunicorn

    runtime = prepare("serve")  # check settings and schema once, before forking workers
    port = args.port or runtime.settings.port
    runtime.close()
    serve_with_gunicorn(port=port, workers=args.workers, threads=args.threads)
    return 0


def _socket(args: argparse.Namespace) -> int:
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    from bot.app import create_app

    runtime = prepare("socket")
    app = create_app(runtime)
    SocketModeHandler(app, runtime.settings.slack_app_token).start()
    return 0


def _clock(args: argparse.Namespace) -> int:
    from jobs.clock import run_clock

    runtime = prepare("clock")
    return run_clock(runtime)


def _db(args: argparse.Namespace) -> int:
    from storage import db as storage_db

    try:
        settings = load_settings()
    except SettingsError as error:
        fail(str(error))
    if args.db_command == "upgrade":
        try:
            storage_db.upgrade(settings.database_url)
        except Exception as exc:  # noqa: BLE001 - report, don't dump a traceback on the operator
            fail(f"migration failed: {str(exc).strip().splitlines()[0] if str(exc).strip() else exc!r}")
        print(f"database is at schema revision {storage_db.head_revision()}")
        return 0
    database = storage_db.Database(settings.database_url)
    try:
        current = storage_db.current_revision(database.engine)
    except Exception as exc:  # noqa: BLE001
        fail(f"cannot reach the database: {str(exc).strip().splitlines()[0]}")
    finally:
        database.dispose()
    print(f"database: {current or 'empty'}; code: {storage_db.head_revision()}")
    return 0


def _console(args: argparse.Namespace) -> int:
    from bot.console import run_console

    try:
        settings = load_settings()
    except SettingsError as error:
        fail(str(error))
    return run_console(settings, demo=args.demo, fresh=args.fresh, stdin=sys.stdin, stdout=sys.stdout)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
