"""Exactly once per period: the `job_runs` table.

A run is keyed by (job, period, scope) under a unique constraint. It is *claimed* (a committed
`running` row, visible to `clubbot jobs`) before the work, and *completed* in the same transaction
as the work's results with a compare-and-set on the claim's attempt number. So:

- a run already done is skipped;
- a run that died half-way left no results (its transaction never committed) and a `running` row,
  which the next clock takes over and retries;
- two processes that both try a run (a clock and `clubbot jobs run`, or a stale and a new claim)
  cannot both commit results: the second compare-and-set fails and its transaction rolls back.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.domain import JobRunStatus
from storage.db import Database
from storage.models import JobRun, utcnow

log = logging.getLogger(__name__)


def process_owner(kind: str) -> str:
    """A claim owner name for this process: `clock:host:pid` or `cli:host:pid`."""
    return f"{kind}:{socket.gethostname()}:{os.getpid()}"


@dataclass(frozen=True)
class Claim:
    run_id: int
    attempt: int
    owner: str


class LostClaim(Exception):
    """Another process took the run over; this attempt's results must not be committed."""


def claim(
    db: Database,
    job: str,
    period: str,
    scope: str,
    *,
    owner: str,
    take_over_after: timedelta,
    now: datetime | None = None,
) -> Claim | None:
    """Claim a run, or return None when it is done or being run by someone else.

    A `running` or `failed` row is taken over when it is older than `take_over_after` or was claimed by
    an owner of the same kind that is not this process (a dead clock: only one clock holds the lock).
    """
    now = now or utcnow()
    key = (JobRun.job == job, JobRun.period == period, JobRun.scope == scope)
    with db.session() as session:
        session.add(JobRun(job=job, period=period, scope=scope, status=JobRunStatus.RUNNING, claimed_by=owner))
        try:
            session.flush()
        except IntegrityError:
            session.rollback()
        else:
            run = session.scalar(
                select(JobRun).where(JobRun.job == job, JobRun.period == period, JobRun.scope == scope)
            )
            assert run is not None
            return Claim(run.id, run.attempts, owner)
    with db.session() as session:
        run = session.scalar(select(JobRun).where(*key))
        if run is None or run.status is JobRunStatus.DONE:
            return None
        attempts, status, previous_owner = run.attempts, run.status, run.claimed_by or ""
        stale = now - run.claimed_at >= take_over_after
        orphaned = previous_owner != owner and previous_owner.split(":", 1)[0] == owner.split(":", 1)[0]
        if status is JobRunStatus.RUNNING and not (stale or orphaned or previous_owner == owner):
            return None
        taken = session.execute(
            update(JobRun)
            .where(JobRun.id == run.id, JobRun.attempts == attempts, JobRun.status != JobRunStatus.DONE)
            .values(attempts=attempts + 1, status=JobRunStatus.RUNNING, claimed_by=owner, claimed_at=now, error=None)
            .execution_options(synchronize_session=False)
        )
        if taken.rowcount != 1:  # type: ignore[attr-defined]
            return None
        log.info("retrying %s %s %s (attempt %d, was %s)", job, period, scope or "-", attempts + 1, status.value)
        return Claim(run.id, attempts + 1, owner)


def complete(session: Session, claim_: Claim) -> None:
    """Mark the claimed run done inside the work's own transaction; raise LostClaim if it was taken over."""
    done = session.execute(
        update(JobRun)
        .where(JobRun.id == claim_.run_id, JobRun.attempts == claim_.attempt, JobRun.status == JobRunStatus.RUNNING)
        .values(status=JobRunStatus.DONE, finished_at=utcnow(), error=None)
    )
    if done.rowcount != 1:  # type: ignore[attr-defined]
        raise LostClaim(f"run {claim_.run_id} attempt {claim_.attempt} was taken over")


def fail(db: Database, claim_: Claim, error: str) -> None:
    """Record a failed attempt (the work's transaction was rolled back); the next tick retries it."""
    with db.session() as session:
        session.execute(
            update(JobRun)
            .where(JobRun.id == claim_.run_id, JobRun.attempts == claim_.attempt)
            .values(status=JobRunStatus.FAILED, finished_at=utcnow(), error=error[:4000])
        )


def run_once(
    db: Database,
    job: str,
    period: str,
    scope: str,
    work: Callable[[Session], None],
    *,
    owner: str,
    take_over_after: timedelta,
) -> str:
    """Claim, do `work(session)` and complete in one transaction. Returns `done`, `skipped` or `failed`."""
    claimed = claim(db, job, period, scope, owner=owner, take_over_after=take_over_after)
    if claimed is None:
        return "skipped"
    try:
        with db.session() as session:
            work(session)
            complete(session, claimed)
    except LostClaim:
        log.warning("%s %s %s: claim lost to another process; results discarded", job, period, scope or "-")
        return "skipped"
    except Exception as exc:
        log.exception("%s %s %s failed", job, period, scope or "-")
        fail(db, claimed, f"{type(exc).__name__}: {exc}")
        return "failed"
    return "done"


@dataclass(frozen=True)
class RunSummary:
    job: str
    period: str
    scope: str
    status: str
    attempts: int
    claimed_at: datetime
    finished_at: datetime | None
    error: str | None


def last_runs(db: Database, job: str, limit: int = 5) -> list[RunSummary]:
    with db.session() as session:
        rows = session.scalars(
            select(JobRun).where(JobRun.job == job).order_by(JobRun.claimed_at.desc(), JobRun.id.desc()).limit(limit)
        ).all()
        return [
            RunSummary(r.job, r.period, r.scope, r.status.value, r.attempts, r.claimed_at, r.finished_at, r.error)
            for r in rows
        ]
