"""Load: `/club update` and `/club output` under 50 concurrent clients, against the floor of a bare Bolt app.

The app is served the way the Procfile serves it (gunicorn with threaded workers, `bot.gunicorn_config`), with the
local Slack stand-in in this process and a fresh database. An asyncio client on loopback sends signed slash
commands from the members of 50 clubs, 50 at a time. The floor is a Bolt app on the same server configuration
that only acknowledges the command, driven by the same client in the same run. After each run the records in
the database are counted against the requests the app acknowledged as saved.

    .venv/bin/python bench/commands.py [--requests 5000] [--concurrency 50] [--clubs 50]
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
from sqlalchemy import func, select

from bot.domain import FieldKey
from bot.standin import SlackStandIn
from storage import db as storage_db
from storage.models import Club, Output, Update

FLOOR_TARGET = "floor_app:create()"
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
) -> Result:
    """Send `requests` commands over `concurrency` keep-alive connections; time each from send to answer."""
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

    async def worker() -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while True:
                try:
                    member, text_, response_url = queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
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

    started = time.perf_counter()
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


def run_one(kind: str, args: argparse.Namespace) -> tuple[Result, Result, int]:
    folder = Path(tempfile.mkdtemp(prefix="clubbot-bench-"))
    with (
        scratch_database(None if kind == "sqlite" else POSTGRES, folder) as url,
        manifest_standin(SECRET, TOKEN) as standin,
    ):
        storage_db.upgrade(url)
        members = seed(standin, url, args.clubs)
        env = app_env(url, standin, folder, secret=SECRET, token=TOKEN, workers=args.workers, threads=args.threads)
        results = []
        late = 0
        for name, target in (("floor: bare Bolt ack", FLOOR_TARGET), ("clubbot", "bot.web:create_wsgi_app()")):
            port = free_port()
            server = start_server(target, port, env)
            try:
                common = {"concurrency": args.concurrency}
                warm = load(
                    port,
                    members,
                    requests=args.warmup,
                    every_member_first=True,
                    response_urls=response_urls(standin, members, max(args.warmup, len(members))),
                    **common,
                )
                urls = response_urls(standin, members, args.requests)
                before = cpu_snapshot(server.pid)
                result = load(
                    port, members, requests=args.requests, heavy=target != FLOOR_TARGET, response_urls=urls, **common
                )
                after = cpu_snapshot(server.pid)
                result.cpu = {part: after[part] - before[part] for part in before} | result.cpu
                if kind == "sqlite":
                    result.cpu.pop("PostgreSQL")
                result.name = warm.name = name
                results.append((result, warm))
            finally:
                stop_server(server)
            if target != FLOOR_TARGET:  # filings confirmed through the response URL (answer ready after 2.5 s)
                late = confirmed_late(standin)
        floor, app = results[0][0], results[1][0]
        app.confirmed_late = late
        app_saved_total = app.saved + results[1][1].saved + late
        stored = records(url)
        return floor, app, stored - app_saved_total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--warmup", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--clubs", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args()
    random.seed(7)
    rows = []
    for kind in args.databases.split(","):
        floor, app, unaccounted = run_one(kind, args)
        label = "SQLite" if kind == "sqlite" else postgres_version(POSTGRES)
        ratio = app.p(99) / floor.p(99) if floor.p(99) else float("inf")
        for result in (floor, app):
            print(
                f"{label:<16} {result.name:<22} n={len(result.latencies):>5} "
                f"p50={result.p(50):7.1f} ms p95={result.p(95):7.1f} ms p99={result.p(99):7.1f} ms "
                f"errors={result.errors} rate={len(result.latencies) / result.elapsed:7.0f}/s"
            )
        for result in (floor, app):
            per = result.cpu_per_request()
            print(
                f"{label:<16} {result.name:<22} CPU per request: "
                + ", ".join(f"{part} {ms:.2f} ms" for part, ms in per.items())
                + f"; total {sum(per.values()):.2f} ms"
            )
        print(
            f"{label:<16} p99 ratio to the floor: {ratio:.2f}; saved and told in the ack: {app.saved}, told later "
            f"through the response URL: {app.confirmed_late}; records stored minus confirmed: {unaccounted}"
        )
        print(f"{label:<16} HTTP statuses: floor {floor.statuses}, clubbot {app.statuses}")
        for command, times in sorted(app.heavy.items()):
            print(
                f"{label:<16} /club {command} under the load: n={len(times)} max ack {max(times) * 1000:.0f} ms "
                f"(Slack's limit 3000 ms)"
            )
        rows.append((label, floor, app, ratio, unaccounted))
    table = [
        "| database | server | requests | p50 | p95 | p99 | errors | throughput | p99 / floor | told saved "
        "| stored − confirmed |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for label, floor, app, ratio, unaccounted in rows:
        told = f"{app.saved + app.confirmed_late} of {len(app.latencies)}"
        for result, extra in ((floor, ("", "", "")), (app, (f"{ratio:.2f}", told, str(unaccounted)))):
            table.append(
                f"| {label} | {result.name} | {len(result.latencies)} | {result.p(50):.1f} ms | "
                f"{result.p(95):.1f} ms | "
                f"{result.p(99):.1f} ms | {result.errors} | {len(result.latencies) / result.elapsed:.0f}/s | "
                f"{extra[0]} | {extra[1]} | {extra[2]} |"
            )
    cores = os.cpu_count() or 1
    cpu_table = [
        "| database | server | server CPU | PostgreSQL CPU | stand-in CPU | load client CPU | total CPU | "
        f"ceiling on {cores} cores | mean latency at least | mean latency measured |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for label, floor, app, _, _ in rows:
        for result in (floor, app):
            per = result.cpu_per_request()
            total = sum(per.values())
            cpu_table.append(
                f"| {label} | {result.name} | {per.get('server', 0):.2f} ms | "
                + (f"{per['PostgreSQL']:.2f} ms" if "PostgreSQL" in per else "—")
                + f" | {per.get('stand-in', 0):.2f} ms | {per.get('load client', 0):.2f} ms | {total:.2f} ms | "
                f"{cores * 1000 / total if total else 0:.0f}/s | "
                f"{latency_bound(total, args.concurrency, cores):.0f} ms | "
                f"{statistics.fmean(result.latencies) * 1000:.0f} ms |"
            )
    heavy_lines = [
        f"- {label}: `/club {command}` sent by leaders during the load: {len(times)} commands, slowest "
        f"acknowledgment {max(times) * 1000:.0f} ms (Slack's limit: 3,000 ms)."
        for label, _, app, _, _ in rows
        for command, times in sorted(app.heavy.items())
    ]
    print("\n".join(table))
    print("\n".join(cpu_table))
    print("\n".join(heavy_lines))
    if args.write_docs:
        body = (
            f"### Commands under load\n\n{args.requests} signed `/club update` / `/club output` requests from "
            f"{args.clubs} clubs, {args.concurrency} concurrent clients, gunicorn {args.workers} workers × "
            f"{args.threads} threads, after {args.warmup} warm-up requests. "
            "*errors*: HTTP errors and dropped connections; *told saved*: filings the person was told were saved with "
            "their ID (in the ack or, when ready after 2.5 s, through the response URL) — the others were answered "
            "with the polite try-again (on SQLite, the write lock not obtained within 2 s); *stored − confirmed*: "
            "records in the database minus filings confirmed (0: nothing confirmed is missing, nothing stored "
            "unconfirmed).\n\n"
            + "\n".join(table)
            + "\n\nCPU per request during the timed run, by process (the stand-in answers the bot's Web API calls and "
            "would be Slack's cost in production; the ceiling is the throughput the machine's cores allow at that "
            "cost). The clients send their next request as soon as the last is answered, so the server is always "
            f"saturated and, by Little's law, the mean latency is at least {args.concurrency} clients × total CPU per "
            f"request / {cores} cores, whatever the code does with its time; the p99 ratio to the floor follows the "
            "ratio of total CPU per request:\n\n" + "\n".join(cpu_table) + "\n\n" + "\n".join(heavy_lines)
        )
        write_section("benchmarks.md", "commands", body, command="python bench/commands.py --write-docs")
    print(machine())
    return 0


if __name__ == "__main__":
    sys.exit(main())
