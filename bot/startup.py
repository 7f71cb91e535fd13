"""Start-up checks shared by every long-running process: settings, then the database schema.

A problem ends the process with one clear line (exit status 2), never a traceback.
"""

from __future__ import annotations

import logging
import sys
from typing import NoReturn, TextIO

from slack_bolt import App
from slack_bolt.error import BoltError
from slack_sdk.errors import SlackApiError
from sqlalchemy.engine import make_url

from bot.app import create_app
from bot.runtime import REQUEST_LOCK_TIMEOUT, Runtime
from bot.settings import Settings, SettingsError, load_settings
from storage import db as storage_db
from storage.db import LOCK_TIMEOUT

log = logging.getLogger(__name__)

#: What each process needs from the environment.
REQUIRED: dict[str, tuple[str, ...]] = {
    "serve": ("slack_bot_token", "slack_signing_secret"),
    "socket": ("slack_bot_token", "slack_app_token"),
    "clock": ("slack_bot_token",),
    "console": (),
    "jobs": (),  # listing needs no token; `jobs run` asks for it (`JOB_RUN`)
    "outbox": (),
    "outputs": ("slack_bot_token",),
}

#: The processes that answer Slack's requests (within its 3 seconds).
ANSWERING = frozenset({"serve", "socket", "console"})


class StartupError(Exception):
    """Start-up cannot go on; the message is the one line to show."""


class DatabaseUnreachable(StartupError):
    """The database did not answer at start-up: a wrong URL, or a database that is restarting."""


#: Running a job by hand may post to Slack.
JOB_RUN: tuple[str, ...] = ("slack_bot_token",)


def say_database(settings: Settings, stream: TextIO | None = None) -> None:
    """The first line of every command that touches data: which database it uses (stderr when stdout is data)."""
    print(f"clubbot: database {_describe(settings.database_url)}", file=stream or sys.stdout, flush=True)


def fail(message: str) -> NoReturn:
    print(f"clubbot: {message}", file=sys.stderr)
    raise SystemExit(2)


def check_schema(settings: Settings, database: storage_db.Database) -> None:
    """Refuse a database that is behind the code; upgrade the embedded default SQLite automatically."""
    try:
        current = storage_db.current_revision(database.engine)
    except Exception as exc:  # noqa: BLE001 - any connection failure is reported the same way
        raise DatabaseUnreachable(
            f"cannot reach the database ({_describe(settings.database_url)}): {_first_line(exc)}"
        ) from None
    head = storage_db.head_revision()
    if current == head:
        return
    if settings.database_url_is_default and database.is_sqlite:
        log.info("upgrading the embedded SQLite database from %s to %s", current, head)
        storage_db.upgrade(settings.database_url)
        return
    raise StartupError(
        f"the database is at schema revision {current or 'none (empty)'} but this code needs {head}: "
        "run `clubbot db upgrade` first."
    )


def prepare(
    process: str,
    settings: Settings | None = None,
    *,
    outbox_interval: float | None = None,
    database_may_be_away: bool = False,
) -> Runtime:
    """Load and check settings and the database for `process`; exit with one line on a problem.

    `outbox_interval`: also send the outbox every that many seconds (processes without a clock).
    `database_may_be_away`: an unreachable database is reported (one line) but not fatal: a web worker started
    while the database restarts serves, answering "try again", instead of exiting and being restarted in a loop
    with nobody answering Slack."""
    try:
        settings = (settings or load_settings()).require(*REQUIRED[process])
    except SettingsError as error:
        fail(str(error))
    lock_timeout = REQUEST_LOCK_TIMEOUT if process in ANSWERING else LOCK_TIMEOUT
    runtime = Runtime.from_settings(settings, outbox_interval=outbox_interval, lock_timeout=lock_timeout)
    try:
        check_schema(settings, runtime.db)
    except DatabaseUnreachable as error:
        if not database_may_be_away:
            runtime.close()
            fail(str(error))
        print(f'clubbot: {error}; serving anyway, answering "try again" until it is back', file=sys.stderr)
    except StartupError as error:
        runtime.close()
        fail(str(error))
    return runtime


def build_app(runtime: Runtime) -> App:
    """The Bolt app, whose creation checks the bot token with Slack (`auth.test`); a refused token or an
    unreachable Slack ends start-up with one line."""
    try:
        return create_app(runtime)
    except (SlackApiError, BoltError) as error:
        runtime.close()
        reason = getattr(getattr(error, "response", None), "get", lambda _key: None)("error") or _first_line(error)
        fail(f"Slack refused SLACK_BOT_TOKEN ({reason}): check the token and the app's installation.")
    except OSError as error:
        runtime.close()
        fail(f"cannot reach Slack at {runtime.settings.slack_api_url}: {_first_line(error)}")


def configure_logging(level: str = "INFO") -> None:
    logging.basicConfig(
        level=level,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    # every HTTP request (and Alembic's plugin list on every start) at INFO would drown the bot's own lines
    for noisy in ("httpx", "alembic"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, logging.getLevelName(level)))
    # the Slack and HTTP libraries log whole request and response bodies at DEBUG (profiles with emails,
    # what people typed): never, even when the bot itself runs at DEBUG
    for wire in WIRE_LOGGERS:
        logging.getLogger(wire).setLevel(max(logging.WARNING, logging.getLevelName(level)))


#: Libraries whose DEBUG output is the wire itself.
WIRE_LOGGERS = ("slack_sdk", "slack_bolt", "httpcore", "urllib3", "sqlalchemy.engine")


def _describe(url: str) -> str:
    return make_url(storage_db.normalize_database_url(url)).render_as_string(hide_password=True)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else exc.__class__.__name__
