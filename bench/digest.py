"""Benchmark: refreshing 300 feeds with the production path (`bot.digests.store.refresh_feeds`).

A loopback server (in its own process, so it does not share the GIL with the client) answers every
request after 200 ms. The 300 feeds are spread over 150 loopback addresses (127.0.0.2 ... 127.0.0.151,
same port), so the per-host limit (2) does not bind and the total limit (20) does. A fifth of the feeds
answer 304 to a conditional request carrying their ETag; the others ignore validators.

What is timed is what the clock's hourly `feeds` task runs, `bot.digests.upkeep.refresh_all`: the
production `refresh_feeds` (read the feeds, fetch them with conditional requests while worker processes
parse each body as it arrives, then store the new items and each feed's health), then telling leaders of
broken feeds and pruning old items. It runs on a migrated database (a temporary SQLite file, or a scratch
PostgreSQL database with --database-url) where one club follows the 300 feeds. The first pass learns the
ETags and stores 6,000 items; the second (conditional requests; the measured one, the steady state)
finds nothing new. For comparison: the same refresh with every body parsed after the last fetch, in the
calling process (how `refresh_feeds` fetched and parsed before; its storage is today's), and the
naive `feedparser.parse(url)` loop (no validators, no database). The floor is what the concurrency
limit allows: ceil(300 / effective concurrency) x 200 ms.

    .venv/bin/python bench/digest.py [--feeds 300] [--delay 0.2] [--rounds 3] [--database-url URL] [--skip-baseline]
"""

from __future__ import annotations

import argparse
import asyncio
import math
import multiprocessing
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import feedparser
from _common import documented, free_port, scratch_database
from sqlalchemy import func, insert, select

from bot.digests.feeds.fetch import fetch_many
from bot.digests.feeds.pipeline import Fetched, default_workers, read_result
from bot.digests.feeds.types import FetchOptions, FetchRequest
from bot.digests.store import Fetcher, RefreshReport, refresh_feeds
from bot.digests.upkeep import refresh_all
from bot.domain import FieldKey
from storage import db as storage_db
from storage.models import Club, ClubFeed, Feed, FeedItem

HOSTS = 150


def host_for(index: int) -> str:
    return f"127.0.0.{2 + index % HOSTS}"


def feed_body(index: int) -> bytes:
    items = "".join(
        f"<item><title>Feed {index} item {n}: quantum error correction with trapped ions, part {n}</title>"
        f"<link>https://example.org/feeds/{index}/items/{n}</link><guid>urn:bench:{index}:{n}</guid>"
        f"<pubDate>Mon, {n + 1:02d} Nov 2026 09:00:00 GMT</pubDate>"
        f"<description>&lt;p&gt;Summary of item {n} of feed {index} with &lt;b&gt;some&lt;/b&gt; HTML "
        f"and enough words to look like a real abstract of a research paper.&lt;/p&gt;</description></item>"
        for n in range(20)
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Bench feed {index}</title>'
        f"<link>https://example.org/feeds/{index}</link>{items}</channel></rss>"
    ).encode()


# --- the server (own process) ----------------------------------------------------------------------------


def serve(
    port: int, delay: float, ready: multiprocessing.synchronize.Event, stop: multiprocessing.synchronize.Event
) -> None:
    bodies: dict[int, bytes] = {}

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                path = lines[0].split(" ")[1]
                headers = {
                    k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:] if line)
                }
                index = int(path.rsplit("/", 1)[1].split(".")[0])
                body = bodies.setdefault(index, feed_body(index))
                etag = f'"bench-{index}"'
                await asyncio.sleep(delay)
                keep = headers.get("connection", "").lower() != "close"
                if index % 5 == 0 and headers.get("if-none-match") == etag:
                    writer.write(f"HTTP/1.1 304 Not Modified\r\nETag: {etag}\r\nContent-Length: 0\r\n\r\n".encode())
                else:
                    validators = f"ETag: {etag}\r\n" if index % 5 == 0 else ""
                    writer.write(
                        (
                            f"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml; charset=utf-8\r\n{validators}"
                            f"Content-Length: {len(body)}\r\nConnection: {'keep-alive' if keep else 'close'}\r\n\r\n"
                        ).encode()
                        + body
                    )
                await writer.drain()
                if not keep:
                    break
        except (asyncio.IncompleteReadError, ConnectionError, ValueError, IndexError):
            pass
        finally:
            writer.close()

    async def main() -> None:
        servers = [await asyncio.start_server(handle, host_for(i), port, backlog=256) for i in range(HOSTS)]
        ready.set()
        while not stop.is_set():
            await asyncio.sleep(0.1)
        for server in servers:
            server.close()

    asyncio.run(main())


# --- the database ------------------------------------------------------------------------------------------


@contextmanager
def migrated_database(url: str | None) -> Iterator[storage_db.Database]:
    """A migrated, empty database for the run (see `_common.scratch_database`)."""
    with tempfile.TemporaryDirectory() as folder, scratch_database(url, Path(folder)) as target:
        storage_db.upgrade(target)
        database = storage_db.Database(target)
        try:
            yield database
        finally:
            database.dispose()


def follow_all(database: storage_db.Database, urls: Sequence[str]) -> None:
    """One club following every feed, none fetched yet."""
    with database.session() as session:
        club = Club(name="bench", field=FieldKey.QUANTUM, keywords="trapped ion")
        session.add(club)
        session.flush()
        session.execute(insert(Feed), [{"url": url, "title": None} for url in urls])
        ids = session.scalars(select(Feed.id)).all()
        session.execute(insert(ClubFeed), [{"club_id": club.id, "feed_id": feed_id} for feed_id in ids])


