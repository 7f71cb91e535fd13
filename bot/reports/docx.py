"""Word documents of a report: what the program's (`bot.reports.docx_program`) and each club's
(`bot.reports.docx_club`) documents share — a new document with the right fonts, tables, pictures and the
sections both hold.

Every style names an East Asian font (`w:eastAsia`, see `bot.reports.fonts`) and marks text as Korean
(`w:lang w:eastAsia="ko-KR"`), so Hangul renders in Word and in LibreOffice. Theme fonts are removed
from the styles, because a theme font would override the named one.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Cm, Pt
from docx.table import Table

from bot.domain import Language
from bot.i18n import format_date, t
from bot.reports import docx_layout as layout
from bot.reports import text
from bot.reports.fonts import DOCX_EAST_ASIA_FONT, DOCX_LATIN_FONT
from bot.reports.period import Period
from bot.reports.results import ClubFigures
from bot.reports.rows import Dataset
from bot.reports.xlsx import people_text

NAMES_LISTED = 200
_THEME_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")


# --- fonts ---------------------------------------------------------------------------------------------------


def _set_fonts(rpr: BaseOxmlElement, *, latin: bool) -> None:
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in _THEME_ATTRS:
        if fonts.get(qn(attr)) is not None:
            del fonts.attrib[qn(attr)]
    if latin or fonts.get(qn("w:ascii")) is None:
        fonts.set(qn("w:ascii"), DOCX_LATIN_FONT)
        fonts.set(qn("w:hAnsi"), DOCX_LATIN_FONT)
    fonts.set(qn("w:eastAsia"), DOCX_EAST_ASIA_FONT)
    fonts.set(qn("w:hint"), "eastAsia")
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:eastAsia"), "ko-KR")


def new_document(lang: Language, running_header: str = "") -> DocxDocument:
    """A document whose every style and the defaults carry the East Asian font, on A4 pages with a running
    header and page numbers (`bot.reports.docx_layout`)."""
    document = Document()
    styles = document.styles
    defaults = styles.element.find(qn("w:docDefaults"))
    rpr_default = defaults.find(qn("w:rPrDefault")) if defaults is not None else None
    if rpr_default is not None:
        rpr = rpr_default.find(qn("w:rPr"))
        if rpr is None:
            rpr = OxmlElement("w:rPr")
            rpr_default.append(rpr)
        _set_fonts(rpr, latin=True)
    for style in styles:
        if style.type in (WD_STYLE_TYPE.PARAGRAPH, WD_STYLE_TYPE.CHARACTER, WD_STYLE_TYPE.TABLE):
            _set_fonts(style.element.get_or_add_rPr(), latin=False)
    styles["Normal"].font.size = Pt(10)
    normal = styles["Normal"].paragraph_format
    normal.line_spacing = 1.25  # Hangul needs more leading than Latin text
    normal.space_after = Pt(4)
    for level, size in ((1, 15), (2, 12.5), (3, 11)):
        heading = styles[f"Heading {level}"]
        heading.font.size = Pt(size)
        heading.paragraph_format.space_before = Pt(14 if level == 1 else 9)
        heading.paragraph_format.space_after = Pt(5)
        heading.paragraph_format.keep_with_next = True
    layout.page_setup(document, running_header)
    document.core_properties.language = "ko-KR" if lang == "ko" else "en-US"
    return document


# --- building blocks -------------------------------------------------------------------------------------------


def table(
    document: DocxDocument, header: Sequence[str], rows: Sequence[Sequence[str]], title: str | None = None
) -> Table:
    """A numbered table ("표 3." / "Table 3." and `title` above it) laid out by `docx_layout.table`."""
    if title:
        layout.caption(document, _label(document, "table"), title, before=True)
    return layout.table(document, header, rows)


def picture(document: DocxDocument, png: bytes, title: str, width_cm: float = 15.0) -> None:
    """A figure, centred, kept on one page with its numbered caption below it."""
    document.add_picture(io.BytesIO(png), width=Cm(width_cm))
    holder = document.paragraphs[-1]
    holder.alignment = WD_ALIGN_PARAGRAPH.CENTER
    holder.paragraph_format.keep_with_next = True
    holder.paragraph_format.space_before = Pt(6)
    holder.paragraph_format.line_spacing = 1.0
    layout.caption(document, _label(document, "figure"), title, before=False).alignment = WD_ALIGN_PARAGRAPH.CENTER


def paragraph(document: DocxDocument, value: str, style: str | None = None) -> None:
    """A paragraph of text people typed (emoji left out, see `docx_layout`)."""
    document.add_paragraph(layout.clean(value), style=style)


def _label(document: DocxDocument, kind: str) -> str:
    lang = "ko" if document.core_properties.language == "ko-KR" else "en"
    return t(lang, f"reports.doc.caption.{kind}")


def start(document: DocxDocument, lang: Language, title: str, lines: Sequence[str], notice: str | None) -> None:
    """The cover and the table of contents."""
    layout.cover(document, title, lines, notice)
    layout.contents(document, t(lang, "reports.doc.contents"))


def names(items: Sequence[str], lang: Language) -> str:
    """Names separated by commas, the first `NAMES_LISTED` of them."""
    if not items:
        return t(lang, "reports.doc.none")
    shown = ", ".join(items[:NAMES_LISTED])
    if len(items) > NAMES_LISTED:
        shown += " " + t(lang, "reports.doc.and_more", count=text.number(len(items) - NAMES_LISTED, lang))
    return shown


def save(document: DocxDocument) -> bytes:
    layout.finish(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --- sections both documents hold ------------------------------------------------------------------------


def score_table(document: DocxDocument, club: ClubFigures, lang: Language) -> None:
    rows = [
        (
            text.component_name(c, lang),
            text.component_raw(c, lang),
            t(lang, "reports.doc.not_counted") if c.value is None else text.number(c.value, lang, 2),
            text.number(c.weight, lang, 2),
            text.number(
                c.points * 100 / max(1e-9, sum(x.weight for x in club.score.components if x.value is not None)), lang, 1
            ),
        )
        for c in club.score.components
    ]
    rows.append((t(lang, "reports.doc.score_total"), "", "", "", text.score_text(club.score.total, lang)))
    header = [t(lang, f"reports.col.{c}") for c in ("component", "raw", "value", "weight", "points")]
    table(document, header, rows, t(lang, "reports.doc.t_score", club=club.club.name))


def outputs_table(
    document: DocxDocument, club: ClubFigures, dataset: Dataset, lang: Language, *, only_worked: bool
) -> None:
    outputs = [o for o in club.outputs if o.worked_on or not only_worked]
    if not outputs:
        document.add_paragraph(t(lang, "reports.doc.no_outputs"))
        return
    rows = []
    for o in outputs:
        marks = [t(lang, "reports.doc.mark_new")] if o.is_new else []
        marks += (
            [
                t(
                    lang,
                    "reports.doc.mark_moved",
                    statuses=" → ".join(text.status_name(c.to_status, lang) for c in o.changes),
                )
            ]
            if o.moved
            else []
        )
        rows.append(
            (
                text.type_name(o.output.type.value, lang),
                o.output.title,
                text.status_name(o.status, lang) + (f" ({'; '.join(marks)})" if marks else ""),
                people_text(o, dataset, lang),
                " ".join(x for x in (o.output.doi, o.output.url) if x),
            )
        )
    header = [t(lang, f"reports.col.{c}") for c in ("type", "title", "status", "people", "link")]
    table(document, header, rows, t(lang, "reports.doc.t_outputs", club=club.club.name))


def meetings_table(document: DocxDocument, club: ClubFigures, lang: Language, dataset: Dataset) -> None:
    def recorded_by(person_id: int | None) -> str:
        person = dataset.people.get(person_id) if person_id is not None else None
        return person.name(lang) if person else "—"

    table(
        document,
        [t(lang, f"reports.col.{c}") for c in ("date", "format", "attendees", "summary", "recorded_by")],
        [
            (
                format_date(m.held_on, lang),
                text.format_name(m.format, lang),
                text.number(m.attendees, lang) if m.attendees is not None else "—",
                m.summary,
                recorded_by(m.filed_by_id),
            )
            for m in club.meetings
        ],
        t(lang, "reports.doc.t_meetings", club=club.club.name),
    )


def begin(lang: Language, title: str, period: Period, dataset: Dataset, built_at: datetime) -> DocxDocument:
    """A new document with its cover (program, quarter, period, date built, "provisional" when built before
    the period ends) and its table of contents."""
    built = format_date(built_at.astimezone(dataset.tz).date(), lang)
    label = text.period_label(period, lang)
    document = new_document(lang, running_header=f"{title} · {label}")
    lines = [
        t(lang, "reports.doc.cover_program"),
        t(lang, "reports.doc.cover_quarter", period=label),
        t(lang, "reports.doc.cover_dates", first=format_date(period.first, lang), last=format_date(period.last, lang)),
        t(lang, "reports.doc.cover_built", built=built),
    ]
    notice = t(lang, "reports.doc.provisional", built=built) if dataset.as_of is not None else None
    start(document, lang, title, lines, notice)
    return document
