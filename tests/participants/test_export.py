"""`clubbot export participants`: headers in the chosen language, filters, and no exported cell is a formula."""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.domain import ClubRole, FieldKey, MembershipStatus
from storage.models import Club, Membership, Participant, utcnow
from tests.participants.conftest import MEETING_CODE, ORCID_A, write_xlsx

FORMULAS = ["=cmd|' /C calc'!A0", "@SUM(1+1)", "+1", "-1"]
NAMES = ["=cmd|' /C calc'!A0", "@SUM(1+1)", "+Kim", "-Lee"]  # a name needs a letter


@pytest.fixture
def imported(tmp_path: Path, meeting, database, run_cli):
    """Four people whose names and affiliations are formula-like, imported from XLSX formula cells."""
    rows = [["Name", "Email", "Affiliation", "Country", "Career stage", "Role", "ORCID", "Overseas Korean"]]
    rows += [
        [name, f"p{i}@x.org", text, "KR", "senior", "speaker", ORCID_A if i == 0 else None, "N"]
        for i, (name, text) in enumerate(zip(NAMES, FORMULAS, strict=True))
    ]
    rows.append(["김서연", "seoyeon@kaist.ac.kr", "KAIST", "대한민국", "신진", "조직위원장", None, "Y"])
    run = run_cli("import", "participants", str(write_xlsx(tmp_path / "in.xlsx", rows)), "--meeting", MEETING_CODE)
    assert run.code == 0, run.err
    with database.session() as session:
        club = Club(name="Quantum Hardware Club", field=FieldKey.QUANTUM)
        session.add(club)
        session.flush()
        people = {p.email: p for p in session.query(Participant)}
        session.add(
            Membership(
                club_id=club.id,
                participant_id=people["seoyeon@kaist.ac.kr"].id,
                role=ClubRole.LEADER,
                status=MembershipStatus.ACTIVE,
            )
        )
        session.add(
            Membership(
                club_id=club.id,
                participant_id=people["p1@x.org"].id,
                role=ClubRole.MEMBER,
                status=MembershipStatus.LEFT,
            )
        )
        gone = Participant(name_en="Gone", email=None, forgotten_at=utcnow())
        session.add(gone)
    return people


def test_formula_text_is_stored_as_text(imported, database):
    with database.session() as session:
        names = sorted(p.name_en for p in session.query(Participant) if p.email and p.email.startswith("p"))
        affiliations = sorted(p.affiliation for p in session.query(Participant) if p.email and p.email.startswith("p"))
    assert names == sorted(NAMES) and affiliations == sorted(FORMULAS)


def test_csv_export_in_korean_to_stdout_is_neutralised(imported, run_cli):
    data = run_cli("export", "participants", "--lang", "ko", "--meeting", MEETING_CODE, binary=True).raw
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == [
        "한글 이름",
        "영문 이름",
        "이메일",
        "소속",
        "국가",
        "경력 단계",
        "재외한인",
        "재외한인 협회",
        "ORCID",
        "행사 역할",
        "클럽(역할)",
    ]
    body = rows[1:]
    assert len(body) == 5  # the forgotten person is not exported
    for row in body[:4]:
        assert row[1].startswith("'") and row[3].startswith("'")
        assert row[1][1:] in NAMES and row[3][1:] in FORMULAS
    kim = body[4]
    assert kim == [
        "김서연",
        "",
        "seoyeon@kaist.ac.kr",
        "KAIST",
        "대한민국",
        "신진",
        "예",
        "",
        "",
        "조직위원장",
        "Quantum Hardware Club (리더)",
    ]
    assert body[0][8] == ORCID_A and body[0][9] == "연사"


def test_csv_export_in_english_to_a_file(imported, run_cli, tmp_path: Path):
    out = tmp_path / "out.csv"
    run = run_cli("export", "participants", "--lang", "en", "--out", str(out), lang="ko")
    assert run.code == 0 and "참가자 5명을" in run.err
    rows = list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
    assert rows[0][:4] == ["Name (Korean)", "Name (English)", "Email", "Affiliation"]
    assert rows[0][-2:] == ["Role at meeting", "Clubs (role)"]
    kim = rows[-1]
    assert kim[4:7] == ["South Korea", "Early-career", "Yes"]
    assert kim[9] == f"{MEETING_CODE}: Organizer"  # without --meeting, every meeting with its code
    assert rows[2][10] == ""  # p1 left the club


