"""Engine, sessions and schema version checks.

One engine per process (`Database`), one session per request or job (`Database.session()`).
URLs as platforms give them (`postgres://...`) are normalised to SQLAlchemy's psycopg 3 dialect.
"""

from __future__ import annotations

import logging
import select
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger(__name__)

T = TypeVar("T")

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def normalize_database_url(url: str) -> str:
    """Return a SQLAlchemy URL string for `url`, mapping PostgreSQL URLs onto psycopg 3.

    Raises ValueError when the URL cannot be parsed or names an unsupported database.
    """
    url = url.strip()
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise ValueError(str(exc)) from None
    backend = parsed.get_backend_name()
    if backend == "postgresql":
        if parsed.drivername in {"postgresql", "postgresql+psycopg2"}:
            parsed = parsed.set(drivername="postgresql+psycopg")
        elif parsed.drivername != "postgresql+psycopg":
            raise ValueError(f"unsupported PostgreSQL driver {parsed.drivername!r}; use postgresql://")
    elif backend != "sqlite":
        raise ValueError(f"unsupported database {backend!r}; use sqlite:/// or postgresql://")
    return parsed.render_as_string(hide_password=False)


#: How long a unit of work waits for SQLite's write lock before "database is locked", by default.
LOCK_TIMEOUT = 10.0


def database_unavailable(error: BaseException) -> bool:
    """Whether `error` says the database could not be reached or used just now (a lost or refused connection, a
    server shutting down, a locked SQLite file), as opposed to a mistake in a statement."""
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return True
    return isinstance(error, OperationalError | InterfaceError)


def describe_database_error(error: BaseException) -> str:
    """One line for the log: the driver's first line, without the statement and its parameters."""
    original = getattr(error, "orig", None) or error
    lines = str(original).strip().splitlines()
    return f"{type(original).__name__}: {lines[0] if lines else ''}"


def _sqlite_pragmas(dbapi_connection: Any, lock_timeout: float) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA busy_timeout={int(lock_timeout * 1000)}")
    cursor.close()


def _sqlite_savepoint(connection: Connection, _name: str | None) -> None:
    """pysqlite begins a transaction only before a write. A SAVEPOINT issued outside a transaction would start one of
    its own, which its RELEASE commits (whatever becomes of the unit of work), and which, deferred, may read before
    it writes and then be refused the write lock at once ("database is locked", no waiting) when another writer
    committed in between. So the unit of work's transaction is begun first, taking the write lock at once."""
    dbapi_connection = connection.connection.dbapi_connection
    if dbapi_connection is not None and not dbapi_connection.in_transaction:
        dbapi_connection.execute("BEGIN IMMEDIATE")


def _closed_by_server(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
    """On checkout, without a round trip: a connection the server closed (a restart, `pg_terminate_backend`) has
    its goodbye waiting in the socket, which an idle connection never has. The pool replaces such a connection
    (DisconnectionError) instead of handing it to a request. A connection lost silently (a network cut) is found by
    its first statement instead (`once_more_on_disconnect`)."""
    try:
        readable, _, _ = select.select([dbapi_connection.fileno()], [], [], 0)
    except (OSError, ValueError) as error:
        raise DisconnectionError("connection already closed") from error
    except Exception as error:  # psycopg raises its own OperationalError for a closed connection
        raise DisconnectionError(str(error)) from error
    if readable:
        raise DisconnectionError("the server closed the connection")


def make_engine(url: str, *, pool_size: int = 10, lock_timeout: float = LOCK_TIMEOUT) -> Engine:
    """Create the process's engine. SQLite: foreign keys, WAL, savepoints inside the unit of work's transaction,
    `lock_timeout` seconds of waiting for the write lock. PostgreSQL: no pre-ping (it would cost a round trip on
    every checkout, on the request path too): a connection the server closed is seen on checkout without asking the
    server (`_closed_by_server`), connections are recycled after 30 minutes, and the first statement to meet a
    dead connection anyway invalidates the whole pool (the request path retries it: `once_more_on_disconnect`)."""
    normalized = normalize_database_url(url)
    parsed = make_url(normalized)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            normalized,
            connect_args={"check_same_thread": False, "timeout": lock_timeout},
        )
        event.listen(engine, "connect", lambda connection, _record: _sqlite_pragmas(connection, lock_timeout))
        event.listen(engine, "savepoint", _sqlite_savepoint)
        return engine
    engine = create_engine(
        normalized,
        pool_pre_ping=False,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_recycle=1800,
        connect_args={"connect_timeout": 5, "application_name": "clubbot"},
    )
    event.listen(engine, "checkout", _closed_by_server)
    return engine


