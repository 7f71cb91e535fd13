"""The stored report files: fetched by `clubbot report`, rebuilt by `clubbot forget`, pruned by `clubbot reports
prune`, and imported from the folder an older version wrote them to by `clubbot db upgrade`."""

from __future__ import annotations

import hashlib
import io
import zipfile
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from bot.cli import main as clubbot
from bot.domain import OutputType, Quarter
from bot.reports.period import Period
from bot.reports.service import build_for
from bot.reports.store import record_report
from bot.reports.types import PROGRAM, ReportTarget
from storage import files
from storage.models import OutboxMessage, Output, Participant, Report, ReportFile, ReportFileChunk
from tests.factories import make_club, participant

NOW = datetime.now(UTC)


@pytest.fixture
def cli(database, monkeypatch, capsys, tmp_path):
    monkeypatch.chdir(tmp_path)  # no stray .env
    monkeypatch.setenv("DATABASE_URL", database.url)
    monkeypatch.setenv("CLUBBOT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("CLUBBOT_LANGUAGE", "en")

    def run(*args: str) -> tuple[int, str]:
        capsys.readouterr()
        code = clubbot(list(args))
        captured = capsys.readouterr()
        return code, captured.out + captured.err

    return run


def store_program_report(world, quarter: Quarter) -> Report:
    with world.db.session() as session:
        target = ReportTarget(Period.of_quarter(quarter), PROGRAM, None, True)
        record_report(session, build_for(session, target, world.runtime.settings, now=NOW), NOW)
    with world.db.session() as session:
        report = session.scalar(select(Report).where(Report.period == str(quarter)))
        session.expunge(report)
        return report


def texts(world, report: Report) -> str:
    """All the text in a stored report's documents and workbooks (their XML parts)."""
    found = []
    with world.db.session() as session:
        for row in session.scalars(select(ReportFile).where(ReportFile.report_id == report.id)):
            if row.kind in ("docx", "xlsx"):
                with zipfile.ZipFile(io.BytesIO(files.read_bytes(session, row.id))) as archive:
                    found += [archive.read(n).decode("utf-8", "replace") for n in archive.namelist()]
    return " ".join(found)


def test_forget_rebuilds_the_stored_reports_that_named_the_person(slack, cli, tmp_path):
    club = make_club(slack, leaders=1, members=1, locale="en-US")
    gone = club.leaders[0]
    with slack.db.session() as session:
        person = session.get(Participant, participant(slack, gone).id)
        person.name_en, person.name_ko = "Forgettable Researcher", "잊힐연구자"
        person.email = "forgettable@erasure.example"
        session.add(
            Output(
                club_id=club.ref.id,
                filed_by_id=person.id,
                type=OutputType.PAPER,
                title="A joint paper by Forgettable Researcher",
                status="submitted",
                created_at=NOW,
            )
        )
    quarter = Quarter.of_instant(NOW, slack.runtime.settings.tz)
    before = store_program_report(slack, quarter)
    assert "A joint paper by Forgettable Researcher" in texts(slack, before)

    code, out = cli("forget", "forgettable@erasure.example", "--yes")
    assert code == 0, out
    assert f"Stored reports rebuilt without them: {quarter} program" in out
    with slack.db.session() as session:
        [after] = session.scalars(select(Report)).all()
        session.expunge(after)
        old_ids = [f["file_id"] for f in before.files]
        assert not session.scalars(select(ReportFile).where(ReportFile.id.in_(old_ids))).all()  # the old files gone
    everything = texts(slack, after)
    assert "Forgettable" not in everything and "잊힐연구자" not in everything and "forgettable@" not in everything
    assert "A joint paper by" in everything  # the club's outcome is still reported, without the person

    # `clubbot report` fetches the stored (rebuilt) files: the same bytes, not the old ones
    code, out = cli("report", "--quarter", str(quarter), "--out", str(tmp_path / "out"))
    assert code == 0, out
    assert "the stored files" in out
    with slack.db.session() as session:
        for row in session.scalars(select(ReportFile).where(ReportFile.report_id == after.id)):
            [written] = (tmp_path / "out").rglob(row.name)
            assert hashlib.sha256(written.read_bytes()).hexdigest() == row.sha256


def test_prune_deletes_the_reports_of_old_quarters_and_their_files(slack, cli):
    make_club(slack, leaders=1, members=1)
    for quarter in ("2026Q2", "2026Q3", "2026Q4"):
        store_program_report(slack, Quarter.parse(quarter))
    code, out = cli("reports", "prune")
    assert code == 0 and "Every quarter's reports are kept" in out
    code, out = cli("reports", "prune", "--before", "2026Q4")
    assert code == 0, out
    assert "Reports of periods before 2026Q4 deleted: 2" in out and "2026Q2 program" in out
    with slack.db.session() as session:
        assert [r.period for r in session.scalars(select(Report))] == ["2026Q4"]
        assert {r.period for r in session.scalars(select(ReportFile))} == {"2026Q4"}
        kept = session.scalars(select(ReportFile.id)).all()
        assert session.scalar(select(func.count()).select_from(ReportFileChunk)) >= len(kept)
        orphans = select(func.count()).where(~ReportFileChunk.file_id.in_(kept)).select_from(ReportFileChunk)
        assert session.scalar(orphans) == 0
    with pytest.raises(SystemExit) as refused:
        cli("reports", "prune", "--before", "2026Q9")
    assert refused.value.code == 2


def test_db_upgrade_imports_the_report_files_left_on_disk_once(database, cli, tmp_path):
    folder = tmp_path / "data" / "reports" / "2026Q3" / "program"
    folder.mkdir(parents=True)
    (folder / "report-2026Q3-program-ko.docx").write_bytes(b"korean document" * 100_000)  # 1.5 MB: two chunks
    listed = [
        {"kind": "docx", "lang": "ko", "path": "2026Q3/program/report-2026Q3-program-ko.docx", "title_key": "t"},
        {"kind": "docx", "lang": "en", "path": "2026Q3/program/report-2026Q3-program-en.docx", "title_key": "t"},
    ]
    with database.session() as session:
        session.add(Report(period="2026Q3", scope=PROGRAM, files=listed, summary={}))
        session.add(
            OutboxMessage(
                kind="file",
                channel="C1",
                payload={"path": "reports/" + listed[0]["path"], "filename": "report-2026Q3-program-ko.docx"},
            )
        )
    code, out = cli("db", "upgrade")
    assert code == 0, out
    assert "moved into the database 1, missing 1" in out
    assert "+ 2026Q3/program/report-2026Q3-program-ko.docx" in out
    assert "- 2026Q3/program/report-2026Q3-program-en.docx" in out
    assert "Pending uploads now reading from the database: 1" in out
    with database.session() as session:
        [report] = session.scalars(select(Report)).all()
        [file] = report.files  # the missing one is no longer listed: it is built again when asked for
        stored = session.get(ReportFile, file["file_id"])
        assert stored.size == 1_500_000 and stored.report_id == report.id
        assert files.read_bytes(session, stored.id) == b"korean document" * 100_000
        assert stored.sha256 == hashlib.sha256(b"korean document" * 100_000).hexdigest()
        assert session.scalar(select(func.count()).select_from(ReportFileChunk)) == 2
        [row] = session.scalars(select(OutboxMessage)).all()
        assert row.payload["stored_file"] == stored.id and "path" not in row.payload
    code, out = cli("db", "upgrade")
    assert code == 0 and "moved" not in out  # once


def test_the_retention_setting_is_read_and_applied_by_the_clocks_report_job(slack):
    from bot.runtime import Runtime
    from bot.settings import SettingsError, load_settings
    from jobs import clock
    from jobs.reports import PROGRAM_JOB
    from tests.reports.data import seoul

    assert load_settings({"CLUBBOT_REPORTS_KEEP_QUARTERS": "4"}, env_file=None).reports_keep_quarters == 4
    assert load_settings({"CLUBBOT_REPORTS_KEEP_QUARTERS": "all"}, env_file=None).reports_keep_quarters is None
    assert load_settings({}, env_file=None).reports_keep_quarters is None  # by default every quarter is kept
    with pytest.raises(SettingsError, match="CLUBBOT_REPORTS_KEEP_QUARTERS"):
        load_settings({"CLUBBOT_REPORTS_KEEP_QUARTERS": "0"}, env_file=None)

    make_club(slack, leaders=1, members=1)
    store_program_report(slack, Quarter.parse("2025Q1"))
    runtime = Runtime.from_settings(slack.runtime.settings.with_overrides(reports_keep_quarters=6))
    try:
        assert clock.run_due(runtime, PROGRAM_JOB, owner="test", at=seoul(2026, 10, 1, 9, 5)) == {"done": 1}
    finally:
        runtime.close()
    with slack.db.session() as session:
        periods = [r.period for r in session.scalars(select(Report))]
        assert "2025Q1" not in periods and "2026Q3" in periods
        assert not session.scalars(select(ReportFile).where(ReportFile.period == "2025Q1")).all()
