"""Staying under Slack's limits instead of bouncing off them: a pacer (about one message per second per
channel, and each method's tier budget per minute) and the paced `WebClient` every call goes through, with
slack_sdk's retry handlers."""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from typing import Any

from slack_sdk import WebClient
from slack_sdk.http_retry import RetryHandler
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.web import SlackResponse

from bot.net import ssl_context
from bot.settings import Settings
from bot.slack.methods import METHODS, POST_INTERVAL_PER_CHANNEL, TIER_PER_MINUTE


class Pacer:
    """Token buckets per method (tier budget per minute) and a minimum spacing of posts per channel."""

    def __init__(self, *, scale: float = 1.0) -> None:
        self._scale = scale  # tests shrink time; production uses 1.0
        self._lock = threading.Lock()
        self._buckets: dict[str, tuple[float, float]] = {}  # method -> (tokens, last refill)
        self._next_post: dict[str, float] = {}  # channel -> earliest next post time

    def available(self, method: str) -> bool:
        """Whether a call of `method` could go out now without waiting (nothing is reserved)."""
        now = time.monotonic()
        with self._lock:
            info = METHODS.get(method)
            if info is None or info.tier is None:
                return True
            capacity = float(TIER_PER_MINUTE[info.tier])
            tokens, last = self._buckets.get(method, (capacity, now))
            return min(capacity, tokens + (now - last) * capacity / (60.0 * self._scale)) >= 1.0

    def wait(self, method: str, channel: str | None = None) -> float:
        """Block until the call fits the budgets; return the seconds waited."""
        waited = 0.0
        while True:
            delay = self._reserve(method, channel)
            if delay <= 0:
                return waited
            time.sleep(delay)
            waited += delay

    def _reserve(self, method: str, channel: str | None) -> float:
        now = time.monotonic()
        with self._lock:
            if method == "chat.postMessage" and channel:
                ready = self._next_post.get(channel, 0.0)
                if ready > now:
                    return ready - now
                self._next_post[channel] = now + POST_INTERVAL_PER_CHANNEL * self._scale
                return 0.0
            info = METHODS.get(method)
            if info is None or info.tier is None:
                return 0.0
            tier = info.tier
            capacity = float(TIER_PER_MINUTE[tier])
            rate = capacity / (60.0 * self._scale)
            tokens, last = self._buckets.get(method, (capacity, now))
            tokens = min(capacity, tokens + (now - last) * rate)
            if tokens >= 1.0:
                self._buckets[method] = (tokens - 1.0, now)
                return 0.0
            self._buckets[method] = (tokens, now)
            return (1.0 - tokens) / rate


class PacedWebClient(WebClient):
    """A WebClient whose every call first waits for the pacer."""

    def __init__(self, *args: Any, pacer: Pacer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pacer = pacer

    def api_call(self, api_method: str, **kwargs: Any) -> SlackResponse:
        channel = None
        for source in (kwargs.get("json"), kwargs.get("params"), kwargs.get("data")):
            if isinstance(source, Mapping) and source.get("channel"):
                channel = str(source["channel"])
                break
        self.pacer.wait(api_method, channel)
        return super().api_call(api_method, **kwargs)


def make_client(
    settings: Settings, *, pacer: Pacer, max_retries: int = 3, timeout: int = 10, retry_connection_errors: bool = True
) -> PacedWebClient:
    handlers: list[RetryHandler] = [RateLimitErrorRetryHandler(max_retry_count=max_retries)] if max_retries else []
    if retry_connection_errors and max_retries:
        handlers += [
            ConnectionErrorRetryHandler(max_retry_count=max_retries),
            ServerErrorRetryHandler(max_retry_count=max_retries),
        ]
    return PacedWebClient(
        token=settings.slack_bot_token,
        base_url=settings.slack_api_url,
        timeout=timeout,
        retry_handlers=handlers,
        pacer=pacer,
        ssl=ssl_context(),  # one TLS context for the process (urllib would build one for every call to Slack)
    )
