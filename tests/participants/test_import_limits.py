"""Import limits (issue 14, item 7): a file too big, an XLSX unpacking too big (a zip bomb), too many rows or
columns, too slow to read, control characters in a cell — refused with a message naming the limit (and how to
split the file) or the row and column; every formula-leading character, full-width ones included, neutralised
in exports. The real 2 MB / 566 MB zip bomb is measured in `bench/import_limits.py`."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from bot.i18n import t
from bot.participants.tables import DEFAULT_LIMITS, Limits, TableError, read_table, write_csv, write_xlsx
from storage.models import Participant
from tests.participants.conftest import MEETING_CODE
from tests.participants.conftest import write_csv as make_csv
from tests.participants.conftest import write_xlsx as make_xlsx

HEADER = ["성명", "이메일", "소속"]


def rows(count: int) -> list[list[str]]:
    return [HEADER, *([f"참가자{n}", f"p{n}@example.org", "KAIST"] for n in range(count))]


def refusal(path: Path, limits: Limits = DEFAULT_LIMITS) -> TableError:
    with pytest.raises(TableError) as problem:
        read_table(path, limits=limits)
    return problem.value


def bomb(path: Path, unpacked: int) -> Path:
    """A workbook whose sheet part unpacks to `unpacked` bytes of the same cell, streamed (nothing held)."""
    make_xlsx(path, rows(1))
    with zipfile.ZipFile(path) as original:
        parts = {info.filename: original.read(info) for info in original.infolist()}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            if name != "xl/worksheets/sheet1.xml":
                archive.writestr(name, data)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
            row = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>'
            block = row * 20_000
            written = 0
            while written < unpacked:
                sheet.write(block)
                written += len(block)
            sheet.write(b"</sheetData></worksheet>")
    return path


def test_an_xlsx_that_unpacks_too_big_is_refused_before_unpacking(tmp_path: Path):
    path = bomb(tmp_path / "bomb.xlsx", 3_000_000)
    assert path.stat().st_size < 100_000  # small on disk
    problem = refusal(path, Limits(unpacked_bytes=2 * 1024 * 1024))
    assert problem.key == "participants.file.too_large_unpacked"
    message = t("en", problem.key, **problem.params)
    assert "2.0 MB" in message and "split" in message
    assert "분할" in t("ko", problem.key, **problem.params) or "나누" in t("ko", problem.key, **problem.params)


def test_a_file_too_big_is_refused_unread(tmp_path: Path):
    path = make_csv(tmp_path / "big.csv", rows(2000))
    problem = refusal(path, Limits(file_bytes=10_000))
    assert problem.key == "participants.file.too_large"
    assert "split it into several files" in t("en", problem.key, **problem.params)


@pytest.mark.parametrize("maker", [make_csv, make_xlsx], ids=["csv", "xlsx"])
def test_too_many_rows_are_refused_with_the_limit(tmp_path: Path, maker):
    path = maker(tmp_path / ("many." + ("csv" if maker is make_csv else "xlsx")), rows(60))
    problem = refusal(path, Limits(rows=50))
    assert problem.key == "participants.file.too_many_rows"
    assert "at most 50 rows" in t("en", problem.key, **problem.params)
    assert len(read_table(path, limits=Limits(rows=61)).rows) == 61


@pytest.mark.parametrize("maker", [make_csv, make_xlsx], ids=["csv", "xlsx"])
def test_a_cell_beyond_the_column_limit_is_refused_trailing_empties_are_not(tmp_path: Path, maker):
    wide = [[*HEADER, *[""] * 20], ["김", "k@example.org", "KAIST", *[""] * 19, "stray"]]
    path = maker(tmp_path / ("wide." + ("csv" if maker is make_csv else "xlsx")), wide)
    problem = refusal(path, Limits(columns=10))
    assert (problem.key, problem.params["row"]) == ("participants.file.too_many_columns", 2)
    wide[1][-1] = ""
    path = maker(tmp_path / ("ok." + ("csv" if maker is make_csv else "xlsx")), wide)
    assert read_table(path, limits=Limits(columns=10)).rows[1][1] == ("김", "k@example.org", "KAIST", *[""] * 7)


def test_reading_stops_at_the_time_limit(tmp_path: Path):
    path = make_csv(tmp_path / "slow.csv", rows(3000))
    problem = refusal(path, Limits(seconds=0))
    assert problem.key == "participants.file.too_slow"
    assert "more than 0 seconds" in t("en", problem.key, **problem.params)


@pytest.mark.parametrize("character", ["\x00", "\x01", "\x1b", "\x7f", "\x85"])
def test_a_control_character_is_refused_with_its_row_and_column(tmp_path: Path, character):
    people = rows(3)
    people[2][1] = f"p1{character}@example.org"
    for path in (make_csv(tmp_path / "c.csv", people), make_csv(tmp_path / "c16.csv", people, encoding="utf-16")):
        problem = refusal(path)
        assert problem.key == "participants.file.control_character"
        assert (problem.params["row"], problem.params["column"]) == (3, "B")
        assert "row 3, column B" in t("en", problem.key, **problem.params)


def test_tabs_and_line_breaks_in_a_cell_are_text(tmp_path: Path):
    people = rows(1)
    people[1][2] = "KAIST\nDaejeon\tKR"
    assert read_table(make_csv(tmp_path / "ok.csv", people)).rows[1][1][2] == "KAIST\nDaejeon\tKR"


def test_a_nul_byte_imports_nothing_on_either_database(tmp_path: Path, meeting, database, run_cli):
    people = rows(3)
    people[3][0] = "참가\x00자"
    path = make_csv(tmp_path / "nul.csv", people)
    run = run_cli("import", "participants", str(path), "--meeting", MEETING_CODE)
    assert run.code != 0
    assert "row 4, column A" in run.err and "U+0000" in run.err
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(Participant)) == 0


FORMULAS = ["=1+1", "+1", "-1", "@SUM(A1)", "＝1+1", "＋1", "－1", "＠SUM(A1)", "﹦1", "−1", "\t=1", "\r=1"]


def test_every_formula_leading_character_is_neutralised_in_csv_exports():
    stream = io.BytesIO()
    write_csv(stream, ["name"], [[value] for value in FORMULAS])
    cells = stream.getvalue().decode("utf-8-sig").split("\r\n")[1:-1]
    assert all(cell.lstrip('"').startswith("'") for cell in cells), cells


def test_every_formula_leading_character_is_a_quoted_string_in_xlsx_exports():
    stream = io.BytesIO()
    write_xlsx(stream, ["name"], [[value] for value in FORMULAS])
    sheet = load_workbook(io.BytesIO(stream.getvalue())).active
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert [cell.value for cell in cells] == FORMULAS
    assert all(cell.data_type == "s" and cell.quotePrefix for cell in cells)
