"""Sending the outbox from the clock: every few seconds, due posts and retries go out."""

from __future__ import annotations

from bot.runtime import Runtime
from bot.slack.dispatcher import DispatchReport
from jobs.base import RecurringTask


def dispatch(runtime: Runtime) -> DispatchReport:
    return runtime.outbox.dispatcher.dispatch_due()


TASK = RecurringTask(
    name="outbox",
    description="send due posts and retry failed ones",
    seconds=5,
    run=dispatch,
)
