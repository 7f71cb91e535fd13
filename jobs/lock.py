"""Only one clock is active: a PostgreSQL session-level advisory lock, or a file lock beside an SQLite database.

On PostgreSQL a second clock waits as a standby and takes over within a few seconds when the first
dies (the server releases the lock when its session ends). On SQLite a second clock is refused.
"""

from __future__ import annotations

import fcntl
import logging
import threading
from abc import ABC, abstractmethod
from pathlib import Path
from typing import IO

from sqlalchemy import Connection, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from storage.db import Database

log = logging.getLogger(__name__)

#: Arbitrary but fixed 64-bit key naming "the clubbot clock" among advisory locks.
ADVISORY_KEY = 0x636C7562626F74  # "clubbot"


class ClockBusy(Exception):
    """Another clock holds the lock and this database cannot have a standby."""


class ClockLock(ABC):
    @abstractmethod
    def acquire(self, stop: threading.Event, *, poll_seconds: float = 1.0) -> bool:
        """Block until this process is the active clock (True) or `stop` is set (False)."""

    @abstractmethod
    def still_held(self) -> bool:
        """Whether this process still holds the lock (a dropped database session loses it)."""

    @abstractmethod
    def release(self) -> None: ...

    @staticmethod
    def for_database(db: Database) -> ClockLock:
        if db.is_sqlite:
            return FileClockLock(_sqlite_lock_path(db.url))
        return AdvisoryClockLock(db.url)


def _sqlite_lock_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise ClockBusy("an in-memory SQLite database cannot be shared with a clock process")
    return Path(database).with_suffix(Path(database).suffix + ".clock.lock")


class FileClockLock(ClockLock):
    def __init__(self, path: Path) -> None:
        self.path = path
        self._handle: IO[str] | None = None

    def acquire(self, stop: threading.Event, *, poll_seconds: float = 1.0) -> bool:
        handle = self.path.open("a+")
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            raise ClockBusy(
                "another `clubbot clock` is already running on this SQLite database; stop it first "
                "(a standby clock needs PostgreSQL)"
            ) from None
        self._handle = handle
        return True

    def still_held(self) -> bool:
        return self._handle is not None

    def release(self) -> None:
        if self._handle is not None:
            fcntl.flock(self._handle.fileno(), fcntl.LOCK_UN)
            self._handle.close()
            self._handle = None


class AdvisoryClockLock(ClockLock):
    def __init__(self, url: str) -> None:
        self._engine = create_engine(url, poolclass=NullPool, connect_args={"application_name": "clubbot-clock"})
        self._connection: Connection | None = None

    def acquire(self, stop: threading.Event, *, poll_seconds: float = 1.0) -> bool:
        announced = False
        while not stop.is_set():
            try:
                if self._connection is None:
                    self._connection = self._engine.connect().execution_options(isolation_level="AUTOCOMMIT")
                got = self._connection.execute(
                    text("SELECT pg_try_advisory_lock(:key)"), {"key": ADVISORY_KEY}
                ).scalar()
            except Exception:
                log.warning("clock lock: database not reachable; retrying", exc_info=True)
                self._drop_connection()
                got = False
            if got:
                log.info("clock lock acquired: this process is the active clock")
                return True
            if not announced:
                log.info("another clock is active; standing by to take over")
                announced = True
            stop.wait(poll_seconds)
        return False

    def still_held(self) -> bool:
        if self._connection is None:
            return False
        try:
            held = self._connection.execute(
                text(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid() "
                    "AND granted AND ((classid::bigint << 32) | objid::bigint) = :key"
                ),
                {"key": ADVISORY_KEY},
            ).scalar()
        except Exception:
            log.error("clock lock: lost the database session", exc_info=True)
            self._drop_connection()
            return False
        return bool(held)

    def release(self) -> None:
        if self._connection is not None:
            try:
                self._connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": ADVISORY_KEY})
            except Exception:
                log.debug("clock lock: unlock failed", exc_info=True)
        self._drop_connection()
        self._engine.dispose()

    def _drop_connection(self) -> None:
        if self._connection is not None:
            try:
                self._connection.close()
            except Exception:
                log.debug("closing the lock connection failed", exc_info=True)
            self._connection = None
