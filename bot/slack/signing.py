"""Slack's request signatures, checked on the raw bytes before anything parses them, and remembered so that a
signed request is processed once.

`refusal(...)` never raises, whatever the bytes and header values (not UTF-8, `X-Slack-Request-Timestamp: abc`,
non-ASCII digits): it names why a request is not Slack's, or returns None. Bolt checks the signature again later;
this check is what lets nothing unsigned reach a parser.

`SeenSignatures.first_sight` records an accepted signature in the database (so every worker sees it) with one
`INSERT ... ON CONFLICT DO NOTHING` in autocommit mode (one round trip on PostgreSQL); False means the same
signed body was already accepted within Slack's five-minute window: a replay. Rows older than the window are
pruned at most once a minute per process.

On PostgreSQL that INSERT commits without waiting for the WAL flush (`synchronous_commit` off for its own
transaction, set by the statement itself): a request's answer must not wait for two flushes when its filing
needs one. Nothing is weakened by it: WAL is written in order, so the flush of anything the request then commits
durably (a filing, a click's change) carries the signature's row with it; only the record of a request that
changed nothing can be lost in a crash, and that request is harmless to see again.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import threading
import time

from sqlalchemy import Integer, String, delete, func, literal, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.sql.dml import ReturningInsert

from storage.db import Database, once_more_on_disconnect
from storage.models import SeenSignature

log = logging.getLogger(__name__)

#: Slack's window: a request whose signed timestamp is further from now than this is refused.
MAX_AGE_SECONDS = 5 * 60
#: Rows are kept a little longer than the window (clocks differ), then pruned.
KEEP_SECONDS = 2 * MAX_AGE_SECONDS
PRUNE_EVERY_SECONDS = 60.0
_MAX_TIMESTAMP_DIGITS = 12
#: How long the check waits for SQLite's write lock before letting the request go on unchecked (logged).
SQLITE_WAIT_MS = 300


def refusal(secret: str, body: bytes, timestamp: str | None, signature: str | None, *, now: float) -> str | None:
    """Why this is not a request Slack signed with `secret` (a short reason for the log), or None when it is."""
    if not secret:
        return "no signing secret configured"
    if not timestamp or not signature:
        return "not signed"
    if not (timestamp.isascii() and timestamp.isdigit()) or len(timestamp) > _MAX_TIMESTAMP_DIGITS:
        return "timestamp is not a number"
    if abs(now - int(timestamp)) > MAX_AGE_SECONDS:
        return "timestamp outside the five-minute window"
    digest = hmac.new(secret.encode(), b"v0:" + timestamp.encode() + b":" + body, hashlib.sha256).hexdigest()
    expected = f"v0={digest}".encode()
    if not hmac.compare_digest(expected, signature.encode("utf-8", "replace")):
        return "signature does not match"
    return None


def _record(is_sqlite: bool, signature: str, request_ts: int) -> ReturningInsert[tuple[str]]:
    """The one statement that records a signature and returns it when it was not there (rowcount is not reliable
    on psycopg); on PostgreSQL without waiting for its flush (see the module's docstring)."""
    if is_sqlite:
        statement = sqlite_insert(SeenSignature).values(signature=signature, request_ts=request_ts)
        return statement.on_conflict_do_nothing(index_elements=["signature"]).returning(SeenSignature.signature)
    no_flush_wait = select(func.set_config("synchronous_commit", "off", True).label("set")).subquery()
    rows = select(literal(signature, String), literal(request_ts, Integer)).select_from(no_flush_wait)
    pg_statement = postgresql_insert(SeenSignature).from_select(["signature", "request_ts"], rows)
    return pg_statement.on_conflict_do_nothing(index_elements=["signature"]).returning(SeenSignature.signature)


class SeenSignatures:
    """The signatures of requests accepted lately, shared by every worker through the database."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._lock = threading.Lock()
        self._next_prune = 0.0

    def first_sight(self, signature: str, request_ts: int, *, now: float | None = None) -> bool:
        """Record `signature`; False when it was already recorded (the same signed request seen again)."""
        statement = _record(self.db.is_sqlite, signature[:80], request_ts)
        attempts = 0

        def insert_once() -> bool:
            nonlocal attempts
            attempts += 1
            inserted = connection.execute(statement).scalar() is not None
            # a second attempt after a lost connection: the first may have been recorded before the loss
            return inserted or attempts > 1

        # One statement in autocommit mode: on PostgreSQL one round trip (no BEGIN, no COMMIT, no pre-ping).
        with self.db.quick() as connection:
            if self.db.is_sqlite:  # a locked file must not eat the time the request itself needs to answer
                connection.exec_driver_sql(f"PRAGMA busy_timeout={SQLITE_WAIT_MS}")
                try:
                    inserted = insert_once()
                finally:
                    connection.exec_driver_sql(f"PRAGMA busy_timeout={int(self.db.lock_timeout * 1000)}")
            else:
                inserted = once_more_on_disconnect(connection, insert_once)
            connection.commit()  # autocommit: already committed, and no round trip
        self._prune_if_due(time.time() if now is None else now)
        return inserted

    def _prune_if_due(self, now: float) -> None:
        with self._lock:
            if time.monotonic() < self._next_prune:
                return
            self._next_prune = time.monotonic() + PRUNE_EVERY_SECONDS
        with self.db.engine.begin() as connection:
            connection.execute(delete(SeenSignature).where(SeenSignature.request_ts < int(now) - KEEP_SECONDS))
