"""How fast follow-up tracking answers, with the real app served over HTTP and the local Slack stand-in.

    .venv/bin/python bench/tracking.py [--commands 100] [--events 2000] [--database-url URL]

It measures, on a scratch database (a temporary SQLite file, or a scratch database on the PostgreSQL
server the URL names, dropped afterwards):

- the ack time of `/club output ...` as Slack sees it (the filing is committed before the ack);
- the ack time of `/club status` for a club with a year of data (40 members' daily activity, 400 items);
- message events counted per second, end to end (signed delivery, de-duplication, atomic upsert),
  and per second when recorded directly by the service.

Measured on the development container (2026-11-21), 100 commands, 2,000 events:

    database     output ack p50/p95   status ack p50/p95 (a year)   events e2e   events (service)
    SQLite       45 / 66 ms           175 / 292 ms                  28/s         745/s
    PostgreSQL   54 / 135 ms          209 / 371 ms                  19/s         176/s

End to end, events arrive one at a time from the stand-in (each delivery waits for the previous ack, about
35 ms over loopback HTTP), and the counts keep up with them: the rate is the delivery's, not the counting's.
"""

from __future__ import annotations

import argparse
import secrets
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import documented, scratch_database

from bot.app import create_app
from bot.domain import ClubRole, FieldKey, MeetingRole, MembershipStatus, OutputType
from bot.refs import ClubRef
from bot.runtime import Runtime
from bot.server import LocalServer
from bot.settings import load_settings
from bot.slack.manifest import load_manifest
from bot.slack.pacer import Pacer
from bot.standin import SlackStandIn
from bot.tracking import engagement
from bot.tracking import service as tracking
from bot.web import WebApp
from storage import db as storage_db
from storage.models import ActivityDay, Club, Meeting, MeetingAttendance, Membership, Participant

MEMBERS = 40


def percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    p50 = statistics.median(ordered)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return f"p50 {p50 * 1000:6.1f} ms  p95 {p95 * 1000:6.1f} ms  max {ordered[-1] * 1000:6.1f} ms"


def setup(standin: SlackStandIn, database: storage_db.Database) -> tuple[str, list[str], int]:
    people = [
        standin.add_user(f"member{i}", real_name=f"Member {i}", email=f"m{i}@example.org") for i in range(MEMBERS)
    ]
    channel = standin.add_channel("xlab-bench", members=[*people, standin.bot_user_id])
    with database.session() as session:
        meeting = Meeting(
            code="XL-BENCH",
            title_en="Bench meeting",
            field=FieldKey.QUANTUM,
            starts_on=date(2026, 5, 20),
            ends_on=date(2026, 5, 22),
        )
        club = Club(
            name="Bench Club",
            field=FieldKey.QUANTUM,
            channel_id=channel,
            channel_name="xlab-bench",
            meeting=meeting,
            timezone="Asia/Seoul",
        )
        session.add(club)
        for i, user in enumerate(people):
            person = Participant(name_en=f"Member {i}", email=f"m{i}@example.org", slack_user_id=user)
            session.add(person)
            session.add(
                Membership(
                    club=club,
                    participant=person,
                    role=ClubRole.LEADER if i < 2 else ClubRole.MEMBER,
                    status=MembershipStatus.ACTIVE,
                    joined_at=datetime(2026, 5, 23, tzinfo=UTC),
                )
            )
            session.add(MeetingAttendance(meeting=meeting, participant=person, role=MeetingRole.RESEARCHER))
        session.flush()
        return channel, people, club.id


def a_year_of_data(database: storage_db.Database, club_id: int, people: list[str]) -> None:
    start = date(2025, 11, 22)
    with database.session() as session:
        for day_index in range(365):
            day = start + timedelta(days=day_index)
            for n, user in enumerate(people):
                if (day_index + n) % 3 == 0:
                    session.add(
                        ActivityDay(
                            club_id=club_id,
                            slack_user_id=user,
                            day=day,
                            messages=1 + n % 4,
                            replies=n % 3,
                            files=n % 2,
                            reactions=n % 5,
                        )
                    )
        club = ClubRef.of(session.get(Club, club_id))
        for n in range(400):
            when = datetime(2025, 12, 1, tzinfo=UTC) + timedelta(hours=21 * n)
            caller = tracking.standing(session, club_id, people[n % len(people)], is_admin=False)
            if n % 2:
                tracking.file_update(session, club, caller, f"Update {n}: shared a preprint", now=when)
            else:
                draft = tracking.OutputDraft(OutputType.PAPER, f"Paper {n}", doi=f"10.5555/bench.{n}")
                tracking.file_output(session, club, caller, draft, now=when, today=when.date())


