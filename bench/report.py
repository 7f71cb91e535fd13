"""How long the quarterly program report takes on a large program, against reading the same rows plainly.

    .venv/bin/python bench/report.py [--clubs 1000] [--members-per-club 40] [--items 100000] [--database-url URL]

Without --database-url it uses a new SQLite file in a temporary folder. With a PostgreSQL URL it creates a
scratch database on that server and drops it afterwards.

1. A child process fills the database: clubs, participants and memberships, and `--items` follow-up items
   (updates, outputs with their people and status history, club meetings, survey answers, narratives),
   plus channel activity days, spread over 2026Q3 and 2026Q4.
2. A fresh child process then, in one run:
   - reads the rows the report reads with one plain `SELECT` per table (no filters, all columns), with the
     columns' types (as the report must: aware datetimes, enums), and also as raw untyped tuples;
   - builds the 2026Q4 program report: the loader, every figure, and both editions in every format
     (Word x2, Excel x2, PNG charts x6), written to a temporary folder;
   and prints both times, their ratio, the process's peak memory (max RSS) and the number of SQL statements
   the build sent (counted with a `before_cursor_execute` listener).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import event, insert, select, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import documented, scratch_database

from bot.domain import (
    OUTPUT_STATUSES,
    CareerStage,
    ClubRole,
    FieldKey,
    MeetingFormat,
    MembershipStatus,
    OutputType,
    Quarter,
)
from storage import db as storage_db
from storage.models import (
    ActivityDay,
    Base,
    Club,
    ClubMeeting,
    Membership,
    Output,
    OutputPerson,
    OutputStatusChange,
    Participant,
    ReportNarrative,
    Survey,
    SurveyResponse,
    Update,
)

TABLES = [
    "clubs",
    "meetings",
    "memberships",
    "participants",
    "updates",
    "outputs",
    "output_status_changes",
    "output_people",
    "club_meetings",
    "activity_days",
    "surveys",
    "survey_responses",
    "report_narratives",
]
START = datetime(2026, 7, 1, tzinfo=UTC)
SPAN = (datetime(2026, 12, 31, tzinfo=UTC) - START).total_seconds()
COUNTRIES = ["KR", "KR", "KR", "US", "DE", "JP", "CA", "GB", "FR", "AU"]


def when(rng: random.Random) -> datetime:
    return START + timedelta(seconds=rng.random() * SPAN)


def fill(url: str, clubs: int, per_club: int, items: int) -> dict[str, int]:
    storage_db.upgrade(url)
    database = storage_db.Database(url)
    rng = random.Random(7)
    fields = list(FieldKey)
    types = list(OutputType)
    counts: dict[str, int] = {}

    def put(session, model, rows):
        for start in range(0, len(rows), 5000):
            session.execute(insert(model), rows[start : start + 5000])
        counts[model.__tablename__] = counts.get(model.__tablename__, 0) + len(rows)

    with database.session() as session:
        put(
            session,
            Club,
            [
                {
                    "id": c + 1,
                    "name": f"Club {c + 1:04d} {'양자' if c % 3 == 0 else 'Lab'}",
                    "field": fields[c % len(fields)],
                    "language": "ko" if c % 2 else "en",
                    "channel_id": f"C{c + 1:08d}",
                    "channel_name": f"xlab-{c + 1}",
                    "created_at": START - timedelta(days=30),
                }
                for c in range(clubs)
            ],
        )
        people = clubs * per_club
        put(
            session,
            Participant,
            [
                {
                    "id": p + 1,
                    "name_ko": f"김연구{p}" if p % 2 else None,
                    "name_en": f"Researcher {p}",
                    "country": COUNTRIES[p % len(COUNTRIES)],
                    "career_stage": list(CareerStage)[p % 6],
                    "overseas_korean": p % 9 == 0,
                    "slack_user_id": f"U{p + 1:09d}",
                }
                for p in range(people)
            ],
        )
        put(
            session,
            Membership,
            [
                {
                    "club_id": p // per_club + 1,
                    "participant_id": p + 1,
                    "role": ClubRole.LEADER if p % per_club < 2 else ClubRole.MEMBER,
                    "status": MembershipStatus.LEFT if p % 37 == 0 else MembershipStatus.ACTIVE,
                    "joined_at": START - timedelta(days=20) + timedelta(days=p % 120),
                    "left_at": when(rng) if p % 37 == 0 else None,
                }
                for p in range(people)
            ],
        )

        def member(club: int) -> int:
            return (club - 1) * per_club + rng.randrange(per_club) + 1

        n_updates, n_outputs, n_meetings = int(items * 0.40), int(items * 0.15), int(items * 0.05)
        n_changes = int(items * 0.15)
        n_people = int(items * 0.10)
        n_responses = items - n_updates - n_outputs - n_meetings - n_changes - n_people
        put(
            session,
            Update,
            [
                {
                    "club_id": (c := rng.randrange(clubs) + 1),
                    "author_id": member(c),
                    "text": "progress",
                    "created_at": when(rng),
                    "deleted_at": when(rng) if i % 50 == 0 else None,
                }
                for i in range(n_updates)
            ],
        )
        outputs = []
        for i in range(n_outputs):
            output_type = types[i % len(types)]
            club = rng.randrange(clubs) + 1
            outputs.append(
                {
                    "id": i + 1,
                    "club_id": club,
                    "filed_by_id": member(club),
                    "type": output_type,
                    "title": f"=Joint work {i}" if i % 500 == 0 else f"Joint work {i}",
                    "status": rng.choice(OUTPUT_STATUSES[output_type]),
                    "created_at": when(rng),
                    "doi": f"10.1000/bench.{i}" if output_type is OutputType.PAPER else None,
                    "confirmed_at": when(rng) if i % 3 else None,
                }
            )
        put(session, Output, outputs)
        put(
            session,
            OutputStatusChange,
            [
                {
                    "output_id": (o := outputs[rng.randrange(n_outputs)])["id"],
                    "from_status": OUTPUT_STATUSES[o["type"]][0],
                    "to_status": o["status"],
                    "changed_at": when(rng),
                }
                for _ in range(n_changes)
            ],
        )
        put(
            session,
            OutputPerson,
            [
                {"output_id": (o := outputs[rng.randrange(n_outputs)])["id"], "participant_id": member(o["club_id"])}
                if i % 4
                else {"output_id": outputs[rng.randrange(n_outputs)]["id"], "name": f"Guest {i}"}
                for i in range(n_people)
            ],
        )
        put(
            session,
            ClubMeeting,
            [
                {
                    "club_id": (c := rng.randrange(clubs) + 1),
                    "filed_by_id": member(c),
                    "held_on": when(rng).date(),
                    "format": list(MeetingFormat)[i % 3],
                    "attendees": 5 + i % 20,
                    "summary": "meeting",
                }
                for i in range(n_meetings)
            ],
        )
        put(
            session,
            Survey,
            [
                {"id": c + 1, "club_id": c + 1, "opens_at": START, "closes_at": START + timedelta(days=14)}
                for c in range(clubs)
            ],
        )
        responders = rng.sample(range(people), min(people, n_responses))
        put(
            session,
            SurveyResponse,
            [
                {
                    "survey_id": p // per_club + 1,
                    "participant_id": p + 1,
                    "overall": 1 + p % 5,
                    "program": 1 + (p // 2) % 5,
                    "speakers": 1 + (p // 3) % 5,
                    "networking": 1 + (p // 5) % 5,
                    "submitted_at": START + timedelta(days=3),
                }
                for p in responders
            ],
        )
        put(
            session,
            ReportNarrative,
            [
                {
                    "club_id": c + 1,
                    "period": "2026Q4",
                    "author_id": (c * per_club) + 1,
                    "highlights": "Highlights",
                    "submitted_at": datetime(2026, 12, 20, tzinfo=UTC),
                    "updated_at": datetime(2026, 12, 20, tzinfo=UTC),
                }
                for c in range(clubs)
                if c % 3
            ],
        )
        activity = set()
        rows = []
        for p in range(people):
            if p % 10 < 4:  # four members in ten are active, on a few days of each quarter
                for _ in range(5):
                    day = (START + timedelta(days=rng.randrange(184))).date()
                    if (p, day) in activity:
                        continue
                    activity.add((p, day))
                    rows.append(
                        {
                            "club_id": p // per_club + 1,
                            "slack_user_id": f"U{p + 1:09d}",
                            "day": day,
                            "messages": rng.randrange(6),
                            "replies": rng.randrange(3),
                            "files": rng.randrange(2),
                            "reactions": rng.randrange(5),
                        }
                    )
        put(session, ActivityDay, rows)
    database.dispose()
    return counts


def measure(url: str) -> dict[str, object]:
    from bot.reports.build import build_program
    from bot.reports.load import load_dataset
    from bot.reports.period import Period
    from bot.reports.settings import load_report_settings
    from bot.reports.store import DatabaseSink
    from storage import files

    database = storage_db.Database(url)
    tz = __import__("zoneinfo").ZoneInfo("Asia/Seoul")
    with database.engine.connect() as connection:  # warm the connection and the file cache alike
        connection.execute(text("SELECT 1")).all()
    tables = [Base.metadata.tables[name] for name in TABLES]
    started = time.perf_counter()
    raw_rows = 0
    with database.engine.connect() as connection:
        for table in TABLES:
            raw_rows += len(connection.execute(text(f'SELECT * FROM "{table}"')).all())  # noqa: S608 - fixed names
    raw = time.perf_counter() - started
    started = time.perf_counter()
    rows = 0
    with database.engine.connect() as connection:  # the same, with each column's type (aware datetimes, enums...)
        for table in tables:
            rows += len(connection.execute(select(*table.columns)).all())
    plain = time.perf_counter() - started

    statements: list[str] = []
    event.listen(database.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    settings = load_report_settings()
    period = Period.of_quarter(Quarter(2026, 4))
    started = time.perf_counter()
    with database.session() as session:
        dataset = load_dataset(session, period, tz)
    loaded = time.perf_counter() - started
    with database.session() as session:  # the files go into the database as they are made, as the bot stores them
        sink = DatabaseSink(session, period=period.key, scope="program", club_id=None)
        built = build_program(dataset, settings, sink, built_at=datetime.now(UTC))
    total = time.perf_counter() - started
    started = time.perf_counter()
    sizes = {}
    with database.session() as session:  # and streamed back out, as the outbox uploads them, checksums checked
        for f in built.files:
            assert f.file_id is not None
            info = files.file_info(session, f.file_id)
            digest, size = hashlib.sha256(), 0
            for chunk in files.iter_chunks(session, f.file_id):
                digest.update(chunk)
                size += len(chunk)
            assert info is not None and (size, digest.hexdigest()) == (info.size, info.sha256)
            sizes[f.path.rsplit("/", 1)[-1]] = size
    read_back = time.perf_counter() - started
    database.dispose()
    return {
        "dialect": database.engine.dialect.name,
        "plain_rows": rows,
        "plain_seconds": plain,
        "raw_seconds": raw,
        "load_seconds": loaded,
        "build_seconds": total,
        "read_back_seconds": read_back,
        "statements": len(statements),
        "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "clubs": len(dataset.clubs),
        "sizes": sizes,
    }


def run(url: str, args: argparse.Namespace) -> None:
    me = [sys.executable, __file__, "--database-url", url]
    counts = json.loads(
        subprocess.run(
            [
                *me,
                "--child",
                "fill",
                "--clubs",
                str(args.clubs),
                "--members-per-club",
                str(args.members_per_club),
                "--items",
                str(args.items),
            ],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    )
    print(", ".join(f"{k} {v:,}" for k, v in counts.items()))
    result = json.loads(subprocess.run([*me, "--child", "measure"], check=True, capture_output=True, text=True).stdout)
    print(f"database: {result['dialect']}; clubs in the report: {result['clubs']:,}")
    print(
        f"plain read, one SELECT per table, typed:  {result['plain_seconds']:7.2f} s  ({result['plain_rows']:,} rows)"
    )
    print(f"(the same as raw DB-API tuples, untyped:  {result['raw_seconds']:7.2f} s)")
    print(f"program report, load only:         {result['load_seconds']:7.2f} s")
    print(f"program report, both editions, all formats, stored in the database: {result['build_seconds']:7.2f} s")
    print(f"stored files streamed back, checked: {result['read_back_seconds']:7.2f} s")
    print(f"ratio build / plain read:          {result['build_seconds'] / result['plain_seconds']:7.1f} x")
    print(f"peak memory (max RSS):             {result['max_rss_mb']:7.0f} MB")
    print(f"SQL statements sent by the build:  {result['statements']:7d}")
    largest = sorted(result["sizes"].items(), key=lambda kv: -kv[1])[:4]
    print("largest files: " + ", ".join(f"{name} {size / 1e6:.1f} MB" for name, size in largest))


@documented("report")
def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clubs", type=int, default=1000)
    parser.add_argument("--members-per-club", type=int, default=40)
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--database-url", help="sqlite:///… or postgresql://… (default: a temporary SQLite file)")
    parser.add_argument("--child", choices=["fill", "measure"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child == "fill":
        print(json.dumps(fill(args.database_url, args.clubs, args.members_per_club, args.items)))
        return 0
    if args.child == "measure":
        print(json.dumps(measure(args.database_url)))
        return 0
    with tempfile.TemporaryDirectory() as folder, scratch_database(args.database_url, Path(folder)) as url:
        run(url, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
