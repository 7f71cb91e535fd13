"""The printed annual report as a reader sees it, as `test_layout.py` checks the quarterly one: each edition
converted to PDF by LibreOffice and read page by page with pdfplumber. The seeded year plus forty quiet clubs
with long names, so the quarter tables run over pages: no word in a table cell broken, no table wider than the
text, a continued table repeats its header, every page after the cover numbered "n / N", no text on a figure,
Hangul set in a Korean font, the cover and the contents.

Skipped without LibreOffice unless `CLUBBOT_REQUIRE_LIBREOFFICE=1`, as the quarterly layout tests are.
"""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime

import pytest

from bot.i18n import t
from bot.reports.build import FolderSink
from bot.reports.build_year import build_year
from bot.reports.docx_layout import MARGIN_CM
from bot.reports.load import load_year
from bot.reports.settings import load_report_settings
from tests.conftest import empty_all_tables
from tests.reports.data import SEOUL
from tests.reports.test_layout import SOFFICE, to_pdf, words_of_cells
from tests.reports.year_data import seed_quiet_clubs, seed_year

pdfplumber = pytest.importorskip("pdfplumber")

if SOFFICE is None:
    if os.environ.get("CLUBBOT_REQUIRE_LIBREOFFICE") == "1":
        raise RuntimeError("CLUBBOT_REQUIRE_LIBREOFFICE=1 but LibreOffice (soffice) is not installed")
    pytestmark = pytest.mark.skip(reason="LibreOffice (soffice) is not installed: the PDF layout is not checked")

SETTINGS = load_report_settings()
BUILT_AT = datetime(2027, 1, 4, 1, tzinfo=UTC)
LANGS = ["ko", "en"]
POINTS_PER_CM = 72 / 2.54


@pytest.fixture(scope="module")
def editions(session_database, tmp_path_factory):
    empty_all_tables(session_database)
    with session_database.session() as session:
        seed_year(session)
        seed_quiet_clubs(session)
    with session_database.session() as session:
        data = load_year(session, 2026, SEOUL)
    empty_all_tables(session_database)
    folder = tmp_path_factory.mktemp("year-layout")
    report = build_year(data, SETTINGS, FolderSink(folder), built_at=BUILT_AT)
    return {f.lang: (folder / f.path, to_pdf(folder / f.path)) for f in report.files if f.kind == "docx"}


@pytest.mark.parametrize("lang", LANGS)
def test_no_word_in_a_table_cell_is_broken_and_no_table_is_wider_than_the_text(editions, lang):
    docx, pdf = editions[lang]
    words = words_of_cells(docx)
    broken, wide = [], []
    with pdfplumber.open(pdf) as document:
        for page in document.pages:
            left, right = MARGIN_CM * POINTS_PER_CM - 2, page.width - MARGIN_CM * POINTS_PER_CM + 2
            for table in page.find_tables():
                x0, _, x1, _ = table.bbox
                if x0 < left or x1 > right:
                    wide.append((page.page_number, round(x0), round(x1)))
                for row in table.extract():
                    for cell in row:
                        for line in (cell or "").split("\n"):
                            broken += [(page.page_number, w) for w in line.split() if w not in words]
    assert not broken, f"pieces of words in table cells: {broken[:10]}"
    assert not wide, f"tables over the margins: {wide[:5]}"


@pytest.mark.parametrize("lang", LANGS)
def test_a_club_table_continued_on_a_new_page_repeats_its_header(editions, lang):
    _, pdf = editions[lang]
    quarters = [t(lang, "reports.period.quarter", year=2026, number=n) for n in range(1, 5)]
    trajectory = [*(t(lang, f"reports.col.{c}") for c in ("rank", "club", "field")), *quarters,
                  t(lang, "reports.year.col.mean_score")]  # fmt: skip
    quarter = [t(lang, f"reports.col.{c}") for c in ("rank", "club", "members", "share_active", "updates", "meetings",
                                                     "outputs_achieved", "score")]  # fmt: skip
    firsts = []
    with pdfplumber.open(pdf) as document:
        for page in document.pages:
            for table in page.extract_tables():
                cells = [[(c or "").replace("\n", " ") for c in row] for row in table]
                if len(cells[0]) == 8 and any(re.search(r" \d+$", r[1] or "") for r in cells[1:]):  # a quiet club
                    firsts.append((page.page_number, cells[0]))
    assert all(first in (trajectory, quarter) for _, first in firsts), firsts
    assert len({n for n, first in firsts if first == trajectory}) >= 2, "43 clubs run over more than one page"
    assert len({n for n, first in firsts if first == quarter}) >= 5, "so do the quarter tables"


@pytest.mark.parametrize("lang", LANGS)
def test_every_page_after_the_cover_is_numbered_and_carries_the_running_header(editions, lang):
    _, pdf = editions[lang]
    title = t(lang, "reports.year.title", year=2026)
    with pdfplumber.open(pdf) as document:
        total = len(document.pages)
        assert total >= 6
        for page in document.pages[1:]:
            text = page.extract_text() or ""
            assert f"{page.page_number} / {total}" in text, page.page_number
            assert title.replace(" ", "") in text.replace(" ", ""), page.page_number


@pytest.mark.parametrize("lang", LANGS)
def test_no_text_lies_on_a_figure(editions, lang):
    _, pdf = editions[lang]
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
    assert figures == 2  # the indicators' small multiples and the clubs' trajectories


def test_hangul_is_set_in_a_korean_font_and_nothing_is_missing(editions):
    _, pdf = editions["ko"]
    hangul_fonts, missing = set(), []
    with pdfplumber.open(pdf) as document:
        for page in document.pages:
            for char in page.chars:
                if "\uac00" <= char["text"] <= "\ud7a3":
                    hangul_fonts.add(char["fontname"].split("+")[-1])
                if char["text"] in ("\ufffd", "\u25a1") or char["text"].startswith("(cid:"):
                    missing.append((page.page_number, char["text"]))
        text = "\n".join(page.extract_text() or "" for page in document.pages)
    assert hangul_fonts and all(re.search(r"CJK|Nanum|Gothic", f, re.I) for f in hangul_fonts), hangul_fonts
    assert not missing, missing[:10]
    for key in ("reports.year.h_targets", "reports.year.h_outstanding", "reports.year.h_changes"):
        assert t("ko", key).replace(" ", "") in text.replace(" ", "")


@pytest.mark.parametrize("lang", LANGS)
def test_the_cover_names_the_program_and_the_year_and_the_contents_list_the_chapters(editions, lang):
    _, pdf = editions[lang]
    with pdfplumber.open(pdf) as document:
        cover = document.pages[0].extract_text() or ""
        contents = document.pages[1].extract_text() or ""
    assert t(lang, "reports.doc.cover_program") in cover.replace("\n", " ")
    assert t(lang, "reports.doc.cover_quarter", period=t(lang, "reports.period.year", year=2026)) in cover
    assert t(lang, "reports.year.provisional", built="").split(":")[0] not in cover  # built after the year
    assert t(lang, "reports.doc.contents") in contents
    for chapter in ("reports.year.h_targets", "reports.year.h_clubs", "reports.year.h_changes"):
        assert re.search(re.escape(t(lang, chapter)) + r"[ .]*\d+", contents), (chapter, contents)
