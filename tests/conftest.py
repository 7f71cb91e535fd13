"""Fixtures: a real database (SQLite by default, PostgreSQL with CLUBBOT_TEST_DATABASE_URL), the local Slack
stand-in and the real app served over HTTP on loopback.

The database of a test run is created fresh (a temporary SQLite file, or a new PostgreSQL database on
the server the URL names, dropped at the end), migrated with Alembic once, and emptied between tests.
"""

from __future__ import annotations

import os
import secrets
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from bot.settings import Settings
from bot.standin import SlackStandIn
from storage import db as storage_db
from storage.models import Base
from tests.support import ServedApp, World

if TYPE_CHECKING:
    from bot.standin.scholarly import ScholarlyServer

ROOT = Path(__file__).resolve().parent.parent


def _create_postgres_database(url: str) -> tuple[str, str]:
    """Create a uniquely named database on the server of `url`; return (its URL, the admin URL)."""
    admin_url = make_url(storage_db.normalize_database_url(url))
    name = f"clubbot_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return admin_url.set(database=name).render_as_string(hide_password=False), admin_url.render_as_string(
        hide_password=False
    )


def _drop_postgres_database(url: str, admin_url: str) -> None:
    name = make_url(url).database
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


@pytest.fixture(scope="session")
def fresh_database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An empty database for this test run (not migrated)."""
    configured = os.environ.get("CLUBBOT_TEST_DATABASE_URL")
    if not configured or configured.startswith("sqlite"):
        path = tmp_path_factory.mktemp("db") / "clubbot-test.db"
        yield f"sqlite:///{path}"
        return
    url, admin_url = _create_postgres_database(configured)
    try:
        yield url
    finally:
        _drop_postgres_database(url, admin_url)


@pytest.fixture(scope="session")
def database_url(fresh_database_url: str) -> str:
    """The test run's database, migrated to the newest schema."""
    storage_db.upgrade(fresh_database_url)
    return storage_db.normalize_database_url(fresh_database_url)


@pytest.fixture(scope="session")
def session_database(database_url: str) -> Iterator[storage_db.Database]:
    database = storage_db.Database(database_url)
    yield database
    database.dispose()


def empty_all_tables(database: storage_db.Database) -> None:
    tables = [table.name for table in reversed(Base.metadata.sorted_tables)]
    for attempt in range(5):
        try:
            with database.engine.begin() as connection:
                if database.is_sqlite:
                    for name in tables:
                        connection.execute(text(f'DELETE FROM "{name}"'))  # noqa: S608 - names from our own metadata
                else:
                    quoted = ", ".join(f'"{name}"' for name in tables)
                    connection.execute(text(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE"))
            return
        except DBAPIError as error:
            # the previous test's app may still be finishing a write in a background thread (the outbox, a
            # remembered locale): PostgreSQL can pick the TRUNCATE as a deadlock victim; try again shortly
            if "deadlock" not in str(error.orig).lower() or attempt == 4:
                raise
            time.sleep(0.2 * (attempt + 1))


@pytest.fixture
def database(session_database: storage_db.Database) -> storage_db.Database:
    """The migrated database, emptied before the test."""
    empty_all_tables(session_database)
    return session_database


@pytest.fixture
def signing_secret() -> str:
    return SESSION_SIGNING_SECRET


SESSION_SIGNING_SECRET = secrets.token_hex(16)
SESSION_BOT_TOKEN = "xoxb-test-" + secrets.token_hex(8)


# --- the local Slack stand-in and the real app over HTTP ------------------------------------------

ADMIN_ID = "UADMIN0001"
SECRETARIAT_CHANNEL_ID = "CSECRET001"


@pytest.fixture(scope="session")
def standin_server() -> Iterator[SlackStandIn]:
    from bot.slack.manifest import load_manifest
    from bot.standin import SlackStandIn

    manifest = load_manifest()
    server = SlackStandIn(
        signing_secret=SESSION_SIGNING_SECRET,
        bot_token=SESSION_BOT_TOKEN,
        scopes=manifest.bot_scopes,
        bot_events=manifest.bot_events,
        slash_commands=manifest.slash_commands,
        rate_window_seconds=2.0,
        event_retry_delays=(0.0, 0.3, 0.6),
    )
    server.start()
    yield server
    server.stop()


def app_environment(database_url: str, api_url: str) -> dict[str, str]:
    """The environment a clubbot process needs to run against the test database and stand-in."""
    return {
        "SLACK_BOT_TOKEN": SESSION_BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SESSION_SIGNING_SECRET,
        "SLACK_API_URL": api_url,
        "DATABASE_URL": database_url,
        "CLUBBOT_ADMINS": ADMIN_ID,
        "CLUBBOT_SECRETARIAT_CHANNEL": SECRETARIAT_CHANNEL_ID,
        "CLUBBOT_LANGUAGE": "ko",
        "CLUBBOT_ALLOW_PRIVATE_FEEDS": "1",
        # direct messages at once: the tests of the readers' hours set their own (tests/test_hours.py and
        # tests/tracking/test_reader_hours.py); the others must not wait for a morning in Los Angeles
        "CLUBBOT_WORKING_HOURS": "always",
    }


@pytest.fixture(scope="session")
def scholarly_server() -> Iterator[ScholarlyServer]:
    """The Crossref/OpenAlex stand-in the served app talks to (tests seed it through `scholarly`)."""
    from bot.standin.scholarly import ScholarlyServer

    server = ScholarlyServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def app_settings(
    database_url: str,
    standin_server: SlackStandIn,
    scholarly_server: ScholarlyServer,
    tmp_path_factory: pytest.TempPathFactory,
) -> Settings:
    from bot.settings import load_settings

    settings = load_settings(app_environment(database_url, standin_server.api_url), env_file=None)
    return settings.with_overrides(
        data_dir=tmp_path_factory.mktemp("data"),  # reports etc. never in the work tree
        crossref_url=scholarly_server.crossref_url,  # never the real services
        openalex_url=scholarly_server.openalex_url,
    )


@pytest.fixture(scope="session")
def served_app(app_settings: Settings, standin_server: SlackStandIn) -> Iterator[ServedApp]:
    """The real Bolt app, served over HTTP on loopback, talking to the stand-in. Time-scaled pacing and backoff."""
    from bot.app import create_app
    from bot.runtime import Runtime
    from bot.server import LocalServer
    from bot.slack.pacer import Pacer
    from bot.web import WebApp

    runtime = Runtime.from_settings(
        app_settings,
        pacer=Pacer(scale=0.02),
        dispatcher_options={"base_delay": 0.05, "max_delay": 0.5, "stale_after": 1.0},
    )
    server = LocalServer(WebApp(create_app(runtime), runtime)).start()
    standin_server.app_url = server.url + "/slack/events"
    yield ServedApp(runtime=runtime, url=server.url)
    server.stop()
    runtime.close()


@pytest.fixture
def slack(standin_server: SlackStandIn, database: storage_db.Database, served_app: ServedApp) -> World:
    """A fresh workspace (secretariat admin, secretariat channel), an empty database, the app running."""
    standin_server.reset()
    served_app.runtime.slack.forget_all()
    return World.create(standin_server, served_app, database)
