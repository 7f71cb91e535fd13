"""The clock as real processes: started, killed with SIGKILL mid-job, restarted, doubled, stopped with SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.domain import FieldKey, JobRunStatus
from bot.periods import latest_interval
from storage.models import Club, JobRun
from tests.conftest import app_environment

ROOT = Path(__file__).resolve().parent.parent


class ClockProcess:
    def __init__(self, slack, *, period: int, work: float, module: str = "tests.clock_harness") -> None:
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "PYTHONPATH": str(ROOT),
            **app_environment(slack.db.url, slack.standin.api_url),
            "TALLY_PERIOD_SECONDS": str(period),
            "TALLY_WORK_SECONDS": str(work),
        }
        self.log_path = Path(os.environ.get("TMPDIR", "/tmp")) / f"clock-{time.time_ns()}.log"
        self._log = self.log_path.open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", module], cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT
        )

    @property
    def pid(self) -> int:
        return self.process.pid

    def log(self) -> str:
        self._log.flush()
        return self.log_path.read_text()

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def terminate(self, timeout: float = 15.0) -> int:
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=timeout)

    def close(self) -> None:
        if self.process.poll() is None:
            self.kill()
        self._log.close()


@pytest.fixture
def clocks():
    started: list[ClockProcess] = []
    yield started
    for clock in started:
        clock.close()


def add_clubs(slack, count: int) -> list[tuple[int, str]]:
    kim = slack.person("kim")
    clubs = []
    with slack.db.session() as session:
        for n in range(count):
            channel = slack.channel(f"club-{n}", [kim])
            club = Club(name=f"Club {n}", field=FieldKey.QUANTUM, channel_id=channel)
            session.add(club)
            session.flush()
            clubs.append((club.id, channel))
    return clubs


def runs(slack, status: JobRunStatus | None = None) -> list[JobRun]:
    with slack.db.session() as session:
        query = select(JobRun).where(JobRun.job == "tally").order_by(JobRun.id)
        if status is not None:
            query = query.where(JobRun.status == status)
        return list(session.scalars(query))


def wait_until(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def tallies(slack, channel: str) -> list[str]:
    return [m.text for m in slack.standin.messages(channel) if m.text.startswith("tally ")]


def test_the_clock_starts_logs_its_schedule_and_stops_cleanly_on_sigterm(slack, clocks):
    clock = ClockProcess(slack, period=3600, work=0)
    clocks.append(clock)
    wait_until(lambda: "clock started" in clock.log(), 20, "the clock to start")
    assert "outbox: send due posts and retry failed ones (every 5 s)" in clock.log()
    assert "tally: test job: one post per club and period" in clock.log()
    assert clock.terminate() == 0
    assert "clock stopped" in clock.log()


def test_a_clock_killed_mid_job_finishes_the_work_once_after_restart(slack, clocks):
    clubs = add_clubs(slack, 3)
    first = ClockProcess(slack, period=3600, work=1.5)
    clocks.append(first)
    # kill it while it is in the middle of a club's run: some done, one claimed but not finished
    wait_until(
        lambda: any(r.status is JobRunStatus.RUNNING for r in runs(slack)) and runs(slack, JobRunStatus.DONE),
        30,
        "one run done and another running",
    )
    first.kill()
    interrupted = [r for r in runs(slack) if r.status is JobRunStatus.RUNNING]
    assert interrupted, "the kill happened mid-job"

    second = ClockProcess(slack, period=3600, work=0.1)
    clocks.append(second)
    wait_until(lambda: len(runs(slack, JobRunStatus.DONE)) == 3, 30, "every club's run to be done")
    wait_until(lambda: all(len(tallies(slack, channel)) == 1 for _, channel in clubs), 30, "the posts")
    time.sleep(2)  # nothing more arrives
    for _, channel in clubs:
        assert len(tallies(slack, channel)) == 1
    retried = {r.id: r for r in runs(slack)}[interrupted[0].id]
    assert retried.attempts == 2 and retried.claimed_by.endswith(f":{second.pid}")
    assert second.terminate() == 0


def slot_of(run: JobRun) -> datetime:
    return datetime.fromisoformat(run.period.replace("Z", "+00:00"))


def test_downtime_across_scheduled_times_gives_one_catch_up_run(slack, clocks):
    add_clubs(slack, 1)
    first = ClockProcess(slack, period=2, work=0)
    clocks.append(first)
    wait_until(lambda: len(runs(slack, JobRunStatus.DONE)) >= 1, 30, "a first run")
    first.kill()
    stopped = datetime.now(UTC)
    time.sleep(7)  # three or four 2-second periods fall due with no clock running
    restarted = datetime.now(UTC)
    second = ClockProcess(slack, period=2, work=0)
    clocks.append(second)
    wait_until(lambda: [r for r in runs(slack) if r.claimed_by.endswith(f":{second.pid}")], 20, "the catch-up")
    assert second.terminate() == 0

    fell_due_while_down = [r for r in runs(slack) if stopped < slot_of(r) <= restarted]
    assert len(fell_due_while_down) <= 1  # one catch-up, not one per missed period
    catch_up = next(r for r in runs(slack) if r.claimed_by.endswith(f":{second.pid}"))
    assert slot_of(catch_up) >= latest_interval(restarted, seconds=2)[1]  # the latest period, not an old one
    periods = [r.period for r in runs(slack)]
    assert len(periods) == len(set(periods))  # never twice for one period


def test_a_second_clock_on_sqlite_is_refused_with_a_clear_message(slack, clocks):
    if not slack.db.is_sqlite:
        pytest.skip("SQLite behaviour; PostgreSQL has a standby clock instead (next test)")
    first = ClockProcess(slack, period=3600, work=0)
    clocks.append(first)
    wait_until(lambda: "clock started" in first.log(), 20, "the first clock")
    second = ClockProcess(slack, period=3600, work=0)
    clocks.append(second)
    assert second.process.wait(timeout=20) == 2
    assert "another `clubbot clock` is already running on this SQLite database" in second.log()
    assert first.process.poll() is None


def test_a_standby_clock_on_postgresql_takes_over_when_the_active_one_dies(slack, clocks):
    if slack.db.is_sqlite:
        pytest.skip("PostgreSQL behaviour; on SQLite a second clock is refused (previous test)")
    add_clubs(slack, 1)
    active = ClockProcess(slack, period=2, work=0)
    clocks.append(active)
    wait_until(lambda: runs(slack, JobRunStatus.DONE), 30, "the active clock to run the job")
    standby = ClockProcess(slack, period=2, work=0)
    clocks.append(standby)
    wait_until(lambda: "standing by" in standby.log(), 20, "the standby to wait")
    time.sleep(3)
    assert not [r for r in runs(slack) if r.claimed_by.endswith(f":{standby.pid}")]  # only one runs jobs
    active.kill()
    killed_at = time.monotonic()
    wait_until(lambda: [r for r in runs(slack) if r.claimed_by.endswith(f":{standby.pid}")], 15, "the take-over")
    assert time.monotonic() - killed_at < 8
    assert "this process is the active clock" in standby.log()
    assert standby.terminate() == 0
