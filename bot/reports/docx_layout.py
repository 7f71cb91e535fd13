"""The page layout of the Word documents: A4 pages with a running header and "n / N" page numbers, a cover,
a table of contents, numbered captions, and tables whose column widths come from their content.

What a reader of the printed page relies on, and how it is kept:

- **No word broken mid-word**: each column is at least as wide as its longest word (measured in the
  font's units: a Hangul syllable is about one em, a Latin letter about half), then the rest of the page
  width goes to the columns with the most text. Only a word longer than the page itself can break.
- **Header rows repeated** on every page a table continues on (`w:tblHeader`), **rows never split**
  (`w:cantSplit`), **numbers right-aligned** (a column whose every cell is a figure).
- **Table of contents**: one line per chapter with a `PAGEREF` field to a bookmark on its heading, so
  Word and LibreOffice both print the page the chapter starts on.
- **Emoji** are left out of the text: the fonts Word and LibreOffice substitute have none, and a box
  where a symbol was is worse than nothing.
"""

from __future__ import annotations

import re
import unicodedata
import weakref
from collections.abc import Sequence

from docx.document import Document as DocxDocument
from docx.enum.section import WD_SECTION_START
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table
from docx.text.paragraph import Paragraph

PAGE_WIDTH_CM = 21.0
PAGE_HEIGHT_CM = 29.7
MARGIN_CM = 2.0
TEXT_WIDTH_CM = PAGE_WIDTH_CM - 2 * MARGIN_CM
TABLE_FONT_PT = 9.0
CELL_PADDING_CM = 0.42  # left + right cell margins (0.19 cm each in "Table Grid") and a little air
HEADER_FILL = "E8EDF3"
ACCENT = RGBColor(0x1D, 0x35, 0x57)
TOC_MARK = "clubbot-toc"

_EMOJI = re.compile(
    "[\U0001f000-\U0001faff\U00002600-\U000027bf\U0001f900-\U0001f9ff\U00002b00-\U00002bff\ufe0f\u200d\u20e3]"
)
_FIGURE = re.compile(r"^[\s\d.,%+\-−–/()~]*\d[\s\d.,%+\-−–/()~]*$|^—$|^$")
_counters: weakref.WeakKeyDictionary[object, dict[str, int]] = weakref.WeakKeyDictionary()  # by document part


def clean(value: str) -> str:
    """Text without emoji (and without the joiners and variation selectors that build them)."""
    return _EMOJI.sub("", value) if value else value


def text_units(value: str) -> float:
    """The width of `value` in half-ems: a wide (East Asian) character counts 2, others 1 (bold ≈ +5%)."""
    return sum(2.0 if unicodedata.east_asian_width(ch) in ("W", "F", "A") else 1.12 for ch in value)


def _cm(units: float, font_pt: float) -> float:
    return units * font_pt * 0.5 * 0.0353 * 1.08  # half an em per unit, in cm, with a margin for wide letters


def column_widths(header: Sequence[str], rows: Sequence[Sequence[str]], total_cm: float = TEXT_WIDTH_CM,
                  font_pt: float = TABLE_FONT_PT) -> list[float]:  # fmt: skip
    """Widths (cm) summing to `total_cm`: each column at least its longest word, the rest by its text."""
    columns = len(header)
    least = [0.0] * columns
    wanted = [0.0] * columns
    for row in (header, *rows):
        for i, value in enumerate(row):
            words = value.split() or [""]
            least[i] = max(least[i], max(text_units(w) for w in words))
            wanted[i] = max(wanted[i], text_units(value))
    least_cm = [_cm(u, font_pt) + CELL_PADDING_CM for u in least]
    wanted_cm = [max(lc, _cm(u, font_pt) + CELL_PADDING_CM) for u, lc in zip(wanted, least_cm, strict=True)]
    if sum(least_cm) >= total_cm:  # words wider than the page: shrink them all alike (some must break)
        return [w * total_cm / sum(least_cm) for w in least_cm]
    if sum(wanted_cm) <= total_cm:  # everything fits on one line: share the spare width alike
        spare = (total_cm - sum(wanted_cm)) / columns
        return [w + spare for w in wanted_cm]
    spare = total_cm - sum(least_cm)
    extra = [w - lc for w, lc in zip(wanted_cm, least_cm, strict=True)]
    # the longest texts get the room, but not more than they want: fill the smallest wishes first
    widths = list(least_cm)
    open_columns = [i for i in range(columns) if extra[i] > 0]
    while open_columns and spare > 1e-6:
        share = spare / len(open_columns)
        small = [i for i in open_columns if extra[i] <= share]
        if not small:
            weight = sum(extra[i] for i in open_columns)
            for i in open_columns:
                widths[i] += spare * extra[i] / weight
            break
        for i in small:
            widths[i] += extra[i]
            spare -= extra[i]
            open_columns.remove(i)
    return widths


