"""The clock killed with SIGKILL at random moments across 20 digest and report runs: no duplicate, no missing post.

The real clock process (`bench/clock_process.py`: the project's `run_clock` and whole schedule, on a
virtual calendar) runs against a fresh database and the local Slack stand-in (with Slack's rate limits)
in this process, for 20 quarters from 2021Q1. For each quarter the virtual day is ten days after the
quarter's end, 10:00 in Seoul, when three kinds of run are owed: the quarter's program report (posted to
the secretariat channel with its documents), each club's quarterly report (to its leader by DM) and each
club's weekly news digest (its feed, served on loopback, has new items for that week). While those runs
are owed the clock is killed with SIGKILL after a random delay, one to three times, and restarted; then it
is left to finish and stopped with SIGTERM. At the end every post the bot decided to make (every outbox
row) must be in Slack exactly once, every run must be done once, and each club channel must hold exactly
one digest per quarter.

    .venv/bin/python bench/faults_clock.py [--quarters 20] [--clubs 5] [--seed 7]
                                           [--database-url postgresql://…] [--write-docs]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from zoneinfo import ZoneInfo

from _common import ROOT, documented, manifest_standin, postgres_version, scratch_database, seed_club
from sqlalchemy import func, select

from bot.domain import FieldKey, OutboxStatus, Quarter
from bot.standin import SlackStandIn
from storage import db as storage_db
from storage.models import Club, ClubFeed, Feed, JobRun, OutboxMessage

SEOUL = ZoneInfo("Asia/Seoul")
TOKEN = "xoxb-bench-clock"  # noqa: S105 - the stand-in's token
SECRET = "bench-clock-signing-secret"  # noqa: S105 - the stand-in's secret
ADMIN = "UBENCHADMIN"
FIRST = Quarter(2021, 1)


# --- the feed every club follows: new items for each virtual week ---------------------------------------------------


class FeedSource:
    """An RSS feed on loopback whose items are those of the current step (dated shortly before its virtual day)."""

    def __init__(self) -> None:
        self.step = 0
        self.day = datetime(2021, 4, 11, tzinfo=SEOUL)
        self.hits = 0
        source = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                source.hits += 1
                body = source.body()
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/quantum.xml"

    def body(self) -> bytes:
        titles = (
            "Logical qubits below threshold with trapped ion error correction",
            "Superconducting qubit coherence passes one millisecond",
            "Quantum sensing with nitrogen-vacancy centres in diamond",
        )
        items = []
        for n, title in enumerate(titles, 1):
            when = format_datetime((self.day - timedelta(hours=2 + n)).astimezone(UTC), usegmt=True)
            link = f"https://journal.example/{marker(self.step)}/{n}"
            items.append(
                f"<item><title>{title} ({self.step + 1})</title><link>{link}</link><pubDate>{when}</pubDate></item>"
            )
        return (
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Quantum Journal</title>'
            + "".join(items)
            + "</channel></rss>"
        ).encode()

    def start(self) -> FeedSource:
        self.thread.start()
        return self

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def marker(step: int) -> str:
    return f"step-{step:02d}"


# --- the world: clubs, leaders, channels -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Seeded:
    clubs: list[tuple[int, str]]  # (club id, channel id)
    leaders: list[str]
    secretariat: str


def seed(standin: SlackStandIn, url: str, clubs: int, feed_url: str) -> Seeded:
    admin = standin.add_user("secretariat", real_name="Secretariat", email="office@bench.example", user_id=ADMIN)
    secretariat = standin.add_channel("secretariat", is_private=True, members=[admin, standin.bot_user_id])
    database = storage_db.Database(url)
    seeded: list[tuple[int, str]] = []
    leaders: list[str] = []
    founded = datetime(2020, 11, 1, tzinfo=UTC)
    with database.session() as session:
        feed = Feed(url=feed_url, title="Quantum Journal")
        session.add(feed)
        for n in range(clubs):
            club = Club(
                name=f"Quantum Club {n}",
                field=FieldKey.QUANTUM,
                channel_name=f"xlab-clock-{n}",
                language="en" if n % 2 else "ko",
                created_at=founded,
            )
            people = seed_club(
                session, standin, club, handle=f"k{n}", number=n, email_domain="bench.example", since=founded
            )
            session.flush()
            session.add(ClubFeed(club_id=club.id, feed_id=feed.id))
            seeded.append((club.id, club.channel_id))
            leaders.append(people[0])
    database.dispose()
    return Seeded(seeded, leaders, secretariat)


def virtual_day(quarter: Quarter) -> datetime:
    """Ten days after the quarter's end, 10:00 in Seoul: its report, club reports and a digest are owed."""
    first = quarter.next().first_day
    return datetime.combine(first + timedelta(days=10), datetime.min.time(), SEOUL).replace(hour=10)


