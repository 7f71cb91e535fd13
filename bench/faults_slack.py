"""Slack faults: 500 filings, 10 new clubs and a digest to 50 clubs while 30 % of the bot's Slack calls fail

The app is served the way the Procfile serves it (gunicorn, threaded workers, `bot.gunicorn_config`) against the
local Slack stand-in (Slack's rate limits on) in this process and a fresh database (a temporary SQLite file, or
a scratch PostgreSQL database with `--database-url`). Once the app is up, fault plans are injected for the whole
run: `--fault-rate` of the bot's Web API calls (every method) fail, split evenly between HTTP 429 with
`Retry-After: 1`, HTTP 500, a connection dropped before Slack acts and a connection dropped after Slack acted
(the call applied, its answer lost). During the faults, at the same time:

- members of 50 clubs file `--filings` items with signed `/club update` and `/club output` commands (one in
  ten through the update form: the command opens the modal, the person submits it), 8 people at a time; a
  person who is told to try again does so;
- the secretariat admin creates `--clubs` clubs with `/club new … leaders:@… members:@… @…`, running the
  command again while the answer is not a summary with everyone in the channel (as a person would);
- the weekly digest job runs for the `--digest-clubs` clubs through the clock's exactly-once claims
  (`jobs.clock.run_one`), each club following its own feed served on loopback; `--feed-fault-rate` of the
  feeds answer 503 to their first read, so those clubs' runs fail and the next check (here every 2 s instead
  of every 5 min) posts them;
- the outbox is sent by the web workers after each request and by the clock's outbox task
  (`dispatch_due`, here run back to back), until nothing is left or `--deadline` passes.

Then the stand-in's own records are checked against the database: each acknowledged filing stored (and
nothing stored that nobody was told about), each outbox row sent, none dead, and each row's message present
exactly once in Slack (found by the outbox id every post carries in its metadata); each new club's channel
created by exactly one successful `conversations.create`, under its own name, with its welcome pinned; one
digest per digest club. The exit status is 1 if any of these fails.

    .venv/bin/python bench/faults_slack.py [--filings 500] [--clubs 10] [--digest-clubs 50] [--fault-rate 0.3]
                                           [--feed-fault-rate 0.1] [--seed 7] [--database-url URL] [--write-docs]
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import random
import re
import secrets
import shutil
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from zoneinfo import ZoneInfo

from _common import (
    documented,
    free_port,
    manifest_standin,
    scratch_database,
    seed_club,
    start_server,
    stop_server,
)
from sqlalchemy import func, select

from bot import time as bot_time
from bot.clubs.naming import channel_name
from bot.domain import FieldKey, JobRunStatus, MembershipStatus, OutboxStatus
from bot.periods import within_grace
from bot.runtime import Runtime
from bot.settings import load_settings
from bot.slack.dispatcher import DispatchReport
from bot.slack.outbox import EVENT_TYPE, KIND_ALERT, KIND_DM, KIND_MESSAGE, KIND_PIN
from bot.slack.text import render_message
from bot.standin import FaultPlan, SlackStandIn
from jobs import clock, runs
from jobs import digests as digest_job
from storage import db as storage_db
from storage.models import Club, ClubFeed, Digest, Feed, JobRun, Membership, OutboxMessage, Output, Participant, Update

SECRET = secrets.token_hex(16)
TOKEN = "xoxb-faults-" + secrets.token_hex(8)
FAULT_KINDS = ("ratelimited", "server_error", "drop_before", "drop_after")
#: what a person is told when an item is saved: "Saved as *u12*" / "*o7*(으)로 저장했습니다"
TOLD_ID = re.compile(r"\*([uo])(\d+)\*")
POSTING_KINDS = (KIND_MESSAGE, KIND_DM, KIND_ALERT)  # rows that become one message each
ATTEMPTS = 5  # how many times a person tries the same thing before giving up
CHECK_EVERY = 2.0  # seconds between the clock's digest checks (5 minutes in production)

log = logging.getLogger("faults_slack")


# --- the loopback feed server ------------------------------------------------------------------------------


def feed_body(index: int) -> bytes:
    now = datetime.now(UTC)
    topics = (
        "Logical qubits below threshold with trapped-ion error correction",
        "Superconducting qubit coherence passes one millisecond",
        "Quantum sensing with nitrogen-vacancy centres in diamond",
    )
    items = "".join(
        f"<item><title>{topic} (lab {index}, note {n})</title><link>https://journal.example/{index}/{n}</link>"
        f"<guid>urn:faults:{index}:{n}</guid><pubDate>{format_datetime(now - timedelta(hours=2 + n), usegmt=True)}"
        f"</pubDate><description>Results from lab {index} on {topic.lower()}.</description></item>"
        for n, topic in enumerate(topics)
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Quantum Letters {index}</title>'
        f"<link>https://journal.example/{index}</link>{items}</channel></rss>"
    ).encode()


class FeedServer:
    """Serves `/feeds/<n>.xml`; the feeds in `failing` answer 503 to their first request."""

    def __init__(self, failing: set[int]) -> None:
        self.failing = set(failing)
        self.hits: Counter[int] = Counter()
        self.failed: Counter[int] = Counter()
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                return

            def do_GET(self) -> None:
                try:
                    index = int(self.path.rsplit("/", 1)[1].split(".")[0])
                except (IndexError, ValueError):
                    self.send_error(404)
                    return
                with server._lock:
                    server.hits[index] += 1
                    fail = index in server.failing and server.hits[index] == 1
                    if fail:
                        server.failed[index] += 1
                if fail:
                    body, status, kind = b"busy", 503, "text/plain"
                else:
                    body, status, kind = feed_body(index), 200, "application/rss+xml; charset=utf-8"
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, name="feeds", daemon=True)

    def start(self) -> FeedServer:
        self.thread.start()
        return self

    def url(self, index: int) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/feeds/{index}.xml"

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


# --- the database --------------------------------------------------------------------------------------------


# --- the workspace -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Member:
    user_id: str
    channel_id: str


@dataclass(frozen=True)
class NewClubPlan:
    name: str
    command: str
    people: tuple[str, ...]  # Slack ids of the leader and members named


@dataclass
class Workspace:
    admin: str
    secretariat: str
    members: list[Member]
    digest_clubs: dict[int, str]  # club id -> channel id
    new_clubs: list[NewClubPlan]


def seed(standin: SlackStandIn, url: str, feeds: FeedServer, args: argparse.Namespace, rng: random.Random) -> Workspace:
    """The secretariat; `--digest-clubs` clubs (channel, leader, two members, one feed, their digest due 10 minutes
    ago); the people the admin will name in `--clubs` new clubs (in Slack only, as people new to the program)."""
    admin = standin.add_user("secretariat", real_name="Secretariat Admin", email="admin@faults.example", locale="ko-KR")
    secretariat = standin.add_channel("secretariat", is_private=True, members=[admin, standin.bot_user_id])
    database = storage_db.Database(url)
    members: list[Member] = []
    digest_clubs: dict[int, str] = {}
    local = (datetime.now(UTC) - timedelta(minutes=10)).astimezone(ZoneInfo("Asia/Seoul"))
    with database.session() as session:
        for n in range(args.digest_clubs):
            club = Club(
                name=f"Faults Club {n}",
                field=FieldKey.QUANTUM,
                channel_name=f"xlab-faults-{n}",
                keywords="trapped ion, qubit",
                language=rng.choice(["ko", "en"]),
                digest_weekday=local.weekday(),
                digest_hour=local.hour,
                digest_minute=local.minute,
            )
            people = seed_club(
                session, standin, club, handle=f"c{n}", number=n, email_domain="faults.example", pick_locale=rng.choice
            )
            feed = Feed(url=feeds.url(n), title=f"Quantum Letters {n}")
            session.add(feed)
            session.flush()
            session.add(ClubFeed(club_id=club.id, feed_id=feed.id))
            digest_clubs[club.id] = club.channel_id
            members += [Member(user_id, club.channel_id) for user_id in people]
    database.dispose()
    new_clubs = []
    for n in range(args.clubs):
        handles = [f"nc{n}lead", f"nc{n}m1", f"nc{n}m2"]
        ids = tuple(
            standin.add_user(h, real_name=f"Newcomer {n} {h[-4:]}", email=f"{h}@faults.example", locale="en-US")
            for h in handles
        )
        name = f"Fault Tolerant Club {n}"
        command = f"new {name} field:quantum leaders:@{handles[0]} members:@{handles[1]} @{handles[2]}"
        new_clubs.append(NewClubPlan(name, command, ids))
    return Workspace(admin, secretariat, members, digest_clubs, new_clubs)


# --- the people ----------------------------------------------------------------------------------------------


@dataclass
class Filings:
    sent: int = 0
    by_command: int = 0
    by_form: int = 0
    tries: int = 0  # requests sent, retries included
    told: set[str] = field(default_factory=set)  # item ids the filers were told ("u12", "o7")
    not_acknowledged: int = 0  # filings their person gave up on
    form_filers: set[str] = field(default_factory=set)
    late_acks: int = 0  # acknowledged after Slack's 3 seconds
    lock: threading.Lock = field(default_factory=threading.Lock)


def told_ids(body: str) -> set[str]:
    return {kind + number for kind, number in TOLD_ID.findall(body)}


def file_by_command(standin: SlackStandIn, member: Member, command: str, filings: Filings) -> bool:
    for _ in range(ATTEMPTS):
        delivery = standin.slash_command(member.user_id, member.channel_id, command)
        ids = told_ids(delivery.body or "")
        with filings.lock:
            filings.tries += 1
            filings.late_acks += not delivery.acked_in_time
            filings.told |= ids
        if ids:
            return True
        time.sleep(0.5)  # told to try again (or no answer): the person tries again
    return False


def file_by_form(standin: SlackStandIn, member: Member, note: str, filings: Filings) -> bool:
    """`/club update` with no text opens the form; the person types the update and submits it."""
    for _ in range(ATTEMPTS):
        before = frozenset(v.id for v in standin.views(member.user_id))
        delivery = standin.slash_command(member.user_id, member.channel_id, "update")
        with filings.lock:
            filings.tries += 1
            filings.late_acks += not delivery.acked_in_time

        def opened(before: frozenset[str] = before) -> bool:
            return any(
                v.id not in before and v.callback_id == "tracking:update_form" for v in standin.views(member.user_id)
            )

        if not standin.wait_for(opened, timeout=8.0):
            time.sleep(0.5)  # the form did not open (the person was told to try again)
            continue
        view = standin.views(member.user_id)[-1]
        submitted = standin.submit_view(member.user_id, view.id, {"text": {"text": note}})
        if submitted.ok and not (submitted.json or {}).get("response_action"):
            return True  # saved: the ID is told privately (ephemeral, else a direct message)
        for stale in standin.views(member.user_id):
            standin.close_view(member.user_id, stale.id)
    return False


def run_filings(standin: SlackStandIn, members: list[Member], args: argparse.Namespace, rng: random.Random) -> Filings:
    filings = Filings()
    plan: list[tuple[Member, str, str]] = []
    for n in range(args.filings):
        member = rng.choice(members)
        if n % 10 == 9:
            plan.append((member, "form", f"Form update {n}: visited the partner lab and agreed the next steps"))
        elif n % 2:
            plan.append((member, "command", f"update Shared the draft of joint work package {n} with the partner lab"))
        else:
            doi = f"10.5555/faults.{args.seed}.{n}"
            plan.append((member, "command", f'output paper "Fault tolerant paper {n}" status:submitted doi:{doi}'))
    locks: dict[str, threading.Lock] = {m.user_id: threading.Lock() for m in members}

    def one(item: tuple[Member, str, str]) -> None:
        member, how, content = item
        with locks[member.user_id]:  # a person does one thing at a time
            if how == "form":
                ok = file_by_form(standin, member, content, filings)
            else:
                ok = file_by_command(standin, member, content, filings)
        with filings.lock:
            filings.sent += 1
            filings.by_form += how == "form"
            filings.by_command += how == "command"
            if how == "form":
                filings.form_filers.add(member.user_id)
            filings.not_acknowledged += not ok

    with ThreadPoolExecutor(max_workers=args.concurrency) as pool:
        list(pool.map(one, plan))
    return filings


@dataclass
class Provisioning:
    attempts: Counter[str] = field(default_factory=Counter)
    done: set[str] = field(default_factory=set)


def everyone_in(url: str, plan: NewClubPlan) -> bool:
    database = storage_db.Database(url)
    try:
        with database.session() as session:
            statuses = session.execute(
                select(Participant.slack_user_id, Membership.status)
                .join(Membership, Membership.participant_id == Participant.id)
                .join(Club, Club.id == Membership.club_id)
                .where(Club.name == plan.name)
            ).all()
    finally:
        database.dispose()
    active = {uid for uid, status in statuses if status is MembershipStatus.ACTIVE}
    return set(plan.people) <= active


def run_provisioning(standin: SlackStandIn, ws: Workspace, url: str) -> Provisioning:
    result = Provisioning()
    for plan in ws.new_clubs:
        for _ in range(ATTEMPTS):
            result.attempts[plan.name] += 1
            delivery = standin.slash_command(ws.admin, ws.secretariat, plan.command)
            delivery.wait_for_responses(n=1, timeout=90)  # the summary (or "try again") after the ack
            if everyone_in(url, plan):
                result.done.add(plan.name)
                break
            time.sleep(1.0)
    return result


# --- the clock -----------------------------------------------------------------------------------------------


def check_digests(runtime: Runtime, scopes: set[str], owner: str) -> Counter[str]:
    """What the clock's digest check does (`jobs.clock.run_due`), for the digest clubs only: each owed run
    within grace, through the exactly-once claim."""
    counts: Counter[str] = Counter()
    at = bot_time.now()
    for due in digest_job.JOB.due(runtime, at):
        if due.scope not in scopes:
            continue
        if not within_grace(due.due_at, at, digest_job.JOB.grace):
            counts["late"] += 1
            continue
        counts[clock.run_one(runtime, digest_job.JOB, due, owner=owner)] += 1
    return counts


def unsettled(url: str, scopes: set[str]) -> tuple[int, int]:
    """(outbox rows not sent or dead, digest runs not done)."""
    database = storage_db.Database(url)
    try:
        with database.session() as session:
            rows = session.scalar(
                select(func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.status.in_([OutboxStatus.PENDING, OutboxStatus.SENDING]))
            )
            done = session.scalar(
                select(func.count())
                .select_from(JobRun)
                .where(JobRun.job == "digest", JobRun.scope.in_(scopes), JobRun.status == JobRunStatus.DONE)
            )
    finally:
        database.dispose()
    return int(rows or 0), len(scopes) - int(done or 0)


# --- counting ------------------------------------------------------------------------------------------------


def posts_by_outbox_id(standin: SlackStandIn) -> Counter[int]:
    found: Counter[int] = Counter()
    for channel_id in list(standin.ws.channels):
        for message in standin.messages(channel_id):
            meta = message.metadata or {}
            if meta.get("event_type") == EVENT_TYPE:
                found[int((meta.get("event_payload") or {}).get("outbox_id"))] += 1
    return found


def told_privately(standin: SlackStandIn, user_ids: set[str]) -> set[str]:
    """Item ids told to these people after a form: ephemeral messages and direct messages."""
    ids: set[str] = set()
    for user_id in user_ids:
        for message in standin.ephemerals(user_id):
            ids |= told_ids(render_message(message.text, message.blocks))
        dm = standin.dm_channel(user_id)
        for message in standin.messages(dm):
            ids |= told_ids(render_message(message.text, message.blocks))
    return ids


@documented("faults-slack", document="reliability.md")
def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--filings", type=int, default=500)
    parser.add_argument("--clubs", type=int, default=10, help="clubs the admin creates with /club new")
    parser.add_argument("--digest-clubs", type=int, default=50)
    parser.add_argument("--fault-rate", type=float, default=0.3, help="share of the bot's Slack calls that fail")
    parser.add_argument("--feed-fault-rate", type=float, default=0.1, help="share of feeds failing their first read")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--concurrency", type=int, default=8, help="people filing at the same time")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--deadline", type=float, default=900.0, help="seconds for everything to settle")
    parser.add_argument("--database-url", help="postgresql://… for a scratch database there (default: SQLite)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (database, logs)")
    args = parser.parse_args()
    rng = random.Random(args.seed)

    folder = Path(tempfile.mkdtemp(prefix="clubbot-faults-"))
    logging.basicConfig(
        filename=folder / "clock.log", level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    for noisy in ("slack_sdk", "urllib3", "httpx", "httpcore", "sqlalchemy", "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    failing_feeds = set(rng.sample(range(args.digest_clubs), round(args.digest_clubs * args.feed_fault_rate)))
    server = None
    runtime = None
    status = 1

    def keep_or_remove_folder() -> None:
        if args.keep or status:
            print(f"(database and logs kept in {folder})", file=sys.stderr)
        else:
            shutil.rmtree(folder, ignore_errors=True)

    def stop_app() -> None:
        if server is not None:
            stop_server(server)
        if runtime is not None:
            runtime.close()

    with contextlib.ExitStack() as cleanup:
        cleanup.callback(keep_or_remove_folder)
        url = cleanup.enter_context(scratch_database(args.database_url, folder))
        feeds = FeedServer(failing_feeds).start()
        cleanup.callback(feeds.stop)
        standin = cleanup.enter_context(manifest_standin(SECRET, TOKEN, events=True, seed=args.seed))
        cleanup.callback(stop_app)
        storage_db.upgrade(url)
        ws = seed(standin, url, feeds, args, rng)
        env = {
            "DATABASE_URL": url,
            "SLACK_BOT_TOKEN": TOKEN,
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": standin.api_url,
            "CLUBBOT_ADMINS": ws.admin,
            "CLUBBOT_SECRETARIAT_CHANNEL": ws.secretariat,
            "CLUBBOT_DATA_DIR": str(folder / "data"),
            "CLUBBOT_ALLOW_PRIVATE_FEEDS": "1",
            "CLUBBOT_WORKING_HOURS": "always",  # on a virtual calendar the readers' hours are not what is measured
            "WEB_CONCURRENCY": str(args.workers),
            "WEB_THREADS": str(args.threads),
        }
        port = free_port()
        server = start_server("bot.web:create_wsgi_app()", port, env, log=folder / "server.log", log_level="info")
        standin.app_url = f"http://127.0.0.1:{port}/slack/events"
        runtime = Runtime.from_settings(load_settings(env, env_file=None))  # the clock's
        dispatcher = runtime.outbox.dispatcher
        owner = runs.process_owner("clock")
        scopes = {f"club:{club_id}" for club_id in ws.digest_clubs}

        # the faults: one plan per kind, each at the rate that makes `--fault-rate` of the calls fail in all
        per_kind = 1 - (1 - args.fault_rate) ** (1 / len(FAULT_KINDS))
        calls_before = len(standin.calls)
        plans = [standin.inject(FaultPlan(kind=kind, rate=per_kind, retry_after=1)) for kind in FAULT_KINDS]
        started = time.monotonic()

        results: dict[str, object] = {}
        errors: list[BaseException] = []

        def in_thread(name: str, work: Callable[[], object]) -> threading.Thread:
            def run() -> None:
                try:
                    results[name] = work()
                except BaseException as error:  # reported below
                    errors.append(error)
                    log.exception("%s failed", name)

            thread = threading.Thread(target=run, name=name, daemon=True)
            thread.start()
            return thread

        people = [
            in_thread("filings", lambda: run_filings(standin, ws.members, args, random.Random(args.seed + 1))),
            in_thread("provisioning", lambda: run_provisioning(standin, ws, url)),
        ]
        digest_counts: Counter[str] = Counter()
        checks = 0
        next_check = 0.0
        deadline = started + args.deadline
        dispatched = DispatchReport()
        while True:
            now = time.monotonic()
            if now >= next_check:
                digest_counts += check_digests(runtime, scopes, owner)
                checks += 1
                next_check = now + CHECK_EVERY
            report = dispatcher.dispatch_due()
            dispatched = dispatched + report
            pending, runs_left = unsettled(url, scopes)
            if not any(t.is_alive() for t in people) and pending == 0 and runs_left == 0:
                break
            if now > deadline:
                break
            time.sleep(0.2)
        elapsed = time.monotonic() - started
        for plan in plans:
            plan.rate = 0.0  # the run is over: no more faults while the results are read
        time.sleep(1.0)  # calls already decided are answered and recorded
        bot_calls = [c for c in standin.calls[calls_before:] if c.token == TOKEN]
        filings: Filings = results.get("filings") or Filings()  # type: ignore[assignment]
        provisioning: Provisioning = results.get("provisioning") or Provisioning()  # type: ignore[assignment]
        status = report_and_check(
            args, url, standin, ws, filings, provisioning, plans, bot_calls, digest_counts, checks, dispatched,
            elapsed, feeds, errors,
        )  # fmt: skip
        return status


def report_and_check(
    args: argparse.Namespace,
    url: str,
    standin: SlackStandIn,
    ws: Workspace,
    filings: Filings,
    provisioning: Provisioning,
    plans: list[FaultPlan],
    bot_calls: list,
    digest_counts: Counter[str],
    checks: int,
    dispatched: DispatchReport,
    elapsed: float,
    feeds: FeedServer,
    errors: list[BaseException],
) -> int:
    failures: list[str] = []

    def check(ok: bool, what: str) -> None:
        if not ok:
            failures.append(what)

    database = storage_db.Database(url)
    with database.session() as session:
        updates = set(session.scalars(select(Update.id)))
        outputs = set(session.scalars(select(Output.id)))
        rows = [
            (r.id, r.kind, r.status, r.ref, r.dedupe_key, r.payload, r.channel)
            for r in session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
        ]
        new_clubs = {
            c.name: (c.id, c.channel_id, c.channel_name)
            for c in session.scalars(select(Club).where(Club.name.in_([p.name for p in ws.new_clubs])))
        }
        digests = list(session.execute(select(Digest.club_id, Digest.outbox_id)))
        digest_runs = Counter(
            r.status.value
            for r in session.scalars(select(JobRun).where(JobRun.job == "digest"))
            if r.scope in {f"club:{c}" for c in ws.digest_clubs}
        )
    database.dispose()

    # --- filings
    told = filings.told | told_privately(standin, filings.form_filers)
    stored = {f"u{i}" for i in updates} | {f"o{i}" for i in outputs}
    missing = told - stored
    untold = stored - told
    print(
        f"Faults: {args.fault_rate:.0%} of the bot's Slack calls, {args.feed_fault_rate:.0%} of feeds failing their "
        f"first read (seed {args.seed})"
    )
    print(
        f"Filings: {filings.sent} sent ({filings.by_command} commands, {filings.by_form} forms; {filings.tries} "
        f"requests with retries), {len(told)} acknowledged with their ID, {filings.not_acknowledged} given up, "
        f"{filings.late_acks} answered after 3 s"
    )
    print(
        f"Records: {len(updates)} updates + {len(outputs)} outputs = {len(stored)} stored; acknowledged but not "
        f"stored: {len(missing)}; stored but never acknowledged: {len(untold)}"
    )
    check(filings.sent == args.filings, "not every filing was sent")
    check(filings.not_acknowledged == 0, f"{filings.not_acknowledged} filings never acknowledged")
    check(not missing, f"acknowledged filings missing from the database: {sorted(missing)[:10]}")
    check(not untold, f"records nobody was told about: {sorted(untold)[:10]}")
    check(len(told) == args.filings, f"{len(told)} IDs told for {args.filings} filings")

    # --- outbox rows and their messages
    by_status = Counter(status.value for _, _, status, *_ in rows)
    by_kind = Counter(kind for _, kind, *_ in rows)
    posted = posts_by_outbox_id(standin)
    posting = [r for r in rows if r[1] in POSTING_KINDS]
    duplicated = {rid: posted[rid] for rid, *_ in posting if posted[rid] > 1}
    absent = [rid for rid, *_ in posting if posted[rid] == 0]
    strays = [rid for rid in posted if rid not in {r[0] for r in rows}]
    print(
        f"Outbox: {len(rows)} rows ({', '.join(f'{n} {k}' for k, n in sorted(by_kind.items()))}): "
        f"{by_status.get('sent', 0)} sent, {by_status.get('dead', 0)} dead, "
        f"{by_status.get('pending', 0) + by_status.get('sending', 0)} pending"
    )
    print(
        f"Messages in Slack per posting row ({len(posting)} rows): exactly once "
        f"{len(posting) - len(duplicated) - len(absent)}, "
        f"duplicated {len(duplicated)}, missing {len(absent)}; messages carrying an unknown row id: {len(strays)}"
    )
    check(by_status.get("sent", 0) == len(rows), f"outbox rows not sent: {dict(by_status)}")
    check(not duplicated, f"posted more than once: {dict(list(duplicated.items())[:10])}")
    check(not absent, f"never posted: {absent[:10]}")
    check(not strays, f"messages of unknown rows: {strays[:10]}")
    cards = Counter(
        ref
        for _, kind, _, ref, *_ in rows
        if kind == KIND_MESSAGE and ref and ref.split(":")[0] in ("update", "output")
    )
    check(
        set(cards) == {f"update:{i}" for i in updates} | {f"output:{i}" for i in outputs}
        and set(cards.values()) <= {1},
        "not exactly one card per stored item",
    )

    # --- new clubs: one channel each, created once, welcome posted once and pinned
    creates = [c for c in standin.calls_to("conversations.create") if c.ok and c.token == TOKEN]
    created_names = Counter(str(c.args.get("name")) for c in creates)
    pins = {r[5].get("target_id") for r in rows if r[1] == KIND_PIN}
    channel_lines = []
    welcome_pinned = 0
    for plan in ws.new_clubs:
        base = channel_name(plan.name)
        club = new_clubs.get(plan.name)
        same_name = [c for c in standin.ws.channels.values() if c.name == base or c.name.startswith(base + "-")]
        ok = club is not None and club[2] == base and created_names[base] == 1 and len(same_name) == 1
        welcome = [r for r in rows if r[4] == f"club:{club[0]}:welcome"] if club else []
        pinned = bool(
            welcome
            and any(
                m.pinned and (m.metadata or {}).get("event_payload", {}).get("outbox_id") == welcome[0][0]
                for m in standin.messages(club[1])
            )
        )
        welcome_pinned += pinned
        check(ok, f"{plan.name}: club {club}, create calls {created_names[base]}, channels named so {len(same_name)}")
        check(
            len(welcome) == 1 and pinned and welcome[0][0] in pins, f"{plan.name}: welcome not posted once and pinned"
        )
        check(plan.name in provisioning.done, f"{plan.name}: not everyone named ended up in the channel")
        channel_lines.append(created_names[base])
    attempts = sorted(provisioning.attempts.values())
    variants = [
        c.name
        for c in standin.ws.channels.values()
        for plan in ws.new_clubs
        if re.fullmatch(re.escape(channel_name(plan.name)) + r"-[0-9]+", c.name)
    ]
    check(not variants, f"channels under a second name: {variants}")
    print(
        f"New clubs: {len(new_clubs)} of {len(ws.new_clubs)} recorded, {len(provisioning.done)} with everyone in the "
        f"channel; /club new sent {sum(attempts)} times (per club: {', '.join(map(str, attempts))}); successful "
        f"conversations.create per club: {', '.join(map(str, channel_lines))}; channels under a second name: "
        f"{len(variants)}; welcome posts pinned: {welcome_pinned}"
    )

    # --- digests: one per club
    digest_outbox = {outbox_id: club_id for club_id, outbox_id in digests}
    per_club = Counter()
    for outbox_id, club_id in digest_outbox.items():
        channel = ws.digest_clubs.get(club_id)
        if channel:
            per_club[club_id] += sum(
                1
                for m in standin.messages(channel)
                if (m.metadata or {}).get("event_payload", {}).get("outbox_id") == outbox_id
            )
    counts = Counter(per_club.get(club_id, 0) for club_id in ws.digest_clubs)
    print(
        f"Digests: {len(ws.digest_clubs)} clubs, runs {dict(sorted(digest_runs.items()))} after {checks} checks "
        f"({digest_counts.get('failed', 0)} attempts failed and were retried by a later check; "
        f"{len(feeds.failed)} feeds failed their first read); clubs with exactly one digest post: "
        f"{counts.get(1, 0)}, with none: {counts.get(0, 0)}, with more: {sum(n for k, n in counts.items() if k > 1)}"
    )
    check(counts.get(1, 0) == len(ws.digest_clubs), f"digest posts per club: {dict(counts)}")

    # --- the faults
    fired = {plan.kind: plan.fired for plan in plans}
    faulted = Counter(c.fault for c in bot_calls if c.fault)
    by_method = Counter(c.method for c in bot_calls if c.fault)
    print(
        f"Slack: {len(bot_calls)} bot calls, {sum(fired.values())} faults injected "
        f"({sum(fired.values()) / max(1, len(bot_calls)):.0%}): "
        + ", ".join(f"{kind} {fired[kind]}" for kind in FAULT_KINDS)
        + "; also 429s from Slack's own rate limits: "
        + str(sum(1 for c in bot_calls if c.http_status == 429 and not c.fault))
    )
    print("Faults by method: " + ", ".join(f"{m} {n}" for m, n in by_method.most_common(8)))
    check(
        dict(faulted) == {kind: n for kind, n in fired.items() if n},
        f"faults recorded on calls {dict(faulted)} disagree with the plans' counters {fired}",
    )
    print(
        f"Settled in {elapsed:.0f} s (deadline {args.deadline:.0f} s); the clock's dispatcher sent {dispatched.sent}, "
        f"found {dispatched.recovered} posts whose answer was lost in the channel's history (not sent again), "
        f"retried {dispatched.retried}, gave up on {dispatched.dead}"
    )
    for error in errors:
        failures.append(f"the run itself failed: {type(error).__name__}: {error}")
    if failures:
        print(f"FAILED ({len(failures)}):")
        for failure in failures:
            print(f"  - {failure}")
        return 1
    print("All invariants hold.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
