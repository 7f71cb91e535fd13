"""How long the annual program report takes, against the quarterly program report of the same data.

    .venv/bin/python bench/report_year.py [--clubs 1000] [--members-per-club 40] [--items 100000]
                                          [--database-url URL]

The database is filled as `bench/report.py` fills it, with the items spread over the whole of 2026 instead of
its second half (channel activity over its first 184 days). A fresh child process then builds, in one run,
the 2026Q4 program report (the baseline: load, figures, both editions in every format) and the 2026 annual
report (the year and its four quarters loaded, their figures, both editions, the workbook, the charts), each
into a temporary folder, and prints both times, their ratio, the peak memory and the SQL statements each
sent. The year is four quarters of the same figures plus the year as one period: the ratio should stay at
or under 5 whatever the number of clubs.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import event, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import report as quarterly  # bench/report.py: the same filling
from _common import documented, scratch_database

from storage import db as storage_db

quarterly.START = datetime(2026, 1, 1, tzinfo=UTC)
quarterly.SPAN = (datetime(2026, 12, 31, tzinfo=UTC) - quarterly.START).total_seconds()


def measure(url: str) -> dict[str, object]:
    from zoneinfo import ZoneInfo

    from bot.domain import Quarter
    from bot.reports.build import FolderSink, build_program
    from bot.reports.build_year import build_year
    from bot.reports.load import load_dataset, load_year
    from bot.reports.period import Period
    from bot.reports.settings import load_report_settings

    database = storage_db.Database(url)
    tz = ZoneInfo("Asia/Seoul")
    settings = load_report_settings()
    with database.engine.connect() as connection:  # warm the connection and the file cache alike
        connection.execute(text("SELECT 1")).all()
    statements: list[str] = []
    event.listen(database.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    built_at = datetime(2027, 1, 4, 1, tzinfo=UTC)
    from bot.reports import charts
    from bot.reports.docx import new_document, save

    charts.render(charts.bar_chart(["a", "b"], [1, 2], axis_label="x"))  # warm: fonts and matplotlib, Word's styles
    save(new_document("ko"))
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        with database.session() as session:
            dataset = load_dataset(session, Period.of_quarter(Quarter(2026, 4)), tz)
        quarter_load = time.perf_counter() - started
        quarter_files = build_program(dataset, settings, FolderSink(Path(folder) / "q"), built_at=built_at).files
        quarter_total = time.perf_counter() - started
        quarter_statements = len(statements)
        started = time.perf_counter()
        with database.session() as session:
            data = load_year(session, 2026, tz)
        year_load = time.perf_counter() - started
        year_files = build_year(data, settings, FolderSink(Path(folder) / "y"), built_at=built_at).files
        year_total = time.perf_counter() - started
        sizes = {f.path.rsplit("/", 1)[-1]: (Path(folder) / "y" / f.path).stat().st_size for f in year_files}
    database.dispose()
    return {
        "dialect": database.engine.dialect.name,
        "clubs": len(data.year.clubs),
        "quarter_load": quarter_load,
        "quarter_total": quarter_total,
        "quarter_files": len(quarter_files),
        "quarter_statements": quarter_statements,
        "year_load": year_load,
        "year_total": year_total,
        "year_files": len(year_files),
        "year_statements": len(statements) - quarter_statements,
        "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "sizes": sizes,
    }


def run(url: str, args: argparse.Namespace) -> None:
    me = [sys.executable, __file__, "--database-url", url]
    fill = [*me, "--child", "fill", "--clubs", str(args.clubs), "--members-per-club", str(args.members_per_club),
            "--items", str(args.items)]  # fmt: skip
    counts = json.loads(subprocess.run(fill, check=True, capture_output=True, text=True).stdout)
    print(", ".join(f"{k} {v:,}" for k, v in counts.items()))
    r = json.loads(subprocess.run([*me, "--child", "measure"], check=True, capture_output=True, text=True).stdout)
    print(f"database: {r['dialect']}; clubs in the year: {r['clubs']:,}")
    print(f"2026Q4 program report (baseline), load only:   {r['quarter_load']:7.2f} s")
    print(f"2026Q4 program report, {r['quarter_files']} files:             {r['quarter_total']:7.2f} s")
    print(f"2026 annual report, load only (year + 4 quarters): {r['year_load']:7.2f} s")
    print(f"2026 annual report, {r['year_files']} files:                {r['year_total']:7.2f} s")
    print(f"ratio annual / quarterly:                   {r['year_total'] / r['quarter_total']:7.1f} x")
    print(f"SQL statements: quarterly {r['quarter_statements']}, annual {r['year_statements']}")
    print(f"peak memory (max RSS):                      {r['max_rss_mb']:7.0f} MB")
    largest = sorted(r["sizes"].items(), key=lambda kv: -kv[1])[:3]
    print("largest files: " + ", ".join(f"{name} {size / 1e6:.1f} MB" for name, size in largest))


@documented("report-year")
def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clubs", type=int, default=1000)
    parser.add_argument("--members-per-club", type=int, default=40)
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--database-url", help="sqlite:///… or postgresql://… (default: a temporary SQLite file)")
    parser.add_argument("--child", choices=["fill", "measure"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child == "fill":
        print(json.dumps(quarterly.fill(args.database_url, args.clubs, args.members_per_club, args.items)))
        return 0
    if args.child == "measure":
        print(json.dumps(measure(args.database_url)))
        return 0
    with tempfile.TemporaryDirectory() as folder, scratch_database(args.database_url, Path(folder)) as url:
        run(url, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
