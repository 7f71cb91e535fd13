"""The clock process: APScheduler with its SQLAlchemy job store on the project's database.

- Jobs are registered by reference (`jobs.clock:tick` with the job's name), never as pickled closures,
  with `replace_existing=True`, so a restart does not duplicate them; jobs no longer in the schedule
  are removed from the store.
- Triggers are built with the clock's time zone (`CLUBBOT_TIMEZONE`).
- Missed runs: each job is checked once at start and then on its schedule; which period is owed comes
  from the job's own period rule and the `job_runs` table, so downtime across several scheduled times
  gives one catch-up run, and a run older than the job's grace is skipped.
- Only one clock is active (see `jobs.lock`). The web process never runs scheduled jobs.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from types import FrameType

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot import time
from bot.periods import Due, within_grace
from bot.runtime import Runtime
from jobs import runs
from jobs.base import PeriodicJob, RecurringTask
from jobs.lock import ClockBusy, ClockLock

log = logging.getLogger(__name__)

Scheduled = PeriodicJob | RecurringTask


@dataclass
class _Active:
    runtime: Runtime
    schedule: dict[str, Scheduled]
    owner: str


_active: _Active | None = None


def tick(name: str) -> None:
    """What APScheduler calls (by reference): run one scheduled job's due work."""
    if _active is None:
        raise RuntimeError("the clock is not running in this process")
    job = _active.schedule.get(name)
    if job is None:
        log.warning("job %s is in the store but not in the schedule; ignoring", name)
        return
    if isinstance(job, RecurringTask):
        job.run(_active.runtime)
        return
    run_due(_active.runtime, job, owner=_active.owner)


def run_due(runtime: Runtime, job: PeriodicJob, *, owner: str, at: datetime | None = None) -> dict[str, int]:
    """Run every run of `job` owed at `at` that is within grace; return counts by outcome."""
    at = at or time.now()
    counts: dict[str, int] = {}
    for due in job.due(runtime, at):
        if not within_grace(due.due_at, at, job.grace):
            log.info("%s %s %s: due %s, beyond its grace; skipped", job.name, due.period, due.scope or "-", due.due_at)
            outcome = "late"
        else:
            outcome = run_one(runtime, job, due, owner=owner)
        counts[outcome] = counts.get(outcome, 0) + 1
    if counts.get("done"):
        runtime.outbox.poke()
    return counts


def run_one(runtime: Runtime, job: PeriodicJob, due: Due, *, owner: str) -> str:
    return runs.run_once(
        runtime.db,
        job.name,
        due.period,
        due.scope,
        lambda session: job.work(runtime, due, session),
        owner=owner,
        take_over_after=job.take_over_after,
    )


def build_scheduler(runtime: Runtime, schedule: Sequence[Scheduled]) -> BackgroundScheduler:
    tz = runtime.settings.tz
    scheduler = BackgroundScheduler(
        timezone=tz,
        jobstores={"default": SQLAlchemyJobStore(engine=runtime.db.engine, tablename="apscheduler_jobs")},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
    )
    start = datetime.now(tz)
    for job in schedule:
        trigger: CronTrigger | IntervalTrigger
        if isinstance(job, PeriodicJob) and isinstance(job.check, str):
            trigger = CronTrigger.from_crontab(job.check, timezone=tz)
        else:
            seconds = job.check if isinstance(job, PeriodicJob) else job.seconds
            trigger = IntervalTrigger(seconds=int(seconds), timezone=tz)
        scheduler.add_job(
            "jobs.clock:tick",
            trigger=trigger,
            args=[job.name],
            id=job.name,
            name=job.description,
            replace_existing=True,
            next_run_time=start,  # check at start: this is where missed runs are caught up
        )
    return scheduler


def run_clock(
    runtime: Runtime,
    *,
    schedule: Sequence[Scheduled] | None = None,
    stop: threading.Event | None = None,
    lock_poll_seconds: float = 1.0,
) -> int:
    """Run the scheduler until SIGTERM/SIGINT. Exit status 0 on a clean stop, 1 if the lock was lost."""
    global _active
    from jobs.schedule import SCHEDULE

    schedule = tuple(SCHEDULE if schedule is None else schedule)
    stop = stop or threading.Event()

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        log.info("clock received %s; stopping", signal.Signals(signum).name)
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    try:
        lock = ClockLock.for_database(runtime.db)
        if not lock.acquire(stop, poll_seconds=lock_poll_seconds):
            runtime.close()
            return 0
    except ClockBusy as busy:
        print(f"clubbot: {busy}", flush=True)
        runtime.close()
        return 2

    _active = _Active(runtime, {job.name: job for job in schedule}, runs.process_owner("clock"))
    scheduler = build_scheduler(runtime, schedule)
    status = 0
    try:
        scheduler.start()
        wanted = {job.name for job in schedule}
        for stored in scheduler.get_jobs():
            if stored.id not in wanted:
                log.info("removing %s from the job store: no longer in the schedule", stored.id)
                stored.remove()
        log.info("clock started in %s with %d job(s)", runtime.settings.timezone, len(schedule))
        for job in schedule:
            log.info("  %s: %s (%s)", job.name, job.description, describe_timing(job))
        while not stop.wait(2.0):
            if not lock.still_held():
                log.error("the clock lost its lock; stopping so that another clock can take over")
                status = 1
                break
    finally:
        scheduler.shutdown(wait=True)
        lock.release()
        runtime.close()
        _active = None
        log.info("clock stopped")
    return status


def describe_timing(job: Scheduled) -> str:
    if isinstance(job, RecurringTask):
        return f"every {job.seconds} s"
    when = f"every {job.check} s" if isinstance(job.check, int) else f"at '{job.check}'"
    return f"checked {when}, grace {job.grace}"
