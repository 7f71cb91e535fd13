"""`Database.session()` is one unit of work on both databases: all or nothing, savepoints included, and on SQLite
concurrent units wait for each other instead of failing with "database is locked"."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from bot.slack.events import first_delivery
from storage.models import SlackEvent


def test_a_failed_unit_of_work_keeps_nothing_not_even_what_a_savepoint_released(database):
    with pytest.raises(RuntimeError), database.session() as session:
        assert first_delivery(session, "Ev0001")  # a savepoint, the first statement that writes
        raise RuntimeError("processing the event failed")
    with database.session() as session:
        assert first_delivery(session, "Ev0001")  # Slack's retry is processed, not dropped as a redelivery
    with database.session() as session:
        assert not first_delivery(session, "Ev0001")


def test_concurrent_savepoints_that_read_before_they_write_wait_for_each_other(database):
    failures: list[BaseException] = []

    def work(worker: int) -> None:
        for n in range(25):
            try:
                with database.session() as session, session.begin_nested():
                    session.scalar(select(func.count()).select_from(SlackEvent))  # read first, then write
                    session.add(SlackEvent(event_id=f"Ev{worker}-{n}"))
            except Exception as error:  # noqa: BLE001 - collected and reported below
                failures.append(error)

    threads = [threading.Thread(target=work, args=(worker,)) for worker in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures, failures[:3]
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(SlackEvent)) == 8 * 25


def test_a_read_leaves_its_pooled_connection_transactional_for_the_next_unit_of_work(database):
    """`Database.read()` runs lookups without BEGIN/COMMIT; the connection it used goes back to the pool as it
    came, so the next unit of work on it still rolls back as a whole."""
    for _ in range(3):  # the pool hands the same connection back (SQLite: one; PostgreSQL: the last returned)
        with database.read() as session:
            assert session.scalar(select(func.count()).select_from(SlackEvent)) == 0
        with pytest.raises(RuntimeError), database.session() as session:
            session.add(SlackEvent(event_id="Ev-read-then-fail"))
            session.flush()
            raise RuntimeError("the unit of work failed after writing")
    with database.read() as session:
        assert session.scalar(select(func.count()).select_from(SlackEvent)) == 0


def _in_transaction(session) -> bool:
    dbapi_connection = session.connection().connection.dbapi_connection
    if hasattr(dbapi_connection, "in_transaction"):  # sqlite3
        return dbapi_connection.in_transaction
    from psycopg.pq import TransactionStatus

    return dbapi_connection.info.transaction_status != TransactionStatus.IDLE


def test_a_read_holds_no_transaction_open_between_its_statements(database):
    """A lookup through `Database.read()` costs no BEGIN and COMMIT and keeps no transaction (nor its snapshot
    and locks) open while the request goes on; a unit of work does hold one until it ends."""
    with database.read() as session:
        assert session.scalar(select(func.count()).select_from(SlackEvent)) == 0
        assert not _in_transaction(session)
    with database.session() as session:
        session.add(SlackEvent(event_id="Ev-in-a-unit-of-work"))
        session.flush()
        assert _in_transaction(session)