def reset_feeds(database: storage_db.Database) -> None:
    """Forget the items and validators, so the next pass is a first pass again."""
    with database.session() as session:
        session.execute(FeedItem.__table__.delete())
        session.execute(Feed.__table__.update().values(etag=None, last_modified=None))


# --- the contenders ---------------------------------------------------------------------------------------


def parse_after_fetching(options: FetchOptions) -> Fetcher:
    """How `refresh_feeds` worked before: every body parsed after the last fetch, in the calling process."""

    def fetch(requests: Sequence[FetchRequest], /) -> list[Fetched]:
        results = fetch_many(requests, options)
        return [Fetched(r, (reading := read_result(r)).feed, reading.error, reading.alternates) for r in results]

    return fetch


Refresh = Callable[[storage_db.Database, datetime], RefreshReport]


def production(database: storage_db.Database, now: datetime) -> RefreshReport:
    """Exactly what the clock's hourly `feeds` task runs (`jobs.digests.refresh`, without a Slack runtime)."""
    return refresh_all(database, now, allow_private=True).report  # loopback on purpose


def before(options: FetchOptions) -> Refresh:
    return lambda database, now: refresh_feeds(database, parse_after_fetching(options), now)


def refresh_pass(database: storage_db.Database, refresh: Refresh, now: datetime) -> tuple[float, RefreshReport]:
    started = time.perf_counter()
    report = refresh(database, now)
    return time.perf_counter() - started, report


def naive_pass(urls: list[str]) -> tuple[float, int]:
    started = time.perf_counter()
    entries = 0
    for url in urls:
        entries += len(feedparser.parse(url).entries)
    return time.perf_counter() - started, entries


def two_passes(
    database: storage_db.Database, refresh: Refresh, now: datetime
) -> tuple[tuple[float, RefreshReport], tuple[float, RefreshReport]]:
    reset_feeds(database)
    first = refresh_pass(database, refresh, now)
    assert first[1].counts.get("updated") == len(first[1].outcomes), first[1].counts
    second = refresh_pass(database, refresh, now + timedelta(hours=1))
    return first, second


@documented("digest")
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--feeds", type=int, default=300)
    parser.add_argument("--delay", type=float, default=0.2)
    parser.add_argument("--rounds", type=int, default=3, help="repeat each contender; the median is shown")
    parser.add_argument("--database-url", help="postgresql://… for a scratch database there (default: SQLite)")
    parser.add_argument("--skip-baseline", action="store_true")
    args = parser.parse_args()

    port = free_port("127.0.0.2")
    ready, stop = multiprocessing.Event(), multiprocessing.Event()
    server = multiprocessing.Process(target=serve, args=(port, args.delay, ready, stop), daemon=True)
    server.start()
    if not ready.wait(20):
        raise SystemExit("the benchmark server did not start")
    options = FetchOptions(allow_private=True)  # loopback on purpose
    concurrency = min(options.total, HOSTS * options.per_host)
    floor = math.ceil(args.feeds / concurrency) * args.delay
    runs: dict[str, list[tuple[float, RefreshReport]]] = {}
    try:
        urls = [f"http://{host_for(i)}:{port}/feed/{i}.xml" for i in range(args.feeds)]
        with migrated_database(args.database_url) as database:
            dialect = database.engine.dialect.name
            follow_all(database, urls)
            now = datetime.now(UTC)
            contenders: dict[str, Refresh] = {"production": production, "before": before(options)}
            for _ in range(args.rounds):
                for name, refresh in contenders.items():
                    first, second = two_passes(database, refresh, now)
                    runs.setdefault(f"{name} first", []).append(first)
                    runs.setdefault(f"{name} second", []).append(second)
            with database.session() as session:
                stored = session.scalar(select(func.count()).select_from(FeedItem))
        naive_time, naive_entries = (float("nan"), 0) if args.skip_baseline else naive_pass(urls)
    finally:
        stop.set()
        server.join(5)

    def median(key: str) -> tuple[float, RefreshReport]:
        timings = runs[key]
        middle = statistics.median_low([t for t, _ in timings])
        return next(run for run in timings if run[0] == middle)

    print(
        f"\n{args.feeds} feeds, {args.delay * 1000:.0f} ms per response, {HOSTS} loopback hosts, "
        f"limits: {options.per_host} per host, {options.total} in total; {dialect}; "
        f"{default_workers()} parsing worker(s); median of {args.rounds} rounds; "
        f"Python {platform.python_version()}, {platform.machine()}, {multiprocessing.cpu_count()} CPUs\n"
    )
    print("| run | time | feeds parsed | new items stored | vs. floor |")
    print("| --- | ---: | ---: | ---: | ---: |")
    print(f"| floor: ceil({args.feeds}/{concurrency}) x {args.delay * 1000:.0f} ms | {floor:.2f} s | | | 1.00x |")
    rows = [
        ("production first pass (no validators yet)", "production first"),
        ("**production second pass** ({not_modified} answered 304)", "production second"),
        ("parse after fetching (the old pipeline), first pass", "before first"),
        ("parse after fetching (the old pipeline), second pass", "before second"),
    ]
    for label, key in rows:
        elapsed, report = median(key)
        counts = report.counts
        print(
            f"| {label.format(not_modified=counts.get('not_modified', 0))} | {elapsed:.2f} s | "
            f"{counts.get('updated', 0)} | {report.new_items} | {elapsed / floor:.2f}x |"
        )
    print(
        f"| naive `feedparser.parse(url)` loop (no database) | {naive_time:.2f} s | {naive_entries} entries | | "
        f"{naive_time / floor:.2f}x |"
    )
    print(
        f"\n({stored} items stored after the last pass; all rounds: "
        + "; ".join(f"{k}: " + ", ".join(f"{t:.2f}" for t, _ in v) for k, v in runs.items())
        + ")"
    )


if __name__ == "__main__":
    main()
