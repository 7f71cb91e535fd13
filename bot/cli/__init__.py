"""The `clubbot` command: serve, socket, clock, db, console (and the secretariat's offline tools).

Problems with settings or the database end with one line on standard error and exit status 2.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence

from bot.app import print_jobs, run_clock, run_job_by_hand
from bot.cli.casebook import add_commands as add_casebook_commands
from bot.cli.feeds import add_commands as add_feed_commands
from bot.cli.help import cli_language, help_texts, speak_argparse
from bot.cli.outputs import add_commands as add_output_commands
from bot.cli.participants import add_commands as add_participant_commands
from bot.cli.report_files import add_commands as add_report_file_commands
from bot.cli.report_files import import_on_upgrade
from bot.cli.reports import add_commands as add_report_commands
from bot.server import serve_with_gunicorn
from bot.settings import SettingsError, load_settings
from bot.slack import outbox
from bot.startup import JOB_RUN, build_app, configure_logging, fail, prepare, say_database
from storage import db as storage_db

log = logging.getLogger(__name__)


def build_parser() -> argparse.ArgumentParser:
    lang = cli_language()
    speak_argparse(lang)
    h = help_texts()
    parser = argparse.ArgumentParser(prog="clubbot", description=h("cli.help.description"))
    parser.add_argument("--log-level", choices=["DEBUG", "INFO", "WARNING", "ERROR"], help=h("cli.help.log_level"))
    parser.add_argument("--console", action="store_true", help=h("cli.help.console_data"))
    commands = parser.add_subparsers(dest="command", required=True, metavar=h("cli.help.command"))

    serve = commands.add_parser("serve", help=h("cli.help.serve"), description=h("cli.help.serve"))
    serve.add_argument("--port", type=int, help=h("cli.help.port"))
    serve.add_argument("--workers", type=int, help=h("cli.help.workers"))
    serve.add_argument("--threads", type=int, help=h("cli.help.threads"))

    commands.add_parser("socket", help=h("cli.help.socket"), description=h("cli.help.socket"))
    commands.add_parser("clock", help=h("cli.help.clock"), description=h("cli.help.clock"))

    database = commands.add_parser("db", help=h("cli.help.db"), description=h("cli.help.db"))
    db_commands = database.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    db_commands.add_parser("upgrade", help=h("cli.help.db_upgrade"), description=h("cli.help.db_upgrade"))
    db_commands.add_parser("current", help=h("cli.help.db_current"), description=h("cli.help.db_current"))

    jobs = commands.add_parser("jobs", help=h("cli.help.jobs"), description=h("cli.help.jobs"))
    jobs_commands = jobs.add_subparsers(dest="jobs_command", metavar="ACTION")
    run = jobs_commands.add_parser("run", help=h("cli.help.jobs_run"), description=h("cli.help.jobs_run"))
    run.add_argument("name", help=h("cli.help.job_name"))
    run.add_argument("--period", help=h("cli.help.job_period"))

    outbox = commands.add_parser("outbox", help=h("cli.help.outbox"), description=h("cli.help.outbox"))
    outbox.add_argument("--all", action="store_true", help=h("cli.help.outbox_all"))
    outbox_commands = outbox.add_subparsers(dest="outbox_command", metavar="ACTION")
    retry = outbox_commands.add_parser("retry", help=h("cli.help.outbox_retry"), description=h("cli.help.outbox_retry"))
    retry.add_argument("id", type=int, help=h("cli.help.outbox_id"))

    console = commands.add_parser("console", help=h("cli.help.console"), description=h("cli.help.console"))
    console.add_argument("--demo", action="store_true", help=h("cli.help.demo"))
    console.add_argument("--fresh", action="store_true", help=h("cli.help.fresh"))

    add_participant_commands(commands)  # import, export, forget: the participant database (bot/cli/participants.py)
    add_report_commands(commands)  # report: the quarterly report offline (bot/cli/reports.py)
    add_feed_commands(commands)  # feeds check: what the bot reads in a feed (bot/cli/feeds.py)
    add_report_file_commands(commands)  # reports prune: the stored report files (bot/cli/report_files.py)
    add_output_commands(commands)  # outputs discover: joint papers found through OpenAlex (bot/cli/outputs.py)
    add_casebook_commands(commands)  # casebook pick|list|build: the year's casebook (bot/cli/casebook.py)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.console:
        os.environ["CLUBBOT_USE_CONSOLE_DATA"] = "1"  # every load_settings() of this process: the console's data
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
    try:
        return handler(args)
    except BrokenPipeError:
        # `clubbot outbox --all | head`: the reader stopped reading; end quietly, as other command-line tools do
        # (what is still buffered goes nowhere, so that exiting does not raise the same error again)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1


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
        say_database(settings)
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
    say_database(settings)
    print(f"database: {current or 'empty'}; code: {storage_db.head_revision()}")
    return 0


def _jobs(args: argparse.Namespace) -> int:
    runtime = prepare("jobs")
    say_database(runtime.settings)
    try:
        if args.jobs_command == "run":
            try:
                runtime.settings.require(*JOB_RUN)
            except SettingsError as error:
                fail(str(error))
            return run_job_by_hand(runtime, args.name, args.period, out=sys.stdout)
        print_jobs(runtime, out=sys.stdout)
        return 0
    finally:
        runtime.close()


def _outbox(args: argparse.Namespace) -> int:
    runtime = prepare("outbox")
    say_database(runtime.settings)
    try:
        if args.outbox_command == "retry":
            if not outbox.retry_dead(runtime.db, args.id):
                if not outbox.exists(runtime.db, args.id):
                    fail(f"there is no post {args.id} in the outbox (`clubbot outbox --all` lists them)")
                fail(f"post {args.id} is not a post that was given up on (only those can be retried)")
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
    from bot.console.run import run_console  # the console and its Slack stand-in: only this command needs them

    try:
        settings = load_settings()
    except SettingsError as error:
        fail(str(error))
    return run_console(settings, demo=args.demo, fresh=args.fresh, stdin=sys.stdin, stdout=sys.stdout)
