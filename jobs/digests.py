"""The news digest's scheduled work: reading the feeds every hour, and the weekly digest post.

`feeds` (every hour): every followed news feed is read; new items are stored, broken feeds' leaders told
once, old unposted items pruned.

`digest`: one post per club and ISO week, at the club's own day and time.

- Checked every 5 minutes. For each active club with a channel, the run owed is the club's latest digest
  time at or before now (`latest_weekly` with the club's weekday, hour and minute, in the club's time
  zone, else `CLUBBOT_TIMEZONE`), keyed (`digest`, ISO week of that time, `club:<id>`).
- Grace of 2 days: a digest missed by more (the clock was down, the club's time changed to a day already
  past) is skipped, not posted late; the next week's comes as usual. Changing the day within a week
  never gives a second digest that week: the run is per ISO week.
- `work`: the club's feeds that were not read in the last hour are read first (outside the run's
  transaction, which has not started yet), then in the run's transaction the digest is drafted,
  recorded (`record_digest`, which remembers its items so they are never posted again) and its one
  message queued in the outbox. Nothing new and relevant: no post, and the run is still done.
- A feed that failed on its last read (and is not unhealthy or disabled yet) is read again right before
  the digest. If the digest would then be empty while such a feed still fails, the run fails
  (`FeedsUnreadable`) and the next check tries again, until the feed answers, becomes unhealthy (its
  leaders are told) or the grace is over: a passing outage never silently skips the week's digest.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from bot import time
from bot.digests import service, upkeep
from bot.digests.types import RefreshSummary
from bot.periods import Due
from bot.runtime import Runtime
from jobs.base import PeriodicJob, RecurringTask, dm_timing

GRACE = timedelta(days=2)


def _club_id(due: Due) -> int:
    return int(due.scope.removeprefix("club:"))


def due(runtime: Runtime, now: datetime) -> list[Due]:
    with runtime.db.session() as session:
        schedules = service.digest_schedules(session, runtime.settings.timezone)
    owed = []
    for schedule in schedules:
        period, slot = schedule.latest_slot(now)
        owed.append(Due(period, f"club:{schedule.club_id}", slot))
    return owed


def for_period(runtime: Runtime, period: str) -> list[Due]:
    with runtime.db.session() as session:
        schedules = service.digest_schedules(session, runtime.settings.timezone)
    owed = []
    for schedule in schedules:
        slot = schedule.slot_of_period(period)
        if slot is not None:
            owed.append(Due(period, f"club:{schedule.club_id}", slot))
    return owed


def work(runtime: Runtime, due: Due, session: Session) -> None:
    now = time.now()
    club_id = _club_id(due)
    allow_private = runtime.settings.allow_private_feeds
    upkeep.refresh_stale_club_feeds(
        runtime.db, club_id, now, allow_private=allow_private, language_of=runtime.language_of
    )
    service.post_digest(session, club_id, due.period, now, default_tz=runtime.settings.timezone)


JOB = PeriodicJob(
    name="digest",
    description="post each club's weekly news digest at its day and time",
    check="*/5 * * * *",
    grace=GRACE,
    due=due,
    for_period=for_period,
    work=work,
)


def refresh(runtime: Runtime) -> RefreshSummary:
    summary = upkeep.refresh_all(
        runtime.db,
        time.now(),
        allow_private=runtime.settings.allow_private_feeds,
        language_of=runtime.language_of,
        timing=dm_timing(runtime),
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