class Database:
    """The process's database: an engine and a session factory."""

    def __init__(self, url: str, *, pool_size: int = 10, lock_timeout: float = LOCK_TIMEOUT) -> None:
        self.url = normalize_database_url(url)
        self.lock_timeout = lock_timeout
        self.engine = make_engine(self.url, pool_size=pool_size, lock_timeout=lock_timeout)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        # `read()`: lookups that write nothing run without a transaction; on PostgreSQL that saves the BEGIN and
        # COMMIT round trips a unit of work costs (the connection's autocommit is a client-side flag).
        self._reads = sessionmaker(self.engine.execution_options(isolation_level="AUTOCOMMIT"), expire_on_commit=False)

        # `quick()`: the request path's Core statements, each its own transaction unless the caller begins one.
        self._quick = self.engine.execution_options(isolation_level="AUTOCOMMIT")

    @contextmanager
    def quick(self) -> Iterator[Connection]:
        """A connection in autocommit mode for the request path's Core statements: a read costs one round trip, and
        so does a write made as one statement (on PostgreSQL, several INSERTs chained in a CTE are one statement and
        one transaction). Several statements that must commit together go inside `transaction(connection)`."""
        with self._quick.connect() as connection:
            yield connection

    @contextmanager
    def transaction(self, connection: Connection) -> Iterator[Connection]:
        """An explicit transaction on a `quick()` connection: committed when the block ends, rolled back on error.
        On SQLite it is `BEGIN IMMEDIATE` (the write lock is taken at once, waited for up to the lock timeout)."""
        connection.exec_driver_sql("BEGIN IMMEDIATE" if self.is_sqlite else "BEGIN")
        try:
            yield connection
        except BaseException:
            if not connection.invalidated:
                connection.exec_driver_sql("ROLLBACK")
            raise
        connection.exec_driver_sql("COMMIT")

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work: committed when the block ends normally, rolled back on error."""
        session = self._sessions()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for a lookup that writes nothing and needs no snapshot across statements (who is asking,
        which posts are due): each statement runs on its own, without BEGIN and COMMIT. Writing through it is a
        mistake: nothing would be rolled back together."""
        session = self._reads()
        try:
            yield session
        finally:
            session.close()

    def ping(self) -> bool:
        """True when the database answers a trivial query."""
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except Exception:
            log.warning("database ping failed", exc_info=True)
            return False
        return True

    def dispose(self) -> None:
        self.engine.dispose()


def once_more_on_disconnect(connection: Connection, work: Callable[[], T]) -> T:
    """Run `work` on `connection`, and once more when it failed because the connection was lost (the server
    restarted since the connection was last used; without pre-ping that is found by the first statement). Only for
    work that has written nothing when it fails: a read, or a write made as one statement in autocommit mode on a
    connection that was already dead (nothing reached the server)."""
    try:
        return work()
    except DBAPIError as error:
        if not error.connection_invalidated:
            raise
        log.info("database connection lost (%s); trying once more on a new one", describe_database_error(error))
        connection.rollback()
        # the new DBAPI connection the retry runs on does not inherit the isolation level set when `connection` was
        # checked out: without this, a `quick()` connection would no longer be in autocommit mode
        isolation = connection.get_execution_options().get("isolation_level")
        if isolation is not None:
            connection.execution_options(isolation_level=isolation)
        return work()


# --- schema versions (Alembic) -------------------------------------------------------------


def alembic_config(url: str) -> Config:
    """An Alembic `Config` for this project's migrations, bound to `url`. No alembic.ini needed."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # ConfigParser interpolation: a literal % in a password must be doubled.
    config.set_main_option("sqlalchemy.url", normalize_database_url(url).replace("%", "%%"))
    return config


def head_revision() -> str:
    config = alembic_config("sqlite://")
    head = ScriptDirectory.from_config(config).get_current_head()
    if head is None:  # pragma: no cover - the project always has migrations
        raise RuntimeError("no migrations found")
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(url: str, revision: str = "head") -> None:
    """Apply migrations up to `revision`."""
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str) -> None:
    command.downgrade(alembic_config(url), revision)


def is_up_to_date(engine: Engine) -> bool:
    return current_revision(engine) == head_revision()
