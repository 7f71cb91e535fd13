"""The `clubbot` command: serve, socket, clock, db, console (and the secretariat's offline tools).

Problems with settings or the database end with one line on standard error and exit status 2.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from bot.app import print_jobs, run_clock, run_job_by_hand
from bot.cli.feeds import add_commands as add_feed_commands
from bot.cli.outputs import add_commands as add_output_commands
from bot.cli.participants import add_commands as add_participant_commands
from bot.cli.report_files import add_commands as add_report_file_commands
from bot.cli.report_files import import_on_upgrade
from bot.cli.reports import add_commands as add_report_commands
from bot.server import serve_with_gunicorn
from bot.settings import SettingsError, load_settings
from bot.slack import outbox
from bot.startup import build_app, configure_logging, fail, prepare
from storage import db as storage_db

log = logging.getLogger(__name__)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="clubbot",
        description="Slack bot for BrainLink X-Lab Day clubs: channels, follow-up tracking, digests, reports.",
    )
    parser.add_argument(
        "--log-level",
        choices=["DEBUG", "INFO", "WARNING", "ERROR"],
        help="default: INFO for the server processes, WARNING for the console and the offline tools",
    )
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

    jobs = commands.add_parser("jobs", help="the clock's schedule, next runs and last outcomes; run a job by hand")
    jobs_commands = jobs.add_subparsers(dest="jobs_command", metavar="ACTION")
    run = jobs_commands.add_parser("run", help="run a job now through the same exactly-once claim as the clock")
    run.add_argument("name", help="the job's name (see `clubbot jobs`)")
    run.add_argument("--period", help="the period to run (default: the one due now), e.g. 2026Q4 or 2026-W47")

    outbox = commands.add_parser("outbox", help="posts not yet delivered to Slack")
    outbox.add_argument("--all", action="store_true", help="include delivered posts")
    outbox_commands = outbox.add_subparsers(dest="outbox_command", metavar="ACTION")
    retry = outbox_commands.add_parser("retry", help="give a post that was given up on another round of attempts")
    retry.add_argument("id", type=int)

    console = commands.add_parser("console", help="try the bot locally: a local Slack stand-in and the real app")
    console.add_argument("--demo", action="store_true", help="seed a sample X-Lab Day meeting, people and a club")
    console.add_argument("--fresh", action="store_true", help="start from an empty local workspace and database")

    add_participant_commands(commands)  # import, export, forget: the participant database (bot/cli/participants.py)
    add_report_commands(commands)  # report: the quarterly report offline (bot/cli/reports.py)
    add_feed_commands(commands)  # feeds check: what the bot reads in a feed (bot/cli/feeds.py)
    add_report_file_commands(commands)  # reports prune: the stored report files (bot/cli/report_files.py)
    add_output_commands(commands)  # outputs discover: joint papers found through OpenAlex (bot/cli/outputs.py)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    quiet = args.command not in {"serve", "socket", "clock"}
    configure_logging(args.log_level or ("WARNING" if quiet else "INFO"))
    handler = (
        getattr(args, "handler", None)
        or {
            "serve": _serve,
            "socket": _socket,
            "clock": _clock,
            "db": _db,
            "jobs": _jobs,
            "outbox": _outbox,
            "console": _console,
        }[args.command]
    )
    return handler(args)


def _serve(args: argparse.Namespace) -> int:
    runtime = prepare("serve")  # check settings, schema and the bot token once, before forking workers
    build_app(runtime)
    port = args.port or runtime.settings.port
    runtime.close()
    serve_with_gunicorn(port=port, workers=args.workers, threads=args.threads)
    return 0


def _socket(args: argparse.Namespace) -> int:
    from slack_bolt.adapter.socket_mode import SocketModeHandler  # only this command needs it

    runtime = prepare("socket")
    app = build_app(runtime)
    SocketModeHandler(app, runtime.settings.slack_app_token).start()
    return 0


def _clock(args: argparse.Namespace) -> int:
    runtime = prepare("clock")
    return run_clock(runtime)


def _db(args: argparse.Namespace) -> int:
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
        for line in import_on_upgrade(settings):  # report files an older version left on disk
            print(line)
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


def _jobs(args: argparse.Namespace) -> int:
    runtime = prepare("jobs")
    try:
        if args.jobs_command == "run":
            return run_job_by_hand(runtime, args.name, args.period, out=sys.stdout)
        print_jobs(runtime, out=sys.stdout)
        return 0
    finally:
        runtime.close()


def _outbox(args: argparse.Namespace) -> int:
    runtime = prepare("outbox")
    try:
        if args.outbox_command == "retry":
            if not outbox.retry_dead(runtime.db, args.id):
                fail(f"post {args.id} is not a post that was given up on")
            print(f"post {args.id} will be sent again by the clock")
            return 0
        rows = outbox.undelivered(runtime.db, include_sent=args.all)
        if not rows:
            print("nothing waiting: every post was delivered")
        for row in rows:
            error = f"  error: {row.last_error}" if row.last_error else ""
            print(
                f"{row.id:>6}  {row.status:<8} {row.kind:<8} {row.channel:<12} attempts {row.attempts}  "
                f"created {row.created_at:%Y-%m-%d %H:%M}Z  next {row.next_attempt_at:%Y-%m-%d %H:%M:%S}Z{error}"
            )
        return 0
    finally:
        runtime.close()


def _console(args: argparse.Namespace) -> int:
    from bot.console.shell import run_console  # the console and its Slack stand-in: only this command needs them

    try:
        settings = load_settings()
    except SettingsError as error:
        fail(str(error))
    return run_console(settings, demo=args.demo, fresh=args.fresh, stdin=sys.stdin, stdout=sys.stdout)
