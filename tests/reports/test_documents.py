"""The Word and Excel files carry exactly the computed figures, in Korean and English; charts draw Hangul in
the project's Korean font; text typed by members never becomes a spreadsheet formula."""

from __future__ import annotations

import io
import re
import warnings
from datetime import UTC, datetime

import pytest
from docx import Document
from docx.oxml.ns import qn
from openpyxl import load_workbook

from bot.domain import Language
from bot.i18n import t
from bot.reports import charts, xlsx
from bot.reports.build import FolderSink, build_club, build_program
from bot.reports.docx_program import summary_rows
from bot.reports.figures import program_figures
from bot.reports.fonts import CHART_FAMILY, register_chart_fonts
from bot.reports.settings import load_report_settings
from bot.reports.text import period_label
from tests.reports.data import Q4, dataset

SETTINGS = load_report_settings()
BUILT_AT = datetime(2027, 1, 4, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("reports")
    program = build_program(dataset(), SETTINGS, FolderSink(folder), built_at=BUILT_AT)
    club = build_club(dataset(), SETTINGS, 1, FolderSink(folder), built_at=BUILT_AT)
    return folder, program, club


def workbook_of(lang):
    return load_workbook(io.BytesIO(xlsx.write_workbook(program_figures(dataset(), SETTINGS), dataset(), lang)))


def path_of(folder, report, kind, lang, contains=""):
    [file] = [f for f in report.files if f.kind == kind and f.lang == lang and contains in f.path]
    return folder / file.path


def table_texts(document):
    return [[[cell.text for cell in row.cells] for row in table.rows] for table in document.tables]


@pytest.mark.parametrize("lang", [Language.KO, Language.EN])
def test_the_program_document_shows_the_computed_figures(built, lang):
    folder, report, _ = built
    document = Document(path_of(folder, report, "docx", lang.value))
    program = program_figures(dataset(), SETTINGS)
    summary = table_texts(document)[0]
    assert summary[0] == [
        t(lang, "reports.col.figure"),
        period_label(Q4, lang),
        period_label(Q4.previous(), lang),
        t(lang, "reports.col.change"),
    ]
    assert [tuple(row) for row in summary[1:]] == summary_rows(program, lang)
    rows = {row[0]: row[1:] for row in summary[1:]}
    # the figures worked by hand in test_figures, as each language writes them
    assert rows[t(lang, "reports.sum.members")][0] == "5"
    # only figures known for both quarters are compared, as the same figure then and now
    assert rows[t(lang, "reports.sum.active_members")] == ["3", "1", "+2 (+200%)"]
    assert rows[t(lang, "reports.sum.messages")] == ["9", "2", "+7 (+350%)"]
    assert rows[t(lang, "reports.sum.share_active")] == ["50%", "—", "—"]
    assert rows[t(lang, "reports.sum.joined")] == ["3", "—", "—"]
    assert rows[t(lang, "reports.sum.survey")] == ["4.50", "—", "—"]
    assert rows[t(lang, "reports.sum.survey_responses")][0] == "2"
    assert rows[t(lang, "reports.sum.mean_score")][0] == "26.1"
    ranking = next(tb for tb in table_texts(document) if tb[0][0] == t(lang, "reports.col.rank"))
    assert [(r[1], r[-1]) for r in ranking[1:]] == [("Quantum Hardware Club", "52.2"), ("AI Safety Club", "0.0")]
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Quantum Hardware Club" in text and t(lang, "reports.doc.h_outstanding") in text
    # names as registered: the Korean name in the Korean edition, else the English one
    casebook = next(
        tb for tb in table_texts(document) if tb[0][:2] == [t(lang, "reports.col.club"), t(lang, "reports.col.type")]
    )
    assert casebook[1][4] == ("김하늘, Lieven Vandersypen" if lang == "ko" else "Haneul Kim, Lieven Vandersypen")


@pytest.mark.parametrize("lang", [Language.KO, Language.EN])
def test_the_clubs_document_shows_its_figures(built, lang):
    folder, _, report = built
    document = Document(path_of(folder, report, "docx", lang.value))
    tables = table_texts(document)
    profile = dict(tuple(row) for row in tables[0][1:])
    assert profile[t(lang, "reports.col.leaders")] == ("김하늘" if lang == "ko" else "Haneul Kim")
    assert profile[t(lang, "reports.col.area")] == t(lang, "area.basics")  # quantum belongs to Basic Sciences (기초)
    assert profile[t(lang, "reports.col.channel")] == "#xlab-quantum"
    engagement = next(tb for tb in tables if tb[0][0] == t(lang, "reports.col.figure"))
    assert engagement[1][1:] == ["3", "1", "+2 (+200%)"]
    assert engagement[2][1:] == ["9", "2", "+7 (+350%)"]
    score = tables[-1]
    assert score[-1][-1] == "52.2"
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Paper published" in text and "Travel support" in text  # the leaders' narrative


@pytest.mark.parametrize("lang", [Language.KO, Language.EN])
def test_styles_name_an_east_asian_font_so_korean_renders(built, lang):
    folder, report, _ = built
    document = Document(path_of(folder, report, "docx", lang.value))
    for name in ("Normal", "Title", "Heading 1", "Heading 2", "Table Grid"):
        fonts = document.styles[name].element.rPr.find(qn("w:rFonts"))
        assert fonts.get(qn("w:eastAsia")) == "Malgun Gothic", name
        assert fonts.get(qn("w:eastAsiaTheme")) is None, name  # a theme font would override it
    defaults = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    assert defaults.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "Malgun Gothic"
    assert defaults.find(qn("w:lang")).get(qn("w:eastAsia")) == "ko-KR"


@pytest.mark.parametrize("lang", [Language.KO, Language.EN])
def test_the_workbook_has_a_sheet_per_table_with_the_computed_figures(built, lang):
    workbook = workbook_of(lang)
    names = ["clubs", "score", "fields", "members", "outputs", "activities", "engagement", "survey", "narratives"]
    names.append("survey_comments")
    assert workbook.sheetnames == [t(lang, f"reports.sheet.{n}") for n in ["about", *names]]

    def rows(sheet):
        values = list(workbook[t(lang, f"reports.sheet.{sheet}")].iter_rows(values_only=True))
        header = values[0]
        return [dict(zip(header, row, strict=True)) for row in values[1:]]

    col = lambda c: t(lang, f"reports.col.{c}")  # noqa: E731
    clubs = rows("clubs")
    assert [(r[col("club")], r[col("score")]) for r in clubs] == [
        ("Quantum Hardware Club", 52.23),
        ("AI Safety Club", 0),
    ]
    quantum = clubs[0]
    assert (quantum[col("members")], quantum[col("joined")], quantum[col("left")], quantum[col("pending")]) == (
        3,
        1,
        1,
        1,
    )
    assert (quantum[col("updates")], quantum[col("meetings")], quantum[col("output_points")]) == (2, 1, 1.12)
    assert (quantum[col("active_members")], quantum[col("share_active")], quantum[col("satisfaction")]) == (
        3,
        0.75,
        4.5,
    )
    engagement = rows("engagement")[0]
    assert (
        engagement[col("members_in_period")],
        engagement[col("messages")],
        engagement[col("previous_messages")],
    ) == (4, 9, 2)
    assert len(rows("members")) == 5 and len(rows("outputs")) == 3
    assert len(rows("activities")) == 3  # two updates and one meeting of Q4
    activities = rows("activities")
    summaries = [r[col("summary")] for r in activities]
    assert summaries == ["Cryostat wiring done 🎉", "큐비트 결맞음 시간 측정 완료", "Kick-off"]  # update texts too
    assert [r[col("date")] for r in activities][:1] == [datetime(2026, 10, 1)]  # a date cell, not text
    sheet = workbook[t(lang, "reports.sheet.clubs")]
    share = next(c for c in sheet[2] if sheet.cell(1, c.column).value == col("share_active"))
    assert (share.value, share.number_format) == (0.75, "0.0%")  # a ratio, shown as a percentage
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref.startswith("A1:")
    assert sheet.column_dimensions["B"].width >= len("Quantum Hardware Club")
    about = list(workbook[t(lang, "reports.sheet.about")].iter_rows(values_only=True))
    assert (t(lang, "reports.sheet.clubs"), col("share_active"), t(lang, "reports.colkind.percent")) in about
    assert [r[col("component")] for r in rows("score")][:5] == [
        t(lang, f"reports.component.{c}") for c in ("activity", "engagement", "outputs", "meetings", "satisfaction")
    ]


def test_the_program_report_has_one_workbook_in_the_first_language(built):
    folder, report, _ = built
    assert [(f.kind, f.lang) for f in report.files if f.kind == "xlsx"] == [("xlsx", "ko")]
    workbook = load_workbook(path_of(folder, report, "xlsx", "ko"))
    assert workbook.sheetnames[:2] == ["안내", "클럽"]  # the sheet explaining the others comes first


def test_text_typed_by_members_never_becomes_a_formula():
    workbook = workbook_of(Language.EN)
    titles = list(workbook[t("en", "reports.sheet.outputs")]["C"])
    cell = next(c for c in titles if str(c.value).startswith("=cmd"))
    assert cell.data_type == "s" and cell.value == "=cmd|' /C calc'!A0"
    name = next(c for c in workbook[t("en", "reports.sheet.members")]["B"] if str(c.value).startswith("=HYPERLINK"))
    assert name.data_type == "s"
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            assert all(c.data_type != "f" for c in row), sheet.title


def test_charts_draw_hangul_in_the_projects_korean_font():
    from matplotlib import font_manager

    family = register_chart_fonts()
    assert family == CHART_FAMILY
    found = font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)
    assert found.endswith("NanumGothic.ttf")  # the file shipped by the pinned package, not a system font
    program = program_figures(dataset(), SETTINGS)
    figure = charts.bar_chart(
        ["양자 하드웨어 클럽", "인공지능"], [52.2, 0.0], axis_label="점수 (100점 만점)", horizontal=True
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph ... missing from font(s)" for a box
        pdf = charts.render(figure, "pdf")
        png = charts.scores_chart(program, Language.KO)
    assert png.startswith(b"\x89PNG")
    embedded = set(re.findall(rb"/BaseFont /([A-Za-z0-9+-]+)", pdf))
    assert any(name.endswith(b"NanumGothic") for name in embedded), embedded


def _document_text(path) -> str:
    document = Document(path)
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


@pytest.mark.parametrize("lang", [Language.KO, Language.EN])
def test_survey_comments_are_only_in_the_secretariats_edition(built, lang):
    """The survey promises its comments to the secretariat: the club's report (sent to its leaders, by DM, in
    their channel or on request) says only that they exist; the program workbook (the secretariat's) has them."""
    folder, program, club = built
    club_text = _document_text(path_of(folder, club, "docx", lang.value))
    assert "Great meeting" not in club_text
    assert t(lang, "reports.doc.comments_secretariat") in club_text
    assert "Great meeting" not in _document_text(path_of(folder, program, "docx", lang.value))
    assert "Great meeting" not in str(club.summary) and "Great meeting" not in str(program.summary)
    sheet = workbook_of(lang)[t(lang, "reports.sheet.survey_comments")]
    assert list(sheet.iter_rows(values_only=True))[1:] == [("Quantum Hardware Club", "Great meeting")]


@pytest.mark.parametrize("lang", [Language.KO, Language.EN])
def test_the_clubs_document_shows_update_texts_meeting_recorders_and_plans(built, lang):
    folder, _, report = built
    document = Document(path_of(folder, report, "docx", lang.value))
    tables = table_texts(document)
    updates = next(tb for tb in tables if tb[0][-1] == t(lang, "reports.col.update"))
    assert [r[1:] for r in updates[1:]] == [
        ["Grace Park", "Cryostat wiring done "],  # the emoji is left out: the printed fonts have none
        ["김하늘" if lang == "ko" else "Haneul Kim", "큐비트 결맞음 시간 측정 완료"],  # as filed, in Korean
    ]
    meetings = next(tb for tb in tables if tb[0][-1] == t(lang, "reports.col.recorded_by"))
    assert meetings[1][-1] == ("김하늘" if lang == "ko" else "Haneul Kim")
    members = next(tb for tb in tables if tb[0][0] == t(lang, "reports.col.breakdown"))
    assert members[0][0] != t(lang, "reports.col.author")
    assert [r[1] for r in members[1:] if r[0] == t(lang, "reports.col.role")] == [
        t(lang, "reports.role.leader"),
        t(lang, "reports.role.member"),
    ]
    text = "\n".join(p.text for p in document.paragraphs)
    assert t(lang, "reports.doc.h_plans") in text
    assert "Workshop with the Delft group in March" in text


@pytest.mark.parametrize("lang", [Language.KO, Language.EN])
def test_captions_are_numbered_and_charts_only_compare(built, lang):
    folder, report, _ = built
    document = Document(path_of(folder, report, "docx", lang.value))
    captions = [p.text for p in document.paragraphs if p.text.startswith(t(lang, "reports.doc.caption.table") + " ")]
    assert captions[:3] == [
        f"{t(lang, 'reports.doc.caption.table')} 1. {t(lang, 'reports.doc.t_summary')}",
        f"{t(lang, 'reports.doc.caption.table')} 2. {t(lang, 'reports.doc.t_papers')}",
        f"{t(lang, 'reports.doc.caption.table')} 3. {t(lang, 'reports.doc.t_fields')}",
    ]
    assert [f.kind for f in report.files if f.lang == lang.value].count("png") == 3


def test_english_plurals_and_role_labels():
    assert text_of("en", "reports.sum.responses", 1) == "1 response"
    assert text_of("en", "reports.sum.responses", 2) == "2 responses"
    assert text_of("en", "reports.doc.days", 1) == "1 day"
    assert t("en", "reports.role.leader") == "Leader"


def text_of(lang, key, count):
    return t(lang, key, count=count)


def _with_papers():
    """The test dataset with a discovered international joint paper of club 1 and a member with an ORCID iD."""
    from dataclasses import replace

    from bot.domain import OutputType
    from bot.reports.rows import OutputRow
    from tests.reports.data import seoul

    data = dataset()
    found = OutputRow(
        4, 1, OutputType.PAPER, "Found through OpenAlex", "published", seoul(2026, 11, 2, 9),
        doi="10.1000/found.1", source="discovered", international=True,
    )  # fmt: skip
    people = {**data.people, 2: replace(data.people[2], has_orcid=True)}
    return replace(data, outputs=(*data.outputs, found), people=people)


@pytest.mark.parametrize("lang", [Language.KO, Language.EN])
def test_the_reports_show_joint_papers_filed_and_discovered_and_members_with_orcid(built, lang):
    from bot.reports.docx_program import papers_table

    folder, report, _ = built
    document = Document(path_of(folder, report, "docx", lang.value))
    header, rows = papers_table(program_figures(dataset(), SETTINGS).papers, lang)
    table = next(tb for tb in table_texts(document) if tb[0] == header)
    assert [tuple(r) for r in table[1:]] == rows
    assert table[1] == [t(lang, "reports.papers.filed"), "1", "0"]  # the filed paper, not international
    assert table[2] == [t(lang, "reports.papers.discovered"), "0", "0"]

    data = _with_papers()
    program = program_figures(data, SETTINGS)
    _, rows = papers_table(program.papers, lang)
    assert rows[1] == (t(lang, "reports.papers.discovered"), "1", "1")
    assert rows[2] == (t(lang, "reports.papers.total"), "2", "1")
    assert rows[3][1] == f"1 / {program.papers.members}"
    workbook = load_workbook(io.BytesIO(xlsx.write_workbook(program, data, lang)))
    values = list(workbook[t(lang, "reports.sheet.clubs")].iter_rows(values_only=True))
    clubs = {row[1]: dict(zip(values[0], row, strict=True)) for row in values[1:]}
    col = lambda c: t(lang, f"reports.col.{c}")  # noqa: E731
    quantum = clubs["Quantum Hardware Club"]
    assert [quantum[col(c)] for c in ("papers_filed", "papers_filed_international")] == [1, 0]
    assert [quantum[col(c)] for c in ("papers_discovered", "papers_discovered_international")] == [1, 1]
    assert quantum[col("members_with_orcid")] == 1
    assert clubs["AI Safety Club"][col("papers_discovered")] == 0

    _, _, club_report = built
    club_text = "\n".join(p.text for p in Document(path_of(folder, club_report, "docx", lang.value)).paragraphs)
    papers = program_figures(dataset(), SETTINGS).clubs[0].papers
    assert (papers.filed, papers.discovered) == (1, 0)
    line = t(lang, "reports.summary.papers", filed="1", filed_international="0", discovered="0",
             discovered_international="0", orcid="0", members=str(papers.members))  # fmt: skip
    assert line in club_text
