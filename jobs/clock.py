"""The clock process: APScheduler with its job store on the project's database.

Jobs are registered by reference (`module:function`), never as pickled closures, with
`replace_existing=True` so a restart does not duplicate them. The web process never runs jobs.
"""

from __future__ import annotations

import logging
import signal
import threading
from dataclasses import dataclass
from types import FrameType

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger

from bot.runtime import Runtime

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ScheduledJob:
    """One job in the schedule: its name, the function it runs (by reference) and its cron schedule."""

    name: str
    func: str  # "jobs.module:function"
    cron: str  # crontab fields: "minute hour day month day_of_week"
    grace_seconds: int
    description: str


#: The schedule. Each feature adds its jobs here.
SCHEDULE: tuple[ScheduledJob, ...] = ()


def build_scheduler(runtime: Runtime) -> BackgroundScheduler:
    tz = runtime.settings.tz
    scheduler = BackgroundScheduler(
        timezone=tz,
        jobstores={"default": SQLAlchemyJobStore(engine=runtime.db.engine, tablename="apscheduler_jobs")},
        job_defaults={"coalesce": True, "max_instances": 1},
    )
    for job in SCHEDULE:
        scheduler.add_job(
            job.func,
            trigger=CronTrigger.from_crontab(job.cron, timezone=tz),
            id=job.name,
            name=job.description,
            replace_existing=True,
            misfire_grace_time=job.grace_seconds,
        )
    return scheduler


def run_clock(runtime: Runtime, *, stop: threading.Event | None = None) -> int:
    """Run the scheduler until SIGTERM or SIGINT; log the schedule at start."""
    stop = stop or threading.Event()

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        log.info("clock received %s; stopping", signal.Signals(signum).name)
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    scheduler = build_scheduler(runtime)
    scheduler.start()
    log.info("clock started in %s with %d job(s)", runtime.settings.timezone, len(scheduler.get_jobs()))
    for job in scheduler.get_jobs():
        log.info("scheduled %s (%s): next run %s", job.id, job.name, job.next_run_time)
    try:
        stop.wait()
    finally:
        scheduler.shutdown(wait=True)
        runtime.close()
        log.info("clock stopped")
    return 0
