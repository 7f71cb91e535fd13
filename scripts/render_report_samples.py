"""Render a few pages of each report edition to PNG under docs/report-samples/, so anyone can see what the
secretariat receives without building it.

    .venv/bin/python scripts/render_report_samples.py [--out docs/report-samples] [--pages 4] [--only year]

The quarter is the hand-made 2026Q4 of the report tests (`tests/reports/data.py`: a Korean-led quantum club
with members in three countries, outputs, a meeting, a survey and the leaders' narrative, an English-speaking
AI club) plus quiet clubs, so the program's tables run over pages as they do in a real quarter; the annual
report is the seeded 2026 of its tests (`tests/reports/year_data.py`, in a temporary SQLite database). Needs
LibreOffice (`soffice`) and poppler (`pdftoppm`), as `.ci/run` installs them.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.reports.build import FolderSink, build_club, build_program  # noqa: E402
from bot.reports.build_year import build_year  # noqa: E402
from bot.reports.load import load_year  # noqa: E402
from bot.reports.settings import load_report_settings  # noqa: E402
from bot.reports.types import BuiltReport  # noqa: E402
from storage import db as storage_db  # noqa: E402
from tests.reports.data import SEOUL, dataset  # noqa: E402
from tests.reports.test_layout import many_clubs  # noqa: E402
from tests.reports.year_data import seed_quiet_clubs, seed_year  # noqa: E402

EDITIONS = ("program", "club", "year")


def annual_report(work: Path, settings: object) -> BuiltReport:
    """The seeded year and its quiet clubs, in a temporary SQLite database, through the real loader."""
    url = f"sqlite:///{work / 'year.db'}"
    storage_db.upgrade(url)
    database = storage_db.Database(url)
    try:
        with database.session() as session:
            seed_year(session)
            seed_quiet_clubs(session, 12)
        with database.session() as session:
            data = load_year(session, 2026, SEOUL)
    finally:
        database.dispose()
    return build_year(data, settings, FolderSink(work), built_at=BUILT_AT)  # type: ignore[arg-type]


BUILT_AT = datetime(2027, 1, 4, 1, tzinfo=UTC)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "report-samples")
    parser.add_argument("--pages", type=int, default=4, help="pages of each edition (from the first)")
    parser.add_argument("--only", choices=EDITIONS, action="append", help="render only these (default: every one)")
    args = parser.parse_args()
    chosen = tuple(args.only or EDITIONS)
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None or shutil.which("pdftoppm") is None:
        print("LibreOffice (soffice) and poppler (pdftoppm) are needed: apt-get install libreoffice-writer "
              "poppler-utils fonts-noto-cjk", file=sys.stderr)  # fmt: skip
        return 1
    settings = load_report_settings()
    args.out.mkdir(parents=True, exist_ok=True)
    for name in chosen:
        for old in args.out.glob(f"{name}-*.png"):
            old.unlink()
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        reports: dict[str, BuiltReport] = {}
        if "program" in chosen:
            reports["program"] = build_program(many_clubs(), settings, FolderSink(work), built_at=BUILT_AT)
        if "club" in chosen:
            reports["club"] = build_club(dataset(), settings, 1, FolderSink(work), built_at=BUILT_AT)
        if "year" in chosen:
            reports["year"] = annual_report(work, settings)
        for name, report in reports.items():
            for file in report.files:
                if file.kind != "docx":
                    continue
                source = work / file.path
                subprocess.run(  # noqa: S603 - fixed programs, our own file names
                    [soffice, f"-env:UserInstallation=file://{work / 'profile'}", "--headless", "--convert-to", "pdf",
                     "--outdir", str(source.parent), str(source)],
                    check=True, capture_output=True, timeout=300,
                )  # fmt: skip
                prefix = args.out / f"{name}-{file.lang}"
                pdftoppm = shutil.which("pdftoppm") or "pdftoppm"
                pdf = str(source.with_suffix(".pdf"))
                pages = ["-f", "1", "-l", str(args.pages)]
                subprocess.run([pdftoppm, "-r", "60", "-png", *pages, pdf, str(prefix)], check=True)  # noqa: S603
    for made in args.out.glob("*-0*.png"):  # pdftoppm pads page numbers when there are 10 pages or more
        stem, page = made.stem.rsplit("-", 1)
        made.rename(made.with_name(f"{stem}-{int(page)}.png"))
    for made in sorted(args.out.glob("*.png")):
        print(made.relative_to(ROOT) if made.is_relative_to(ROOT) else made)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
