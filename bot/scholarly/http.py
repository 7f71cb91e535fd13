"""One polite, reliable HTTP layer for Crossref and OpenAlex: JSON GETs with timeouts, bounded retries and
backoff, a per-run request budget, and the feeds' private-address guard.

- **Guard**: the connections go through the bot's one guarded transport (`bot.net`, shared with feeds): the
  host is resolved once, every address checked against the same `AddressPolicy`, and the connection made to
  the address checked, on every connection. `HttpOptions.allow_private` (the `CLUBBOT_ALLOW_PRIVATE_FEEDS=1`
  setting, for tests and the local console) lifts it. Proxies from the environment are ignored.
- **Retries**: a 429 or a 5xx is asked again up to `attempts` times in all, after the `Retry-After` the
  service gave (seconds or an HTTP date) or else an exponential backoff (`backoff`, doubling, at most
  `max_backoff`); a `Retry-After` longer than `max_retry_after` is not waited for: the request fails at once
  with `RATE_LIMITED` and that `retry_after`, so the run stops and the next one asks again. Timeouts and
  failed connections are retried the same way (with the backoff). Other statuses are not retried.
- **Budget**: every request sent (retries included) spends one unit of the `RequestBudget` shared by the
  run's clients; when it is spent the next request raises `BudgetSpent` without being sent.
- **JSON**: a body that is not a JSON object raises `MALFORMED`; a body over `max_bytes` raises `TOO_LARGE`.

The API is synchronous: `Http.run(job)` runs `job(session)` (a coroutine function) to completion in an event
loop of its own, with one connection pool, and `session.get_json(...)` may be awaited concurrently (at most
`concurrency` requests in flight).
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import threading
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlsplit

import httpx

from bot.net import AddressPolicy, BlockedAddressError, GuardedTransport, retry_after_seconds, run_sync
from bot.scholarly.errors import BudgetSpent, ScholarlyError, ScholarlyErrorKind

log = logging.getLogger(__name__)

USER_AGENT = "clubbot/0.1 (BrainLink X-Lab Day research clubs; +https://www.kofst.or.kr/)"
_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})

T = TypeVar("T")
Sleep = Callable[[float], Awaitable[None]]
Params = Mapping[str, str | int]


@dataclass(frozen=True)
class HttpOptions:
    connect_timeout: float = 5.0
    read_timeout: float = 20.0
    #: Seconds one attempt may take from its connection to its last byte.
    deadline: float = 30.0
    #: Tries per request in all (the first one included).
    attempts: int = 4
    backoff: float = 0.5
    max_backoff: float = 8.0
    #: The longest `Retry-After` waited for within a run.
    max_retry_after: float = 60.0
    concurrency: int = 4
    max_bytes: int = 20 * 1024 * 1024
    allow_private: bool = False
    allowed_networks: tuple[str, ...] = ()
    user_agent: str = USER_AGENT


class RequestBudget:
    """How many requests a run may send; shared by the clients of that run (thread-safe). None: no limit."""

    def __init__(self, limit: int | None = None) -> None:
        self.limit = limit
        self.used = 0
        self._lock = threading.Lock()

    @property
    def remaining(self) -> int | None:
        return None if self.limit is None else max(0, self.limit - self.used)

    def spend(self) -> None:
        """Count one request about to be sent; raise `BudgetSpent` (and count nothing) when none is left."""
        with self._lock:
            if self.limit is not None and self.used >= self.limit:
                raise BudgetSpent(self.limit)
            self.used += 1


def user_agent(mailto: str | None) -> str:
    """The User-Agent with the contact address, as Crossref's polite pool asks (`mailto:` in the agent)."""
    if not mailto:
        return USER_AGENT
    return USER_AGENT[:-1] + f"; mailto:{mailto})"


