"""The `/club update` and `/club output` filings on the request path (Core statements, one connection): what the
person and the channel see is what the ORM's filing gives (the ID in the answer, the card and its button, the
audit entry, the first status), nothing is confirmed that is not stored, the cases the quick path leaves to the
ORM are still filed right, and on PostgreSQL the filing costs the database at most three round trips."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import pytest
from sqlalchemy import event, insert, select, text

from bot.slack.outbox import KIND_UPDATE
from storage.db import once_more_on_disconnect
from storage.models import (
    AuditEntry,
    DoiMetadata,
    OutboxMessage,
    Output,
    OutputStatusChange,
    Participant,
    SeenSignature,
    Update,
)
from tests.factories import make_club
from tests.support import seen_by_user
from tests.tracking.support import card

#: Threads whose statements are not the request's: the outbox sender (after the ack) and caches written aside.
_ASIDE = ("clubbot-outbox", "clubbot-aside")


@contextmanager
def statements(world) -> Iterator[list[tuple[str, str]]]:
    """The SQL statements the app sends while the block runs, from the threads that serve requests: (thread, the
    statement's first word)."""
    seen: list[tuple[str, str]] = []
    engine = world.runtime.db.engine

    def count(_conn, _cursor, statement, *_args) -> None:
        if not threading.current_thread().name.startswith(_ASIDE):
            seen.append((threading.current_thread().name, statement.split()[0].upper()))

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_an_output_filed_on_the_request_path_is_stored_carded_and_audited_under_its_id(slack):
    club = make_club(slack)
    member = club.members[0]
    seen_by_user(slack.command(member, club.channel, "update First visit"))  # u1: the IDs of each kind count apart
    reply = seen_by_user(
        slack.command(member, club.channel, 'output paper "Qubits on chip" status:submitted doi:10.5555/rp.1')
    )
    assert "Saved as *o1*" in reply
    with slack.db.session() as session:
        output = session.scalars(select(Output)).one()
        assert (output.id, output.title, output.status, output.doi) == (
            1,
            "Qubits on chip",
            "submitted",
            "10.5555/rp.1",
        )
        author = session.get(Participant, output.filed_by_id)
        assert author is not None and author.slack_user_id == member
        steps = session.execute(select(OutputStatusChange.from_status, OutputStatusChange.to_status)).all()
        assert steps == [(None, "submitted")]
        entries = session.execute(
            select(AuditEntry.action, AuditEntry.entity, AuditEntry.entity_id, AuditEntry.actor).order_by(AuditEntry.id)
        ).all()
        assert entries == [("item.filed", "update", "1", member), ("item.filed", "output", "1", member)]
        # the cards the filings posted (the DOI's lookup after the ack may already have queued the card's update)
        posts = select(OutboxMessage).where(OutboxMessage.kind != KIND_UPDATE)
        refs = list(session.scalars(posts.with_only_columns(OutboxMessage.ref).order_by(OutboxMessage.id)))
        assert refs == ["update:1", "output:1"]
        posted = session.scalars(posts.with_only_columns(OutboxMessage.payload).where(OutboxMessage.ref == "output:1"))
        button = [
            element
            for block in posted.one()["blocks"]
            for element in block.get("elements", [])
            if element.get("action_id") == "tracking:confirm_output"
        ]
        assert [b["value"] for b in button] == ["1"]  # the leader's confirm button names output 1
    shown = card(slack, club.channel, "output:1")
    assert "`o1`" in shown and "Qubits on chip" in shown and "@quantum-member0" in shown


def test_an_update_by_a_person_whose_data_was_erased_shows_no_name_on_its_card(slack):
    club = make_club(slack)
    member = club.members[1]
    with slack.db.session() as session:
        person = session.scalars(select(Participant).where(Participant.slack_user_id == member)).one()
        name = person.name_en
        person.forgotten_at = datetime.now(UTC)
    assert "Saved as *u1*" in seen_by_user(slack.command(member, club.channel, "update Met the Delft group"))
    shown = card(slack, club.channel, "update:1")
    assert "Met the Delft group" in shown and (not name or name not in shown)


def test_the_cases_left_to_the_unit_of_work_are_filed_as_before(slack):
    club = make_club(slack)
    member = club.members[0]
    with slack.db.session() as session:  # a DOI the cache knows (another club's output): its card shows the venue
        session.add(
            DoiMetadata(
                doi="10.5555/rp.cached",
                message={"title": ["Known"]},
                venue="Nature Physics",
                fetched_at=datetime.now(UTC),
            )
        )
    assert "Saved as *o1*" in seen_by_user(
        slack.command(member, club.channel, 'output paper "Known paper" status:submitted doi:10.5555/rp.cached')
    )
    assert "Nature Physics" in card(slack, club.channel, "output:1")
    again = seen_by_user(
        slack.command(member, club.channel, 'output paper "Known paper" status:accepted doi:10.5555/rp.cached')
    )
    assert "*o1*" in again and "Saved as *o2*" not in again  # the same DOI is the same output, moved on
    with slack.db.session() as session:
        assert session.scalars(select(Output.status)).all() == ["accepted"]
        assert session.scalars(select(Update)).all() == []


def test_a_filing_costs_postgresql_at_most_three_round_trips(slack):
    if slack.db.is_sqlite:
        pytest.skip("PostgreSQL: SQLite has no round trips (the same statements run in-process)")
    club = make_club(slack)
    member = club.members[0]
    seen_by_user(slack.command(member, club.channel, "update Warming up"))  # the person's language is learnt once
    for command in ("update Shared the draft", 'output paper "Counted" status:submitted doi:10.5555/rp.counted'):
        with statements(slack) as seen:
            assert "Saved as" in seen_by_user(slack.command(member, club.channel, command))
        # the command's: those of the thread that took the request and of the listener's up to its write (the card's
        # post may bring the app a message event meanwhile, a request of its own)
        writer = next(thread for thread, verb in seen if verb == "WITH")
        until = next(n for n, (thread, verb) in enumerate(seen) if verb == "WITH")
        sent = [verb for thread, verb in seen[: until + 1] if thread in (seen[0][0], writer)]
        # the replay check, the standing (with the club, the name and the DOI checks), the write: no BEGIN, no
        # COMMIT, no pre-ping
        assert sent == ["INSERT", "SELECT", "WITH"], seen


def test_a_write_retried_on_a_new_connection_after_the_old_one_was_lost_is_committed(slack):
    """The request path retries once on a new connection when the server dropped the old one after checkout; the
    new connection is in autocommit mode too, so the write is committed (not rolled back when returned)."""
    if slack.db.is_sqlite:
        pytest.skip("PostgreSQL behaviour: an SQLite file has no server connections to lose")
    db = slack.db
    row = insert(SeenSignature).values(signature="v0=retried", request_ts=1)
    with db.quick() as connection:
        victim = connection.execute(text("SELECT pg_backend_pid()")).scalar_one()
        with db.engine.connect() as admin:
            admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": victim})
        time.sleep(0.2)  # the backend is gone (not a timed assertion: waiting for the server to act)
        once_more_on_disconnect(connection, lambda: connection.execute(row))
    db.engine.dispose()  # a rolled-back write would be gone now
    with db.session() as session:
        assert session.scalar(select(SeenSignature.request_ts).where(SeenSignature.signature == "v0=retried")) == 1
