"""Migrations build the schema from empty on SQLite and PostgreSQL; processes refuse a database that is behind."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, select
from sqlalchemy.exc import IntegrityError

from bot.domain import ClubRole, FieldKey
from bot.settings import load_settings
from bot.startup import StartupError, check_schema
from storage import db as storage_db
from storage.models import Base, Club, Meeting, Membership, Participant


def test_migrations_go_up_from_empty_down_to_nothing_and_up_again(fresh_database_url):
    database = storage_db.Database(fresh_database_url)
    try:
        storage_db.upgrade(fresh_database_url)
        assert storage_db.current_revision(database.engine) == storage_db.head_revision()
        tables = set(inspect(database.engine).get_table_names())
        assert {"participants", "clubs", "memberships", "outputs", "outbox", "job_runs", "audit_log"} <= tables
        storage_db.downgrade(fresh_database_url, "base")
        assert storage_db.current_revision(database.engine) is None
        assert set(inspect(database.engine).get_table_names()) <= {"alembic_version"}
        storage_db.upgrade(fresh_database_url)
        assert storage_db.is_up_to_date(database.engine)
    finally:
        database.dispose()


def test_migrated_schema_matches_the_models(database):
    with database.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def _meeting() -> Meeting:
    return Meeting(code="XL-1", field=FieldKey.AI, starts_on=date(2026, 5, 1), ends_on=date(2026, 5, 2))


def test_database_enforces_unique_emails(database):
    with database.session() as session:
        session.add(Participant(name_en="A", email="a@x.example"))
    with pytest.raises(IntegrityError), database.session() as session:
        session.add(Participant(name_en="B", email="a@x.example"))


def test_database_enforces_one_membership_per_participant_and_club(database):
    with database.session() as session:
        person = Participant(name_en="A", email="a@x.example")
        club = Club(name="AI club", field=FieldKey.AI)
        session.add_all([person, club, Membership(club=club, participant=person)])
    with pytest.raises(IntegrityError), database.session() as session:
        session.add(Membership(club_id=club.id, participant_id=person.id, role=ClubRole.LEADER))


def test_database_enforces_foreign_keys_and_checks(database):
    with pytest.raises(IntegrityError), database.session() as session:
        session.add(Membership(club_id=999, participant_id=999))
    with pytest.raises(IntegrityError), database.session() as session:
        meeting = _meeting()
        meeting.ends_on = date(2026, 4, 1)
        session.add(meeting)
    with pytest.raises(IntegrityError), database.session() as session:
        session.add(Participant(name_en=None, name_ko=None, email="nobody@x.example"))


def test_times_come_back_aware_in_utc(database):
    seoul_noon = datetime(2026, 11, 21, 12, 0, tzinfo=timezone(timedelta(hours=9)))
    with database.session() as session:
        session.add(Participant(name_en="A", email="t@x.example", forgotten_at=seoul_noon))
    with database.session() as session:
        stored = session.scalar(select(Participant.forgotten_at))
    assert stored == datetime(2026, 11, 21, 3, 0, tzinfo=UTC)
    assert stored.tzinfo is not None


def test_a_database_behind_the_code_is_refused_with_the_command_to_run(fresh_database_url, tmp_path):
    """An explicitly configured database is never migrated behind the operator's back."""
    on_sqlite = fresh_database_url.startswith("sqlite")
    url = f"sqlite:///{tmp_path / 'behind.db'}" if on_sqlite else fresh_database_url
    if not on_sqlite:
        storage_db.downgrade(url, "base")  # the run's database, put back below
    database = storage_db.Database(url)
    try:
        with pytest.raises(StartupError, match="clubbot db upgrade"):
            check_schema(load_settings({"DATABASE_URL": url}, env_file=None), database)
        assert storage_db.current_revision(database.engine) is None
    finally:
        database.dispose()
        if not on_sqlite:
            storage_db.upgrade(url)


def test_the_embedded_default_sqlite_is_upgraded_automatically(tmp_path):
    settings = load_settings({"CLUBBOT_DATA_DIR": str(tmp_path / "data")}, env_file=None)
    assert settings.database_url_is_default
    database = storage_db.Database(settings.database_url)
    try:
        check_schema(settings, database)
        assert storage_db.is_up_to_date(database.engine)
    finally:
        database.dispose()


def test_an_unreachable_database_is_reported_in_one_line():
    settings = load_settings({"DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none"}, env_file=None)
    database = storage_db.Database(settings.database_url)
    with pytest.raises(StartupError) as caught:
        check_schema(settings, database)
    assert "cannot reach the database" in str(caught.value)
    assert "\n" not in str(caught.value)
