"""Building the annual program report's files: the year's figures once (`bot.reports.year`), then each edition
(Korean, English) as a Word document with its charts, the workbook in one language, and PDFs when asked, each
handed to a `FileSink` as `bot.reports.build` does for a quarter:

    2026/program/report-2026-program-ko.docx   (and -en.docx, .xlsx, -indicators-ko.png, .pdf)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.domain import Language
from bot.reports import charts_year, docx_year, xlsx_year
from bot.reports.build import LANGUAGES, FileSink, _pdfs, as_of
from bot.reports.settings import ReportSettings
from bot.reports.types import PROGRAM, BuiltFile, BuiltReport
from bot.reports.year import YearData, YearFigures, year_figures

#: The title in Slack of each chart's file.
CHART_TITLES = {
    "indicators": "reports.file.chart.year_indicators",
    "trajectories": "reports.file.chart.year_trajectories",
}


def build_year(
    data: YearData,
    settings: ReportSettings,
    sink: FileSink,
    *,
    built_at: datetime,
    langs: Sequence[Language] = LANGUAGES,
    workbook_lang: Language | None = None,
    pdf: bool = False,
) -> BuiltReport:
    """The year's report (`data` from `bot.reports.load.load_year`): a Word document and charts per language, one
    workbook in `workbook_lang` (default: the first language), and PDFs of the documents with `pdf`."""
    data = replace(data, year=as_of(data.year, built_at), quarters=tuple(as_of(q, built_at) for q in data.quarters))
    figures = year_figures(data, settings)
    workbook_lang = workbook_lang if workbook_lang in langs else langs[0]
    key = data.period.key
    stem = f"report-{key}-program"
    folder = Path(key) / "program"
    files: list[BuiltFile] = []
    documents: dict[str, bytes] = {}

    def write(name: str, content: bytes, kind: str, lang: Language, title_key: str) -> None:
        path = (folder / name).as_posix()
        file_id = sink.put(path, content, kind=kind, lang=lang.value)
        files.append(BuiltFile(kind, lang.value, path, title_key, file_id))
        if pdf and kind == "docx":
            documents[path] = content

    for lang in langs:
        images = {"indicators": charts_year.indicators_chart(figures, lang)}
        if charts_year.trajectory_worth_drawing(figures):
            images["trajectories"] = charts_year.trajectories_chart(figures, lang)
        document = docx_year.year_document(figures, data.year, settings, lang, images, built_at)
        write(f"{stem}-{lang}.docx", document, "docx", lang, "reports.file.year_docx")
        if lang == workbook_lang:
            workbook = xlsx_year.write_year_workbook(figures, data.year, lang)
            write(f"{stem}-{lang}.xlsx", workbook, "xlsx", lang, "reports.file.year_xlsx")
        for name, png in images.items():
            write(f"{stem}-{name}-{lang}.png", png, "png", lang, CHART_TITLES[name])
    if pdf:
        files += _pdfs(sink, [(f, documents[f.path]) for f in files if f.kind == "docx"], "reports.file.year_pdf")
    return BuiltReport(data.period, PROGRAM, None, None, tuple(files), year_summary(figures))


def year_summary(figures: YearFigures) -> dict[str, Any]:
    """The key figures of the year for the Slack message (JSON-able)."""
    n = figures.year.totals
    return {
        "year": figures.period.year,
        "clubs": figures.quarters[-1].totals.clubs,
        "members": figures.quarters[-1].totals.members,
        "updates": n.updates,
        "meetings": n.meetings,
        "outputs_achieved": n.outputs_achieved,
        "papers": figures.papers_year.filed + figures.papers_year.discovered,
        "papers_international": figures.papers_year.filed_international + figures.papers_year.discovered_international,
        "share_active": round(n.share_active, 4),
        "met": [i.key for i in figures.indicators if i.met],
        "targets": len(figures.indicators),
        "outstanding": [[c.club.name, round(c.mean_score, 1)] for c in figures.outstanding],
    }
