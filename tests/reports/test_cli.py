"""`clubbot report` builds the report offline from the local database into a folder."""

from __future__ import annotations

import os
import subprocess
import sys

from docx import Document

from bot.domain import ClubRole, FieldKey, MembershipStatus
from storage.models import Club, Membership, Participant, Update
from tests.reports.data import seoul


def title_of(document):
    return next(p.text for p in document.paragraphs if p.style.name == "Title")


def run(database, tmp_path, *args):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "CLUBBOT_", "DATABASE_URL"))}
    env |= {
        "DATABASE_URL": str(database.engine.url.render_as_string(hide_password=False)),
        "CLUBBOT_DATA_DIR": str(tmp_path / "data"),
        "CLUBBOT_LANGUAGE": "en",
    }
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "report", *args], capture_output=True, text=True, env=env, timeout=120
    )


def test_the_report_is_written_to_a_folder_for_a_quarter_a_range_and_a_club(database, tmp_path):
    with database.session() as session:
        club = Club(
            name="Quantum Hardware Club",
            field=FieldKey.QUANTUM,
            channel_name="xlab-quantum",
            created_at=seoul(2026, 7, 1),
        )
        person = Participant(name_ko="김하늘", name_en="Haneul Kim", country="KR", slack_user_id="U1")
        session.add_all([club, person])
        session.flush()
        session.add(
            Membership(
                club_id=club.id,
                participant_id=person.id,
                role=ClubRole.LEADER,
                status=MembershipStatus.ACTIVE,
                joined_at=seoul(2026, 7, 1),
            )
        )
        session.add(Update(club_id=club.id, author_id=person.id, text="x", created_at=seoul(2026, 11, 2)))

    out = tmp_path / "out"
    done = run(database, tmp_path, "--quarter", "2026Q4", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert "2026Q4 report: 3 files written to" in done.stdout  # 2 documents, 1 workbook: one club, no chart
    korean = Document(out / "2026Q4" / "program" / "report-2026Q4-program-ko.docx")
    assert title_of(korean) == "클럽 운영 및 후속 성과 보고서"

    ranged = run(database, tmp_path, "--from", "2026-11-01", "--to", "2026-11-30", "--lang", "en", "--out", str(out))
    assert ranged.returncode == 0, ranged.stderr
    assert (out / "2026-11-01..2026-11-30" / "program" / "report-2026-11-01..2026-11-30-program-en.docx").is_file()
    assert not (out / "2026-11-01..2026-11-30" / "program" / "report-2026-11-01..2026-11-30-program-ko.docx").exists()

    own = run(database, tmp_path, "--quarter", "2026Q4", "--club", "quantum hardware club", "--out", str(out))
    assert own.returncode == 0, own.stderr
    named = f"quantum-hardware-club-{club.id}"  # the club's name, safe for every file system, not its ID alone
    document = Document(out / "2026Q4" / named / f"report-2026Q4-{named}-en.docx")
    assert title_of(document) == "Quantum Hardware Club: operation report"

    unknown = run(database, tmp_path, "--quarter", "2026Q4", "--club", "Nope", "--out", str(out))
    assert unknown.returncode == 1 and "Nope" in unknown.stderr
    missing = run(database, tmp_path, "--out", str(out))
    assert missing.returncode == 2 and "--quarter 2026Q4" in missing.stderr


def test_pdf_without_libreoffice_says_so_in_one_line(database, tmp_path):
    """`--pdf` on a machine without LibreOffice: one warning line, and the Word documents are still written."""
    env_path = os.path.dirname(sys.executable)  # python, but no soffice
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "CLUBBOT_", "DATABASE_URL", "PATH"))}
    env |= {
        "PATH": env_path,
        "DATABASE_URL": str(database.engine.url.render_as_string(hide_password=False)),
        "CLUBBOT_DATA_DIR": str(tmp_path / "data"),
        "CLUBBOT_LANGUAGE": "en",
    }
    if any(os.path.exists(os.path.join(env_path, name)) for name in ("soffice", "libreoffice")):
        return  # LibreOffice beside python: nothing to show here
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "report", "--quarter", "2026Q4", "--pdf", "--out", str(tmp_path / "out")],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if "LibreOffice" in line]
    assert warnings == ["clubbot: warning: no PDF made: LibreOffice (soffice) is not installed on this machine. "
                        "The Word documents were written."]  # fmt: skip
    assert ".docx" in result.stdout and ".pdf" not in result.stdout
