"""The annual report's workbook: a first sheet saying what each sheet holds, then one sheet per table of the
document, with every club and every output of the year (numbers as numbers, every text through
`bot.participants.tables.xlsx_cell`, as `bot.reports.xlsx` writes the quarterly one)."""

from __future__ import annotations

import io
from collections.abc import Sequence

from bot.domain import Language
from bot.i18n import t
from bot.participants.tables import xlsx_cell, xlsx_value
from bot.reports import text
from bot.reports.rows import Dataset
from bot.reports.xlsx import _width, people_text
from bot.reports.year import YearFigures

Row = Sequence[object]


def _rounded(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(value, digits)


def sheets(figures: YearFigures, dataset: Dataset, lang: Language) -> dict[str, tuple[list[str], list[Row], set[int]]]:
    """name → (header, rows, columns shown as percentages)."""
    col = lambda key: t(lang, f"reports.col.{key}")  # noqa: E731
    ycol = lambda key: t(lang, f"reports.year.col.{key}")  # noqa: E731
    quarters = [text.period_label(q.period, lang) for q in figures.quarters]
    year = text.period_label(figures.period, lang)
    made: dict[str, tuple[list[str], list[Row], set[int]]] = {}

    made["indicators"] = (
        [ycol("indicator"), *quarters, year, ycol("target"), ycol("reached")],
        [
            [t(lang, f"reports.year.ind.{i.key}"), *(_rounded(v) for v in i.quarters), _rounded(i.year),
             i.target, _rounded(i.progress)]
            for i in figures.indicators
        ],
        {7},
    )  # fmt: skip
    made["trajectory"] = (
        [col("rank"), col("club"), col("field"), col("meeting"), *quarters, ycol("mean_score"), ycol("outstanding_in")],
        [
            [rank, c.club.name, text.field_name(c.club.field.value, lang),
             c.club.meeting.code if c.club.meeting else None, *(_rounded(s, 2) for s in c.scores),
             round(c.mean_score, 2),
             ", ".join(quarters[i - 1] for i in c.outstanding_quarters) or None]
            for rank, c in enumerate(figures.clubs, start=1)
        ],
        set(),
    )  # fmt: skip
    made["quarters"] = (
        [ycol("period"), col("rank"), col("club"), col("members"), col("active_members"), col("share_active"),
         col("updates"), col("meetings"), col("outputs_new"), col("outputs_achieved"), col("score")],
        [
            [name, rank, c.club.name, c.member_count, c.engagement.active_members,
             round(c.engagement.share_active, 4), c.updates, len(c.meetings), c.outputs_new, c.outputs_achieved,
             round(c.score.total, 2)]
            for name, program in zip(quarters, figures.quarters, strict=True)
            for rank, c in enumerate(program.clubs, start=1)
        ],
        {5},
    )  # fmt: skip
    made["outputs"] = (
        [col("club"), col("type"), col("title"), ycol("status_end"), col("new"), col("people"), col("doi"), col("url")],
        [
            [c.club.name, text.type_name(o.output.type.value, lang), o.output.title, text.status_name(o.status, lang),
             text.yes_no(o.is_new, lang), people_text(o, dataset, lang), o.output.doi, o.output.url]
            for c in figures.year.clubs
            for o in c.outputs
            if o.worked_on
        ],
        set(),
    )  # fmt: skip
    made["by_status"] = (
        [col("type"), ycol("status_end"), ycol("count")],
        [[text.type_name(k, lang), text.status_name(s, lang), n] for k, s, n in figures.by_type_status],
        set(),
    )
    made["papers"] = (
        [ycol(c) for c in ("period", "filed", "filed_intl", "found", "found_intl", "papers")],
        [
            [name, p.filed, p.filed_international, p.discovered, p.discovered_international, p.filed + p.discovered]
            for name, p in (*zip(quarters, figures.papers, strict=True), (year, figures.papers_year))
        ],
        set(),
    )
    made["meetings"] = (
        [col("date"), col("club"), col("format"), col("attendees"), col("summary")],
        [[m.held_on, c.name, text.format_name(m.format, lang), m.attendees, m.summary] for c, m in figures.meetings],
        set(),
    )
    made["surveys"] = (
        [col("meeting"), col("club"), col("responses"), col("overall"), col("program"), col("speakers"),
         col("networking")],
        [
            [s.meeting.code, ", ".join(s.clubs), s.survey.responses if s.survey else 0,
             *((_rounded(x, 2) for x in (s.survey.overall, s.survey.program, s.survey.speakers, s.survey.networking))
               if s.survey else (None,) * 4)]
            for s in figures.surveys
        ],
        set(),
    )  # fmt: skip
    made["engagement"] = (
        [ycol("period"), col("members_in_period"), col("active_members"), col("share_active"), col("messages"),
         col("files"), col("reactions")],
        [
            [name, p.totals.members_in_period, p.totals.active_members, round(p.totals.share_active, 4),
             p.totals.messages, sum(c.engagement.files for c in p.clubs), sum(c.engagement.reactions for c in p.clubs)]
            for name, p in (*zip(quarters, figures.quarters, strict=True), (year, figures.year))
        ],
        {3},
    )  # fmt: skip
    made["outstanding"] = (
        [col("rank"), col("club"), ycol("mean_score"), ycol("outstanding_in"), col("outputs_achieved"),
         col("meetings"), col("highlights")],
        [
            [rank, c.club.name, round(c.mean_score, 2), ", ".join(quarters[i - 1] for i in c.outstanding_quarters),
             c.outputs_achieved, len(c.year.meetings),
             "\n".join(f"{quarters[n - 1]}: {h}" for n, h in c.narratives) or None]
            for rank, c in enumerate(figures.outstanding, start=1)
        ],
        set(),
    )  # fmt: skip
    made["changes"] = (
        [col("figure"), quarters[0], quarters[-1]],
        [[t(lang, f"reports.year.change.{c.key}"), _rounded(c.first), _rounded(c.last)] for c in figures.changes],
        set(),
    )
    return made


def write_year_workbook(figures: YearFigures, dataset: Dataset, lang: Language) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    tables = sheets(figures, dataset, lang)
    about = workbook.create_sheet(title=t(lang, "reports.sheet.about")[:31])
    about.column_dimensions["A"].width = 24
    about.column_dimensions["B"].width = 100
    about.append(
        [
            xlsx_cell(about, t(lang, "reports.col.sheet"), font=bold),
            xlsx_cell(about, t(lang, "reports.col.meaning"), font=bold),
        ]
    )
    for name in tables:
        about.append([xlsx_cell(about, t(lang, f"reports.year.sheet.{name}")[:31], font=bold),
                      xlsx_cell(about, t(lang, f"reports.year.sheethelp.{name}"))])  # fmt: skip
    for name, (header, rows, percents) in tables.items():
        sheet = workbook.create_sheet(title=t(lang, f"reports.year.sheet.{name}")[:31])
        sheet.freeze_panes = "A2"
        for i, label in enumerate(header):
            sheet.column_dimensions[get_column_letter(i + 1)].width = _width([label, *(r[i] for r in rows[:300])])
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{len(rows) + 1}"
        sheet.append([xlsx_cell(sheet, label, font=bold) for label in header])
        for row in rows:
            sheet.append(
                [
                    xlsx_cell(sheet, value, number_format="0.0%")
                    if i in percents and isinstance(value, float)
                    else xlsx_value(sheet, value)
                    for i, value in enumerate(row)
                ]
            )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