@documented("tracking")
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--commands", type=int, default=100)
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--database-url")
    options = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="clubbot-bench-"))
    with scratch_database(options.database_url, folder) as url:
        run(url, options.commands, options.events)


def run(url: str, commands: int, events: int) -> None:
    storage_db.upgrade(url)
    secret, token = secrets.token_hex(16), "xoxb-bench-" + secrets.token_hex(8)
    manifest = load_manifest()
    standin = SlackStandIn(
        signing_secret=secret,
        bot_token=token,
        scopes=manifest.bot_scopes,
        bot_events=manifest.bot_events,
        slash_commands=manifest.slash_commands,
    )
    standin.start()
    settings = load_settings(
        {
            "SLACK_BOT_TOKEN": token,
            "SLACK_SIGNING_SECRET": secret,
            "SLACK_API_URL": standin.api_url,
            "DATABASE_URL": url,
            "CLUBBOT_LANGUAGE": "ko",
        },
        env_file=None,
    )
    runtime = Runtime.from_settings(settings, pacer=Pacer(scale=0.01))
    server = LocalServer(WebApp(create_app(runtime), runtime)).start()
    standin.app_url = server.url + "/slack/events"
    database = runtime.db
    try:
        channel, people, club_id = setup(standin, database)
        print(f"database: {database.engine.dialect.name}; {MEMBERS} members")

        acks = []
        for n in range(commands):
            delivery = standin.slash_command(
                people[n % MEMBERS], channel, f'output paper "Bench paper {n}" status:submitted doi:10.7777/b.{n}'
            )
            assert delivery.ok and "o" in delivery.body, delivery.body
            acks.append(delivery.elapsed)
        print(f"/club output ack ({commands}):          {percentiles(acks)}")

        a_year_of_data(database, club_id, people)
        acks = []
        for n in range(max(10, commands // 5)):
            delivery = standin.slash_command(people[n % MEMBERS], channel, "status 2026Q3")
            assert delivery.ok
            acks.append(delivery.elapsed)
        print(f"/club status ack, a year of data:       {percentiles(acks)}")

        with database.session() as session:
            before = session.scalar(
                select(func.coalesce(func.sum(ActivityDay.messages), 0)).where(ActivityDay.club_id == club_id)
            )
        started = time.perf_counter()
        base = datetime(2026, 11, 1, tzinfo=UTC).timestamp()
        round_trips = []
        for n in range(events):
            delivery = standin.send_event(
                {
                    "type": "message",
                    "user": people[n % MEMBERS],
                    "text": "x",
                    "channel": channel,
                    "channel_type": "channel",
                    "ts": f"{base + n:.6f}",
                }
            )
            round_trips.append(delivery.elapsed)

        def counted() -> int:
            with database.session() as session:
                total = session.scalar(
                    select(func.coalesce(func.sum(ActivityDay.messages), 0)).where(ActivityDay.club_id == club_id)
                )
            return int(total) - int(before)

        delivered = time.perf_counter() - started
        while counted() < events:
            time.sleep(0.05)
        elapsed = time.perf_counter() - started
        print(
            f"message events delivered (acked):       {events / delivered:8.0f} events/s; "
            f"HTTP round trip {percentiles(round_trips)}"
        )
        print(f"message events counted end to end:      {events / elapsed:8.0f} events/s ({events} in {elapsed:.1f} s)")

        started = time.perf_counter()
        for n in range(events):
            with database.session() as session:
                engagement.record_message(
                    session,
                    f"EvBench{n}",
                    {"type": "message", "user": people[n % MEMBERS], "channel": channel, "ts": f"{base + n:.6f}"},
                    default_tz="Asia/Seoul",
                )
        elapsed = time.perf_counter() - started
        print(f"message events recorded by the service: {events / elapsed:8.0f} events/s")
    finally:
        server.stop()
        runtime.close()
        standin.stop()


if __name__ == "__main__":
    main()
