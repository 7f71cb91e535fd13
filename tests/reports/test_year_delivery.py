"""The annual program report as the secretariat gets it: built on the first working day of January for the year
just ended, stored in the database and posted once to the secretariat channel through the outbox (the clock's
once-per-period claims, listed by `clubbot jobs`); and `clubbot report --year 2026` offline into a folder."""

from __future__ import annotations

import os
import subprocess
import sys

from docx import Document
from sqlalchemy import select

from bot.slack.text import render_message
from jobs import clock
from jobs.reports import YEAR_JOB
from storage.models import Participant, Report
from tests.factories import make_club
from tests.reports import test_stored_files
from tests.reports.data import seoul
from tests.reports.test_cli import run, title_of
from tests.reports.test_end_to_end import final_response
from tests.reports.year_data import seed_year
from tests.support import deliver_all as deliver
from tests.support import seen_by_user

cli = test_stored_files.cli  # the `clubbot` command in this process (a fixture)
texts = test_stored_files.texts
JANUARY_FIRST_WORKING_DAY = seoul(2027, 1, 4, 9, 5)  # 1 January 2027 is a holiday, then a weekend


def test_the_annual_report_is_built_in_january_stored_and_posted_once(slack):
    with slack.db.session() as session:
        seed_year(session)

    # New Year's Day: 2026's report is not due yet (2025's fell due on 2 January 2026, beyond the grace)
    assert clock.run_due(slack.runtime, YEAR_JOB, owner="test", at=seoul(2027, 1, 1, 12)) == {"late": 1}
    assert clock.run_due(slack.runtime, YEAR_JOB, owner="test", at=JANUARY_FIRST_WORKING_DAY) == {"done": 1}
    assert clock.run_due(slack.runtime, YEAR_JOB, owner="test", at=JANUARY_FIRST_WORKING_DAY) == {"skipped": 1}
    deliver(slack)

    posts = [
        render_message(m.text, m.blocks) for m in slack.standin.messages(slack.secretariat) if m.subtype != "file_share"
    ]
    [summary] = [p for p in posts if "2026년 연간 프로그램 보고서" in p]  # the secretariat's language: Korean
    assert "연말 기준 클럽 3개, 회원 7명" in summary
    assert "진행 소식 25건, 클럽 모임 8회, 달성 성과 3건" in summary
    assert "공동 논문 2편(국제 공동 1편)" in summary
    assert "계획 목표를 달성한 지표: 2/9개" in summary and "올해의 우수 클럽: Quantum Hardware Club (60.4)" in summary
    titles = sorted(f.title for f in slack.standin.files(slack.secretariat) if f.completed)
    assert titles == sorted(
        [
            "2026년 연간 프로그램 보고서 (한국어)",
            "Annual program report 2026 (English)",
            "2026년 연간 보고서 데이터 (엑셀)",
            "2026년 지표별 분기 추이",
        ]
    )
    with slack.db.session() as session:
        [stored] = session.scalars(select(Report)).all()
        assert (stored.period, stored.scope) == ("2026", "program")
        assert all(f.get("file_id") for f in stored.files)  # every file is in the database


