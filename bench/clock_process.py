"""The real clock process on a virtual calendar, for `bench/faults_clock.py`.

`python bench/clock_process.py` runs the project's `run_clock` with the project's whole schedule (digest,
reports, narrative requests, feeds, outbox), its settings from the environment, with three changes that
only compress time, none that change what a run does:

- the clock's notion of now (`bot.time.now`) is `BENCH_VIRTUAL_START` plus the real time elapsed since
  `BENCH_REAL_START` (so a restarted process continues the same virtual day);
- the periodic jobs are checked every second instead of on their crontab (which period is owed still
  comes from each job's own period rule), and the outbox is sent every second;
- a `sending` outbox row is presumed orphaned after `BENCH_OUTBOX_STALE_SECONDS` (default 3) instead of
  two minutes, so a post interrupted by SIGKILL is resolved (its channel searched) within the run.
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import replace
from datetime import datetime, timedelta

import _common  # noqa: F401 - puts the project on sys.path

from bot import time as bot_time
from bot.runtime import Runtime
from bot.settings import load_settings
from bot.startup import configure_logging
from jobs import clock
from jobs.base import PeriodicJob, RecurringTask
from jobs.schedule import SCHEDULE
from storage.db import LOCK_TIMEOUT

VIRTUAL_START = datetime.fromisoformat(os.environ["BENCH_VIRTUAL_START"])
REAL_START = float(os.environ["BENCH_REAL_START"])
STALE_SECONDS = float(os.environ.get("BENCH_OUTBOX_STALE_SECONDS", "3"))


def virtual_now() -> datetime:
    return VIRTUAL_START + timedelta(seconds=time.time() - REAL_START)


def compressed(job: PeriodicJob | RecurringTask) -> PeriodicJob | RecurringTask:
    if isinstance(job, PeriodicJob):
        return replace(job, check=1)
    if job.name == "outbox":
        return replace(job, seconds=1)
    return job


def main() -> int:
    configure_logging(os.environ.get("BENCH_LOG_LEVEL", "INFO"))
    bot_time.now = virtual_now  # type: ignore[assignment]  # the one place virtual time enters
    runtime = Runtime.from_settings(  # the clock's lock timeout, as `clubbot clock` has it (not a request's)
        load_settings(env_file=None),
        outbox_interval=None,
        dispatcher_options={"stale_after": STALE_SECONDS},
        lock_timeout=LOCK_TIMEOUT,
    )
    return clock.run_clock(runtime, schedule=tuple(compressed(job) for job in SCHEDULE), lock_poll_seconds=0.2)


if __name__ == "__main__":
    sys.exit(main())
