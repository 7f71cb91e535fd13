"""Database outage under load: the database taken away twice in the middle of a `/club` load run

The app is served as the Procfile serves it and loaded the way `bench/commands.py` loads it (its gunicorn
server, its seeded clubs, its signed keep-alive asyncio client in a process of its own), sending
`/club update` and `/club output` for a fixed time. A fifth of the requests come from people the app has not
answered yet (so their language is looked up during the outages too). Meanwhile, on the scratch database:

- PostgreSQL (`--database-url`), the requirement: (1) every connection of the app is killed with
  `pg_terminate_backend`, once a second, several times; (2) then the database refuses connections for a few
  seconds (`ALTER DATABASE … ALLOW_CONNECTIONS false`, its backends terminated), and accepts them again.
- SQLite (no `--database-url`): another process takes the database's write lock (`BEGIN IMMEDIATE`), (1) for
  half of every second, several times; (2) then for a few seconds. A request waits up to 2 s for the lock;
  one queued in gunicorn behind threads that are waiting for it answers after Slack's 3 s, so the load is as
  many concurrent clients as a worker has threads (the kernel does not spread connections evenly over workers).

Every answer is classified: saved (the ack names the item's ID), the polite "try again" (the catalog's
`error.try_again`, ephemeral, in either language), or anything else (an HTTP status other than 200, no answer
within Slack's 3 s, any other text). Afterwards each request's unique mark is looked up in the database:
nothing acknowledged as saved may be missing, and a request answered "try again" should have stored nothing.
The script fails (exit 1) on a missing record, on any answer that is neither saved nor polite, or when the app
has not saved again within 10 s of the end of an outage (pool pre-ping, no restart).

    .venv/bin/python bench/faults_database.py [--database-url postgresql://postgres@127.0.0.1:5432/test]
                                              [--concurrency N] [--clubs 50] [--write-docs]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import multiprocessing
import random
import re
import sqlite3
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path

from _common import app_env, documented, free_port, manifest_standin, postgres_version, start_server, stop_server
from commands import (
    SAVED,
    SECRET,
    TOKEN,
    Member,
    _request,
    command_body,
    seed,
)
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from bot.domain import Language, language_for_locale
from bot.i18n import t
from storage import db as storage_db
from storage.models import Output, Update

#: Slack gives up on an answer after 3 s (the person sees `operation_timeout`).
SLACK_DEADLINE = 3.0
#: The client gives up on an answer after this long (and counts it as an error).
CLIENT_TIMEOUT = 15.0
#: How soon after an outage the app must save again by itself.
RECOVERY_LIMIT = 10.0
MARK = re.compile(r"\bfdb(\d+)\b")
POLITE = {t(lang, "error.try_again"): lang for lang in Language}


@dataclass
class Answer:
    n: int
    sent: float
    answered: float
    outcome: str  # saved | try-again | an error's description
    #: For a try-again: whether it was in the person's own language (their Slack locale).
    own_language: bool | None = None

    @property
    def elapsed(self) -> float:
        return self.answered - self.sent


@dataclass
class Outage:
    name: str
    start: float
    end: float
    detail: str = ""
    terminated: list[int] = field(default_factory=list)


def classify(status: int, body: bytes, elapsed: float) -> tuple[str, Language | None]:
    """The outcome, and the language of a try-again."""
    if status != 200:
        return f"HTTP {status}", None
    try:
        answer = json.loads(body or b"{}")
    except ValueError:
        return "not JSON", None
    message = answer.get("text", "") if isinstance(answer, dict) else ""
    if elapsed > SLACK_DEADLINE:
        return "late (Slack's 3 s passed)", None
    if SAVED.search(message):
        return "saved", None
    if message in POLITE:
        public = answer.get("response_type", "ephemeral") != "ephemeral"
        return ("try-again in public" if public else "try-again"), POLITE[message]
    return "other answer: " + (message[:60] or "(empty)"), None


def request_text(n: int) -> str:
    if n % 2:
        return f"update Shared the draft fdb{n} of the joint work package with the partner lab"
    return f'output paper "Fault bench paper fdb{n}" status:submitted doi:10.5555/fdb.{uuid.uuid4().hex}'


async def drive(
    port: int,
    regulars: list[Member],
    newcomers: list[Member],
    *,
    start: float,
    stop: float,
    concurrency: int,
    response_url: str,
    languages: dict[str, Language],
) -> list[Answer]:
    """Send commands over `concurrency` keep-alive connections from `start` until `stop` (monotonic clock)."""
    answers: list[Answer] = []
    counter = iter(range(10**9))
    fresh = iter(newcomers)
    host = f"127.0.0.1:{port}"

    def next_member() -> Member:
        if random.random() < 0.2:
            member = next(fresh, None)
            if member is not None:
                return member
        return random.choice(regulars)

    async def worker() -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while time.monotonic() < stop:
                n = next(counter)
                member = next_member()
                body = command_body(member, request_text(n), response_url)
                sent = time.monotonic()
                language = None
                try:
                    status, reply = await asyncio.wait_for(_request(reader, writer, host, body), CLIENT_TIMEOUT)
                    outcome, language = classify(status, reply, time.monotonic() - sent)
                except TimeoutError:
                    outcome = "no answer"
                except (OSError, asyncio.IncompleteReadError, ValueError, IndexError) as error:
                    outcome = f"connection error ({type(error).__name__})"
                own = None if language is None else language == languages[member.user_id]
                answers.append(Answer(n, sent, time.monotonic(), outcome, own))
                if outcome in ("no answer",) or outcome.startswith("connection error"):
                    writer.close()
                    reader, writer = await asyncio.open_connection("127.0.0.1", port)
        finally:
            writer.close()

    await asyncio.sleep(max(0.0, start - time.monotonic()))
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return answers


def _client_process(
    connection: Connection, port: int, regulars: list[Member], newcomers: list[Member], options: dict[str, object]
) -> None:
    random.seed(11)
    connection.send(asyncio.run(drive(port, regulars, newcomers, **options)))  # type: ignore[arg-type]
    connection.close()


def load_in_background(port: int, regulars: list[Member], newcomers: list[Member], **options: object):
    """Start the load client in its own process (no GIL shared with the stand-in); returns a function that waits
    for its answers."""
    parent, child = multiprocessing.Pipe(duplex=False)
    process = multiprocessing.get_context("fork").Process(
        target=_client_process, args=(child, port, regulars, newcomers, options)
    )
    process.start()

    def result() -> list[Answer]:
        answers = parent.recv()
        process.join()
        return answers

    return result


# --- the faults ---------------------------------------------------------------------------------------------------


class Faults:
    """Takes the scratch database away from the app in two phases, recording each as an `Outage`."""

    url: str
    first: str
    second: str

    def take_briefly(self) -> None: ...
    def take_away(self) -> None: ...
    def give_back(self) -> None: ...
    def detail(self, phase: int, outage: Outage) -> str: ...
    def drop(self) -> None: ...

    def inject(self, *, start: float, lead: float, rounds: int, gap: float, away: float, outages: list[Outage]) -> None:
        """Phase 1: `rounds` brief faults one second apart; phase 2, `gap` seconds later: the database away for
        `away` seconds."""
        sleep_until(start + lead)
        brief = Outage(self.first, time.monotonic(), 0.0)
        for round_ in range(rounds):
            sleep_until(brief.start + round_)
            brief.terminated.append(self.take_briefly())
        brief.end = time.monotonic()
        brief.detail = self.detail(1, brief)
        outages.append(brief)
        sleep_until(brief.end + gap)
        long = Outage(self.second, time.monotonic(), 0.0)
        try:
            long.terminated.append(self.take_away())
            sleep_until(long.start + away)
        finally:
            self.give_back()
            long.end = time.monotonic()
        long.detail = self.detail(2, long)
        outages.append(long)


class PostgresFaults(Faults):
    first, second = "connections killed", "connections refused"

    def __init__(self, server_url: str) -> None:
        admin = make_url(storage_db.normalize_database_url(server_url))
        self.admin = create_engine(admin, isolation_level="AUTOCOMMIT")
        self.name = f"clubbot_faults_{uuid.uuid4().hex[:8]}"
        with self.admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{self.name}"'))
        self.url = admin.set(database=self.name).render_as_string(hide_password=False)

    def _sql(self, statement: str) -> int | None:
        with self.admin.connect() as connection:
            result = connection.execute(text(statement), {"name": self.name})
            return result.scalar() if result.returns_rows else None

    def take_briefly(self) -> int:
        """Kill every connection to the scratch database; how many there were."""
        return (
            self._sql(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = :name "
                "AND pid <> pg_backend_pid()"
            )
            or 0
        )

    def take_away(self) -> int:
        self._sql(f'ALTER DATABASE "{self.name}" ALLOW_CONNECTIONS false')
        return self.take_briefly()

    def give_back(self) -> None:
        self._sql(f'ALTER DATABASE "{self.name}" ALLOW_CONNECTIONS true')

    def detail(self, phase: int, outage: Outage) -> str:
        if phase == 1:
            return (
                f"{len(outage.terminated)} × pg_terminate_backend, 1 s apart (connections killed: {outage.terminated})"
            )
        return (
            f"ALLOW_CONNECTIONS false for {outage.end - outage.start:.1f} s (connections killed: {outage.terminated})"
        )

    def drop(self) -> None:
        self.give_back()
        self._sql(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        self.admin.dispose()


class SqliteFaults(Faults):
    first, second = "write lock taken half of each second", "write lock held"

    def __init__(self, folder: Path) -> None:
        self.path = folder / "faults.db"
        self.url = f"sqlite:///{self.path}"
        self._holder: sqlite3.Connection | None = None

    def _hold(self) -> None:
        self._holder = sqlite3.connect(self.path, isolation_level=None)
        self._holder.execute("BEGIN IMMEDIATE")

    def take_briefly(self) -> int:
        self._hold()
        time.sleep(0.5)
        self.give_back()
        return 0

    def take_away(self) -> int:
        self._hold()
        return 0

    def give_back(self) -> None:
        if self._holder is not None:
            self._holder.execute("ROLLBACK")
            self._holder.close()
            self._holder = None

    def detail(self, phase: int, outage: Outage) -> str:
        if phase == 1:
            return f"{len(outage.terminated)} × BEGIN IMMEDIATE held for 0.5 s, 1 s apart, by another connection"
        return f"BEGIN IMMEDIATE held for {outage.end - outage.start:.1f} s by another connection"

    def drop(self) -> None:
        self.give_back()


def sleep_until(moment: float) -> None:
    time.sleep(max(0.0, moment - time.monotonic()))


# --- the run ------------------------------------------------------------------------------------------------------


def stored_marks(url: str) -> tuple[set[int], int]:
    """The marks of the stored updates and outputs, and the number of records."""
    database = storage_db.Database(url)
    with database.session() as session:
        texts = list(session.scalars(select(Update.text))) + list(session.scalars(select(Output.title)))
    database.dispose()
    marks = {int(m.group(1)) for value in texts if (m := MARK.search(value))}
    return marks, len(texts)


def period_of(answer: Answer, outages: list[Outage]) -> str:
    for outage in outages:
        if answer.answered >= outage.start and answer.sent <= outage.end:
            return f"during: {outage.name}"
    if answer.sent > outages[-1].end:
        return "after the outages"
    if answer.sent > outages[0].end:
        return "between the outages"
    return "before the outages"


def summarize(answers: list[Answer], outages: list[Outage], marks: set[int], records: int) -> list[str]:
    """Print the figures; return the failures."""
    failures: list[str] = []
    count = len(answers)
    saved = {a.n for a in answers if a.outcome == "saved"}
    polite = {a.n for a in answers if a.outcome == "try-again"}
    others = [a for a in answers if a.outcome not in ("saved", "try-again")]
    print(f"requests: {count}  saved: {len(saved)}  try-again: {len(polite)}  other errors: {len(others)}")
    own = sum(1 for a in answers if a.outcome == "try-again" and a.own_language)
    print(
        f"  try-again answers in the person's own language: {own} of {len(polite)} "
        "(else the default language: their locale was neither in memory nor asked of Slack in time)"
    )
    for outage in outages:
        print(f"  {outage.name}: {outage.detail}")
    periods = [
        "before the outages",
        *(f"during: {o.name}" for o in outages[:1]),
        "between the outages",
        *(f"during: {o.name}" for o in outages[1:]),
        "after the outages",
    ]
    for period in periods:
        chosen = [a for a in answers if period_of(a, outages) == period]
        slowest = max((a.elapsed for a in chosen), default=0.0)
        print(
            f"  {period:<40} requests {len(chosen):>5}  saved {sum(a.outcome == 'saved' for a in chosen):>5}  "
            f"try-again {sum(a.outcome == 'try-again' for a in chosen):>4}  "
            f"other errors {sum(a.outcome not in ('saved', 'try-again') for a in chosen):>3}  "
            f"slowest answer {slowest * 1000:5.0f} ms"
        )
    kinds: dict[str, int] = {}
    for answer in others:
        kinds[answer.outcome] = kinds.get(answer.outcome, 0) + 1
    if kinds:
        print("  other errors: " + ", ".join(f"{k}: {v}" for k, v in sorted(kinds.items(), key=lambda kv: -kv[1])))
        failures.append(f"{len(others)} answers were neither saved nor a polite try-again")
    for i, outage in enumerate(outages):
        until = outages[i + 1].start if i + 1 < len(outages) else float("inf")
        after = sorted((a for a in answers if a.sent >= outage.end and a.outcome == "saved"), key=lambda a: a.answered)
        if not after:
            print(f"  recovery after {outage.name}: none (no save afterwards)")
            failures.append(f"no save after {outage.name}")
            continue
        recovery = after[0].answered - outage.end
        later_polite = sum(
            1 for a in answers if a.sent >= after[0].answered and a.answered < until and a.outcome == "try-again"
        )
        print(
            f"  recovery after {outage.name}: first save {recovery * 1000:.0f} ms after the end of the outage; "
            f"try-again answers to requests sent after that save (and answered before any next outage): "
            f"{later_polite}"
        )
        if recovery > RECOVERY_LIMIT:
            failures.append(f"the app took {recovery:.1f} s to save again after {outage.name}")
    missing = saved - marks
    stored_polite = polite & marks
    unanswered = marks - saved - polite
    print(
        f"records in the database: {records}  acknowledged as saved: {len(saved)}  "
        f"acknowledged but missing: {len(missing)}  stored although answered try-again: {len(stored_polite)}  "
        f"stored for requests with another answer: {len(unanswered)}"
    )
    if missing:
        failures.append(f"{len(missing)} records acknowledged as saved are missing")
    if records < len(saved):
        failures.append(f"fewer records ({records}) than acknowledged saves ({len(saved)})")
    if stored_polite:
        failures.append(f"{len(stored_polite)} requests answered try-again were stored anyway")
    return failures


def run(server_url: str | None, args: argparse.Namespace) -> int:
    folder = Path(tempfile.mkdtemp(prefix="clubbot-faults-"))
    faults: Faults = PostgresFaults(server_url) if server_url else SqliteFaults(folder)
    database_url = faults.url
    server = None
    log = folder / "server.log"
    with contextlib.ExitStack() as cleanup:
        cleanup.callback(faults.drop)
        standin = cleanup.enter_context(manifest_standin(SECRET, TOKEN))

        def stop_server_if_running() -> None:
            if server is not None:
                stop_server(server)

        cleanup.callback(stop_server_if_running)
        storage_db.upgrade(database_url)
        members = seed(standin, database_url, args.clubs + args.newcomer_clubs)
        regulars = members[: 3 * args.clubs]
        newcomers = members[3 * args.clubs :]
        random.shuffle(newcomers)
        env = app_env(
            database_url, standin, folder, secret=SECRET, token=TOKEN, workers=args.workers, threads=args.threads
        )
        port = free_port()
        server = start_server("bot.web:create_wsgi_app()", port, env, log=log)
        start = time.monotonic() + 1.0
        duration = args.lead + args.rounds + args.gap + args.away + args.tail
        answers_of = load_in_background(
            port,
            regulars,
            newcomers,
            start=start,
            stop=start + duration,
            concurrency=args.concurrency,
            response_url=standin.base_url + "/response/none",
            languages={m.user_id: language_for_locale(standin.ws.users[m.user_id].locale) for m in members},
        )
        outages: list[Outage] = []
        injector = threading.Thread(
            target=faults.inject,
            kwargs={
                "start": start,
                "lead": args.lead,
                "rounds": args.rounds,
                "gap": args.gap,
                "away": args.away,
                "outages": outages,
            },
        )
        injector.start()
        answers = answers_of()
        injector.join()
        stop_server(server)
        server = None
        marks, records = stored_marks(database_url)
        label = postgres_version(server_url) if server_url else "SQLite"
        print(
            f"{label}; gunicorn {args.workers} workers × {args.threads} threads; "
            f"{args.concurrency} concurrent clients for {duration:.0f} s; {args.clubs} clubs and "
            f"{3 * args.newcomer_clubs} people not yet answered"
        )
        failures = summarize(answers, outages, marks, records)
        server_log = log.read_text(errors="replace")
        print(
            f"server log: {server_log.count('Traceback')} tracebacks, "
            f"{server_log.count('database unavailable')} 'database unavailable' lines, "
            f"{len(re.findall(r'Booting worker', server_log))} worker (re)starts"
        )
        if "Booting worker" in server_log and server_log.count("Booting worker") > args.workers:
            failures.append("a worker was restarted")
        for failure in failures:
            print(f"FAILED: {failure}")
        if failures:
            print(f"(server log kept in {log})")
        return 1 if failures else 0


@documented("faults-database", document="reliability.md")
def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="a PostgreSQL server (a scratch database is made); else SQLite")
    parser.add_argument("--concurrency", type=int, help="default: 50 on PostgreSQL, --threads on SQLite")
    parser.add_argument("--clubs", type=int, default=50)
    parser.add_argument("--newcomer-clubs", type=int, default=250, help="clubs whose people are each heard once")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--lead", type=float, default=4.0, help="seconds of load before the first fault")
    parser.add_argument("--rounds", type=int, default=5, help="brief faults (killed connections), 1 s apart")
    parser.add_argument("--gap", type=float, default=5.0, help="seconds between the two outages")
    parser.add_argument("--away", type=float, default=5.0, help="seconds the database is away in the second one")
    parser.add_argument("--tail", type=float, default=10.0, help="seconds of load after the outages")
    args = parser.parse_args()
    url = args.database_url
    if url and not (url.startswith(("postgresql", "postgres://"))):
        parser.error("--database-url must name a PostgreSQL server (leave it out for SQLite)")
    if args.concurrency is None:
        args.concurrency = 50 if url else args.threads
    random.seed(7)
    return run(url, args)


if __name__ == "__main__":
    sys.exit(main())
