"""How long the casebook's requests and build take, against loading one quarter of the program report.

    .venv/bin/python bench/casebook.py [--clubs 16] [--members-per-club 40] [--items 4000] [--picks 6]
        [--database-url URL]

The database is filled by `bench/report.py`'s `fill` step (clubs, members, follow-up items over 2026Q3 and Q4).
Then, in a fresh process, with the same rows:

- the baseline: loading the 2026Q4 program report's dataset (`bot.reports.load.load_dataset`), what every
  `/club report` reads;
- `/club casebook list` and `pick` (the year's candidates: the year's dataset and figures, then the picks and
  each pick's consents), one pick (its consent DMs queued), and `/club report brief` for one club: each must
  answer within Slack's 3 seconds, so each is printed as seconds and as a ratio to the baseline;
- `clubbot casebook build`: `--picks` chapters, both editions as DOCX (no PDF), stored in the database.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import documented, scratch_database

from storage import db as storage_db


def measure(url: str, picks: int) -> dict[str, object]:
    from zoneinfo import ZoneInfo

    from sqlalchemy import select

    from bot.casebook import brief, make
    from bot.casebook import picks as picking
    from bot.domain import Quarter
    from bot.hours import WorkingHours
    from bot.people import Timing
    from bot.refs import ClubRef
    from bot.reports.load import load_dataset
    from bot.reports.period import Period
    from bot.reports.settings import load_report_settings
    from storage.models import Club

    tz = ZoneInfo("Asia/Seoul")
    settings = load_report_settings()
    now = datetime(2026, 12, 10, 3, tzinfo=UTC)
    database = storage_db.Database(url)
    timing = Timing(WorkingHours(always=True), "Asia/Seoul", now)
    results: dict[str, object] = {"dialect": database.engine.dialect.name}

    def timed(name: str, work) -> object:
        started = time.perf_counter()
        value = work()
        results[name] = time.perf_counter() - started
        return value

    with database.session() as session:  # warm the connection, the statement cache and the file cache
        load_dataset(session, Period.of_quarter(Quarter(2026, 4)), tz)
    with database.session() as session:
        timed("baseline", lambda: load_dataset(session, Period.of_quarter(Quarter(2026, 4)), tz))
    with database.session() as session:
        timed("list", lambda: picking.listing(session, 2026, tz, settings))
        clubs = [ClubRef.of(c) for c in session.scalars(select(Club).order_by(Club.id).limit(picks))]
    with database.session() as session:

        def pick_one() -> None:
            candidate = clubs[0].id in picking.candidates(session, 2026, tz, settings)
            picking.pick(
                session, clubs[0], 2026, user_id="bench", candidate=candidate, timing=timing, language_of=None, now=now
            )

        timed("pick", pick_one)
    with database.session() as session:
        for club in clubs[1:]:
            picking.pick(
                session, club, 2026, user_id="bench", candidate=False, timing=timing, language_of=None, now=now
            )
    with database.session() as session:
        timed("brief", lambda: brief.club_brief(session, clubs[0], 2026, tz, settings, now=now, lang="en"))
    with database.session() as session:
        casebook, stored = timed("build", lambda: make.build_and_store(session, 2026, tz, settings, now=now, pdf=False))
    results["chapters"] = len(casebook.chapters)
    results["appendix"] = len(casebook.appendix)
    results["files"] = len(stored.files)
    database.dispose()
    return results


def run(url: str, args: argparse.Namespace) -> None:
    me = [sys.executable, __file__, "--database-url", url]
    subprocess.run(
        [
            sys.executable,
            str(Path(__file__).parent / "report.py"),
            "--database-url",
            url,
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
    )
    result = json.loads(
        subprocess.run(
            [*me, "--child", "measure", "--picks", str(args.picks)], check=True, capture_output=True, text=True
        ).stdout
    )
    base = result["baseline"]
    print(f"database: {result['dialect']}; {args.clubs} clubs x {args.members_per_club} members, {args.items:,} items")
    print(f"baseline, 2026Q4 report dataset loaded:   {base:6.2f} s")
    for name, label in (
        ("list", "/club casebook list"),
        ("pick", "/club casebook pick (one club)"),
        ("brief", "/club report brief"),
    ):
        print(f"{label:<40} {result[name]:6.2f} s  ({result[name] / base:5.1f} x baseline)")
    print(
        f"{'clubbot casebook build (DOCX x2)':<40} {result['build']:6.2f} s  ({result['build'] / base:5.1f} x baseline;"
        f" {result['chapters']} chapters, {result['appendix']} clubs in the appendix)"
    )


@documented("casebook")
def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clubs", type=int, default=16)
    parser.add_argument("--members-per-club", type=int, default=40)
    parser.add_argument("--items", type=int, default=4000)
    parser.add_argument("--picks", type=int, default=6)
    parser.add_argument("--database-url", help="sqlite:///… or postgresql://… (default: a temporary SQLite file)")
    parser.add_argument("--child", choices=["measure"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child == "measure":
        print(json.dumps(measure(args.database_url, args.picks)))
        return 0
    with tempfile.TemporaryDirectory() as folder, scratch_database(args.database_url, Path(folder)) as url:
        run(url, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
