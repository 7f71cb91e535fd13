"""Fixtures: a real database (SQLite by default, PostgreSQL with CLUBBOT_TEST_DATABASE_URL), the local Slack
stand-in and the real app served over HTTP on loopback.

The database of a test run is created fresh (a temporary SQLite file, or a new PostgreSQL database on
the server the URL names, dropped at the end), migrated with Alembic once, and emptied between tests.
"""

from __future__ import annotations

import os
import secrets
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from storage import db as storage_db
from storage.models import Base

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


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
    with database.engine.begin() as connection:
        if database.is_sqlite:
            for name in tables:
                connection.execute(text(f'DELETE FROM "{name}"'))  # noqa: S608 - names from our own metadata
        else:
            quoted = ", ".join(f'"{name}"' for name in tables)
            connection.execute(text(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE"))


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
