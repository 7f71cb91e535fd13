"""How long `clubbot import participants` takes on a large attendee list (default 100,000 rows).

    .venv/bin/python bench/import_participants.py [--rows N] [--database-url URL]

Without --database-url it uses a new SQLite file in a temporary folder. With a PostgreSQL URL it creates
a scratch database on that server and drops it afterwards. It times, for a CP949 CSV with Korean
headers: reading and validating the file, the first import (every row created), the same file again
(every row unchanged), and a file where 1 row in 10 changed.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import documented, scratch_database

from bot.domain import FieldKey
from bot.participants import sheets
from bot.participants.importing import import_participants
from bot.participants.tables import read_table
from storage import db as storage_db
from storage.models import Meeting

HEADER = ["성명", "이메일", "소속", "국가", "경력단계", "역할", "재외한인"]
COUNTRIES = ["대한민국", "USA", "독일", "Japan", "CA", "영국"]
STAGES = ["시니어", "중견", "신진", "박사후연구원", "대학원생"]
ROLES = ["참가자", "연사", "학생", "참관"]
SURNAMES = "김이박최정강조윤장임"
GIVEN = ["서연", "지우", "민준", "하은", "도윤", "수진", "예준", "지민"]


def make_rows(count: int, *, changed_every: int = 0) -> list[list[str]]:
    rows = [HEADER]
    for i in range(count):
        affiliation = f"Institute {i % 997}"
        if changed_every and i % changed_every == 0:
            affiliation += " (moved)"
        rows.append(
            [
                SURNAMES[i % 10] + GIVEN[i % 8],
                f"person{i}@example.org",
                affiliation,
                COUNTRIES[i % 6],
                STAGES[i % 5],
                ROLES[i % 4],
                "Y" if i % 7 == 0 else "N",
            ]
        )
    return rows


def write(path: Path, rows: list[list[str]]) -> Path:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode("cp949"))
    return path


def timed(label: str, rows: int, action):
    started = time.perf_counter()
    result = action()
    elapsed = time.perf_counter() - started
    print(f"{label:<34} {elapsed:7.2f} s  {rows / elapsed:>10,.0f} rows/s")
    return result


def run(url: str, count: int, folder: Path) -> None:
    storage_db.upgrade(url)
    database = storage_db.Database(url)
    with database.session() as session:
        session.add(
            Meeting(code="BENCH", field=FieldKey.QUANTUM, starts_on=date(2026, 5, 20), ends_on=date(2026, 5, 22))
        )
    first = write(folder / "first.csv", make_rows(count))
    changed = write(folder / "changed.csv", make_rows(count, changed_every=10))
    print(f"{count:,} rows, {first.stat().st_size / 1e6:.1f} MB CP949 CSV, {database.engine.dialect.name}")

    def read(path: Path) -> sheets.ParticipantSheet:
        return sheets.read_participants(read_table(path))

    def import_file(path: Path) -> object:
        sheet = read(path)
        with database.session() as session:
            return import_participants(session, sheet, "BENCH")

    print("(each import line includes reading and validating the file)")
    sheet = timed("read + validate (no database)", count, lambda: read(first))
    assert not sheet.errors, sheet.errors[:3]
    result = timed("import: all created", count, lambda: import_file(first))
    print("   ", result.created, "created")
    result = timed("import again: all unchanged", count, lambda: import_file(first))
    print("   ", result.unchanged, "unchanged")
    result = timed("import: 1 row in 10 changed", count, lambda: import_file(changed))
    print("   ", result.updated, "updated")
    database.dispose()


@documented("import-participants")
def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--database-url", help="sqlite:///… or postgresql://… (default: a temporary SQLite file)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, scratch_database(args.database_url, Path(folder)) as url:
        run(url, args.rows, Path(folder))
    return 0


if __name__ == "__main__":
    sys.exit(main())
