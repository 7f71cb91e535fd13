"""Benchmark: refreshing 300 feeds with the feed engine vs. the naive `feedparser.parse(url)` loop.

A loopback server (in its own process, so it does not share the GIL with the client) answers every
request after 200 ms. The 300 feeds are spread over 150 loopback addresses (127.0.0.2 ... 127.0.0.151,
same port), so the per-host limit (2) does not bind and the total limit (20) does. A fifth of the feeds
answer 304 to a conditional request carrying their ETag; the others ignore validators.

The engine runs a first pass to learn the ETags (timed and shown too), then the measured second pass:
fetch with conditional requests and parse every changed body, as `refresh_feeds` does. The naive
baseline fetches and parses each feed in turn with `feedparser.parse(url)` (it sends no validators).
Both run in the same process, in the same run. The floor is what the concurrency limit allows:
ceil(300 / effective concurrency) x 200 ms.

    .venv/bin/python bench/digest.py [--feeds 300] [--delay 0.2] [--skip-baseline]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import math
import multiprocessing
import platform
import socket
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import feedparser

from bot.feeds.fetch import FetchOptions, FetchRequest, FetchResult, fetch_many
from bot.feeds.parse import FeedParseError, parse_feed

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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.2", 0))
        return sock.getsockname()[1]


# --- the two contenders ---------------------------------------------------------------------------------


def engine_pass(requests: list[FetchRequest], options: FetchOptions) -> tuple[float, list[FetchResult], int]:
    """Fetch all concurrently and parse each changed body as soon as it arrives, in a parsing process
    (the second core), so parsing neither waits for the last response nor slows the event loop."""
    entries = 0
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=1) as parser:
        futures = []

        def on_result(_index: int, result: FetchResult) -> None:
            if result.ok and not result.not_modified:
                futures.append(
                    parser.submit(parse_feed, result.body, content_type=result.content_type, url=result.final_url)
                )

        results = fetch_many(requests, options, on_result=on_result)
        for future in futures:
            with contextlib.suppress(FeedParseError):
                entries += len(future.result().entries)
    return time.perf_counter() - started, results, entries


def naive_pass(urls: list[str]) -> tuple[float, int]:
    started = time.perf_counter()
    entries = 0
    for url in urls:
        entries += len(feedparser.parse(url).entries)
    return time.perf_counter() - started, entries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--feeds", type=int, default=300)
    parser.add_argument("--delay", type=float, default=0.2)
    parser.add_argument("--skip-baseline", action="store_true")
    args = parser.parse_args()

    port = free_port()
    ready, stop = multiprocessing.Event(), multiprocessing.Event()
    server = multiprocessing.Process(target=serve, args=(port, args.delay, ready, stop), daemon=True)
    server.start()
    if not ready.wait(20):
        raise SystemExit("the benchmark server did not start")
    try:
        urls = [f"http://{host_for(i)}:{port}/feed/{i}.xml" for i in range(args.feeds)]
        options = FetchOptions(allow_private=True)  # loopback on purpose
        concurrency = min(options.total, HOSTS * options.per_host)
        floor = math.ceil(args.feeds / concurrency) * args.delay

        first_time, first, first_entries = engine_pass([FetchRequest(u) for u in urls], options)
        assert all(r.ok for r in first), [r.error for r in first if not r.ok][:3]
        conditional = [FetchRequest(u, etag=r.etag) for u, r in zip(urls, first, strict=True)]
        second_time, second, second_entries = engine_pass(conditional, options)
        not_modified = sum(r.not_modified for r in second)
        naive_time, naive_entries = (float("nan"), 0) if args.skip_baseline else naive_pass(urls)
    finally:
        stop.set()
        server.join(5)

    print(
        f"\n{args.feeds} feeds, {args.delay * 1000:.0f} ms per response, {HOSTS} loopback hosts, "
        f"limits: {options.per_host} per host, {options.total} in total; "
        f"Python {platform.python_version()}, {platform.machine()}, {multiprocessing.cpu_count()} CPUs\n"
    )
    print("| run | time | entries parsed | vs. floor | naive / this |")
    print("| --- | ---: | ---: | ---: | ---: |")
    print(f"| floor: ceil({args.feeds}/{concurrency}) x {args.delay * 1000:.0f} ms | {floor:.2f} s | | 1.00x | |")
    print(
        f"| engine, first pass (no validators yet) | {first_time:.2f} s | {first_entries} | "
        f"{first_time / floor:.2f}x | {naive_time / first_time:.1f}x |"
    )
    print(
        f"| engine, second pass ({not_modified} answered 304) | {second_time:.2f} s | {second_entries} | "
        f"{second_time / floor:.2f}x | {naive_time / second_time:.1f}x |"
    )
    print(
        f"| naive `feedparser.parse(url)` loop | {naive_time:.2f} s | {naive_entries} | "
        f"{naive_time / floor:.2f}x | 1.0x |"
    )


if __name__ == "__main__":
    main()
