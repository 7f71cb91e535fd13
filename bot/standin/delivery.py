"""Signed requests to the app, the way Slack sends them.

Slack signs each request with the app's signing secret: ``X-Slack-Signature: v0=<hex>`` where hex is
HMAC-SHA256 over ``v0:{X-Slack-Request-Timestamp}:{raw body}``. Interactivity payloads are
form-encoded (``payload=<json>``), slash commands are form-encoded fields, Events API envelopes are
JSON. Slack waits 3 seconds for the app's answer; events that fail (non-2xx, timeout, connection
error) are retried up to 3 times with ``X-Slack-Retry-Num`` and ``X-Slack-Retry-Reason``.
"""

from __future__ import annotations

import hashlib
import heapq
import hmac
import itertools
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import httpx

ACK_DEADLINE = 3.0
USER_AGENT = "Slackbot 1.0 (+https://api.slack.com/robots)"


def sign(secret: str, timestamp: str, body: str) -> str:
    base = f"v0:{timestamp}:{body}".encode()
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


@dataclass
class Delivery:
    """One HTTP request the stand-in sent to the app, and what came back."""

    kind: str
    payload: dict[str, Any]
    body_sent: str = ""
    headers_sent: dict[str, str] = field(default_factory=dict)
    status: int | None = None
    body: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    elapsed: float = 0.0
    error: str | None = None  # connection_failed / http_timeout when no answer came
    trigger_id: str | None = None
    response_url: str | None = None
    retry_num: int = 0
    _responses: list[dict[str, Any]] = field(default_factory=list, repr=False)
    _cond: threading.Condition = field(default_factory=threading.Condition, repr=False)
    _done: threading.Event = field(default_factory=threading.Event, repr=False)

    @property
    def json(self) -> Any:
        if not self.body:
            return None
        try:
            return json.loads(self.body)
        except ValueError:
            return None

    @property
    def acked_in_time(self) -> bool:
        return self.status is not None and self.elapsed < ACK_DEADLINE

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300

    @property
    def responses(self) -> list[dict[str, Any]]:
        with self._cond:
            return list(self._responses)

    def add_response(self, payload: dict[str, Any]) -> None:
        with self._cond:
            self._responses.append(payload)
            self._cond.notify_all()

    def wait_for_responses(self, n: int = 1, timeout: float = 5.0) -> list[dict[str, Any]]:
        """Block until the app has posted at least n payloads to this delivery's response_url."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while len(self._responses) < n:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._cond.wait(left)
            return list(self._responses)

    def wait(self, timeout: float = 10.0) -> bool:
        return self._done.wait(timeout)


class SocketTransport(Protocol):
    """Where requests go instead of HTTP when the app is connected over Socket Mode (`socket_mode`)."""

    def deliver(
        self,
        delivery: Delivery,
        body: str,
        content_type: str,
        *,
        timeout: float,
        retry_num: int = 0,
        retry_reason: str | None = None,
    ) -> Delivery: ...


class Poster:
    """Signs and POSTs bodies to the app URL (or, in Socket Mode, hands them to the WebSocket)."""

    def __init__(self, signing_secret: str) -> None:
        self.signing_secret = signing_secret
        self.sign_requests = True
        #: Set while the app runs over Socket Mode: requests travel as envelopes, unsigned, as Slack sends them.
        self.socket: SocketTransport | None = None

    def post(
        self,
        delivery: Delivery,
        url: str | None,
        body: str,
        content_type: str,
        *,
        timeout: float,
        extra_headers: dict[str, str] | None = None,
        signature: str | None = None,
        timestamp: str | None = None,
    ) -> Delivery:
        if self.socket is not None:
            retry = (extra_headers or {}).get("X-Slack-Retry-Num")
            return self.socket.deliver(
                delivery,
                body,
                content_type,
                timeout=timeout,
                retry_num=int(retry) if retry else 0,
                retry_reason=(extra_headers or {}).get("X-Slack-Retry-Reason"),
            )
        ts = timestamp if timestamp is not None else str(int(time.time()))
        headers = {
            "Content-Type": content_type,
            "User-Agent": USER_AGENT,
            "Accept": "application/json,*/*",
            "Accept-Encoding": "gzip,deflate",
        }
        if self.sign_requests or signature is not None:
            headers["X-Slack-Request-Timestamp"] = ts
            headers["X-Slack-Signature"] = signature if signature is not None else sign(self.signing_secret, ts, body)
        headers.update(extra_headers or {})
        delivery.body_sent = body
        delivery.headers_sent = headers
        if not url:
            delivery.error = "no_app_url"
            delivery._done.set()
            return delivery
        started = time.monotonic()
        try:
            response = httpx.post(url, content=body.encode("utf-8"), headers=headers, timeout=timeout)
            delivery.status = response.status_code
            delivery.body = response.text
            delivery.headers = dict(response.headers)
        except httpx.TimeoutException:
            delivery.error = "http_timeout"
        except httpx.HTTPError:
            delivery.error = "connection_failed"
        delivery.elapsed = time.monotonic() - started
        delivery._done.set()
        return delivery


@dataclass
class EventRecord:
    """An Events API envelope and every attempt to deliver it."""

    envelope: dict[str, Any]
    attempts: list[Delivery] = field(default_factory=list)
    finished: threading.Event = field(default_factory=threading.Event, repr=False)
    first_attempt: threading.Event = field(default_factory=threading.Event, repr=False)

    @property
    def event_id(self) -> str:
        return self.envelope["event_id"]

    @property
    def event(self) -> dict[str, Any]:
        return self.envelope["event"]

    @property
    def delivered(self) -> bool:
        return any(a.ok for a in self.attempts)


class EventDispatcher:
    """Background worker delivering events in order, with Slack's retry policy."""

    def __init__(
        self, poster: Poster, app_url: Callable[[], str | None], retry_delays: tuple[float, ...] = (0.0, 0.5, 1.0)
    ) -> None:
        self.poster = poster
        self.app_url = app_url
        self.retry_delays = retry_delays
        self._heap: list[tuple[float, int, EventRecord, int]] = []
        self._seq = itertools.count()
        self._cond = threading.Condition()
        self._in_flight = 0
        self._stopped = False
        self._generation = 0
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._stopped = False
            self._thread = threading.Thread(target=self._run, name="standin-events", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        with self._cond:
            self._stopped = True
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join(timeout=5.0)
            self._thread = None

    def clear(self) -> None:
        with self._cond:
            self._heap.clear()
            self._generation += 1
            self._cond.notify_all()

    def submit(self, record: EventRecord) -> None:
        with self._cond:
            heapq.heappush(self._heap, (time.monotonic(), next(self._seq), record, 0))
            self._cond.notify_all()

    def idle(self) -> bool:
        with self._cond:
            return not self._heap and self._in_flight == 0

    def wait_idle(self, timeout: float = 5.0) -> bool:
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._heap or self._in_flight:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(min(left, 0.05))
            return True

    def deliver_once(self, record: EventRecord, retry_num: int, reason: str | None) -> Delivery:
        body = json.dumps(record.envelope, ensure_ascii=False)
        headers = {}
        if retry_num:
            headers = {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": reason or "http_error"}
        delivery = Delivery(kind="event_callback", payload=record.envelope, retry_num=retry_num)
        self.poster.post(
            delivery, self.app_url(), body, "application/json", timeout=ACK_DEADLINE, extra_headers=headers
        )
        record.attempts.append(delivery)
        record.first_attempt.set()
        return delivery

    @staticmethod
    def failure_reason(delivery: Delivery) -> str | None:
        if delivery.error == "http_timeout":
            return "http_timeout"
        if delivery.error is not None:
            return "connection_failed"
        if delivery.status is not None and not 200 <= delivery.status < 300:
            return "http_error"
        return None

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._stopped and (not self._heap or self._heap[0][0] > time.monotonic()):
                    wait = (self._heap[0][0] - time.monotonic()) if self._heap else None
                    self._cond.wait(wait if wait is None or wait > 0 else 0)
                if self._stopped:
                    return
                _, _, record, attempt = heapq.heappop(self._heap)
                self._in_flight += 1
                generation = self._generation
            try:
                previous = record.attempts[-1] if record.attempts else None
                reason = self.failure_reason(previous) if previous is not None else None
                delivery = self.deliver_once(record, attempt, reason)
                failure = self.failure_reason(delivery)
                no_retry = delivery.headers.get("x-slack-no-retry") == "1"
                if delivery.error == "no_app_url":
                    failure = None
                if failure and not no_retry and attempt < len(self.retry_delays):
                    with self._cond:
                        if generation == self._generation:
                            due = time.monotonic() + self.retry_delays[attempt]
                            heapq.heappush(self._heap, (due, next(self._seq), record, attempt + 1))
                else:
                    record.finished.set()
            finally:
                with self._cond:
                    self._in_flight -= 1
                    self._cond.notify_all()
