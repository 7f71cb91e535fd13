"""The database goes away under the running app (a PostgreSQL restart; on SQLite another process holding the
database): people get the polite "try again" within Slack's 3 seconds, in their language, nothing half-saved,
and the app works again by itself as soon as the database is back."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from bot.domain import Language
from bot.i18n import t
from storage.db import Database, normalize_database_url
from storage.models import Update
from tests.conftest import app_environment
from tests.factories import make_club
from tests.support import seen_by_user
from tests.tracking.support import top_view, view_text

TRY_AGAIN = t(Language.EN, "error.try_again")
ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Outage:
    """Takes the test database away from the running app, and gives it back. On PostgreSQL the database refuses
    connections and every connection to it is killed, as when the server restarts; on SQLite another process
    holds the write lock, as a backup or an open `sqlite3` shell can."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._holder: sqlite3.Connection | None = None
        self.name = make_url(db.url).database
        if db.is_sqlite:
            self.admin = None
        else:
            admin_url = normalize_database_url(os.environ["CLUBBOT_TEST_DATABASE_URL"])
            self.admin = create_engine(admin_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)

    def kill_connections(self) -> int:
        """PostgreSQL: terminate every connection to the test database (what a restart does to them)."""
        assert self.admin is not None
        with self.admin.connect() as connection:
            return connection.execute(
                text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE datname = :name AND pid <> pg_backend_pid()"
                ),
                {"name": self.name},
            ).scalar_one()

    def _allow(self, allowed: bool) -> None:
        assert self.admin is not None
        with self.admin.connect() as connection:
            connection.execute(text(f'ALTER DATABASE "{self.name}" ALLOW_CONNECTIONS {str(allowed).lower()}'))

    def __enter__(self) -> Outage:
        if self.admin is None:
            self._holder = sqlite3.connect(str(self.name), isolation_level=None)
            self._holder.execute("BEGIN IMMEDIATE")
        else:
            self._allow(False)
            self.kill_connections()
        return self

    def __exit__(self, *_: object) -> None:
        if self._holder is not None:
            self._holder.execute("ROLLBACK")
            self._holder.close()
            self._holder = None
        else:
            self._allow(True)

    def close(self) -> None:
        if self.admin is not None:
            self._allow(True)
            self.admin.dispose()


@pytest.fixture
def outage(slack) -> Iterator[Outage]:
    away = Outage(slack.db)
    yield away
    away.close()


def updates(world) -> list[str]:
    with world.db.session() as session:
        return list(session.scalars(select(Update.text).order_by(Update.id)))


def test_a_command_while_the_database_is_away_is_answered_politely_and_saved_once_it_is_back(slack, outage):
    club = make_club(slack)  # people with English locales; the default language is Korean
    member = club.members[0]  # not seen by the app yet: their language is looked up while the database is away
    with outage:
        delivery = slack.command(member, club.channel, "update Visited the Delft lab")
        assert delivery.status == 200 and delivery.acked_in_time, (delivery.status, delivery.elapsed, delivery.error)
        assert delivery.json["response_type"] == "ephemeral"
        assert TRY_AGAIN in seen_by_user(delivery)  # in the person's language, found without the database
    assert updates(slack) == []  # nothing half-saved

    reply = seen_by_user(slack.command(member, club.channel, "update Visited the Delft lab"))
    assert "Saved as *u1*" in reply
    assert updates(slack) == ["Visited the Delft lab"]


def test_a_form_submitted_while_the_database_is_away_gets_a_polite_notice_on_top_of_it(slack, outage):
    club = make_club(slack)
    member = club.members[0]
    slack.command(member, club.channel, "update")
    view = top_view(slack, member)
    with outage:
        delivery = slack.standin.submit_view(member, view.id, {"text": {"text": "A long note worth keeping"}})
        assert delivery.status == 200 and delivery.acked_in_time, (delivery.status, delivery.elapsed, delivery.error)
    assert delivery.json["response_action"] == "push"
    form, notice = slack.standin.views(member)
    assert form.id == view.id and form.state["values"]["text"]["text"]["value"] == "A long note worth keeping"
    assert TRY_AGAIN in view_text(slack, notice)
    assert updates(slack) == []

    slack.standin.close_view(member, notice.id)  # back to the form, as typed; the database is back
    delivery = slack.standin.submit_view(member, view.id, {"text": {"text": "A long note worth keeping"}})
    assert delivery.ok and not (delivery.json or {}).get("response_action")
    assert updates(slack) == ["A long note worth keeping"]


