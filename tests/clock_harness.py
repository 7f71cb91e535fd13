"""A real clock process for the kill/standby/downtime tests: the project's `run_clock` with the project's
schedule plus one test job, started as `python -m tests.clock_harness` with the settings in the environment.

The test job, `tally`, owes one run per club per period of `TALLY_PERIOD_SECONDS`; its work sleeps
`TALLY_WORK_SECONDS` (so a test can kill the process in the middle) and then writes one outbox post to
the club's channel naming the period. Exactly-once therefore shows as exactly one post per club and period.
"""

from __future__ import annotations

import os
import sys
import time
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.periods import Due, latest_interval
from bot.runtime import Runtime
from bot.slack import outbox
from bot.slack.blocks import Message
from bot.startup import configure_logging, prepare
from jobs.base import PeriodicJob
from jobs.clock import run_clock
from jobs.schedule import SCHEDULE
from storage.models import Club

PERIOD = int(os.environ.get("TALLY_PERIOD_SECONDS", "3600"))
WORK = float(os.environ.get("TALLY_WORK_SECONDS", "0"))


def _clubs(runtime: Runtime) -> list[tuple[int, str]]:
    with runtime.db.session() as session:
        return [(c.id, c.channel_id) for c in session.scalars(select(Club).order_by(Club.id)) if c.channel_id]


def due(runtime: Runtime, now: datetime) -> list[Due]:
    period, slot = latest_interval(now, seconds=PERIOD)
    return [Due(period, f"club:{club_id}", slot) for club_id, _ in _clubs(runtime)]


def for_period(runtime: Runtime, period: str) -> list[Due]:
    slot = datetime.fromisoformat(period.replace("Z", "+00:00"))
    return [Due(period, f"club:{club_id}", slot) for club_id, _ in _clubs(runtime)]


def work(runtime: Runtime, due: Due, session: Session) -> None:
    club = session.get(Club, int(due.scope.split(":")[1]))
    assert club is not None and club.channel_id
    time.sleep(WORK)
    outbox.enqueue(session, club.channel_id, Message(text=f"tally {due.period} {club.name}"))


TALLY = PeriodicJob(
    name="tally",
    description="test job: one post per club and period",
    check=1,
    grace=timedelta(hours=1),
    due=due,
    for_period=for_period,
    work=work,
)


def main() -> int:
    configure_logging("INFO")
    runtime = prepare("clock")
    return run_clock(runtime, schedule=(*SCHEDULE, TALLY), lock_poll_seconds=0.5)


if __name__ == "__main__":
    sys.exit(main())