def test_xlsx_export_has_no_formula_cells(imported, run_cli, tmp_path: Path):
    out = tmp_path / "out.xlsx"
    assert run_cli("export", "participants", "--format", "xlsx", "--out", str(out), "--lang", "en").code == 0
    sheet = load_workbook(out).active
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert cells and all(cell.data_type != "f" for cell in cells)
    assert all(isinstance(cell.value, str) for cell in cells)
    names = [sheet.cell(row=r, column=2).value for r in range(2, 6)]
    affiliations = [sheet.cell(row=r, column=4).value for r in range(2, 6)]
    assert names == NAMES and affiliations == FORMULAS  # the text itself, as plain string cells
    assert all(sheet.cell(row=r, column=4).quotePrefix for r in range(2, 6))


def test_xlsx_to_stdout_only_when_it_is_not_a_terminal(imported, run_cli, monkeypatch):
    data = run_cli("export", "participants", "--format", "xlsx", "--club", "Quantum Hardware Club", binary=True).raw
    sheet = load_workbook(io.BytesIO(data)).active
    assert [c.value for c in sheet[2]][:3] == ["김서연", None, "seoyeon@kaist.ac.kr"]
    assert sheet.max_row == 2  # only the club's current members
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    refused = run_cli("export", "participants", "--format", "xlsx")
    assert refused.code == 1 and "--out" in refused.err


def test_unknown_club_or_meeting(imported, run_cli):
    assert run_cli("export", "participants", "--club", "Nope").code == 1
    run = run_cli("export", "participants", "--meeting", "XL-0000")
    assert run.code == 1 and "No meeting with code 'XL-0000'" in run.err


def _snapshot(database) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    from storage.models import MeetingAttendance

    with database.session() as session:
        people = sorted(
            (
                p.id,
                p.name_ko,
                p.name_en,
                p.email,
                p.affiliation,
                p.country,
                p.career_stage,
                p.orcid,
                p.overseas_korean,
                p.overseas_association,
                p.updated_at,
            )
            for p in session.query(Participant)
        )
        attendances = sorted((a.meeting_id, a.participant_id, a.role) for a in session.query(MeetingAttendance))
    return people, attendances


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("header_lang", ["ko", "en"])
def test_an_export_of_several_meetings_imports_back_with_no_change(
    imported, run_cli, database, tmp_path: Path, fmt: str, header_lang: str
):
    """The role cell `XL-2026-05: 조직위원장; XL-2026-11: 참가자` is read back: each meeting its own role, and
    no attendance is added at a meeting the row does not name."""
    from datetime import date

    from bot.domain import FieldKey, MeetingRole
    from storage.models import Meeting, MeetingAttendance

    with database.session() as session:
        other = Meeting(
            code="XL-2026-11",
            title_en="Hydrogen",
            field=FieldKey.QUANTUM,
            starts_on=date(2026, 11, 3),
            ends_on=date(2026, 11, 4),
        )
        session.add(other)
        session.flush()
        kim = session.query(Participant).filter_by(email="seoyeon@kaist.ac.kr").one()
        session.add(MeetingAttendance(meeting_id=other.id, participant_id=kim.id, role=MeetingRole.RESEARCHER))
        session.add(Participant(name_en="Only There", email="there@x.org"))
        session.flush()
        there = session.query(Participant).filter_by(email="there@x.org").one()
        session.add(MeetingAttendance(meeting_id=other.id, participant_id=there.id, role=MeetingRole.SPEAKER))
    before = _snapshot(database)
    out = tmp_path / f"all.{fmt}"
    exported = run_cli("export", "participants", "--format", fmt, "--lang", header_lang, "--out", str(out))
    assert exported.code == 0, exported.err
    if fmt == "csv":
        text = out.read_bytes().decode("utf-8-sig")
        organizer = "조직위원장" if header_lang == "ko" else "Organizer"
        assert f"{MEETING_CODE}: {organizer}; XL-2026-11: " in text
    for code in (MEETING_CODE, "XL-2026-11"):
        back = run_cli("import", "participants", str(out), "--meeting", code, lang=header_lang)
        assert back.code == 0, back.out + back.err
        assert _snapshot(database) == before, code  # nobody new, nothing changed, no attendance added


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_export_of_one_meeting_imports_back_with_no_change(imported, run_cli, database, tmp_path: Path, fmt):
    before = _snapshot(database)
    out = tmp_path / f"one.{fmt}"
    assert run_cli("export", "participants", "--format", fmt, "--meeting", MEETING_CODE, "--out", str(out)).code == 0
    back = run_cli("import", "participants", str(out), "--meeting", MEETING_CODE, lang="ko")
    assert back.code == 0, back.out + back.err
    assert _snapshot(database) == before


def test_data_commands_name_their_database_first(imported, run_cli, database):
    run = run_cli("export", "participants")
    assert run.err.splitlines()[0].startswith("clubbot: database ")  # stdout is the file itself
    assert "clubbot: database" not in run.out