def set_digest_slot(url: str, day: datetime) -> None:
    """Each club's digest at 09:30 of the virtual day's weekday (what a leader sets with `/club digest`)."""
    database = storage_db.Database(url)
    with database.session() as session:
        for club in session.scalars(select(Club)):
            club.digest_weekday, club.digest_hour, club.digest_minute = day.weekday(), 9, 30
    database.dispose()


# --- the clock process -----------------------------------------------------------------------------------------------


@dataclass
class Kill:
    step: int
    after: float
    running_jobs: int
    sending_posts: int
    mode: str

    @property
    def landed(self) -> str:
        if self.running_jobs and self.sending_posts:
            return "during a job run and a post"
        if self.running_jobs:
            return "during a job run"
        if self.sending_posts:
            return "during a post"
        return "between runs"


@dataclass
class Tally:
    kills: list[Kill] = field(default_factory=list)
    starts: int = 0
    step_seconds: list[float] = field(default_factory=list)


def start_clock(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, str(ROOT / "bench" / "clock_process.py")],
        cwd=ROOT,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )


_polling: dict[str, storage_db.Database] = {}


def _database(url: str) -> storage_db.Database:
    if url not in _polling:
        _polling[url] = storage_db.Database(url)
    return _polling[url]


def sending_now(url: str) -> int:
    """Outbox rows being sent at this moment."""
    with _database(url).session() as session:
        return int(
            session.scalar(
                select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == OutboxStatus.SENDING)
            )
            or 0
        )


def state(url: str) -> tuple[Counter[tuple[str, str]], int, int]:
    """Job runs by (job, status); outbox rows waiting (pending or sending) and sending."""
    database = _database(url)
    with database.session() as session:
        runs = Counter(
            {
                (job, status.value): count
                for job, status, count in session.execute(
                    select(JobRun.job, JobRun.status, func.count()).group_by(JobRun.job, JobRun.status)
                )
            }
        )
        waiting = session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.status.in_([OutboxStatus.PENDING, OutboxStatus.SENDING]))
        )
        sending = session.scalar(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == OutboxStatus.SENDING)
        )
        return runs, int(waiting or 0), int(sending or 0)


def step_complete(url: str, steps_done: int, clubs: int) -> bool:
    runs, waiting, _ = state(url)
    done = steps_done + 1
    return (
        runs[("digest", "done")] == clubs * done
        and runs[("quarter-report", "done")] == done
        and runs[("quarter-report-clubs", "done")] == clubs * done
        and not any(status in ("running", "failed") for _, status in runs)
        and waiting == 0
    )


