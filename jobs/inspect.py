"""`clubbot jobs`: the schedule, what is due, the last outcomes; and running a job by hand."""

from __future__ import annotations

from datetime import datetime
from typing import TextIO

from apscheduler.triggers.cron import CronTrigger

from bot import time
from bot.runtime import Runtime
from jobs import clock, runs
from jobs.base import PeriodicJob, RecurringTask
from jobs.schedule import SCHEDULE


def print_schedule(runtime: Runtime, *, out: TextIO, at: datetime | None = None) -> None:
    at = at or time.now()
    tz = runtime.settings.tz
    out.write(f"clock time zone: {runtime.settings.timezone}; now {at.astimezone(tz):%Y-%m-%d %H:%M %Z}\n")
    for job in SCHEDULE:
        out.write(f"\n{job.name}: {job.description}\n  {clock.describe_timing(job)}\n")
        if isinstance(job, RecurringTask):
            continue
        if isinstance(job.check, str):
            next_check = CronTrigger.from_crontab(job.check, timezone=tz).get_next_fire_time(None, at.astimezone(tz))
            out.write(f"  next check: {next_check:%Y-%m-%d %H:%M %Z}\n" if next_check else "  next check: never\n")
        owed = job.due(runtime, at)
        if owed:
            listed = ", ".join(f"{d.period} {d.scope or 'program'}" for d in owed[:10])
            out.write(f"  owed now: {listed}")
            out.write(f" (+{len(owed) - 10} more)\n" if len(owed) > 10 else "\n")
        for run in runs.last_runs(runtime.db, job.name):
            finished = f" at {run.finished_at:%Y-%m-%d %H:%M}Z" if run.finished_at else ""
            error = f": {run.error}" if run.error else ""
            out.write(
                f"  last: {run.period} {run.scope or 'program'} {run.status}{finished} "
                f"(attempt {run.attempts}){error}\n"
            )


def run_by_hand(runtime: Runtime, name: str, period: str | None, *, out: TextIO) -> int:
    jobs = {job.name: job for job in SCHEDULE}
    job = jobs.get(name)
    if job is None:
        out.write(f"no job called {name!r}; jobs: {', '.join(sorted(jobs))}\n")
        return 2
    if isinstance(job, RecurringTask):
        out.write(f"{name}: {job.run(runtime)}\n")
        return 0
    assert isinstance(job, PeriodicJob)
    owner = runs.process_owner("cli")
    dues = job.for_period(runtime, period) if period else job.due(runtime, time.now())
    if not dues:
        out.write(f"{name}: nothing owed for {period or 'now'}\n")
        return 0
    failed = 0
    for due in dues:
        outcome = clock.run_one(runtime, job, due, owner=owner)
        failed += outcome == "failed"
        out.write(f"{name} {due.period} {due.scope or 'program'}: {outcome}\n")
    runtime.outbox.dispatcher.dispatch_due()
    return 1 if failed else 0
