"""The annual program report from a seeded year (`tests/reports/year_data.py`), read through the real loader: each
quarter's figures, the year's against the plan's targets, every club's trajectory, joint papers, meetings,
surveys, the outstanding clubs of the year with their evidence, and what changed since the first quarter, in
the Korean and the English document and in the workbook."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from docx import Document
from openpyxl import load_workbook

from bot.domain import Language
from bot.i18n import t
from bot.reports.build import FolderSink
from bot.reports.build_year import build_year
from bot.reports.load import load_year
from bot.reports.settings import load_report_settings
from bot.reports.year import year_figures
from tests.reports.data import SEOUL
from tests.reports.year_data import seed_year

SETTINGS = load_report_settings()
BUILT_AT = datetime(2027, 1, 4, 1, tzinfo=UTC)
LANGS = [Language.KO, Language.EN]


@pytest.fixture
def year(database):
    with database.session() as session:
        seed_year(session)
    with database.session() as session:
        return load_year(session, 2026, SEOUL)


@pytest.fixture
def built(year, tmp_path):
    report = build_year(year, SETTINGS, FolderSink(tmp_path), built_at=BUILT_AT)
    return tmp_path, report


def document(built, lang):
    folder, report = built
    [docx] = [f for f in report.files if f.kind == "docx" and f.lang == lang]
    return Document(str(folder / docx.path))


def table_starting(doc, *header: str) -> list[list[str]]:
    """The first table whose header begins with these cells."""
    for table in doc.tables:
        rows = [[c.text for c in row.cells] for row in table.rows]
        if rows[0][: len(header)] == list(header):
            return rows
    raise AssertionError(f"no table headed {header!r}")


def body_text(doc) -> str:
    return "\n".join(p.text for p in doc.paragraphs)


def test_each_quarter_and_the_year_against_the_plans_targets(year):
    figures = year_figures(year, SETTINGS)
    ind = {i.key: i for i in figures.indicators}
    assert ind["clubs"].quarters == (2, 3, 3, 3) and ind["clubs"].year == 3  # Robot closes in May, AI and Battery start
    assert ind["members"].quarters == (5, 7, 7, 7)
    # 31 December 23:30 in Seoul is Q4; 1 January 00:10 is 2027 and nowhere
    assert ind["updates"].quarters == (3, 4, 8, 10) and ind["updates"].year == 25
    assert ind["meetings"].quarters == (1, 2, 2, 3) and ind["meetings"].year == 8
    assert ind["outputs_achieved"].quarters == (0, 1, 0, 2) and ind["outputs_achieved"].year == 3
    assert ind["joint_papers"].quarters == (1, 0, 0, 1) and ind["joint_papers"].year == 2
    assert ind["international_papers"].quarters == (1, 0, 0, 0) and ind["international_papers"].year == 1
    assert ind["share_active"].quarters[0] == pytest.approx(4 / 5)  # Robot's second member never posted
    assert ind["satisfaction"].year == pytest.approx(4.5)
    assert {k: i.target for k, i in ind.items()} == dict(SETTINGS.annual_targets)
    assert ind["updates"].quarter_target == 50 and ind["share_active"].quarter_target == 0.5
    assert {k for k, i in ind.items() if i.met} == {"share_active", "satisfaction"}
    # the quarters are exactly the quarterly reports' figures
    assert [q.period.key for q in figures.quarters] == ["2026Q1", "2026Q2", "2026Q3", "2026Q4"]


def test_every_clubs_trajectory_the_outstanding_clubs_and_what_changed(year):
    figures = year_figures(year, SETTINGS)
    names = [c.club.name for c in figures.clubs]
    assert names == ["Quantum Hardware Club", "Battery Club", "AI Safety Club", "Robot Club"]  # by mean score
    scores = {c.club.name: c.scores for c in figures.clubs}
    assert [s is None for s in scores["AI Safety Club"]] == [True, False, False, False]
    assert [s is None for s in scores["Robot Club"]] == [False, False, True, True]
    quantum = figures.club_year(figures.clubs[0].club.id)
    assert quantum.mean_score == pytest.approx(sum(quantum.scores) / 4)  # type: ignore[arg-type]
    assert [c.club.name for c in figures.outstanding] == ["Quantum Hardware Club"]  # the only one over 50
    assert quantum.outstanding_quarters == (1, 2, 3, 4)
    assert quantum.narratives == ((2, "NRF proposal funded"), (4, "Paper published in PRX"))
    assert figures.by_type_status == (("paper", "accepted", 1), ("paper", "published", 1), ("proposal", "funded", 1))
    assert sorted(i.output.output.title for i in figures.casebook) == ["NRF joint proposal", "Spin qubit coherence"]
    assert [(s.meeting.code, s.survey.responses if s.survey else 0) for s in figures.surveys] == [
        ("XL-2025-12", 2),
        ("XL-2026-04", 0),
    ]
    changes = {c.key: (c.first, c.last) for c in figures.changes}
    assert changes["updates"] == (3, 10) and changes["clubs"] == (2, 3) and changes["meetings"] == (1, 3)
    assert [c.name for c in figures.new_clubs] == ["AI Safety Club", "Battery Club"]
    assert [c.name for c in figures.gone_clubs] == ["Robot Club"]
    assert [(c.name, m.summary) for c, m in figures.meetings][:2] == [
        ("Quantum Hardware Club", "Kick-off"),
        ("AI Safety Club", "Reading group"),
    ]  # by date, every club


@pytest.mark.parametrize("lang", LANGS)
def test_the_document_shows_the_targets_quarter_by_quarter_in_both_languages(built, lang):
    doc = document(built, lang)
    assert [p.text for p in doc.paragraphs if p.style.name == "Title"] == [t(lang, "reports.year.title", year=2026)]
    rows = table_starting(doc, t(lang, "reports.year.col.indicator"))
    quarter = t(lang, "reports.period.quarter", year=2026, number=1)
    assert rows[0][1] == quarter and rows[0][5] == t(lang, "reports.period.year", year=2026)
    by_name = {r[0]: r[1:] for r in rows[1:]}
    assert by_name[t(lang, "reports.year.ind.updates")] == ["3", "4", "8", "10", "25", "200", "12%"]  # 12.5%
    assert by_name[t(lang, "reports.year.ind.joint_papers")][:6] == ["1", "0", "0", "1", "2", "16"]
    assert by_name[t(lang, "reports.year.ind.international_papers")][:6] == ["1", "0", "0", "0", "1", "8"]
    assert by_name[t(lang, "reports.year.ind.share_active")][4:6] == ["67%", "50%"]
    assert by_name[t(lang, "reports.year.ind.satisfaction")][4:6] == ["4.50", "4.00"]
    text = body_text(doc)
    assert t(lang, "reports.year.met", items=", ".join(
        t(lang, f"reports.year.ind.{k}") for k in ("share_active", "satisfaction"))) in text  # fmt: skip
    # every club's trajectory, and one table per quarter with every club of that quarter
    trajectory = table_starting(doc, t(lang, "reports.col.rank"), t(lang, "reports.col.club"))
    assert [r[1] for r in trajectory[1:]] == ["Quantum Hardware Club", "Battery Club", "AI Safety Club", "Robot Club"]
    assert trajectory[3][1] == "AI Safety Club" and trajectory[3][3:8] == ["—", "23.1", "13.9", "27.1", "21.4"]
    assert trajectory[4][3:7] == ["17.6", "0.0", "—", "—"]  # Robot Club closed in May
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 2"]
    assert [h for h in headings if h.startswith("2026")] == [
        t(lang, "reports.period.quarter", year=2026, number=n) for n in range(1, 5)
    ]


@pytest.mark.parametrize("lang", LANGS)
def test_the_document_names_the_outstanding_clubs_with_evidence_and_the_changes(built, lang):
    doc = document(built, lang)
    text = body_text(doc)
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 2"]
    assert "Quantum Hardware Club" in headings and "Battery Club" not in headings
    assert t(lang, "reports.year.outstanding_line", rank="1", score="60.4", field=t(lang, "field.quantum"),
             members="3", quarters=", ".join(t(lang, "reports.period.quarter", year=2026, number=n)
                                             for n in range(1, 5))) in text  # fmt: skip
    q2 = t(lang, "reports.period.quarter", year=2026, number=2)
    assert f"{q2}: NRF proposal funded" in text  # the leaders' own words, by quarter
    evidence = [
        [c.text for c in row.cells]
        for table in doc.tables
        for row in table.rows
        if row.cells[0].text == t(lang, "output.type.paper") and "Spin qubit coherence" in row.cells[1].text
    ]
    assert evidence and "10.1000/spin.2026" in evidence[0][-1]
    q1, q4 = (t(lang, "reports.period.quarter", year=2026, number=n) for n in (1, 4))
    changes = table_starting(doc, t(lang, "reports.col.figure"), q1, q4, t(lang, "reports.col.change"))
    row = next(r for r in changes if r[0] == t(lang, "reports.year.change.updates"))
    assert row[1:] == ["3", "10", "+7 (+233%)"]
    assert t(lang, "reports.year.new_clubs", first=q1, clubs="AI Safety Club, Battery Club") in text
    assert t(lang, "reports.year.gone_clubs", first=q1, clubs="Robot Club") in text
    surveys = table_starting(doc, t(lang, "reports.col.meeting"))
    assert surveys[1][2:] == ["2", "4.50", "4.00", "5.00", "3.00"]


def test_the_workbook_holds_every_table_with_numbers_as_numbers(built):
    folder, report = built
    [xlsx] = [f for f in report.files if f.kind == "xlsx"]
    assert xlsx.lang == "ko"  # the first language unless told
    workbook = load_workbook(io.BytesIO((folder / xlsx.path).read_bytes()), read_only=True)
    sheets = {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in workbook.worksheets}
    indicators = sheets[t("ko", "reports.year.sheet.indicators")]
    updates = next(r for r in indicators if r[0] == t("ko", "reports.year.ind.updates"))
    assert updates[1:7] == [3, 4, 8, 10, 25, 200]
    trajectory = sheets[t("ko", "reports.year.sheet.trajectory")]
    assert [r[1] for r in trajectory[1:]] == ["Quantum Hardware Club", "Battery Club", "AI Safety Club", "Robot Club"]
    assert trajectory[4][4:8] == [pytest.approx(17.59, abs=0.01), 0, None, None]  # Robot Club: Q1 and Q2 only
    quarters = sheets[t("ko", "reports.year.sheet.quarters")]
    assert len(quarters) == 1 + 2 + 3 + 3 + 3  # one row per club and quarter
    outputs = sheets[t("ko", "reports.year.sheet.outputs")]
    assert sorted(r[2] for r in outputs[1:]) == ["NRF joint proposal", "Red-teaming benchmarks", "Spin qubit coherence"]


def test_the_summary_and_the_files_are_named_for_the_year(built):
    _, report = built
    assert report.period.key == "2026" and report.scope == "program"
    assert report.summary["updates"] == 25 and report.summary["papers"] == 2
    assert report.summary["outstanding"] == [["Quantum Hardware Club", 60.4]]
    paths = sorted(f.path for f in report.files)
    assert "2026/program/report-2026-program-ko.docx" in paths and "2026/program/report-2026-program-en.docx" in paths
    assert "2026/program/report-2026-program-indicators-en.png" in paths
    titles = {f.title(report.period) for f in report.files if f.kind == "docx"}
    assert titles == {"2026년 연간 프로그램 보고서 (한국어)", "Annual program report 2026 (English)"}
