"""The printed reports as a reader sees them: each edition converted to PDF by LibreOffice, then read page by
page with pdfplumber. No word in a table cell is broken across lines, a table continued on a new page repeats
its header, every page after the cover carries "n / N", no text lies on a figure, the cover says when the
report is provisional.

These tests need LibreOffice (`soffice`); where it is absent they skip, saying so, unless
`CLUBBOT_REQUIRE_LIBREOFFICE=1` (set by `.ci/run`), which makes its absence a failure.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from docx import Document

from bot.domain import FieldKey, Language
from bot.i18n import t
from bot.reports.build import FolderSink, build_club, build_program
from bot.reports.rows import ClubRow
from bot.reports.settings import load_report_settings
from tests.reports.data import dataset, seoul

SETTINGS = load_report_settings()
BUILT_AT = datetime(2027, 1, 4, 1, tzinfo=UTC)
MID_QUARTER = datetime(2026, 11, 20, 3, tzinfo=UTC)
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")

pdfplumber = pytest.importorskip("pdfplumber")

if SOFFICE is None:
    if os.environ.get("CLUBBOT_REQUIRE_LIBREOFFICE") == "1":
        raise RuntimeError("CLUBBOT_REQUIRE_LIBREOFFICE=1 but LibreOffice (soffice) is not installed")
    pytestmark = pytest.mark.skip(reason="LibreOffice (soffice) is not installed: the PDF layout is not checked")

FIELDS = list(FieldKey)
NAMES = (
    "Quantum Hardware Club",
    "자원·환경·건설·에너지 연구회",
    "Neuromorphic Computing Working Group",
    "기초과학 교류 모임",
)


def many_clubs():
    """The hand-made quarter and 60 quiet clubs more, with long names, so tables run over several pages."""
    base = dataset()
    extra = tuple(
        ClubRow(
            100 + i,
            f"{NAMES[i % 4]} {i}",
            FIELDS[i % len(FIELDS)],
            "ko",
            f"C{i}",
            f"xlab-{i}",
            "active",
            seoul(2026, 8, 1),
        )
        for i in range(60)
    )
    return replace(base, clubs=base.clubs + extra)


def to_pdf(docx: Path) -> Path:
    profile = docx.parent / ".lo-profile"
    subprocess.run(
        [SOFFICE or "soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(docx.parent), str(docx)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    return docx.with_suffix(".pdf")


@pytest.fixture(scope="module")
def editions(tmp_path_factory):
    folder = tmp_path_factory.mktemp("layout")
    program = build_program(many_clubs(), SETTINGS, FolderSink(folder), built_at=BUILT_AT)
    club = build_club(dataset(), SETTINGS, 1, FolderSink(folder), built_at=BUILT_AT)
    made = {}
    for f in program.files + club.files:
        if f.kind == "docx":
            made[("program" if f in program.files else "club", f.lang)] = (folder / f.path, to_pdf(folder / f.path))
    return made


def words_of_cells(docx: Path) -> set[str]:
    """Every word of every table cell, and its pieces where a line may break inside it: after a middle dot,
    slash, hyphen or exclamation mark ("교류·" / "방문"), as in print."""
    words: set[str] = set()
    for table in Document(str(docx)).tables:
        for row in table.rows:
            for cell in row.cells:
                for word in cell.text.split():
                    pieces = re.split(r"(?<=[·/\-–!|])", word)
                    words.add(word)
                    words.update(
                        "".join(pieces[i:j]) for i in range(len(pieces)) for j in range(i + 1, len(pieces) + 1)
                    )
    return words


EDITIONS = [(k, lang) for k in ("program", "club") for lang in ("ko", "en")]


@pytest.mark.parametrize(("kind", "lang"), EDITIONS)
def test_no_word_in_a_table_cell_is_broken_across_lines(editions, kind, lang):
    docx, pdf = editions[(kind, lang)]
    words = words_of_cells(docx)
    broken = []
    with pdfplumber.open(pdf) as document:
        for page in document.pages:
            for table in page.extract_tables():
                for row in table:
                    for cell in row:
                        for line in (cell or "").split("\n"):
                            broken += [(page.page_number, w) for w in line.split() if w not in words]
    assert not broken, f"pieces of words in table cells: {broken[:10]}"


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_a_table_continued_on_a_new_page_repeats_its_header(editions, lang):
    _, pdf = editions[("program", lang)]
    header = [t(lang, f"reports.col.{c}") for c in ("club", "updates", "meetings", "outputs_worked", "share_active")]
    pages_with_rows = []
    with pdfplumber.open(pdf) as document:
        for page in document.pages:
            for table in page.extract_tables():
                cells = [[(c or "").replace("\n", " ") for c in row] for row in table]
                if any(row and re.search(r" \d+$", row[0]) and row[0].split(" ")[0] in " ".join(NAMES)
                       for row in cells):  # fmt: skip
                    pages_with_rows.append((page.page_number, cells[0]))
    inactive = [(n, first) for n, first in pages_with_rows if len(first) == len(header)]
    assert len(inactive) >= 2, "the inactive clubs' table should run over more than one page"
    assert all(first == header for _, first in inactive), inactive


@pytest.mark.parametrize(("kind", "lang"), EDITIONS)
def test_every_page_after_the_cover_is_numbered_n_of_total(editions, kind, lang):
    _, pdf = editions[(kind, lang)]
    with pdfplumber.open(pdf) as document:
        total = len(document.pages)
        assert total >= 3
        for page in document.pages[1:]:
            assert f"{page.page_number} / {total}" in (page.extract_text() or ""), page.page_number


@pytest.mark.parametrize(("kind", "lang"), EDITIONS)
def test_no_text_lies_on_a_figure(editions, kind, lang):
    _, pdf = editions[(kind, lang)]
    figures = 0
    with pdfplumber.open(pdf) as document:
        for page in document.pages:
            for image in page.images:
                figures += 1
                inside = [
                    c["text"] for c in page.chars
                    if c["x1"] > image["x0"] + 1 and c["x0"] < image["x1"] - 1
                    and c["bottom"] > image["top"] + 1 and c["top"] < image["bottom"] - 1
                ]  # fmt: skip
                assert not inside, (page.page_number, "".join(inside)[:60])
    assert figures >= 1


@pytest.mark.parametrize(("kind", "lang"), EDITIONS)
def test_the_cover_names_program_quarter_and_date_and_the_contents_list_the_chapters(editions, kind, lang):
    _, pdf = editions[(kind, lang)]
    with pdfplumber.open(pdf) as document:
        cover = document.pages[0].extract_text() or ""
        contents = document.pages[1].extract_text() or ""
    assert t(lang, "reports.doc.cover_program") in cover.replace("\n", " ")
    assert t(lang, "reports.period.quarter", year=2026, number=4) in cover
    assert t(lang, "reports.doc.provisional", built="").split(":")[0] not in cover  # built after the quarter
    assert t(lang, "reports.doc.contents") in contents
    chapter = t(lang, "reports.doc.h_summary" if kind == "program" else "reports.doc.h_profile")
    assert re.search(re.escape(chapter) + r"[ .]*\d+", contents), contents


def test_a_report_built_mid_quarter_says_provisional_and_counts_age_to_that_day(tmp_path):
    club = build_club(dataset(), SETTINGS, 1, FolderSink(tmp_path), built_at=MID_QUARTER)
    for f in club.files:
        if f.kind != "docx":
            continue
        document = Document(str(tmp_path / f.path))
        lang = Language(f.lang)
        text = "\n".join(p.text for p in document.paragraphs)
        assert t(lang, "reports.doc.provisional", built="").split(":")[0] in text
        profile = {r.cells[0].text: r.cells[1].text for r in document.tables[0].rows}
        # created 20 September (Seoul), built 20 November: 62 days, not 103 to the quarter's end
        assert profile[t(lang, "reports.col.age_days")] == t(lang, "reports.doc.days", count="62")