def run_steps(args: argparse.Namespace, url: str, env: dict[str, str], feed: FeedSource, log: Path) -> Tally:
    rng = random.Random(args.seed)
    tally = Tally()
    quarter = FIRST
    for step in range(args.quarters):
        day = virtual_day(quarter)
        feed.step, feed.day = step, day
        set_digest_slot(url, day)
        step_env = {**env, "BENCH_VIRTUAL_START": day.isoformat(), "BENCH_REAL_START": repr(time.time())}
        kills = rng.randint(1, 3)
        began = time.monotonic()
        while True:
            process = start_clock(step_env, log)
            tally.starts += 1
            started = time.monotonic()
            # half the kills after a random delay, half the moment a post is being sent (or, if none is
            # seen within the longest delay, then)
            mode = rng.choice(("random", "sending")) if kills else None
            delay = rng.uniform(0.3, args.max_kill_delay) if kills else None
            finished = False
            while True:
                time.sleep(0.1 if mode != "sending" else 0.02)
                if process.poll() is not None:
                    raise RuntimeError(f"the clock exited by itself with status {process.returncode}; see {log}")
                elapsed = time.monotonic() - started
                if mode is not None and delay is not None:
                    due = (
                        elapsed >= delay if mode == "random" else sending_now(url) > 0 or elapsed >= args.max_kill_delay
                    )
                    if due:
                        process.send_signal(signal.SIGKILL)
                        process.wait(timeout=10)
                        runs, _, sending = state(url)
                        running = sum(count for (_, status), count in runs.items() if status == "running")
                        tally.kills.append(Kill(step, round(elapsed, 2), running, sending, mode))
                        kills -= 1
                        break
                elif step_complete(url, step, len(env["BENCH_CLUBS"].split(","))):
                    finished = True
                    break
                if time.monotonic() - began > args.step_timeout:
                    process.kill()
                    raise RuntimeError(f"quarter {quarter} was not complete after {args.step_timeout} s; see {log}")
            if finished:
                process.send_signal(signal.SIGTERM)
                # 0: the clock stopped on SIGTERM; -SIGTERM: it was still importing (a quarter already complete
                # when it started), before its handler was installed
                if process.wait(timeout=30) not in (0, -signal.SIGTERM):
                    raise RuntimeError(f"the clock did not stop cleanly on SIGTERM; see {log}")
                break
        tally.step_seconds.append(time.monotonic() - began)
        print(
            f"  {quarter}: done after {sum(1 for k in tally.kills if k.step == step)} kill(s), "
            f"{tally.step_seconds[-1]:.1f} s",
            flush=True,
        )
        quarter = quarter.next()
    return tally


# --- checking Slack against the outbox -------------------------------------------------------------------------------


@dataclass
class Check:
    rows: Counter[str] = field(default_factory=Counter)
    delivered_once: int = 0
    missing: list[str] = field(default_factory=list)
    duplicated: list[str] = field(default_factory=list)
    digests_per_channel: dict[str, Counter[int]] = field(default_factory=dict)
    runs: Counter[tuple[str, str]] = field(default_factory=Counter)
    retried_runs: int = 0


def check(standin: SlackStandIn, url: str, seeded: Seeded, quarters: int) -> Check:
    result = Check()
    database = storage_db.Database(url)
    with database.session() as session:
        rows = [
            (row.id, row.kind, row.channel, row.status, dict(row.payload))
            for row in session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
        ]
        for run in session.scalars(select(JobRun)):
            result.runs[(run.job, run.status.value)] += 1
            result.retried_runs += run.attempts > 1
    database.dispose()
    with standin.ws.lock:
        dms = dict(standin.ws.dms)
    history: dict[str, list] = {}
    for row_id, kind, channel, status, payload in rows:
        result.rows[f"{kind} {status.value}"] += 1
        target = dms.get(channel, "") if kind == "dm" or payload.get("dm") else channel
        if target not in history:
            history[target] = standin.messages(target) if target else []
        if kind == "file":
            found = sum(
                1
                for f in standin.files(target)
                if f.name == payload["filename"] and f.completed and target in f.channels
            )
        else:
            found = sum(
                1 for m in history[target] if (m.metadata or {}).get("event_payload", {}).get("outbox_id") == row_id
            )
        label = f"outbox {row_id} ({kind} to {channel}: {payload.get('filename') or payload.get('text', '')[:40]!r})"
        if found == 1 and status is OutboxStatus.SENT:
            result.delivered_once += 1
        elif found == 0:
            result.missing.append(label)
        else:
            result.duplicated.append(f"{label} × {found}")
    for _, channel in seeded.clubs:
        counts: Counter[int] = Counter()
        for message in standin.messages(channel):
            text = message.text + json.dumps(message.blocks or [])
            for step in range(quarters):
                if f"/{marker(step)}/" in text:
                    counts[step] += 1
        result.digests_per_channel[channel] = counts
    return result


# --- main ------------------------------------------------------------------------------------------------------------


