"""Reading the news feeds every hour: new items stored, broken feeds' leaders told once, old items pruned."""

from __future__ import annotations

from bot.runtime import Runtime
from bot.services import digests as service
from jobs import clock
from jobs.base import RecurringTask


def refresh(runtime: Runtime) -> service.RefreshSummary:
    summary = service.refresh_all(
        runtime.db,
        clock.now(),
        allow_private=runtime.settings.allow_private_feeds,
        language_of=runtime.language_of,
    )
    if summary.leaders_told:
        runtime.outbox.poke()
    return summary


TASK = RecurringTask(
    name="feeds",
    description="read every followed news feed; tell leaders of broken ones; prune old unposted items",
    seconds=3600,
    run=refresh,
)
