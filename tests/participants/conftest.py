"""Helpers for the participant database tests: a meeting to import into, files written in the test, the CLI."""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook

from bot import cli
from bot.domain import FieldKey
from storage.db import Database
from storage.models import Meeting

MEETING_CODE = "XL-2026-05"

#: Valid ORCID iDs (checksums right).
ORCID_A = "0000-0002-1825-0097"
ORCID_B = "0000-0001-5109-3700"
ORCID_C = "0000-0002-1694-233X"


def write_csv(path: Path, rows: Sequence[Sequence[str]], *, encoding: str = "utf-8") -> Path:
    text = io.StringIO(newline="")
    csv.writer(text, lineterminator="\r\n").writerows(rows)
    path.write_bytes(text.getvalue().encode(encoding))
    return path


def write_xlsx(
    path: Path, rows: Sequence[Sequence[object]], *, title: str = "Sheet1", before: Sequence[str] = ()
) -> Path:
    workbook = Workbook()
    workbook.active.title = before[0] if before else title
    for name in before[1:]:
        workbook.create_sheet(name)
    sheet = workbook.create_sheet(title) if before else workbook.active
    for row in rows:
        sheet.append(list(row))
    workbook.save(path)
    return path


@pytest.fixture
def meeting(database: Database) -> Meeting:
    with database.session() as session:
        record = Meeting(
            code=MEETING_CODE,
            title_ko="양자 하드웨어",
            title_en="Quantum Hardware",
            field=FieldKey.QUANTUM,
            venue="Gyeongju",
            starts_on=date(2026, 5, 20),
            ends_on=date(2026, 5, 22),
        )
        session.add(record)
    return record


@dataclass
class CliRun:
    code: int
    out: str
    err: str
    raw: bytes = b""  # standard output as bytes, with binary=True


@pytest.fixture
def run_cli(
    database: Database, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> Callable[..., CliRun]:
    """`clubbot ARGS` in this process against the test database, with its printed output."""
    monkeypatch.chdir(tmp_path)  # no stray .env
    monkeypatch.setenv("DATABASE_URL", database.url)

    def run(*args: str, lang: str = "en", binary: bool = False) -> CliRun:
        monkeypatch.setenv("CLUBBOT_LANGUAGE", lang)
        capsys.readouterr()
        stdout = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
        with monkeypatch.context() as patch:
            if binary:  # a pipe: bytes written to sys.stdout.buffer are kept as they are
                patch.setattr(sys, "stdout", stdout)
            try:
                code = cli.main([*args])
            except SystemExit as exit_:
                code = int(exit_.code or 0)
        captured = capsys.readouterr()
        stdout.flush()
        raw = stdout.buffer.getvalue()  # type: ignore[attr-defined]
        return CliRun(code, captured.out, captured.err, raw)

    return run
