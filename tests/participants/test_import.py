"""`clubbot import participants` and `clubbot import meeting`, driven through `bot.cli.main` on the real database."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from bot.domain import CareerStage, FieldKey, MeetingRole
from bot.participants import sheets
from bot.participants.importing import import_participants
from bot.participants.tables import read_table
from storage.db import Database
from storage.models import AuditEntry, Meeting, MeetingAttendance, Participant
from tests.participants.conftest import MEETING_CODE, ORCID_A, ORCID_B, write_csv, write_xlsx

HEADER = ["이름", "이메일", "소속", "국가", "경력단계", "역할", "ORCID", "재외한인"]
PEOPLE = [
    ["김서연", "SeoYeon.Kim@KAIST.ac.kr", "KAIST", "대한민국", "시니어", "조직위원장", ORCID_A, "N"],
    ["박지우", "jiwoo@snu.ac.kr", "서울대학교", "KR", "대학원생", "학생", "", "아니오"],
    ["David Park", "dpark@mit.edu", "MIT", "USA", "중견", "연사", ORCID_B, "Y"],
]


def _people(database: Database) -> dict[str, Participant]:
    with database.session() as session:
        return {p.email: p for p in session.scalars(select(Participant))}


def _roles(database: Database) -> dict[str, MeetingRole]:
    with database.session() as session:
        rows = session.execute(select(Participant.email, MeetingAttendance.role).join(MeetingAttendance))
        return dict(rows.all())


def test_cp949_csv_with_korean_headers_imports_everyone(tmp_path: Path, meeting, database, run_cli):
    path = write_csv(tmp_path / "attendees.csv", [HEADER, *PEOPLE], encoding="cp949")
    run = run_cli("import", "participants", str(path), "--meeting", MEETING_CODE)
    assert run.code == 0, run.err
    assert "(CSV, cp949)" in run.out
    assert f"{MEETING_CODE}: of 3 rows, 3 created, 0 updated, 0 unchanged" in run.out
    people = _people(database)
    assert set(people) == {"seoyeon.kim@kaist.ac.kr", "jiwoo@snu.ac.kr", "dpark@mit.edu"}
    kim = people["seoyeon.kim@kaist.ac.kr"]
    assert (kim.name_ko, kim.name_en, kim.country, kim.career_stage, kim.orcid, kim.overseas_korean) == (
        "김서연",
        None,
        "KR",
        CareerStage.SENIOR,
        ORCID_A,
        False,
    )
    assert people["dpark@mit.edu"].name_en == "David Park" and people["dpark@mit.edu"].overseas_korean is True
    assert _roles(database) == {
        "seoyeon.kim@kaist.ac.kr": MeetingRole.ORGANIZER,
        "jiwoo@snu.ac.kr": MeetingRole.STUDENT,
        "dpark@mit.edu": MeetingRole.SPEAKER,
    }


def test_utf8_and_utf8_bom_files_import_the_same(tmp_path: Path, meeting, database, run_cli):
    plain = write_csv(tmp_path / "plain.csv", [HEADER, *PEOPLE], encoding="utf-8")
    bom = write_csv(tmp_path / "bom.csv", [HEADER, *PEOPLE], encoding="utf-8-sig")
    first = run_cli("import", "participants", str(plain), "--meeting", MEETING_CODE, lang="ko")
    assert first.code == 0 and "(CSV, utf-8)" in first.out and "새 참가자 3명" in first.out
    second = run_cli("import", "participants", str(bom), "--meeting", MEETING_CODE)
    assert second.code == 0 and "(CSV, utf-8-sig)" in second.out
    assert "0 created, 0 updated, 3 unchanged" in second.out


def test_reimporting_the_same_file_changes_nothing(tmp_path: Path, meeting, database, run_cli):
    path = write_csv(tmp_path / "attendees.csv", [HEADER, *PEOPLE])
    assert run_cli("import", "participants", str(path), "--meeting", MEETING_CODE).code == 0
    before = {email: p.updated_at for email, p in _people(database).items()}
    with database.session() as session:
        audits = session.scalar(select(func.count()).select_from(AuditEntry))
    again = run_cli("import", "participants", str(path), "--meeting", MEETING_CODE)
    assert again.code == 0
    assert "0 created, 0 updated, 3 unchanged" in again.out
    assert {email: p.updated_at for email, p in _people(database).items()} == before
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(AuditEntry)) == audits
        assert session.scalar(select(func.count()).select_from(MeetingAttendance)) == 3


def test_a_changed_row_updates_that_person_matched_by_email(tmp_path: Path, meeting, database, run_cli):
    run_cli("import", "participants", str(write_csv(tmp_path / "a.csv", [HEADER, *PEOPLE])), "--meeting", MEETING_CODE)
    changed = [row[:] for row in PEOPLE]
    changed[1][2] = "KAIST"  # 박지우 moved
    changed[1][5] = "참가자"  # and is now a researcher at this meeting
    run = run_cli(
        "import", "participants", str(write_csv(tmp_path / "b.csv", [HEADER, *changed])), "--meeting", MEETING_CODE
    )
    assert run.code == 0 and "0 created, 1 updated, 2 unchanged" in run.out
    assert _people(database)["jiwoo@snu.ac.kr"].affiliation == "KAIST"
    assert _roles(database)["jiwoo@snu.ac.kr"] is MeetingRole.RESEARCHER


def test_a_new_email_for_a_person_matched_by_orcid_replaces_theirs(tmp_path: Path, meeting, database, run_cli):
    run_cli("import", "participants", str(write_csv(tmp_path / "a.csv", [HEADER, *PEOPLE])), "--meeting", MEETING_CODE)
    changed = [row[:] for row in PEOPLE]
    changed[2][1] = "David.Park@Stanford.edu"
    changed[2][2] = "Stanford"
    run = run_cli(
        "import", "participants", str(write_csv(tmp_path / "b.csv", [HEADER, *changed])), "--meeting", MEETING_CODE
    )
    assert run.code == 0 and "0 created, 1 updated, 2 unchanged" in run.out
    people = _people(database)
    assert "dpark@mit.edu" not in people
    moved = people["david.park@stanford.edu"]
    assert (moved.orcid, moved.affiliation, moved.name_en) == (ORCID_B, "Stanford", "David Park")
    assert len(people) == 3


def test_blank_cells_keep_what_is_stored(tmp_path: Path, meeting, database, run_cli):
    run_cli("import", "participants", str(write_csv(tmp_path / "a.csv", [HEADER, *PEOPLE])), "--meeting", MEETING_CODE)
    sparse = [["이메일", "이름"], ["seoyeon.kim@kaist.ac.kr", "김서연"]]
    run = run_cli("import", "participants", str(write_csv(tmp_path / "b.csv", sparse)), "--meeting", MEETING_CODE)
    assert "0 created, 0 updated, 1 unchanged" in run.out
    kim = _people(database)["seoyeon.kim@kaist.ac.kr"]
    assert (kim.affiliation, kim.orcid) == ("KAIST", ORCID_A)
    assert _roles(database)["seoyeon.kim@kaist.ac.kr"] is MeetingRole.ORGANIZER


def test_bad_rows_import_nothing_and_are_each_printed(tmp_path: Path, meeting, database, run_cli):
    rows = [
        HEADER,
        PEOPLE[0],
        ["", "nobody@x.org", "", "", "", "", "", ""],
        ["이몽룡", "bad@", "", "Atlantis", "guru", "boss", "0000-0002-1825-0098", "maybe"],
        ["성춘향", "seoyeon.kim@KAIST.ac.kr", "", "", "", "", "", ""],
        PEOPLE[2],
    ]
    run = run_cli("import", "participants", str(write_csv(tmp_path / "bad.csv", rows)), "--meeting", MEETING_CODE)
    assert run.code == 1
    assert "3 rows have problems, so nothing was imported" in run.err
    for line in (
        "Row 3, column '이름': The name is missing.",
        "Row 4, column '이메일': This is not a valid email address. (value: bad@)",
        "Row 4, column '국가': This is not a country we know",
        "Row 4, column '경력단계': This is not a career stage",
        "Row 4, column '역할': This is not a meeting role",
        "Row 4, column 'ORCID': This ORCID iD has a wrong check digit",
        "Row 4, column '재외한인': The answer must be yes or no",
        "Row 5, column '이메일': The same email is on row 2. (value: seoyeon.kim@kaist.ac.kr)",
    ):
        assert line in run.err, (line, run.err)
    assert _people(database) == {}


def test_korean_messages_for_bad_rows(tmp_path: Path, meeting, database, run_cli):
    rows = [HEADER, ["이몽룡", "bad@", "", "", "", "", "", ""]]
    run = run_cli(
        "import", "participants", str(write_csv(tmp_path / "bad.csv", rows)), "--meeting", MEETING_CODE, lang="ko"
    )
    assert run.code == 1
    assert "2행, '이메일' 열: 이메일 주소 형식이 올바르지 않습니다. (입력값: bad@)" in run.err


def test_rows_that_contradict_the_database_are_errors_too(tmp_path: Path, meeting, database, run_cli):
    run_cli("import", "participants", str(write_csv(tmp_path / "a.csv", [HEADER, *PEOPLE])), "--meeting", MEETING_CODE)
    rows = [
        HEADER,
        ["김서연", "seoyeon.kim@kaist.ac.kr", "", "", "", "", ORCID_B, ""],  # Kim's email, Park's ORCID
        ["Dave Park", "dave@gmail.com", "", "", "", "", "", ""],
    ]
    run = run_cli("import", "participants", str(write_csv(tmp_path / "b.csv", rows)), "--meeting", MEETING_CODE)
    assert run.code == 1
    assert "Row 2, column 'ORCID': This ORCID iD is recorded for another participant." in run.err
    rows = [
        HEADER,
        ["Dave Park", "dave@gmail.com", "", "", "", "", ORCID_B, ""],  # Park, by ORCID
        ["D. Park", "dpark@mit.edu", "", "", "", "", "", ""],  # Park again, by email
    ]
    run = run_cli("import", "participants", str(write_csv(tmp_path / "c.csv", rows)), "--meeting", MEETING_CODE)
    assert run.code == 1
    assert "Row 3, column '이메일': This is the same person as row 2" in run.err
    people = _people(database)
    assert people["dpark@mit.edu"].name_en == "David Park" and "dave@gmail.com" not in people


def test_dry_run_writes_nothing(tmp_path: Path, meeting, database, run_cli):
    path = write_csv(tmp_path / "a.csv", [HEADER, *PEOPLE])
    run = run_cli("import", "participants", str(path), "--meeting", MEETING_CODE, "--dry-run")
    assert run.code == 0 and "3 created" in run.out and "Dry run: nothing was written." in run.out
    assert _people(database) == {}


def test_unknown_meeting(tmp_path: Path, meeting, database, run_cli):
    run = run_cli(
        "import", "participants", str(write_csv(tmp_path / "a.csv", [HEADER, *PEOPLE])), "--meeting", "XL-1999-01"
    )
    assert run.code == 1 and "No meeting with code 'XL-1999-01'" in run.err


def test_unreadable_file(tmp_path: Path, meeting, run_cli):
    run = run_cli("import", "participants", str(tmp_path / "missing.csv"), "--meeting", MEETING_CODE)
    assert run.code == 1 and "no such file" in run.err


def test_xlsx_with_english_headers(tmp_path: Path, meeting, database, run_cli):
    path = write_xlsx(
        tmp_path / "attendees.xlsx",
        [
            ["Name", "Email", "Affiliation", "Country", "Career stage", "Role", "ORCID", "Overseas Korean", "Slack ID"],
            [
                "Seoyeon Kim",
                "seoyeon@kaist.ac.kr",
                "KAIST",
                "South Korea",
                "senior",
                "organizer",
                f"https://orcid.org/{ORCID_A}",
                "no",
                "U012ABCDEF",
            ],
            ["Mina Cho", "mina@ethz.ch", "ETH Zurich", "Switzerland", "postdoc", "speaker", None, "yes", None],
        ],
        title="Participants",
    )
    run = run_cli("import", "participants", str(path), "--meeting", MEETING_CODE)
    assert run.code == 0, run.err
    assert "(XLSX, Participants)" in run.out and "2 created" in run.out
    people = _people(database)
    assert people["seoyeon@kaist.ac.kr"].slack_user_id == "U012ABCDEF"
    assert people["seoyeon@kaist.ac.kr"].orcid == ORCID_A
    assert (people["mina@ethz.ch"].country, people["mina@ethz.ch"].career_stage) == ("CH", CareerStage.POSTDOC)


def test_unknown_columns_are_reported(tmp_path: Path, meeting, run_cli):
    path = write_csv(tmp_path / "a.csv", [[*HEADER, "비고", "식사"], [*PEOPLE[0], "VIP", "채식"]])
    run = run_cli("import", "participants", str(path), "--meeting", MEETING_CODE)
    assert run.code == 0 and "Columns not read: 비고, 식사" in run.out


def test_an_import_is_audited_with_counts_only(tmp_path: Path, meeting, database, run_cli):
    run_cli("import", "participants", str(write_csv(tmp_path / "a.csv", [HEADER, *PEOPLE])), "--meeting", MEETING_CODE)
    with database.session() as session:
        entry = session.scalars(select(AuditEntry)).one()
    assert (entry.actor, entry.action, entry.entity) == ("cli:import", "participant.import", "meeting")
    assert entry.details == {"rows": 3, "created": 3, "updated": 0, "unchanged": 0}


def test_many_rows_are_imported_in_batches(tmp_path: Path, meeting, database):
    rows = [["name", "email", "country"]] + [[f"Person {i}", f"p{i}@x.org", "KR"] for i in range(1200)]
    sheet = sheets.read_participants(read_table(write_csv(tmp_path / "many.csv", rows)))
    with database.session() as session:
        result = import_participants(session, sheet, MEETING_CODE)
    assert (result.created, result.updated, result.unchanged) == (1200, 0, 0)
    rows[5][2] = "JP"
    sheet = sheets.read_participants(read_table(write_csv(tmp_path / "many.csv", rows)))
    with database.session() as session:
        result = import_participants(session, sheet, MEETING_CODE)
        assert (result.created, result.updated, result.unchanged) == (0, 1, 1199)
        assert session.scalar(select(func.count()).select_from(MeetingAttendance)) == 1200


# --- meetings -----------------------------------------------------------------------------------------------

MEETING_HEADER = ["행사코드", "국문 제목", "영문 제목", "분야", "장소", "시작일", "종료일", "조직위원장"]


def test_meeting_file_creates_then_updates_meetings(tmp_path: Path, database, run_cli):
    rows = [
        MEETING_HEADER,
        [
            "XL-2026-05",
            "양자 하드웨어",
            "Quantum Hardware",
            "양자",
            "경주",
            "2026.5.20",
            "2026-05-22",
            "김서연; David Park",
        ],
        ["XL-2026-06", "이차전지", "Batteries", "secondary-battery", "Yeosu", "2026-06-10", "", ""],
    ]
    run = run_cli("import", "meeting", str(write_csv(tmp_path / "m.csv", rows)))
    assert run.code == 0, run.err
    assert "Meetings: 2 created, 0 updated, 0 unchanged" in run.out
    again = run_cli("import", "meeting", str(write_csv(tmp_path / "m.csv", rows)))
    assert "Meetings: 0 created, 0 updated, 2 unchanged" in again.out
    rows[2][4] = "여수"
    third = run_cli("import", "meeting", str(write_csv(tmp_path / "m.csv", rows)))
    assert "0 created, 1 updated, 1 unchanged" in third.out and "Updated: XL-2026-06" in third.out
    with database.session() as session:
        meetings = {m.code: m for m in session.scalars(select(Meeting))}
    assert meetings["XL-2026-05"].field is FieldKey.QUANTUM
    assert meetings["XL-2026-05"].organizers == "김서연; David Park"
    assert (meetings["XL-2026-06"].venue, str(meetings["XL-2026-06"].ends_on)) == ("여수", "2026-06-10")


def test_bad_meeting_rows_import_nothing(tmp_path: Path, database, run_cli):
    rows = [
        MEETING_HEADER,
        ["XL-2026-05", "양자", "Quantum", "양자", "경주", "2026-05-20", "2026-05-22", ""],
        ["XL-2026-05", "", "", "Alchemy", "", "someday", "", ""],
    ]
    run = run_cli("import", "meeting", str(write_csv(tmp_path / "m.csv", rows)))
    assert run.code == 1
    assert "Row 3, column '분야': This is not a field" in run.err
    assert "Row 3, column '행사코드': The same meeting code is on row 2." in run.err
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(Meeting)) == 0
