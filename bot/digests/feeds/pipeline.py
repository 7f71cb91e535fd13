"""Fetch and parse many feeds at once: each body is parsed as soon as it arrives, off the event loop.

`fetch_and_parse(requests, options)` returns one `Fetched` per request, in order: the fetch result
(without its body, which is dropped once parsed so 300 feeds never hold 300 bodies in memory), the
parsed feed, or the error that stopped either step.

Parsing is CPU work (feedparser is pure Python) and fetching is mostly waiting, so they overlap:
bodies go to a `ParsePool` of worker processes while the event loop keeps fetching. A parsing
thread would not help: it would hold the GIL the event loop needs, and slow the fetches. The
workers come from a fork server that has already imported the parser (`forkserver` start method:
safe in a process that runs threads, unlike `fork`, and cheaper than `spawn`). When the machine has
a single CPU, the batch is small, or worker processes cannot be started, parsing happens in the
calling process instead (same results, just not overlapped).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from threading import Lock
from types import TracebackType

from bot.digests.feeds.errors import FeedError, FeedErrorKind
from bot.digests.feeds.fetch import fetch_many
from bot.digests.feeds.pages import discover_feed_links
from bot.digests.feeds.parse import FeedParseError, ParsedFeed, parse_feed
from bot.digests.feeds.types import FetchOptions, FetchRequest, FetchResult

log = logging.getLogger(__name__)

#: Below this many requests, parsing in the calling process is cheaper than starting workers.
MIN_BATCH_FOR_WORKERS = 16
MAX_WORKERS = 4


@dataclass(frozen=True)
class Reading:
    """What a body turned out to be: a feed, or an error and, for a web page, the feeds it advertises."""

    feed: ParsedFeed | None = None
    error: FeedError | None = None
    alternates: tuple[str, ...] = ()


@dataclass(frozen=True)
class Fetched:
    """One feed fetched and read. `result.body` is empty (the body was parsed and dropped); `error` is the
    fetch's or the parser's; `alternates` are feed links of a web page that is not itself a feed."""

    result: FetchResult
    feed: ParsedFeed | None = None
    error: FeedError | None = None
    alternates: tuple[str, ...] = ()

    @property
    def not_modified(self) -> bool:
        return self.result.not_modified


def read_body(body: bytes, content_type: str | None, url: str) -> Reading:
    """Parse a body (what a worker process runs: module-level, so it pickles by reference)."""
    try:
        return Reading(feed=parse_feed(body, content_type=content_type, url=url))
    except FeedParseError as exc:
        alternates: tuple[str, ...] = ()
        if exc.error.kind is FeedErrorKind.NOT_A_FEED and body:
            alternates = tuple(discover_feed_links(body, base_url=url, content_type=content_type)[:3])
        return Reading(error=exc.error, alternates=alternates)


def read_result(result: FetchResult) -> Reading:
    """Read a fetch result here: its error, nothing on a 304, else its parsed body."""
    if result.error is not None:
        return Reading(error=result.error)
    if result.not_modified:
        return Reading()
    return read_body(result.body, result.content_type, result.final_url)


def _fetched(result: FetchResult, reading: Reading) -> Fetched:
    return Fetched(replace(result, body=b""), reading.feed, reading.error, reading.alternates)


def default_workers() -> int:
    """Worker processes for parsing: the CPUs left after the one the event loop uses (0: parse in-process)."""
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(0, min(MAX_WORKERS, cpus - 1))


_context_lock = Lock()
_context: multiprocessing.context.BaseContext | None = None


def _worker_context() -> multiprocessing.context.BaseContext:
    """The `forkserver` start method with the parser preloaded (`spawn` where there is no fork server)."""
    global _context
    with _context_lock:
        if _context is None:
            if "forkserver" in multiprocessing.get_all_start_methods():
                forkserver = multiprocessing.get_context("forkserver")
                forkserver.set_forkserver_preload(["bot.digests.feeds.parse", "bot.digests.feeds.pages"])
                _context = forkserver
            else:  # pragma: no cover - Windows
                _context = multiprocessing.get_context("spawn")
        return _context


class ParsePool:
    """Parses fetched bodies in worker processes (or in this process when `workers` is 0)."""

    def __init__(self, workers: int | None = None) -> None:
        self.workers = default_workers() if workers is None else max(0, workers)
        self._executor: Executor | None = None
        if self.workers:
            try:
                self._executor = ProcessPoolExecutor(max_workers=self.workers, mp_context=_worker_context())
            except (OSError, ValueError):
                log.warning("cannot start feed parsing workers; parsing in this process", exc_info=True)
                self._executor = None

    def __enter__(self) -> ParsePool:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None

    def submit(self, result: FetchResult) -> Future[Reading] | None:
        """Start parsing a body in a worker; None when there is no worker (parse with `finish`)."""
        if self._executor is None or result.error is not None or result.not_modified:
            return None
        try:
            return self._executor.submit(read_body, result.body, result.content_type, result.final_url)
        except (BrokenProcessPool, RuntimeError):
            log.warning("feed parsing workers stopped; parsing in this process", exc_info=True)
            self._executor = None
            return None

    @staticmethod
    def finish(result: FetchResult, future: Future[Reading] | None) -> Fetched:
        """The parsed outcome of `result`, from its worker's answer or parsed here.

        `result` must still carry its body when `future` is None or its worker died."""
        if future is not None:
            try:
                return _fetched(result, future.result())
            except BrokenProcessPool:
                log.warning("a feed parsing worker died; parsing %s in this process", result.url)
            except Exception as exc:  # a parser bug on one feed must not lose the others
                log.exception("parsing %s failed", result.url)
                return _fetched(result, Reading(error=FeedError(FeedErrorKind.NOT_A_FEED, f"{exc}"[:300])))
        try:
            return _fetched(result, read_result(result))
        except Exception as exc:
            log.exception("parsing %s failed", result.url)
            return _fetched(result, Reading(error=FeedError(FeedErrorKind.NOT_A_FEED, f"{exc}"[:300])))


def fetch_and_parse(
    requests: Sequence[FetchRequest],
    options: FetchOptions | None = None,
    *,
    workers: int | None = None,
    fetch: Callable[..., list[FetchResult]] = fetch_many,
) -> list[Fetched]:
    """Fetch every request concurrently and parse each body as it arrives; one `Fetched` per request, in order."""
    if not requests:
        return []
    pool_workers = workers if workers is not None else default_workers()
    if len(requests) < MIN_BATCH_FOR_WORKERS:
        pool_workers = 0
    with ParsePool(pool_workers) as pool:
        futures: dict[int, Future[Reading] | None] = {}
        # bodies handed to a worker are kept only until it has parsed them (or died, to parse them here)
        in_flight: dict[int, FetchResult] = {}

        def on_result(index: int, result: FetchResult) -> FetchResult | None:
            future = pool.submit(result)
            futures[index] = future
            if future is None:
                return None
            in_flight[index] = result
            future.add_done_callback(lambda done: _release(in_flight, index, done))
            return replace(result, body=b"")

        results = fetch(list(requests), options, on_result=on_result)
        return [pool.finish(in_flight.get(index, result), futures.get(index)) for index, result in enumerate(results)]


def _release(in_flight: dict[int, FetchResult], index: int, done: Future[Reading]) -> None:
    if done.cancelled() or not isinstance(done.exception(), BrokenProcessPool):
        in_flight.pop(index, None)
