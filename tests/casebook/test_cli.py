"""`clubbot casebook pick|list|build` offline, against the database: the build stores both editions and writes
them into a folder."""

from __future__ import annotations

import os
import subprocess
import sys

from docx import Document
from sqlalchemy import select

from bot.domain import ClubRole, FieldKey, MembershipStatus
from storage.models import CasebookConsent, CasebookPick, Club, Membership, Participant, ReportFile


def run(database, tmp_path, *args):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "CLUBBOT_", "DATABASE_URL"))}
    env |= {
        "DATABASE_URL": str(database.engine.url.render_as_string(hide_password=False)),
        "CLUBBOT_DATA_DIR": str(tmp_path / "data"),
        "CLUBBOT_LANGUAGE": "en",
    }
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "casebook", *args], capture_output=True, text=True, env=env, timeout=300
    )


def test_pick_list_and_build_from_the_command_line(database, tmp_path):
    with database.session() as session:
        club = Club(name="Quantum Hardware Club", field=FieldKey.QUANTUM, language="en")
        leader = Participant(name_en="Minji Park", name_ko="박민지", country="KR", email="minji@example.org")
        session.add_all([club, leader])
        session.add(Membership(club=club, participant=leader, role=ClubRole.LEADER, status=MembershipStatus.ACTIVE))
    unknown = run(database, tmp_path, "pick", "No Such Club", "--year", "2026")
    assert unknown.returncode == 1 and "No Such Club" in unknown.stderr
    picked = run(database, tmp_path, "pick", "Quantum Hardware Club", "--year", "2026")
    assert picked.returncode == 0, picked.stderr
    assert "Picked Quantum Hardware Club for 2026" in picked.stdout
    listed = run(database, tmp_path, "list", "--year", "2026")
    assert "Quantum Hardware Club" in listed.stdout and "1 not answered" in listed.stdout

    draft = run(database, tmp_path, "build", "--year", "2026", "--draft", "--lang", "ko", "--out", str(tmp_path / "d"))
    assert draft.returncode == 0, draft.stderr
    assert (tmp_path / "d" / "2026" / "casebook" / "casebook-2026-ko.docx").exists()
    with database.session() as session:  # a draft stores nothing, so answers stay open
        assert session.scalar(select(ReportFile.id)) is None

    foreword = tmp_path / "foreword.txt"
    foreword.write_text("A year of clubs.", encoding="utf-8")
    out = tmp_path / "out"
    built = run(
        database, tmp_path, "build", "--year", "2026", "--lang", "en", "--foreword", str(foreword), "--out", str(out)
    )
    assert built.returncode == 0, built.stderr
    assert "Built the 2026 casebook (1 exemplary club)" in built.stdout
    document = Document(str(out / "2026" / "casebook" / "casebook-2026-en.docx"))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "A year of clubs." in text and "Quantum Hardware Club" in text
    assert "Minji Park" not in text  # asked, never answered (no Slack): not printed
    assert not (out / "2026" / "casebook" / "casebook-2026-ko.docx").exists()  # --lang en
    with database.session() as session:
        assert session.scalar(select(CasebookPick.year)) == 2026
        assert session.scalar(select(CasebookConsent.answer)) == "pending"
        stored = sorted(session.scalars(select(ReportFile.name).where(ReportFile.scope == "casebook")))
    assert "casebook-2026-en.docx" in stored and "casebook-2026-ko.docx" in stored


def test_the_december_briefs_one_page_per_club(database, tmp_path):
    with database.session() as session:
        for name in ("Quantum Hardware Club", "Hydrogen Club"):
            club = Club(name=name, field=FieldKey.QUANTUM, language="en")
            leader = Participant(name_en=f"{name} Leader", email=f"{name.split()[0].lower()}@example.org")
            session.add_all([club, leader])
            session.add(Membership(club=club, participant=leader, role=ClubRole.LEADER, status=MembershipStatus.ACTIVE))
    out = tmp_path / "out"
    done = run(database, tmp_path, "brief", "--year", "2026", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert "Wrote the 2026 briefs of 2 clubs." in done.stdout
    english = Document(str(out / "2026" / "briefs" / "briefs-2026-en.docx"))
    headings = [p.text for p in english.paragraphs if p.style.name == "Heading 1"]
    assert headings == ["Hydrogen Club", "Quantum Hardware Club"]
    text = "\n".join(p.text for p in english.paragraphs)
    assert "Plan a first joint paper among members." in text and "Rank 1 of 2 clubs" in text
    korean = Document(str(out / "2026" / "briefs" / "briefs-2026-ko.docx"))
    assert "다음 단계 제안" in "\n".join(p.text for p in korean.paragraphs)
    one = run(
        database,
        tmp_path,
        "brief",
        "--year",
        "2026",
        "--club",
        "Hydrogen Club",
        "--lang",
        "ko",
        "--out",
        str(tmp_path / "one"),
    )
    assert one.returncode == 0, one.stderr
    only = Document(str(tmp_path / "one" / "2026" / "briefs" / "briefs-2026-ko.docx"))
    assert [p.text for p in only.paragraphs if p.style.name == "Heading 1"] == ["Hydrogen Club"]