def test_clubbot_report_year_writes_the_annual_report_and_refuses_what_is_not_a_year(database, tmp_path):
    with database.session() as session:
        seed_year(session)
    out = tmp_path / "out"
    done = run(database, tmp_path, "--year", "2026", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert "2026 report: 7 files written to" in done.stdout  # 2 documents, 1 workbook, 2 charts per language
    korean = out / "2026" / "program" / "report-2026-program-ko.docx"
    assert title_of(Document(korean)) == "2026년 연간 프로그램 보고서"
    english = run(database, tmp_path, "--year", "2026", "--lang", "en", "--out", str(tmp_path / "en"))
    assert english.returncode == 0, english.stderr
    assert title_of(Document(tmp_path / "en" / "2026" / "program" / "report-2026-program-en.docx")) == (
        "Annual program report 2026"
    )
    assert not (tmp_path / "en" / "2026" / "program" / "report-2026-program-ko.docx").exists()

    wrong = run(database, tmp_path, "--year", "26", "--out", str(out))
    assert wrong.returncode == 2 and "write the year as four digits, e.g. --year 2026 (not 26)" in wrong.stderr
    mixed = run(database, tmp_path, "--year", "2026", "--quarter", "2026Q4", "--out", str(out))
    assert mixed.returncode == 2 and "--year cannot be combined with --quarter" in mixed.stderr


def test_clubbot_jobs_lists_the_annual_report(database, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "CLUBBOT_", "DATABASE_URL"))}
    env |= {
        "DATABASE_URL": str(database.engine.url.render_as_string(hide_password=False)),
        "CLUBBOT_DATA_DIR": str(tmp_path / "data"),
        "CLUBBOT_LANGUAGE": "en",
    }
    listing = subprocess.run(
        [sys.executable, "-m", "bot.cli", "jobs"], capture_output=True, text=True, env=env, timeout=120
    )
    assert listing.returncode == 0, listing.stderr
    assert (
        "year-report: build the annual program report of the year just ended and post it to the secretariat channel"
        in listing.stdout
    )


def test_forget_rebuilds_the_stored_annual_report_without_the_person(slack, cli, tmp_path):
    with slack.db.session() as session:
        seed_year(session)
        leader = session.scalar(select(Participant).where(Participant.name_en == "Haneul Kim"))
        leader.email = "haneul@erasure.example"
    assert clock.run_due(slack.runtime, YEAR_JOB, owner="test", at=JANUARY_FIRST_WORKING_DAY) == {"done": 1}
    with slack.db.session() as session:
        before = session.scalar(select(Report).where(Report.period == "2026"))
        session.expunge(before)
    assert "Haneul Kim" in texts(slack, before) and "김하늘" in texts(slack, before)  # on the paper, the meetings

    code, out = cli("forget", "haneul@erasure.example", "--yes")
    assert code == 0, out
    assert "Stored reports rebuilt without them: 2026 program" in out
    with slack.db.session() as session:
        after = session.scalar(select(Report).where(Report.period == "2026"))
        session.expunge(after)
    everything = texts(slack, after)
    assert "Haneul Kim" not in everything and "김하늘" not in everything
    assert "Spin qubit coherence" in everything  # the club's outcome is still reported, without the person

    # `clubbot report --year` fetches the stored (rebuilt) files
    code, out = cli("report", "--year", "2026", "--out", str(tmp_path / "out"))
    assert code == 0, out
    assert "the stored files" in out


def test_the_secretariat_asks_for_the_annual_report_in_its_channel_and_a_leader_is_told_it_is_the_programs(slack):
    with slack.db.session() as session:
        seed_year(session)
    asked = slack.command(slack.admin, slack.secretariat, "보고서 2026")
    assert asked.acked_in_time
    answer = final_response(asked, "연간 프로그램 보고서")
    assert "진행 소식 25건" in answer and "파일은 #CSECRET001 채널에 올라옵니다." in answer
    deliver(slack)
    files = sorted(f.title for f in slack.standin.files(slack.secretariat) if f.completed)
    assert files == sorted(
        [
            "2026년 연간 프로그램 보고서 (한국어)",
            "Annual program report 2026 (English)",
            "2026년 연간 보고서 데이터 (엑셀)",
            "2026년 지표별 분기 추이",
        ]
    )

    quantum = make_club(slack, "Nanophotonics Club", leaders=1, members=0)
    [leader] = quantum.leaders
    refused = seen_by_user(slack.command(leader, quantum.channel, "report 2026"))
    assert "The annual report is the whole program's. For a club's report, ask for a quarter" in refused
    assert "a year" in seen_by_user(slack.command(leader, quantum.channel, "report 20266"))
