"""`clubbot import overseas-db`: linking participants with the overseas Korean scientists and engineers database."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from bot.participants import sheets
from bot.participants.overseas import link_overseas_db
from bot.participants.tables import read_table
from storage.db import Database
from storage.models import Participant
from tests.participants.conftest import ORCID_A, ORCID_B, ORCID_C, write_csv, write_xlsx


def _add_people(database: Database) -> dict[str, int]:
    people = [
        Participant(name_ko="김서연", name_en="Seoyeon Kim", email="seoyeon@kaist.ac.kr", affiliation="KAIST"),
        Participant(name_en="David Park", email="dpark@mit.edu", affiliation="MIT", orcid=ORCID_B),
        Participant(name_en="Jiwoo Lee", email="jiwoo@utoronto.ca", affiliation="The University of Toronto"),
        Participant(name_en="Minho Choi", email="minho@a.example", affiliation="Stanford University"),
        Participant(name_en="Minho Choi", email="minho@b.example", affiliation="Stanford University"),
        Participant(name_ko="한수진", email="sujin@tum.de", affiliation="TU München"),
        Participant(
            name_en="Hana Yoon",
            email="hana@ucla.edu",
            affiliation="UCLA",
            overseas_korean=True,
            overseas_association="KSEA",
        ),
    ]
    with database.session() as session:
        session.add_all(people)
        session.flush()
        return {p.email: p.id for p in people}


HEADER = ["성명", "이메일", "소속", "국가", "협회", "ORCID"]


def test_each_rule_links_and_ambiguity_is_reported_not_guessed(tmp_path: Path, database, run_cli):
    ids = _add_people(database)
    rows = [
        HEADER,
        ["Seoyeon KIM", "SEOYEON@kaist.ac.kr", "KAIST", "대한민국", "KOFST", ""],  # by email
        [
            "박데이비드",
            "david.park@gmail.com",
            "Massachusetts Institute of Technology",
            "USA",
            "KSEA",
            f"https://orcid.org/{ORCID_B}",
        ],  # by ORCID
        ["LEE, Ji-woo", "", "University of Toronto", "Canada", "AKCSE", ""],  # by name and affiliation
        ["Choi Minho", "", "Stanford University", "USA", "KSEA", ""],  # two participants match: ambiguous
        ["한 수진", "", "TU Munchen", "Germany", "VeKNI", ""],  # one person ...
        ["한수진", "", "TU München", "Germany", "VeKNI", ""],  # ... matched by two records: ambiguous
        ["Nobody Here", "nobody@x.org", "Nowhere", "France", "AFSTK", ORCID_C],  # unmatched
        ["Hana Yoon", "hana@ucla.edu", "UCLA", "USA", "KSEA", ""],  # already linked: unchanged
    ]
    run = run_cli("import", "overseas-db", str(write_csv(tmp_path / "overseas.csv", rows)), "--list-unmatched")
    assert run.code == 0, run.err
    out = run.out
    assert "Overseas Korean scientists and engineers database: 8 rows" in out
    assert "Linked: 4 (by email 2, by ORCID 1, by name and affiliation 1), of whom 3 changed" in out
    assert f"row 2 → #{ids['seoyeon@kaist.ac.kr']} 김서연 / Seoyeon Kim <seoyeon@kaist.ac.kr> (by email" in out
    assert f"row 3 → #{ids['dpark@mit.edu']} David Park <dpark@mit.edu> (by ORCID, association: KSEA)" in out
    assert f"row 4 → #{ids['jiwoo@utoronto.ca']} Jiwoo Lee" in out and "(by name and affiliation" in out
    assert "Ambiguous, not linked: 2" in out
    assert (
        f"row 5 [Choi Minho, Stanford University] ↔ candidate participants: "
        f"#{ids['minho@a.example']} Minho Choi <minho@a.example>; "
        f"#{ids['minho@b.example']} Minho Choi <minho@b.example>"
    ) in out
    assert "rows 6, 7 [한 수진, TU Munchen; 한수진, TU München]" in out
    assert f"#{ids['sujin@tum.de']} 한수진 <sujin@tum.de>" in out
    assert "Database rows matching no participant: 1" in out and "row 8: Nobody Here <nobody@x.org>" in out

    with database.session() as session:
        people = {p.email: p for p in session.scalars(select(Participant))}
    assert (people["seoyeon@kaist.ac.kr"].overseas_korean, people["seoyeon@kaist.ac.kr"].overseas_association) == (
        True,
        "KOFST",
    )
    assert people["dpark@mit.edu"].overseas_association == "KSEA" and people["dpark@mit.edu"].overseas_korean
    assert people["jiwoo@utoronto.ca"].overseas_association == "AKCSE"
    for email in ("minho@a.example", "minho@b.example", "sujin@tum.de"):
        assert not people[email].overseas_korean and people[email].overseas_association is None
    assert people["dpark@mit.edu"].email == "dpark@mit.edu"  # linking changes only the overseas fields


def test_a_record_whose_email_and_orcid_name_two_people_is_ambiguous(tmp_path: Path, database):
    ids = _add_people(database)
    path = write_xlsx(
        tmp_path / "db.xlsx",
        [
            ["name", "email", "affiliation", "association", "orcid"],
            ["Seoyeon Kim", "seoyeon@kaist.ac.kr", "KAIST", "KSEA", ORCID_B],
        ],
    )
    sheet = sheets.read_overseas(read_table(path))
    with database.session() as session:
        result = link_overseas_db(session, sheet)
    assert not result.links
    assert [{p.participant_id for p in item.people} for item in result.ambiguous] == [
        {ids["seoyeon@kaist.ac.kr"], ids["dpark@mit.edu"]}
    ]


def test_bad_values_in_the_overseas_file_are_left_out_not_fatal(tmp_path: Path, database, run_cli):
    _add_people(database)
    rows = [HEADER, ["David Park", "not-an-email", "MIT", "Atlantis", "KSEA", ORCID_A[:-1] + "8"]]
    run = run_cli("import", "overseas-db", str(write_csv(tmp_path / "o.csv", rows)), "--dry-run")
    assert run.code == 0
    assert "3 unusable values were left out of the matching:" in run.out
    assert "Row 2, column '이메일': This is not a valid email address." in run.out
    assert "by name and affiliation 1" in run.out and "Dry run: nothing was written." in run.out
    with database.session() as session:
        assert not session.scalar(select(Participant.overseas_korean).where(Participant.email == "dpark@mit.edu"))


def test_a_second_run_changes_nothing(tmp_path: Path, database, run_cli):
    _add_people(database)
    path = write_csv(tmp_path / "o.csv", [HEADER, ["x", "dpark@mit.edu", "", "", "KSEA", ""]])
    assert "of whom 1 changed" in run_cli("import", "overseas-db", str(path)).out
    assert "of whom 0 changed" in run_cli("import", "overseas-db", str(path)).out
