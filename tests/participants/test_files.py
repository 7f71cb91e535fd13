"""Reading the secretariat's files (encodings, Excel, headers, row validation) and writing neutralised exports."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from bot.domain import CareerStage, MeetingRole
from bot.participants import sheets
from bot.participants.tables import TableError, read_table, write_csv, write_xlsx
from tests.participants.conftest import ORCID_A
from tests.participants.conftest import write_csv as make_csv
from tests.participants.conftest import write_xlsx as make_xlsx

KOREAN_HEADER = ["성명", "이메일", "소속", "국가", "경력단계", "역할", "ORCID", "재외한인"]
KOREAN_ROWS = [
    ["김서연", "SeoYeon.Kim@kaist.ac.kr", "KAIST", "대한민국", "시니어", "조직위원장", ORCID_A, "N"],
    ["박지우", "jiwoo@snu.ac.kr", "서울대학교", "한국", "대학원생", "학생", "", "아니오"],
]


@pytest.mark.parametrize(("encoding", "detected"), [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("cp949", "cp949")])
def test_csv_encodings_are_detected(tmp_path: Path, encoding: str, detected: str):
    path = make_csv(tmp_path / "people.csv", [KOREAN_HEADER, *KOREAN_ROWS], encoding=encoding)
    raw = read_table(path)
    assert raw.kind == "csv" and raw.encoding == detected
    sheet = sheets.read_participants(raw)
    assert not sheet.errors
    first = sheet.records[0]
    assert (first.name_ko, first.email, first.country, first.career_stage, first.role) == (
        "김서연",
        "seoyeon.kim@kaist.ac.kr",
        "KR",
        CareerStage.SENIOR,
        MeetingRole.ORGANIZER,
    )
    assert sheet.records[1].name_ko == "박지우" and sheet.records[1].overseas_korean is False


def test_undecodable_bytes_are_refused(tmp_path: Path):
    path = tmp_path / "broken.csv"
    path.write_bytes(b"name,email\n\xff\xfe\xfa\xfb,\x80\x81@x.org\n".replace(b"\xff\xfe", b"\x81\xff", 1))
    with pytest.raises(TableError) as problem:
        read_table(path)
    assert problem.value.key == "participants.file.undecodable"


def test_old_excel_and_missing_files_are_refused(tmp_path: Path):
    old = tmp_path / "list.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    with pytest.raises(TableError) as problem:
        read_table(old)
    assert problem.value.key == "participants.file.old_excel"
    with pytest.raises(TableError) as problem:
        read_table(tmp_path / "nope.csv")
    assert problem.value.key == "participants.file.not_found"


def test_xlsx_with_english_headers_and_a_title_row_on_a_named_sheet(tmp_path: Path):
    path = make_xlsx(
        tmp_path / "people.xlsx",
        [
            ["2026 X-Lab Day attendees"],
            [
                "Name",
                "E-mail",
                "Institution",
                "Country",
                "Career Stage",
                "Role",
                "ORCID iD",
                "Overseas Korean",
                "Notes",
            ],
            ["Seoyeon Kim", "seoyeon@kaist.ac.kr", "KAIST", "KOR", "Senior", "Organizer", 1234, True, "vip"],
            [None],
            ["David Park", "david@mit.edu", "MIT", "United States", "mid-career", "Speaker", None, "Y", None],
        ],
        title="Participants",
        before=["Notes"],
    )
    raw = read_table(path, sheet_words=sheets.PARTICIPANT_SHEETS)
    assert raw.kind == "xlsx" and raw.sheet == "Participants"
    sheet = sheets.read_participants(raw)
    assert sheet.header.row == 2 and sheet.ignored_columns == ("Notes",)
    # 1234 is not an ORCID: reported on row 3 as the spreadsheet numbers it
    assert [(e.row, e.column, e.key) for e in sheet.errors] == [(3, "ORCID iD", "participants.error.bad_orcid")]
    assert [(r.row, r.name_en, r.country, r.overseas_korean) for r in sheet.records] == [(5, "David Park", "US", True)]


def test_formula_cells_are_read_as_their_text_never_evaluated(tmp_path: Path):
    path = make_xlsx(
        tmp_path / "formulas.xlsx",
        [
            ["name", "email", "affiliation"],
            ["=cmd|' /C calc'!A0", "a@x.org", "=1+1"],
            ["@SUM(1+1)", "b@x.org", "+1"],
            ["Kim", "c@x.org", "-1"],
        ],
    )
    assert load_workbook(path)["Sheet1"]["A2"].data_type == "f"  # openpyxl wrote a real formula cell
    sheet = sheets.read_participants(read_table(path))
    assert not sheet.errors
    assert [(r.name_en, r.affiliation) for r in sheet.records] == [
        ("=cmd|' /C calc'!A0", "=1+1"),
        ("@SUM(1+1)", "+1"),
        ("Kim", "-1"),
    ]


def test_every_bad_cell_is_reported_with_row_column_and_reason(tmp_path: Path):
    path = make_csv(
        tmp_path / "bad.csv",
        [
            ["이름", "이메일", "국가", "경력단계", "역할", "ORCID"],
            ["김서연", "seoyeon@kaist.ac.kr", "KR", "시니어", "연사", ORCID_A],
            ["", "nobody@x.org", "KR", "", "", ""],
            ["이몽룡", "bad@", "Atlantis", "guru", "boss", "0000-0002-1825-0098"],
            ["성춘향", "SEOYEON@kaist.ac.kr", "", "", "", ORCID_A],
            ["홍길동", "", "", "", "", ""],
        ],
    )
    sheet = sheets.read_participants(read_table(path))
    found = {(e.row, e.column, e.key) for e in sheet.errors}
    assert found == {
        (3, "이름", "participants.error.missing_name"),
        (4, "이메일", "participants.error.bad_email"),
        (4, "국가", "participants.error.unknown_country"),
        (4, "경력단계", "participants.error.unknown_career_stage"),
        (4, "역할", "participants.error.unknown_role"),
        (4, "ORCID", "participants.error.bad_orcid_checksum"),
        (5, "이메일", "participants.error.duplicate_email"),
        (5, "ORCID", "participants.error.duplicate_orcid"),
        (6, "이메일", "participants.error.no_identifier"),
    }
    assert next(e for e in sheet.errors if e.key == "participants.error.duplicate_email").params == {"row": 2}
    assert [r.row for r in sheet.records] == [2]


def test_files_without_the_needed_columns(tmp_path: Path):
    with pytest.raises(TableError) as problem:
        sheets.read_participants(read_table(make_csv(tmp_path / "a.csv", [["foo", "bar"], ["1", "2"]])))
    assert problem.value.key == "participants.file.no_header"
    with pytest.raises(TableError) as problem:
        sheets.read_participants(read_table(make_csv(tmp_path / "b.csv", [["이름", "소속"], ["김", "KAIST"]])))
    assert problem.value.key == "participants.file.missing_column"
    with pytest.raises(TableError) as problem:
        sheets.read_participants(read_table(make_csv(tmp_path / "c.csv", [["이메일", "e-mail", "이름"]])))
    assert problem.value.key == "participants.file.duplicate_column"


def test_separate_korean_and_english_name_columns(tmp_path: Path):
    path = make_csv(
        tmp_path / "names.csv",
        [
            ["한글이름", "영문이름", "email"],
            ["김서연", "Seoyeon Kim", "s@x.org"],
            ["", "David Park", "d@x.org"],
        ],
    )
    records = sheets.read_participants(read_table(path)).records
    assert [(r.name_ko, r.name_en) for r in records] == [("김서연", "Seoyeon Kim"), (None, "David Park")]


def test_meeting_file(tmp_path: Path):
    path = make_csv(
        tmp_path / "meetings.csv",
        [
            ["행사코드", "국문 제목", "영문 제목", "분야", "장소", "시작일", "종료일", "조직위원장"],
            ["XL-2026-05", "양자 하드웨어", "Quantum Hardware", "양자", "경주", "2026.5.20", "2026-05-22", "김서연"],
            ["XL-2026-06", "", "Batteries", "Secondary Battery", "Yeosu", "2026-06-10", "2026-06-09", ""],
            ["XL 7", "", "", "Alchemy", "", "someday", "", ""],
        ],
    )
    sheet = sheets.read_meetings(read_table(path))
    assert [(r.code, r.field.value, str(r.starts_on), str(r.ends_on)) for r in sheet.records] == [
        ("XL-2026-05", "quantum", "2026-05-20", "2026-05-22")
    ]
    assert {(e.row, e.key) for e in sheet.errors} == {
        (3, "participants.error.dates_order"),
        (4, "participants.error.bad_code"),
        (4, "participants.error.unknown_field"),
        (4, "participants.error.bad_date"),
    }


def test_csv_export_neutralises_formulas_and_has_a_bom():
    stream = io.BytesIO()
    write_csv(stream, ["name", "note"], [["=cmd|' /C calc'!A0", "@SUM(1+1)"], ["+1", "-1"], ["\tx", "Kim"]])
    data = stream.getvalue()
    assert data.startswith(b"\xef\xbb\xbf")
    lines = data.decode("utf-8-sig").split("\r\n")
    assert lines[1] == "'=cmd|' /C calc'!A0,'@SUM(1+1)"
    assert lines[2] == "'+1,'-1"
    assert lines[3] == "'\tx,Kim"


def test_xlsx_export_has_no_formula_cells():
    stream = io.BytesIO()
    write_xlsx(stream, ["=header"], [["=cmd|' /C calc'!A0"], ["@SUM(1+1)"], ["+1"], ["-1"], ["plain"]])
    sheet = load_workbook(io.BytesIO(stream.getvalue())).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert all(cell.data_type == "s" for cell in cells)
    assert [cell.value for cell in cells] == ["=header", "=cmd|' /C calc'!A0", "@SUM(1+1)", "+1", "-1", "plain"]
    assert sheet["A2"].quotePrefix and not sheet["A6"].quotePrefix


def test_an_exported_csv_imports_back_unchanged(tmp_path: Path):
    stream = io.BytesIO()
    write_csv(
        stream,
        sheets.export_header("ko"),
        [
            ["김서연", "", "=a@x.org", "KAIST", "대한민국", "시니어", "예", "KSEA", ORCID_A, "연사", "Quantum (리더)"],
        ],
    )
    path = tmp_path / "export.csv"
    path.write_bytes(stream.getvalue())
    sheet = sheets.read_participants(read_table(path))
    assert sheet.ignored_columns == ("클럽(역할)",)
    assert not sheet.errors
    record = sheet.records[0]
    assert record.email == "=a@x.org"  # the leading ' added on export is taken off again
    assert (record.name_ko, record.country, record.career_stage, record.role, record.overseas_korean) == (
        "김서연",
        "KR",
        CareerStage.SENIOR,
        MeetingRole.SPEAKER,
        True,
    )
    assert record.overseas_association == "KSEA" and record.orcid == ORCID_A


def test_workbook_without_sheets_is_empty(tmp_path: Path):
    workbook = Workbook()
    path = tmp_path / "empty.xlsx"
    workbook.save(path)
    with pytest.raises(TableError) as problem:
        sheets.read_participants(read_table(path))
    assert problem.value.key == "participants.file.empty"
