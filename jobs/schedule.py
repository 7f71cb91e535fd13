"""The schedule: every job the clock runs, in one table."""

from __future__ import annotations

from jobs import digests, outbox, outputs, reports, tracking
from jobs.base import PeriodicJob, RecurringTask

SCHEDULE: tuple[PeriodicJob | RecurringTask, ...] = (
    outbox.TASK,
    digests.TASK,
    digests.JOB,
    *tracking.JOBS,
    *reports.JOBS,
    outputs.JOB,
    outputs.LOOKUPS_JOB,
)