def run(args: argparse.Namespace) -> int:
    folder = Path(tempfile.mkdtemp(prefix="clubbot-clock-faults-"))
    log = folder / "clock.log"
    with (
        scratch_database(args.database_url, folder) as url,
        manifest_standin(SECRET, TOKEN, seed=args.seed) as standin,
        contextlib.closing(FeedSource().start()) as feed,
    ):
        storage_db.upgrade(url)
        seeded = seed(standin, url, args.clubs, feed.url)
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "PYTHONPATH": f"{ROOT}",
            "DATABASE_URL": url,
            "SLACK_BOT_TOKEN": TOKEN,
            "SLACK_API_URL": standin.api_url,
            "CLUBBOT_ADMINS": ADMIN,
            "CLUBBOT_SECRETARIAT_CHANNEL": seeded.secretariat,
            "CLUBBOT_TIMEZONE": "Asia/Seoul",
            "CLUBBOT_LANGUAGE": "ko",
            "CLUBBOT_ALLOW_PRIVATE_FEEDS": "1",
            "CLUBBOT_DATA_DIR": str(folder),
            "CLUBBOT_WORKING_HOURS": "always",  # on a virtual calendar the readers' hours are not what is measured
            "BENCH_CLUBS": ",".join(str(club_id) for club_id, _ in seeded.clubs),
            "BENCH_LOG_LEVEL": "INFO",
        }
        database = postgres_version(url) if args.database_url else "SQLite"
        print(
            f"database: {database}; {args.quarters} quarters from {FIRST}, {args.clubs} clubs; "
            f"SIGKILL 1-3 times per quarter after 0.3-{args.max_kill_delay:g} s (seed {args.seed})",
            flush=True,
        )
        began = time.monotonic()
        try:
            tally = run_steps(args, url, env, feed, log)
            elapsed = time.monotonic() - began
            result = check(standin, url, seeded, args.quarters)
        finally:
            for polling in _polling.values():  # the database is dropped next
                polling.dispose()
            _polling.clear()

    landed = Counter(kill.landed for kill in tally.kills)
    print()
    modes = Counter(kill.mode for kill in tally.kills)
    print(
        f"clock processes started: {tally.starts}; SIGKILLs: {len(tally.kills)} "
        f"({modes['random']} after a random delay, {modes['sending']} the moment a post was being sent); "
        f"run time {elapsed:.0f} s"
    )
    print(
        "where the kills landed (runs and posts left unfinished by the killed clock): "
        + ", ".join(f"{n} {where}" for where, n in sorted(landed.items()))
    )
    print("job runs: " + ", ".join(f"{job} {status}: {n}" for (job, status), n in sorted(result.runs.items())))
    print(f"job runs taken over from a killed clock and finished: {result.retried_runs}")
    print("outbox rows: " + ", ".join(f"{label}: {n}" for label, n in sorted(result.rows.items())))
    total = sum(result.rows.values())
    print(
        f"posts in Slack exactly once: {result.delivered_once} of {total}; "
        f"missing: {len(result.missing)}; duplicated: {len(result.duplicated)}"
    )
    per_channel = [result.digests_per_channel[channel] for _, channel in seeded.clubs]
    digests_ok = all(counts[step] == 1 for counts in per_channel for step in range(args.quarters))
    dup_digests = sum(max(0, counts[step] - 1) for counts in per_channel for step in range(args.quarters))
    missing_digests = sum(counts[step] == 0 for counts in per_channel for step in range(args.quarters))
    print(
        f"digests: {sum(sum(c.values()) for c in per_channel)} posted for {args.clubs} clubs × {args.quarters} "
        f"weeks; duplicated {dup_digests}, missing {missing_digests}"
    )
    expected = {
        ("digest", "done"): args.clubs * args.quarters,
        ("quarter-report", "done"): args.quarters,
        ("quarter-report-clubs", "done"): args.clubs * args.quarters,
    }
    runs_ok = all(result.runs[key] == n for key, n in expected.items()) and not any(
        status != "done" for _, status in result.runs
    )
    for problem in result.missing[:10] + result.duplicated[:10]:
        print("  " + problem)
    ok = runs_ok and digests_ok and not result.missing and not result.duplicated and result.delivered_once == total
    print("result: " + ("PASS: no duplicate and no missing digest or report" if ok else "FAIL"))
    return 0 if ok else 1


@documented("faults-clock", document="reliability.md")
def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quarters", type=int, default=20)
    parser.add_argument("--clubs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--max-kill-delay", type=float, default=6.0, help="seconds after start")
    parser.add_argument("--step-timeout", type=float, default=180.0)
    parser.add_argument("--database-url", help="a PostgreSQL server URL (a scratch database is created on it)")
    args = parser.parse_args()
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
