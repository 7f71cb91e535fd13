"""Counting, inside a benchmark's server process, what each request costs: SQL statements, database round trips
and the CPU time of the thread that served it, by kind of request (the `/club` subcommand, or the event type).

Served by gunicorn as `counting:wrap('bot.web:create_wsgi_app')` (any WSGI app factory); each worker writes its totals
to `$CLUBBOT_BENCH_COUNTS_DIR/counts-<pid>.json` every quarter second, and `totals(folder)` sums them.

Counted, not estimated, from SQLAlchemy's engine events and the drivers' own state:
- a *statement* is one `before_cursor_execute` (an `executemany` is one statement);
- a *round trip* is a statement, plus the `BEGIN` psycopg sends before the first statement of a transaction (a
  connection not in autocommit and idle on the server), plus a `COMMIT` or `ROLLBACK` of a transaction open on
  the server, plus a pool pre-ping (`SELECT 1` on checkout). On SQLite the same rules count the calls into the
  library (there is no server to travel to).
What a request hands to a thread pool (Bolt's listener executor, caches written aside) is counted with it, CPU
time included; work no request started (the outbox sender's thread, timers) is counted under `(background)`.
"""

from __future__ import annotations

import cProfile
import importlib
import json
import os
import pstats
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from sqlalchemy import event
from sqlalchemy.engine import Engine

_local = threading.local()
#: CLUBBOT_BENCH_PROFILE="/club update,/club output": profile those requests' listeners (cProfile), written to
#: profile-<pid>.prof next to the counts.
_PROFILE = {k for k in os.environ.get("CLUBBOT_BENCH_PROFILE", "").split(",") if k}
_profiles: list[Any] = []
#: CLUBBOT_BENCH_PROFILE_SKIP=N: leave the first N profiled requests of each worker out (the warm-up: catalogs
#: parsed, statements compiled once).
_PROFILE_SKIP = int(os.environ.get("CLUBBOT_BENCH_PROFILE_SKIP", "0"))
_profiled = [0]
_lock = threading.Lock()
#: kind -> [requests, statements, round trips, thread CPU seconds]
_totals: dict[str, list[float]] = defaultdict(lambda: [0, 0, 0, 0.0])
BACKGROUND = "(background)"


def _add(statements: int, round_trips: int, cpu: float = 0.0) -> None:
    kind = getattr(_local, "kind", None) or BACKGROUND
    with _lock:
        totals = _totals[kind]
        totals[1] += statements
        totals[2] += round_trips
        totals[3] += cpu


def _carry(submit: Any) -> Any:
    """`ThreadPoolExecutor.submit` that counts the task under the request that submitted it (Bolt runs listeners
    in its executor; what they do after the ack, and what they hand on, is the request's cost too)."""

    def carried(self: Any, fn: Any, /, *args: Any, **kwargs: Any) -> Any:
        kind = getattr(_local, "kind", None)
        if kind is None:
            return submit(self, fn, *args, **kwargs)

        def task() -> Any:
            outer = getattr(_local, "kind", None)
            _local.kind = kind
            started = time.thread_time()
            profile = None
            if _PROFILE and kind in _PROFILE:
                with _lock:
                    _profiled[0] += 1
                    if _profiled[0] > _PROFILE_SKIP:
                        profile = cProfile.Profile(time.thread_time)
            if profile is not None:
                profile.enable()
            try:
                return fn(*args, **kwargs)
            finally:
                if profile is not None:
                    profile.disable()
                    with _lock:
                        _profiles.append(profile)
                _add(0, 0, time.thread_time() - started)
                _local.kind = outer

        return submit(self, task)

    return carried


def _in_transaction(dbapi_connection: Any) -> bool:
    """Whether the driver has a transaction open (on the server for psycopg)."""
    info = getattr(dbapi_connection, "info", None)
    status = getattr(info, "transaction_status", None)
    if status is not None:  # psycopg 3: IDLE is 0
        return int(status) != 0
    return bool(getattr(dbapi_connection, "in_transaction", False))


def _will_begin(dbapi_connection: Any, statement: str) -> bool:
    """Whether the driver sends a BEGIN before this statement."""
    if getattr(dbapi_connection, "autocommit", False) is True:
        return False
    if _in_transaction(dbapi_connection):
        return False
    if hasattr(dbapi_connection, "info"):  # psycopg: every statement outside a transaction opens one
        return True
    # pysqlite (legacy transaction control): a BEGIN before DML only
    return getattr(dbapi_connection, "isolation_level", None) is not None and statement.lstrip()[:6].upper() in {
        "INSERT",
        "UPDATE",
        "DELETE",
        "REPLAC",
    }


