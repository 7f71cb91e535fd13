"""Fault injection for Web API calls (and, on request, response_url posts).

Several plans can be active at once. For every call, each plan that applies to the method is
asked in the order the plans were injected; one draw of the stand-in's seeded RNG per applicable
plan keeps runs reproducible. ``latency`` plans add up; among the other kinds the first one that
fires decides what happens to the call.

``error`` plans answer a documented error code of the method (``methods.json`` lists each method's
codes), ``{"ok": false, "error": CODE, ...extra}``, without applying the call; like every kind they
fire for a share of calls (``rate``) and, with ``match``, only for calls whose arguments match, e.g.
``FaultPlan("error", error="ura_max_channels", methods=["conversations.invite"], match={"users": U})``.
"""

from __future__ import annotations

import functools
import json
import random
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FAULT_KINDS = frozenset({"ratelimited", "server_error", "drop_before", "drop_after", "latency", "error"})
# codes any Web API method can answer (https://api.slack.com/web#evaluating_responses)
COMMON_ERRORS = frozenset(
    {
        "ratelimited",
        "internal_error",
        "service_unavailable",
        "fatal_error",
        "request_timeout",
        "missing_scope",
        "invalid_arguments",
        "not_authed",
        "invalid_auth",
        "account_inactive",
        "token_revoked",
    }
)


@functools.cache
def documented_errors(method: str) -> frozenset[str]:
    """The error codes Slack documents for a method (from methods.json), plus the common ones."""
    methods = json.loads(Path(__file__).with_name("methods.json").read_text(encoding="utf-8"))["methods"]
    if method not in methods:
        raise ValueError(f"unknown Web API method {method!r}")
    return frozenset(methods[method].get("errors", [])) | COMMON_ERRORS


def _matches(expected: Any, actual: Any) -> bool:
    """An argument matches when equal, or when the call's list (JSON list or comma-separated) holds it."""
    if actual is None:
        return False
    if isinstance(actual, (list, tuple)):
        items = [str(a).strip() for a in actual]
    else:
        items = [part.strip() for part in str(actual).split(",")]
    return str(expected) == str(actual) or str(expected) in items


@dataclass
class FaultPlan:
    """What to break, how often and for which methods.

    kind: ``ratelimited`` (HTTP 429 + Retry-After), ``server_error`` (HTTP ``status``, 500 or 503),
    ``drop_before`` (close the socket without applying the call), ``drop_after`` (apply the call, then
    close the socket without answering), ``latency`` (sleep ``latency`` seconds, then answer) or
    ``error`` (answer HTTP 200 ``{"ok": false, "error": error, **extra}`` without applying the call;
    ``error`` must be documented for every method in ``methods``, which is required).
    rate: probability per call (1.0 = every call). methods: method names it applies to (None = all;
    add ``"response_url"`` to hit response_url posts). match: argument name -> value the call must
    carry (a list argument such as ``users`` matches when it holds the value). count: stop after
    this many faults.
    """

    kind: str
    rate: float = 1.0
    methods: Iterable[str] | None = None
    count: int | None = None
    retry_after: int = 1
    status: int = 500
    latency: float = 0.5
    error: str | None = None
    extra: Mapping[str, Any] | None = None
    match: Mapping[str, Any] | None = None
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
        if self.kind == "error":
            if not self.error or not self.methods:
                raise ValueError("an error fault needs error= and methods=")
            for method in self.methods:
                if self.error not in documented_errors(method):
                    raise ValueError(f"{self.error!r} is not a documented error of {method}")
        elif self.error is not None:
            raise ValueError("error= is only for kind='error'")

    def answer(self) -> dict[str, Any]:
        """The body an ``error`` plan answers."""
        return {"ok": False, "error": self.error, **(self.extra or {})}

    def applies_to(self, method: str, args: Mapping[str, Any] | None = None) -> bool:
        if self.count is not None and self.fired >= self.count:
            return False
        if self.match and (args is None or not all(_matches(v, args.get(k)) for k, v in self.match.items())):
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

    def decide(self, method: str, args: Mapping[str, Any] | None = None) -> FaultDecision:
        decision = FaultDecision()
        with self._lock:
            for plan in self._plans:
                if not plan.applies_to(method, args):
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