def test_commands_are_saved_right_after_the_apps_connections_were_killed(slack, outage):
    if slack.db.is_sqlite:
        pytest.skip("PostgreSQL behaviour: an SQLite file has no server connections to lose")
    club = make_club(slack)
    member = club.members[0]
    for n in range(3):
        assert "Saved as" in seen_by_user(slack.command(member, club.channel, f"update Visit {n}"))
        assert outage.kill_connections() > 0  # as a restart of the server does; the pool checks before use
    assert "Saved as *u4*" in seen_by_user(slack.command(member, club.channel, "update Visit 3"))
    assert updates(slack) == [f"Visit {n}" for n in range(4)]


class AwayAtStart:
    """A database the web process cannot reach when it starts, and can once `back()` is called. PostgreSQL: the
    test database refusing connections. SQLite: a database path that cannot be opened (a directory), which then
    becomes a copy of the test database."""

    def __init__(self, world, outage: Outage, folder: Path) -> None:
        self.world, self.outage = world, outage
        if world.db.is_sqlite:
            self.path = folder / "away.db"
            self.path.mkdir()
            self.url = f"sqlite:///{self.path}"
        else:
            self.url = world.db.url
            outage.__enter__()

    def back(self) -> Database:
        if not self.world.db.is_sqlite:
            self.outage.__exit__()
            return self.world.db
        self.path.rmdir()
        source, copy = sqlite3.connect(make_url(self.world.db.url).database), sqlite3.connect(self.path)
        source.backup(copy)
        source.close()
        copy.close()
        return Database(self.url)


def test_a_web_worker_started_while_the_database_is_away_answers_politely_and_recovers(slack, outage, tmp_path):
    club = make_club(slack)
    member = club.members[0]
    away = AwayAtStart(slack, outage, tmp_path)
    port = free_port()
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": str(ROOT),
        "CLUBBOT_DATA_DIR": str(tmp_path),
        "WEB_CONCURRENCY": "1",
        "WEB_THREADS": "2",
        **app_environment(away.url, slack.standin.api_url),
    }
    log = (tmp_path / "web.log").open("wb")
    gunicorn = [sys.executable, "-m", "gunicorn", "--config", "python:bot.gunicorn_config"]
    server = subprocess.Popen(
        [*gunicorn, "--bind", f"127.0.0.1:{port}", "bot.web:create_wsgi_app()"],  # as the Procfile runs it
        cwd=tmp_path,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    served_url = slack.standin.app_url
    try:
        health = None
        deadline = time.monotonic() + 30
        while health is None and time.monotonic() < deadline:
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2)
            except httpx.HTTPError:
                time.sleep(0.2)
        assert health is not None, (tmp_path / "web.log").read_text()[-2000:]  # not restarting in a loop
        assert health.status_code == 503
        slack.standin.app_url = f"http://127.0.0.1:{port}/slack/events"
        delivery = slack.command(member, club.channel, "update Visited the Delft lab")
        assert delivery.status == 200 and delivery.acked_in_time, (delivery.status, delivery.elapsed, delivery.error)
        assert TRY_AGAIN in seen_by_user(delivery)

        database = away.back()
        assert "Saved as *u1*" in seen_by_user(slack.command(member, club.channel, "update Visited the Delft lab"))
        with database.session() as session:
            assert list(session.scalars(select(Update.text))) == ["Visited the Delft lab"]
        assert httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5).status_code == 200
    finally:
        slack.standin.app_url = served_url
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        log.close()