def check_base_url(url: str) -> str:
    """`url` without a trailing slash when it is an http(s) URL with a host; `INVALID_URL` otherwise."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a malformed port
    except ValueError:
        raise ScholarlyError(ScholarlyErrorKind.INVALID_URL, url[:200]) from None
    if parts.scheme.lower() not in {"http", "https"} or not parts.hostname:
        raise ScholarlyError(ScholarlyErrorKind.INVALID_URL, f"not an http(s) URL: {url[:200]}")
    return url.rstrip("/")


def _path(url: str) -> str:
    """What an error says about a URL: its host and path, never its query (which may hold the API key)."""
    parts = urlsplit(url)
    return f"{parts.hostname}{parts.path}"[:200]


class Session:
    """The requests of one `Http.run`: one connection pool, the run's budget, at most `concurrency` at once."""

    def __init__(self, http: Http, client: httpx.AsyncClient) -> None:
        self._http = http
        self._client = client
        self._slots = asyncio.Semaphore(max(1, http.options.concurrency))

    async def get_json(self, url: str, params: Params | None = None, *, missing_ok: bool = False) -> Any:
        """The JSON object at `url`; None on a 404 when `missing_ok`. Raises `ScholarlyError`."""
        options = self._http.options
        last: ScholarlyError | None = None
        for attempt in range(max(1, options.attempts)):
            if attempt:
                assert last is not None
                await self._http.sleep(self._wait(attempt, last))
            try:
                async with self._slots:  # the budget is spent only by a request about to be sent
                    self._http.budget.spend()
                    return await self._once(url, params, missing_ok=missing_ok)
            except ScholarlyError as error:
                if not _retryable(error):
                    raise
                if error.retry_after is not None and error.retry_after > options.max_retry_after:
                    raise ScholarlyError(
                        ScholarlyErrorKind.RATE_LIMITED,
                        f"{_path(url)} asks to wait {error.retry_after:.0f} s",
                        status=error.status,
                        retry_after=error.retry_after,
                    ) from None
                log.info("scholarly request %s failed (%s), attempt %d", _path(url), error, attempt + 1)
                last = error
        assert last is not None
        raise last

    def _wait(self, attempt: int, error: ScholarlyError) -> float:
        options = self._http.options
        if error.retry_after is not None:
            return error.retry_after
        backoff = min(options.max_backoff, options.backoff * 2 ** (attempt - 1))
        return backoff * (0.5 + random.random() / 2)  # noqa: S311 - jitter, not a secret

    async def _once(self, url: str, params: Params | None, *, missing_ok: bool) -> Any:
        options = self._http.options
        try:
            async with asyncio.timeout(options.deadline):
                response = await self._client.get(url, params=dict(params or {}))
        except BlockedAddressError as exc:
            raise ScholarlyError(ScholarlyErrorKind.BLOCKED_ADDRESS, str(exc)) from None
        except (TimeoutError, httpx.TimeoutException):
            raise ScholarlyError(ScholarlyErrorKind.TIMEOUT, f"{_path(url)}: no answer in time") from None
        except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
            raise ScholarlyError(ScholarlyErrorKind.INVALID_URL, str(exc)[:200]) from None
        except (httpx.TransportError, OSError) as exc:
            raise ScholarlyError(ScholarlyErrorKind.CONNECTION_FAILED, f"{_path(url)}: {type(exc).__name__}") from None
        status = response.status_code
        if status == 404 and missing_ok:
            return None
        if status in _RETRY_STATUSES:
            kind = ScholarlyErrorKind.RATE_LIMITED if status == 429 else ScholarlyErrorKind.SERVER_ERROR
            raise ScholarlyError(
                kind,
                f"{_path(url)} answered {status}",
                status=status,
                retry_after=retry_after_seconds(response.headers.get("retry-after")),
            )
        if not 200 <= status < 300:
            raise ScholarlyError(ScholarlyErrorKind.HTTP_STATUS, f"{_path(url)} answered {status}", status=status)
        if len(response.content) > options.max_bytes:
            raise ScholarlyError(ScholarlyErrorKind.TOO_LARGE, f"{_path(url)}: more than {options.max_bytes} bytes")
        try:
            data = json.loads(response.content)
        except (ValueError, UnicodeDecodeError):
            raise ScholarlyError(ScholarlyErrorKind.MALFORMED, f"{_path(url)}: not JSON", status=status) from None
        if not isinstance(data, dict):
            raise ScholarlyError(ScholarlyErrorKind.MALFORMED, f"{_path(url)}: not a JSON object", status=status)
        return data


def _retryable(error: ScholarlyError) -> bool:
    return error.kind in {
        ScholarlyErrorKind.RATE_LIMITED,
        ScholarlyErrorKind.SERVER_ERROR,
        ScholarlyErrorKind.TIMEOUT,
        ScholarlyErrorKind.CONNECTION_FAILED,
    }


class Http:
    """The HTTP layer the clients share: options, the run's budget, and how to wait (replaceable in tests)."""

    def __init__(
        self,
        options: HttpOptions | None = None,
        budget: RequestBudget | None = None,
        *,
        sleep: Sleep | None = None,
    ) -> None:
        self.options = options or HttpOptions()
        self.budget = budget or RequestBudget()
        self.sleep: Sleep = sleep or asyncio.sleep
        self._policy = AddressPolicy.from_options(self.options)

    def run(self, job: Callable[[Session], Awaitable[T]]) -> T:
        """Run `job(session)` to completion from synchronous code (even inside a running loop)."""
        return run_sync(self._run(job))

    async def _run(self, job: Callable[[Session], Awaitable[T]]) -> T:
        options = self.options
        limits = httpx.Limits(
            max_connections=max(1, options.concurrency),
            max_keepalive_connections=max(1, options.concurrency),
            keepalive_expiry=5.0,
        )
        timeout = httpx.Timeout(
            connect=options.connect_timeout,
            read=options.read_timeout,
            write=options.read_timeout,
            pool=options.connect_timeout + options.deadline,
        )
        async with httpx.AsyncClient(
            transport=GuardedTransport(self._policy, limits),
            timeout=timeout,
            follow_redirects=False,
            trust_env=False,
            headers={"User-Agent": options.user_agent, "Accept": "application/json"},
        ) as client:
            return await job(Session(self, client))
