"""The two kinds of scheduled work the clock runs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from bot.people import Timing
from bot.periods import Due
from bot.runtime import Runtime


def dm_timing(runtime: Runtime) -> Timing:
    """How a job's direct messages are timed: each at its reader's own working hour, from now on (so a run
    the clock catches up at night still waits for each reader's morning)."""
    return Timing.from_now(runtime.settings.working_hours, runtime.settings.timezone, runtime.known_zone)


@dataclass(frozen=True)
class PeriodicJob:
    """Work owed once per period (and per club): a digest per club-week, a report per quarter.

    The clock checks on `check` (a crontab in the clock's time zone, or an interval in seconds) which
    runs are due (`due`),
    skips those older than `grace`, and runs each through the exactly-once claim; `work` writes its
    results (and its outbox posts) in the session it is given, which also marks the run done.
    """

    name: str
    description: str
    check: str | int
    grace: timedelta
    due: Callable[[Runtime, datetime], list[Due]]
    for_period: Callable[[Runtime, str], list[Due]]
    work: Callable[[Runtime, Due, Session], None]
    #: A `running` claim older than this is presumed dead and taken over.
    take_over_after: timedelta = timedelta(minutes=30)


@dataclass(frozen=True)
class RecurringTask:
    """Idempotent housekeeping on an interval (sending the outbox, refreshing feeds)."""

    name: str
    description: str
    seconds: int
    run: Callable[[Runtime], object]