def _before_cursor_execute(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
    dbapi_connection = conn.connection.dbapi_connection
    _add(1, 2 if dbapi_connection is not None and _will_begin(dbapi_connection, statement) else 1)


def _ends(conn: Any) -> None:
    dbapi_connection = conn.connection.dbapi_connection
    if dbapi_connection is not None and _in_transaction(dbapi_connection):
        _add(0, 1)


def install() -> None:
    """Count every engine of this process (class-level events), and the pool pre-pings."""
    from concurrent.futures import ThreadPoolExecutor

    ThreadPoolExecutor.submit = _carry(ThreadPoolExecutor.submit)  # type: ignore[method-assign]
    event.listen(Engine, "before_cursor_execute", _before_cursor_execute)
    event.listen(Engine, "commit", _ends)
    event.listen(Engine, "rollback", _ends)
    from sqlalchemy.dialects.postgresql import _psycopg_common
    from sqlalchemy.engine import default

    for cls in (default.DefaultDialect, _psycopg_common._PGDialect_common_psycopg):
        original = cls.__dict__.get("do_ping")
        if original is None:
            continue

        def do_ping(self: Any, dbapi_connection: Any, _original: Any = original) -> bool:
            _add(1, 1)
            return _original(self, dbapi_connection)

        cls.do_ping = do_ping  # type: ignore[method-assign]


def _kind(environ: dict[str, Any], body: bytes) -> str:
    if environ.get("PATH_INFO") != "/slack/events":
        return environ.get("PATH_INFO", "?")
    if environ.get("CONTENT_TYPE", "").startswith("application/x-www-form-urlencoded"):
        form = parse_qs(body.decode("utf-8", "replace"))
        if "payload" in form:
            try:
                return "interactive:" + str(json.loads(form["payload"][0]).get("type"))
            except ValueError:
                return "interactive:?"
        words = (form.get("text") or [""])[0].split()
        return "/club " + (words[0] if words else "")
    try:
        return "event:" + str(json.loads(body).get("event", {}).get("type"))
    except ValueError:
        return "event:?"


def _writer(folder: Path) -> None:
    path = folder / f"counts-{os.getpid()}.json"
    while True:
        time.sleep(0.25)
        with _lock:
            snapshot = {kind: list(values) for kind, values in _totals.items()}
        path.with_suffix(".tmp").write_text(json.dumps(snapshot))
        path.with_suffix(".tmp").replace(path)
        if _profiles and int(time.monotonic() * 4) % 8 == 0:
            with _lock:
                profiles = list(_profiles)
            stats = pstats.Stats(profiles[0])
            for profile in profiles[1:]:
                stats.add(profile)
            stats.dump_stats(str(folder / f"profile-{os.getpid()}.prof"))


def wrap(factory: str, *args: Any) -> Any:
    """The WSGI app made by `factory` ("module:callable") called with `args`, counted."""
    install()
    module, _, name = factory.partition(":")
    app = getattr(importlib.import_module(module), name)(*args)
    folder = Path(os.environ["CLUBBOT_BENCH_COUNTS_DIR"])
    threading.Thread(target=_writer, args=(folder,), daemon=True, name="bench-counts").start()

    def counted(environ: dict[str, Any], start_response: Any) -> Any:
        import io

        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(body)
        _local.kind = kind = _kind(environ, body)
        with _lock:
            _totals[kind][0] += 1
        started = time.thread_time()
        try:
            return list(app(environ, start_response))
        finally:
            _add(0, 0, time.thread_time() - started)
            _local.kind = None

    return counted


def totals(folder: Path) -> dict[str, list[float]]:
    """The sums over the server's workers so far: kind -> [requests, statements, round trips, thread CPU s]."""
    summed: dict[str, list[float]] = defaultdict(lambda: [0, 0, 0, 0.0])
    for path in folder.glob("counts-*.json"):
        try:
            data = json.loads(path.read_text())
        except (OSError, ValueError):
            continue
        for kind, values in data.items():
            for i, value in enumerate(values):
                summed[kind][i] += value
    return dict(summed)


def difference(after: dict[str, list[float]], before: dict[str, list[float]]) -> dict[str, list[float]]:
    return {
        kind: [a - b for a, b in zip(values, before.get(kind, [0, 0, 0, 0.0]), strict=True)]
        for kind, values in after.items()
    }