def table_font(header: Sequence[str], rows: Sequence[Sequence[str]], total_cm: float = TEXT_WIDTH_CM) -> float:
    """The table's font size: 9 pt, or smaller (down to 7 pt) when its longest words do not fit otherwise."""
    least = [
        max((text_units(w) for v in column for w in v.split()), default=0.0)
        for column in zip(header, *rows, strict=True)
    ]
    for size in (TABLE_FONT_PT, 8.0, 7.5, 7.0):
        if sum(_cm(u, size) + CELL_PADDING_CM for u in least) <= total_cm:
            return size
    return 7.0


def is_figure(value: str) -> bool:
    """A count, ratio, score or change ("12", "50%", "+2 (+200%)", "1 / 2"), not a date ("2026. 10. 15.")."""
    return bool(_FIGURE.match(value)) and value.count(". ") < 2


def _set_cell_width(tc: BaseOxmlElement, width_cm: float) -> None:
    tcpr = tc.get_or_add_tcPr()
    tcw = tcpr.find(qn("w:tcW"))
    if tcw is None:
        tcw = OxmlElement("w:tcW")
        tcpr.insert(0, tcw)
    tcw.set(qn("w:w"), str(int(width_cm * 567)))
    tcw.set(qn("w:type"), "dxa")


def _shade(tc: BaseOxmlElement, fill: str) -> None:
    tcpr = tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    tcpr.append(shading)


def _row_flags(tr: object, *, header: bool) -> None:
    trpr = tr.get_or_add_trPr()  # type: ignore[attr-defined]
    trpr.append(OxmlElement("w:cantSplit"))
    if header:
        trpr.append(OxmlElement("w:tblHeader"))


TABLE_STYLE = "Table Text"
TABLE_STYLE_ID = "TableText"


