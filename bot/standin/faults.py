"""Fault injection for Web API calls (and, on request, response_url posts).

Several plans can be active at once. For every call, each plan that applies to the method is
asked in the order the plans were injected; one draw of the stand-in's seeded RNG per applicable
plan keeps runs reproducible. ``latency`` plans add up; among the other kinds the first one that
fires decides what happens to the call.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field

FAULT_KINDS = frozenset({"ratelimited", "server_error", "drop_before", "drop_after", "latency"})


@dataclass
class FaultPlan:
    """What to break, how often and for which methods.

    kind: ``ratelimited`` (HTTP 429 + Retry-After), ``server_error`` (HTTP ``status``, 500 or 503),
    ``drop_before`` (close the socket without applying the call), ``drop_after`` (apply the call, then
    close the socket without answering) or ``latency`` (sleep ``latency`` seconds, then answer).
    rate: probability per call (1.0 = every call). methods: method names it applies to (None = all;
    add ``"response_url"`` to hit response_url posts). count: stop after this many faults.
    """

    kind: str
    rate: float = 1.0
    methods: Iterable[str] | None = None
    count: int | None = None
    retry_after: int = 1
    status: int = 500
    latency: float = 0.5
    fired: int = field(default=0, compare=False)

    def __post_init__(self) -> None:
        if self.kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}; expected one of {sorted(FAULT_KINDS)}")
        if not 0.0 <= self.rate <= 1.0:
            raise ValueError("rate must be between 0 and 1")
        if self.methods is not None:
            self.methods = frozenset(self.methods)
        if self.kind == "server_error" and not 500 <= self.status <= 599:
            raise ValueError("server_error status must be 5xx")
        if self.retry_after < 1:
            raise ValueError("retry_after must be at least 1 second (Slack sends whole seconds)")

    def applies_to(self, method: str) -> bool:
        if self.count is not None and self.fired >= self.count:
            return False
        if self.methods is None:
            return method != "response_url"
        return method in self.methods


@dataclass
class FaultDecision:
    latency: float = 0.0
    plan: FaultPlan | None = None

    @property
    def kind(self) -> str | None:
        return self.plan.kind if self.plan else None


class FaultInjector:
    def __init__(self, seed: int = 0) -> None:
        self._seed = seed
        self._rng = random.Random(seed)  # noqa: S311 - reproducible fault draws, not security
        self._plans: list[FaultPlan] = []
        self._lock = threading.Lock()

    def inject(self, plan: FaultPlan) -> FaultPlan:
        with self._lock:
            self._plans.append(plan)
        return plan

    def clear(self) -> None:
        with self._lock:
            self._plans.clear()
            self._rng = random.Random(self._seed)  # noqa: S311

    @property
    def plans(self) -> list[FaultPlan]:
        with self._lock:
            return list(self._plans)

    def unfire(self, plan: FaultPlan) -> None:
        """A fault decided for a call did not happen after all (a `drop_after` on a call Slack refused before
        applying it, e.g. with its own rate limit): it is not counted, and the plan keeps it for a later call."""
        with self._lock:
            plan.fired = max(0, plan.fired - 1)

    def decide(self, method: str) -> FaultDecision:
        decision = FaultDecision()
        with self._lock:
            for plan in self._plans:
                if not plan.applies_to(method):
                    continue
                fires = self._rng.random() < plan.rate
                if not fires:
                    continue
                if plan.kind == "latency":
                    plan.fired += 1
                    decision.latency += plan.latency
                elif decision.plan is None:
                    plan.fired += 1
                    decision.plan = plan
        return decision
