"""The composition root: the one module of `bot/` that imports `handlers/` and `jobs/`.

Nothing runs at import: `create_app(runtime)` builds and returns the Bolt App; `run_clock`, `print_jobs` and
`run_job_by_hand` are what the `clubbot clock` and `clubbot jobs` commands need of the clock.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TextIO

from slack_bolt import App

from bot.runtime import Runtime
from bot.slack.runner import AckWaitingRunner
from handlers import register_all
from jobs import clock, inspect, outputs
from jobs.base import PeriodicJob
from jobs.schedule import SCHEDULE

log = logging.getLogger(__name__)


def create_app(runtime: Runtime, *, verify_token: bool = True) -> App:
    """Build the Bolt app with every feature's listeners registered.

    Requests are always signature-checked (Bolt's `request_verification_enabled` stays on). Listeners run in
    Bolt's executor as usual, but the answer is sent as soon as they acknowledge (`bot.slack.runner`).
    `verify_token` calls `auth.test` once at start so a wrong token fails fast.
    """
    settings = runtime.settings.require("slack_bot_token", "slack_signing_secret")
    app = App(
        signing_secret=settings.slack_signing_secret,
        client=runtime.slack.client,  # carries the bot token, the retry handlers and the pacer
        token_verification_enabled=verify_token,
        request_verification_enabled=True,
        ignoring_self_events_enabled=True,
        url_verification_enabled=True,
        ssl_check_enabled=True,
        name="clubbot",
    )
    AckWaitingRunner.replacing(app)  # the answer leaves when the listener acknowledges, not at Bolt's next 10 ms tick
    register_all(app, runtime)
    return app


def run_clock(runtime: Runtime) -> int:
    """Run the scheduler until SIGTERM/SIGINT (`clubbot clock`); the exit status."""
    return clock.run_clock(runtime)


def print_jobs(runtime: Runtime, *, out: TextIO) -> None:
    """The clock's schedule, what is owed now and the last outcomes (`clubbot jobs`)."""
    inspect.print_schedule(runtime, out=out)


def run_job_by_hand(runtime: Runtime, name: str, period: str | None, *, out: TextIO) -> int:
    """Run a job now through the same exactly-once claim as the clock (`clubbot jobs run`); the exit status."""
    return inspect.run_by_hand(runtime, name, period, out=out)


def discover_outputs(runtime: Runtime, club_id: int | None, *, dry_run: bool, out: TextIO) -> int:
    """This week's `outputs-discovery` run now (`clubbot outputs discover`); the exit status."""
    return outputs.discover_by_hand(runtime, club_id, dry_run=dry_run, out=out)


def run_jobs_at(
    runtime: Runtime, at: datetime, *, owner: str, skip: frozenset[str] = frozenset()
) -> dict[str, dict[str, int]]:
    """Every scheduled job's runs owed at `at` (but those named in `skip`), through the same once-per-period
    claims as the clock (the console's `:clock`, which moves time forward): outcomes by job name, for the jobs
    that had any."""
    outcomes = {}
    for job in SCHEDULE:
        if isinstance(job, PeriodicJob) and job.name not in skip:
            counts = clock.run_due(runtime, job, owner=owner, at=at)
            if counts:
                outcomes[job.name] = counts
    return outcomes
