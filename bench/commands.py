"""Load: `/club update` and `/club output` under 50 concurrent clients and at a paced load, against two floors.

The app is served the way the Procfile serves it (gunicorn with threaded workers, `bot.gunicorn_config`), with the
local Slack stand-in in this process and a fresh database. An asyncio client on loopback sends signed slash
commands from the members of 50 clubs, 50 at a time, then 5 at a time at 20 requests per second (the DOI of each
output is looked up after the ack in the loopback Crossref stand-in, which does not know it). The floors are
Bolt apps on the same server configuration, driven by the same client in the same run: the *bare ack* only
acknowledges the command; the *durable ack* acknowledges after one SQLAlchemy Core INSERT and COMMIT
(`bench/floor_app.py`). Every server is wrapped by `bench/counting.py`, which counts the SQL statements, the
database round trips and the serving thread's CPU time of each request. After each run the records in the
database are counted against the requests the app acknowledged as saved.

    .venv/bin/python bench/commands.py [--requests 2000] [--concurrency 50] [--clubs 50]
                                       [--paced-requests 400] [--paced-clients 5] [--rate 20]
                                       [--databases sqlite,postgres] [--write-docs]
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import itertools
import multiprocessing
import os
import random
import re
import resource
import secrets
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from urllib.parse import urlencode

from _common import (
    app_env,
    free_port,
    machine,
    manifest_standin,
    percentile,
    postgres_version,
    scratch_database,
    seed_club,
    start_server,
    stop_server,
    write_section,
)
from counting import difference, totals
from sqlalchemy import func, select

from bot.domain import FieldKey
from bot.standin import SlackStandIn
from bot.standin.scholarly import ScholarlyServer
from storage import db as storage_db
from storage.models import Club, Output, Update

SERVERS = (
    ("bare ack", "counting:wrap('floor_app:create')"),
    ("durable ack", "counting:wrap('floor_app:create', True)"),
    ("clubbot", "counting:wrap('bot.web:create_wsgi_app')"),
)
FILINGS = ("/club update", "/club output")
SAVED = re.compile(r"\*[uo]\d+\*")
POSTGRES = os.environ.get("CLUBBOT_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
SECRET = secrets.token_hex(16)
TOKEN = "xoxb-bench-" + secrets.token_hex(8)


@dataclass
class Result:
    name: str
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    saved: int = 0  # acknowledged as saved (the person was told the item's ID)
    confirmed_late: int = 0  # told through the response URL: the answer was ready after the ack budget
    statuses: dict[int, int] = field(default_factory=dict)
    elapsed: float = 0.0
    #: Ack times of the heavy commands (report, digest now), by command.
    heavy: dict[str, list[float]] = field(default_factory=dict)
    #: CPU seconds spent during the timed run, by part: the server, PostgreSQL, the stand-in, the load client.
    cpu: dict[str, float] = field(default_factory=dict)
    #: What the server counted during the timed run, by kind of request: [requests, statements, round trips,
    #: CPU seconds of the serving thread] (bench/counting.py).
    counted: dict[str, list[float]] = field(default_factory=dict)

    def per_filing(self) -> tuple[float, float, float]:
        """Statements, round trips and serving-thread CPU milliseconds per filing (update or output)."""
        rows = [self.counted[k] for k in FILINGS if k in self.counted]
        n = max(1, sum(r[0] for r in rows))
        return sum(r[1] for r in rows) / n, sum(r[2] for r in rows) / n, sum(r[3] for r in rows) * 1000 / n

    def per_kind(self, kind: str) -> tuple[float, float]:
        row = self.counted.get(kind)
        if not row or not row[0]:
            return 0.0, 0.0
        return row[1] / row[0], row[2] / row[0]

    def cpu_per_request(self) -> dict[str, float]:
        """CPU milliseconds per request, by part."""
        count = max(1, len(self.latencies) + sum(len(t) for t in self.heavy.values()))
        return {part: seconds * 1000 / count for part, seconds in self.cpu.items()}

    def p(self, q: float) -> float:
        return percentile(self.latencies, q) * 1000


@dataclass(frozen=True)
class Member:
    user_id: str
    channel_id: str
    leader: bool = False


#: Every this many requests, a club leader sends one of the heavy commands instead (their ack time is reported).
HEAVY_EVERY = 50
HEAVY = ("report", "digest now")


_TICKS = os.sysconf("SC_CLK_TCK")


def _proc_stats() -> list[tuple[int, int, str, float]]:
    """(pid, parent pid, command name, CPU seconds) of every process, from /proc."""
    stats = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            raw = (entry / "stat").read_text()
        except OSError:
            continue
        name = raw[raw.index("(") + 1 : raw.rindex(")")]
        fields = raw[raw.rindex(")") + 2 :].split()
        stats.append((int(entry.name), int(fields[1]), name, (int(fields[11]) + int(fields[12])) / _TICKS))
    return stats


def cpu_snapshot(server_pid: int) -> dict[str, float]:
    """CPU seconds used so far by the server (gunicorn's arbiter and workers), PostgreSQL's processes and this
    process (the stand-in)."""
    stats = _proc_stats()
    server = sum(cpu for pid, ppid, _, cpu in stats if server_pid in (pid, ppid))
    postgres = sum(cpu for _, _, name, cpu in stats if name.startswith("postgres"))
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {"server": server, "PostgreSQL": postgres, "stand-in": usage.ru_utime + usage.ru_stime}


def latency_bound(cpu_ms: float, clients: int, cores: int) -> float:
    """The least mean latency (ms) of `clients` that each send their next request when the last is answered, when
    every request costs `cpu_ms` of CPU on `cores` cores (Little's law: clients = throughput × latency, and the
    throughput is at most cores / cpu)."""
    return clients * cpu_ms / cores


def seed(standin: SlackStandIn, url: str, clubs: int) -> list[Member]:
    """50 clubs, each with a channel, a leader and two members, in Slack and in the database."""
    database = storage_db.Database(url)
    members: list[Member] = []
    with database.session() as session:
        for n in range(clubs):
            club = Club(name=f"Bench Club {n}", field=random.choice(list(FieldKey)), channel_name=f"xlab-bench-{n}")
            people = seed_club(
                session,
                standin,
                club,
                handle=f"c{n}",
                number=n,
                email_domain="bench.example",
                pick_locale=random.choice,
            )
            members += [Member(user_id, club.channel_id, leader=i == 0) for i, user_id in enumerate(people)]
    database.dispose()
    return members


def command_body(member: Member, text_: str, response_url: str) -> bytes:
    return urlencode(
        {
            "token": "bench",
            "team_id": "T0CLUBBOT",
            "team_domain": "clubbot-local",
            "channel_id": member.channel_id,
            "channel_name": "bench",
            "user_id": member.user_id,
            "user_name": member.user_id,
            "command": "/club",
            "text": text_,
            "api_app_id": "A0BENCH",
            "is_enterprise_install": "false",
            "response_url": response_url,
            "trigger_id": f"{random.randrange(10**12)}.{random.randrange(10**12)}",
        }
    ).encode()


def signed(body: bytes) -> dict[str, str]:
    ts = str(int(time.time()))
    digest = hmac.new(SECRET.encode(), f"v0:{ts}:".encode() + body, hashlib.sha256).hexdigest()
    return {
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": f"v0={digest}",
        "Content-Type": "application/x-www-form-urlencoded",
    }


def texts() -> itertools.cycle[str]:
    counter = itertools.count()

    def generate():
        while True:
            n = next(counter)
            if n % 2:
                yield f"update Shared the draft of joint work package {n} with the partner lab"
            else:
                yield f'output paper "Bench joint paper {n}" status:submitted doi:10.5555/bench.{uuid.uuid4().hex}'

    return generate()  # type: ignore[return-value]


async def _request(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, host: str, body: bytes
) -> tuple[int, bytes]:
    """One keep-alive HTTP/1.1 POST of a signed slash command; (status, body)."""
    headers = signed(body)
    head = (
        f"POST /slack/events HTTP/1.1\r\nHost: {host}\r\nContent-Length: {len(body)}\r\n"
        + "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        + "\r\n"
    ).encode()
    writer.write(head + body)
    await writer.drain()
    status_line = await reader.readline()
    status = int(status_line.split()[1])
    length = 0
    while (line := await reader.readline()) not in (b"\r\n", b""):
        name, _, value = line.decode("latin-1").partition(":")
        if name.lower() == "content-length":
            length = int(value)
    return status, await reader.readexactly(length) if length else b""


async def drive(
    port: int,
    members: list[Member],
    *,
    requests: int,
    concurrency: int,
    response_urls: list[str],
    every_member_first: bool = False,
    heavy: bool = False,
    rate: float | None = None,
) -> Result:
    """Send `requests` commands over `concurrency` keep-alive connections; time each from send to answer. With a
    `rate` (requests per second, all clients together) each request is sent at its planned time (or as soon as its
    client is free), not as soon as the last is answered."""
    result = Result("")
    queue: asyncio.Queue[tuple[Member, str, str]] = asyncio.Queue()
    generator = texts()
    chosen = list(members) if every_member_first else []
    chosen += [random.choice(members) for _ in range(max(0, requests - len(chosen)))]
    leaders = [m for m in members if m.leader]
    for n, member in enumerate(chosen):
        if heavy and n % HEAVY_EVERY == HEAVY_EVERY - 1 and leaders:
            queue.put_nowait((random.choice(leaders), HEAVY[(n // HEAVY_EVERY) % len(HEAVY)], response_urls[n]))
        else:
            queue.put_nowait((member, next(generator), response_urls[n]))

    planned = itertools.count()
    begun = 0.0

    async def worker() -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while True:
                try:
                    member, text_, response_url = queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                if rate:
                    wait = begun + next(planned) / rate - time.perf_counter()
                    if wait > 0:
                        await asyncio.sleep(wait)
                body = command_body(member, text_, response_url)
                started = time.perf_counter()
                try:
                    status, answer = await _request(reader, writer, f"127.0.0.1:{port}", body)
                except (OSError, asyncio.IncompleteReadError, ValueError, IndexError):
                    result.errors += 1
                    writer.close()
                    reader, writer = await asyncio.open_connection("127.0.0.1", port)
                    continue
                elapsed = time.perf_counter() - started
                if text_ in HEAVY:
                    result.heavy.setdefault(text_, []).append(elapsed)
                    if status != 200:
                        result.errors += 1
                    continue
                result.latencies.append(elapsed)
                result.statuses[status] = result.statuses.get(status, 0) + 1
                if status != 200:
                    result.errors += 1
                elif SAVED.search(answer.decode("utf-8", "replace")):  # "Saved as *u12*" / "*o7*(으)로 저장"
                    result.saved += 1
        finally:
            writer.close()

    started = begun = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    result.elapsed = time.perf_counter() - started
    return result


def _client_process(connection: Connection, port: int, members: list[Member], options: dict[str, object]) -> None:
    """The load generator runs in its own process, so it does not share a GIL with the stand-in."""
    before = resource.getrusage(resource.RUSAGE_SELF)
    result = asyncio.run(drive(port, members, **options))  # type: ignore[arg-type]
    after = resource.getrusage(resource.RUSAGE_SELF)
    result.cpu["load client"] = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    connection.send(result)
    connection.close()


def load(port: int, members: list[Member], **options: object) -> Result:
    parent, child = multiprocessing.Pipe(duplex=False)
    process = multiprocessing.get_context("fork").Process(target=_client_process, args=(child, port, members, options))
    process.start()
    result = parent.recv()
    process.join()
    return result


def response_urls(standin: SlackStandIn, members: list[Member], count: int) -> list[str]:
    """One response URL per request, as Slack gives with each command (the stand-in records what is posted)."""
    return [standin.response_url(members[0].user_id, members[0].channel_id) for _ in range(count)]


def confirmed_late(standin: SlackStandIn) -> int:
    """Filings the person was told about through the response URL (the answer was ready too late to be the ack)."""
    with standin.ws.lock:
        return sum(1 for m in standin.ws.ephemerals if m.source == "response_url" and SAVED.search(m.text or ""))


def records(url: str) -> int:
    database = storage_db.Database(url)
    with database.session() as session:
        count = session.scalar(select(func.count()).select_from(Update)) + session.scalar(
            select(func.count()).select_from(Output)
        )
    database.dispose()
    return count


def run_one(kind: str, args: argparse.Namespace) -> tuple[dict[str, Result], dict[str, Result], int]:
    """Every server under the 50 clients, then at the paced load; and the records stored minus those confirmed."""
    folder = Path(tempfile.mkdtemp(prefix="clubbot-bench-"))
    loaded: dict[str, Result] = {}
    paced: dict[str, Result] = {}
    scholarly = ScholarlyServer().start()  # Crossref for the DOI looked up after each output is filed (not found)
    with (
        scratch_database(None if kind == "sqlite" else POSTGRES, folder) as url,
        manifest_standin(SECRET, TOKEN) as standin,
    ):
        storage_db.upgrade(url)
        members = seed(standin, url, args.clubs)
        env = app_env(url, standin, folder, secret=SECRET, token=TOKEN, workers=args.workers, threads=args.threads)
        env |= {"CLUBBOT_CROSSREF_URL": scholarly.crossref_url, "CLUBBOT_ALLOW_PRIVATE_FEEDS": "1"}
        told = 0
        for name, target in SERVERS:
            counts = folder / f"counts-{name.replace(' ', '-')}"
            counts.mkdir()
            port = free_port()
            server = start_server(target, port, {**env, "CLUBBOT_BENCH_COUNTS_DIR": str(counts)})
            clubbot = name == "clubbot"
            try:
                warm = load(
                    port,
                    members,
                    requests=args.warmup,
                    every_member_first=True,
                    response_urls=response_urls(standin, members, max(args.warmup, len(members))),
                    concurrency=args.concurrency,
                )
                for label, options in (
                    (
                        "loaded",
                        {"requests": args.requests, "concurrency": args.concurrency, "heavy": clubbot and args.heavy},
                    ),
                    (
                        "paced",
                        {"requests": args.paced_requests, "concurrency": args.paced_clients, "rate": args.rate},
                    ),
                ):
                    time.sleep(0.6)  # the workers write their counts every 0.25 s
                    counted_before = totals(counts)
                    before = cpu_snapshot(server.pid)
                    result = load(
                        port, members, response_urls=response_urls(standin, members, options["requests"]), **options
                    )
                    after = cpu_snapshot(server.pid)
                    time.sleep(0.6)
                    result.counted = difference(totals(counts), counted_before)
                    result.cpu = {part: after[part] - before[part] for part in before} | result.cpu
                    if kind == "sqlite":
                        result.cpu.pop("PostgreSQL")
                    result.name = name
                    (loaded if label == "loaded" else paced)[name] = result
                    if clubbot:
                        told += result.saved
                if clubbot:
                    told += warm.saved
            finally:
                stop_server(server)
            if clubbot:  # filings confirmed through the response URL (answer ready after 2.5 s)
                loaded[name].confirmed_late = confirmed_late(standin)
                told += loaded[name].confirmed_late
        stored = records(url)
    scholarly.stop()
    return loaded, paced, stored - told


def _ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}" if b else "—"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--warmup", type=int, default=600)  # every worker learns most people's language
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--paced-requests", type=int, default=400)
    parser.add_argument("--paced-clients", type=int, default=5)
    parser.add_argument("--rate", type=float, default=20.0)
    parser.add_argument("--clubs", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument(
        "--heavy", action="store_true", help="every 50th request of the 50 clients a leader's report or digest now"
    )
    parser.add_argument("--note", default="", help="what else the machine was doing (goes into the docs)")
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args()
    random.seed(7)
    cores = os.cpu_count() or 1
    latency = [
        "| database | load | server | requests | p50 | p99 | p50 / bare | p50 / durable | p99 / bare | p99 / durable "
        "| errors | throughput |",
        "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    cost = [
        "| database | server | server CPU per request | PostgreSQL CPU per request | serving thread CPU per filing "
        "| statements per filing | round trips per filing | total CPU per request | mean latency at least "
        "| mean latency measured |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    others = [
        "| database | request | requests | statements each | round trips each |",
        "| --- | --- | ---: | ---: | ---: |",
    ]
    outcome = []
    for kind in args.databases.split(","):
        loaded, paced, unaccounted = run_one(kind, args)
        label = "SQLite" if kind == "sqlite" else postgres_version(POSTGRES)
        for load_label, results in (
            (f"{args.concurrency} clients", loaded),
            (f"paced: {args.paced_clients} clients, {args.rate:g}/s", paced),
        ):
            bare, durable = results["bare ack"], results["durable ack"]
            for name, result in results.items():
                line = (
                    f"| {label} | {load_label} | {name} | {len(result.latencies)} | {result.p(50):.1f} ms | "
                    f"{result.p(99):.1f} ms | {_ratio(result.p(50), bare.p(50))} | "
                    f"{_ratio(result.p(50), durable.p(50))} | {_ratio(result.p(99), bare.p(99))} | "
                    f"{_ratio(result.p(99), durable.p(99))} | {result.errors} | "
                    f"{len(result.latencies) / result.elapsed:.0f}/s |"
                )
                latency.append(line)
                print(line)
        for name, result in loaded.items():
            per = result.cpu_per_request()
            statements, trips, thread_cpu = result.per_filing()
            if name != "clubbot":  # the floors' one request kind: the command
                statements, trips = result.per_kind("/club update")
            total = sum(per.values())
            line = (
                f"| {label} | {name} | {per.get('server', 0):.2f} ms | "
                + (f"{per['PostgreSQL']:.2f} ms" if "PostgreSQL" in per else "—")
                + f" | {thread_cpu:.2f} ms | {statements:.1f} | {trips:.1f} | {total:.2f} ms | "
                f"{latency_bound(total, args.concurrency, cores):.0f} ms | "
                f"{statistics.fmean(result.latencies) * 1000:.0f} ms |"
            )
            cost.append(line)
            print(line)
        app = loaded["clubbot"]
        for request_kind, row in sorted(app.counted.items()):
            if row[0]:
                others.append(
                    f"| {label} | {request_kind} | {row[0]:.0f} | {row[1] / row[0]:.1f} | {row[2] / row[0]:.1f} |"
                    if request_kind != "(background)"
                    else f"| {label} | (other threads: the outbox) | — | {row[1]:.0f} in all | {row[2]:.0f} in all |"
                )
        outcome.append(
            f"- {label}: told saved {app.saved + app.confirmed_late} of {len(app.latencies)} filings under the "
            f"{args.concurrency} clients ({app.confirmed_late} through the response URL), errors {app.errors}, HTTP "
            f"statuses {app.statuses}; records stored minus confirmed: {unaccounted}."
        )
        outcome += [
            f"- {label}: `/club {command}` sent by leaders during the load: {len(times)} commands, slowest "
            f"acknowledgment {max(times) * 1000:.0f} ms (Slack's limit: 3,000 ms)."
            for command, times in sorted(app.heavy.items())
        ]
    print("\n".join(others))
    print("\n".join(outcome))
    if args.write_docs:
        body = (
            f"### Commands under load, against the bare and the durable ack\n\n{args.requests} signed `/club update` / "
            f"`/club output` requests from {args.clubs} clubs by {args.concurrency} concurrent clients"
            + (f" (every {HEAVY_EVERY}th a leader's `report` or `digest now` for clubbot)" if args.heavy else "")
            + f", then {args.paced_requests} at "
            f"{args.rate:g} requests per second from {args.paced_clients} clients; gunicorn {args.workers} workers × "
            f"{args.threads} threads, after {args.warmup} warm-up requests. *bare ack*: a Bolt app that only "
            "acknowledges; *durable ack*: one that acknowledges after one Core INSERT + COMMIT "
            "(`bench/floor_app.py`). All three in the same run, so the ratios hold when the machine is busy"
            + (f" ({args.note})" if args.note else "")
            + ".\n\n"
            + "\n".join(latency)
            + "\n\nCost per request, counted in the server (`bench/counting.py`: SQLAlchemy's engine events and the "
            "driver's transaction state; a round trip is a statement, a BEGIN, a COMMIT/ROLLBACK or a pre-ping). "
            "*server CPU per request*: the gunicorn processes' CPU over the timed run divided by its requests (for "
            "clubbot it includes what runs after the ack: the outbox posting each card, the DOI of each output "
            "looked up and its card updated); *serving thread CPU per "
            "filing*: the CPU time of the thread that served each filing, measured around the request. The clients "
            "send their next request as soon as the last is answered, so by Little's law the mean latency is at least "
            f"{args.concurrency} clients × total CPU per request / {cores} cores:\n\n"
            + "\n".join(cost)
            + "\n\nclubbot's requests during the 50-client run, by kind:\n\n"
            + "\n".join(others)
            + "\n\n"
            + "\n".join(outcome)
        )
        write_section("benchmarks.md", "commands", body, command="python bench/commands.py --write-docs")
    print(machine())
    return 0


if __name__ == "__main__":
    sys.exit(main())
