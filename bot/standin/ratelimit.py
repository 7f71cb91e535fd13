"""Slack's Web API rate limits, with the time scale compressible for tests.

* Tiered methods: a sliding window of ``window`` seconds per (token, method); Tier 1 allows 1 call,
  Tier 2 20, Tier 3 50, Tier 4 100 per window (Slack's published minimums per minute).
* "Special" methods (auth.test, chat.getPermalink): several hundred per minute; 600 per window here.
* chat.postMessage: about one message per second per channel with short bursts allowed: a token
  bucket per (token, channel) with capacity 3 that refills one token per ``window / 60`` seconds
  (one per second when the window is Slack's real 60 s).

Over a limit the caller gets the number of whole seconds to wait (``Retry-After``, at least 1).
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque

TIER_LIMITS: dict[str, int] = {"1": 1, "2": 20, "3": 50, "4": 100, "special": 600}
POST_MESSAGE_BURST = 3


class RateLimiter:
    def __init__(self, *, enabled: bool = True, window: float = 60.0) -> None:
        if window <= 0:
            raise ValueError("rate window must be positive")
        self.enabled = enabled
        self.window = window
        self._calls: dict[tuple[str, str], deque[float]] = {}
        self._buckets: dict[tuple[str, str], tuple[float, float]] = {}
        self._lock = threading.Lock()

    def reset(self) -> None:
        with self._lock:
            self._calls.clear()
            self._buckets.clear()

    def check(self, token: str, method: str, tier: str | None, channel: str | None = None) -> int | None:
        """Count the call if allowed and return None; else return Retry-After seconds (>= 1)."""
        if not self.enabled:
            return None
        now = time.monotonic()
        with self._lock:
            if method == "chat.postMessage":
                return self._take_token(token, channel or "", now)
            if tier is None:
                return None
            limit = TIER_LIMITS[tier]
            calls = self._calls.setdefault((token, method), deque())
            while calls and calls[0] <= now - self.window:
                calls.popleft()
            if len(calls) >= limit:
                wait = calls[0] + self.window - now
                return max(1, math.ceil(wait))
            calls.append(now)
            return None

    def _take_token(self, token: str, channel: str, now: float) -> int | None:
        interval = self.window / 60.0  # seconds per refilled token
        tokens, last = self._buckets.get((token, channel), (float(POST_MESSAGE_BURST), now))
        tokens = min(float(POST_MESSAGE_BURST), tokens + (now - last) / interval)
        if tokens >= 1.0:
            self._buckets[(token, channel)] = (tokens - 1.0, now)
            return None
        self._buckets[(token, channel)] = (tokens, now)
        return max(1, math.ceil((1.0 - tokens) * interval))