def _table_text_style(document: DocxDocument) -> None:
    """A paragraph style for table cells (9 pt, no space after, tight leading), added once per document:
    cells name it rather than each carrying its own formatting (a report has thousands of cells)."""
    styles = document.styles
    if any(s.style_id == TABLE_STYLE_ID for s in styles if s.type == WD_STYLE_TYPE.PARAGRAPH):
        return
    style = styles.add_style(TABLE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = styles["Normal"]
    style.font.size = Pt(TABLE_FONT_PT)
    style.paragraph_format.space_after = Pt(0)
    style.paragraph_format.space_before = Pt(0)
    style.paragraph_format.line_spacing = 1.1


def _fill(tc: BaseOxmlElement, value: str, *, bold: bool, right: bool, font_pt: float) -> None:
    """The cell's one paragraph, written as XML: the style, the alignment, one run."""
    p = tc.find(qn("w:p"))
    ppr = OxmlElement("w:pPr")
    style = OxmlElement("w:pStyle")
    style.set(qn("w:val"), TABLE_STYLE_ID)
    ppr.append(style)
    if right:
        jc = OxmlElement("w:jc")
        jc.set(qn("w:val"), "right")
        ppr.append(jc)
    p.insert(0, ppr)
    if not value:
        return
    r = OxmlElement("w:r")
    if bold or font_pt != TABLE_FONT_PT:
        rpr = OxmlElement("w:rPr")
        if bold:
            rpr.append(OxmlElement("w:b"))
        if font_pt != TABLE_FONT_PT:
            size = OxmlElement("w:sz")
            size.set(qn("w:val"), str(round(font_pt * 2)))
            rpr.append(size)
        r.append(rpr)
    t = OxmlElement("w:t")
    t.set(qn("xml:space"), "preserve")
    t.text = value
    r.append(t)
    p.append(r)


def table(document: DocxDocument, header: Sequence[str], rows: Sequence[Sequence[str]]) -> Table:
    """A grid as wide as the text, its columns as wide as their content needs, the header on every page."""
    _table_text_style(document)
    rows = [[clean(v) for v in row] for row in rows]
    font_pt = table_font(header, rows)
    widths = column_widths(header, rows, font_pt=font_pt)
    figures = [bool(rows) and all(is_figure(r[i]) for r in rows) for i in range(len(header))]
    grid = document.add_table(rows=1 + len(rows), cols=len(header))
    grid.style = "Table Grid"
    grid.autofit = False
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    tblpr = grid._tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tblpr.append(layout)
    for column, width in zip(grid._tbl.tblGrid.findall(qn("w:gridCol")), widths, strict=True):
        column.set(qn("w:w"), str(int(width * 567)))
    for r, (tr, values) in enumerate(zip(grid._tbl.tr_lst, (header, *rows), strict=True)):
        _row_flags(tr, header=r == 0)
        for i, (tc, value) in enumerate(zip(tr.tc_lst, values, strict=True)):
            _set_cell_width(tc, widths[i])  # straight on the XML: `row.cells` recomputes the grid each call
            _fill(tc, value, bold=r == 0, right=figures[i], font_pt=font_pt)
            if r == 0:
                _shade(tc, HEADER_FILL)
    document.add_paragraph().paragraph_format.space_after = Pt(2)  # air below the bottom border
    return grid


# --- captions --------------------------------------------------------------------------------------------------


def caption(document: DocxDocument, label: str, title: str, *, before: bool) -> Paragraph:
    """ "Table 3. Members by country" — numbered per kind (`label` is "표"/"Table", "그림"/"Figure")."""
    counters = _counters.setdefault(document.part, {})
    counters[label] = counters.get(label, 0) + 1
    paragraph = document.add_paragraph()
    number = paragraph.add_run(f"{label} {counters[label]}. ")
    number.bold = True
    paragraph.add_run(clean(title))
    for run in paragraph.runs:
        run.font.size = Pt(9)
        run.font.color.rgb = ACCENT
    paragraph.paragraph_format.space_before = Pt(4)
    paragraph.paragraph_format.space_after = Pt(3)
    paragraph.paragraph_format.keep_with_next = before
    return paragraph


# --- page: size, header, footer, cover, contents --------------------------------------------------------------


def _field(paragraph: Paragraph, instruction: str, shown: str = "1") -> None:
    """A Word field (`PAGE`, `NUMPAGES`, `PAGEREF x \\h`) with `shown` as its last computed value."""
    for kind, content in (("begin", None), ("instr", instruction), ("separate", None), ("text", shown), ("end", None)):
        run = paragraph.add_run()
        if kind == "instr":
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = f" {content} "
        elif kind == "text":
            element = OxmlElement("w:t")
            element.text = content
        else:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        run._r.append(element)


def page_setup(document: DocxDocument, running_header: str) -> None:
    """A4, 2 cm margins, the running header on every page but the cover, "n / N" centred at the bottom."""
    section = document.sections[0]
    section.page_width, section.page_height = Cm(PAGE_WIDTH_CM), Cm(PAGE_HEIGHT_CM)
    section.left_margin = section.right_margin = Cm(MARGIN_CM)
    section.top_margin, section.bottom_margin = Cm(2.2), Cm(2.0)
    section.header_distance = section.footer_distance = Cm(1.0)
    section.different_first_page_header_footer = True
    header = section.header.paragraphs[0]
    run = header.add_run(clean(running_header))
    run.font.size = Pt(8)
    run.font.color.rgb = RGBColor(0x55, 0x5F, 0x6D)
    header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _field(footer, "PAGE")
    footer.add_run(" / ")
    _field(footer, "NUMPAGES")
    for run in footer.runs:
        run.font.size = Pt(8)
    _ = WD_SECTION_START  # one section: the cover is its first page


def cover(document: DocxDocument, title: str, lines: Sequence[str], notice: str | None) -> None:
    """The first page: the title, the lines under it (program, quarter, period, date built), a notice."""
    spacer = document.add_paragraph()
    spacer.paragraph_format.space_before = Cm(6)
    heading = document.add_heading(clean(title), level=0)
    heading.paragraph_format.space_after = Pt(18)
    for line in lines:
        paragraph = document.add_paragraph(clean(line))
        paragraph.runs[0].font.size = Pt(12)
    if notice:
        paragraph = document.add_paragraph()
        paragraph.paragraph_format.space_before = Pt(24)
        run = paragraph.add_run(clean(notice))
        run.bold = True
        run.font.size = Pt(12)
        run.font.color.rgb = RGBColor(0xB0, 0x2A, 0x37)
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def contents(document: DocxDocument, title: str) -> None:
    """Where the table of contents goes; its lines are written by `finish`, once every chapter is there."""
    document.add_heading(clean(title), level=1).paragraph_format.keep_with_next = True
    marker = document.add_paragraph()
    marker.add_run().add_break(WD_BREAK.PAGE)
    marker._p.set(qn("w:rsidR"), "00C1B0C0")  # harmless; the marker is found by its bookmark below
    start = OxmlElement("w:bookmarkStart")
    start.set(qn("w:id"), "9000")
    start.set(qn("w:name"), TOC_MARK)
    end = OxmlElement("w:bookmarkEnd")
    end.set(qn("w:id"), "9000")
    marker._p.insert(0, start)
    marker._p.insert(1, end)


def finish(document: DocxDocument) -> None:
    """Bookmark each chapter heading and write the contents' lines (text, dotted leader, page number)."""
    body = document.element.body
    found = body.xpath(f'.//w:bookmarkStart[@w:name="{TOC_MARK}"]')
    if not found:
        return
    marker = found[0].getparent()
    headings = [Paragraph(p, document._body) for p in body.xpath('./w:p[w:pPr/w:pStyle/@w:val="Heading1"]')]
    entries: list[tuple[str, str]] = []
    for index, paragraph in enumerate(headings[1:], start=1):  # the first is the contents' own heading
        name = f"_Toc{index:04d}"
        start = OxmlElement("w:bookmarkStart")
        start.set(qn("w:id"), str(9000 + index))
        start.set(qn("w:name"), name)
        end = OxmlElement("w:bookmarkEnd")
        end.set(qn("w:id"), str(9000 + index))
        paragraph._p.insert(1 if paragraph._p.pPr is not None else 0, start)
        paragraph._p.append(end)
        entries.append((paragraph.text, name))
    for label, name in entries:
        line = document.add_paragraph()
        line.paragraph_format.tab_stops.add_tab_stop(Cm(TEXT_WIDTH_CM), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)
        line.paragraph_format.space_after = Pt(3)
        line.add_run(label + "\t")
        _field(line, f"PAGEREF {name} \\h", "")
        marker.addprevious(line._p)
