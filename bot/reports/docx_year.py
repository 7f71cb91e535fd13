"""The annual program report's Word document, one per language: the cover and contents, the year against the
plan's targets (with the small-multiples chart), every club's trajectory, outputs, joint papers, meetings,
surveys, engagement, the outstanding clubs of the year with their evidence, and what changed since the first
quarter. The same layout as the quarterly report (`bot.reports.docx`, `docx_layout`); the detail of every club
and output is in the workbook (`bot.reports.xlsx_year`).
"""

from __future__ import annotations

from datetime import datetime

from docx.document import Document as DocxDocument

from bot.domain import Language
from bot.i18n import format_date, t
from bot.reports import docx, text
from bot.reports.charts_year import value_text
from bot.reports.docx_program import _selection_rule
from bot.reports.results import ProgramFigures
from bot.reports.rows import Dataset
from bot.reports.settings import ReportSettings
from bot.reports.xlsx import people_text
from bot.reports.year import SHARES, Change, YearFigures

CLUB_ROWS = 100  # rows of a club table in the document; every club is in the workbook
MEETING_ROWS = 150
CASEBOOK_ROWS = 50


def quarter_names(figures: YearFigures, lang: Language) -> list[str]:
    return [text.period_label(q.period, lang) for q in figures.quarters]


def change_text(change: Change, lang: Language) -> str:
    if change.key in SHARES:
        return text.point_change(change.last, change.first, lang)
    if change.key == "mean_score":
        delta = change.last - change.first
        return "0" if round(delta, 1) == 0 else ("+" if delta > 0 else "-") + text.score_text(abs(delta), lang)
    return text.signed_change(change.last, change.first, lang)


def change_value(change: Change, value: float, lang: Language) -> str:
    if change.key in SHARES:
        return text.percent(value, lang)
    if change.key == "mean_score":
        return text.score_text(value, lang)
    return text.number(value, lang)


def _col(lang: Language, *names: str) -> list[str]:
    return [t(lang, f"reports.col.{n}") for n in names]


def year_document(
    figures: YearFigures,
    dataset: Dataset,
    settings: ReportSettings,
    lang: Language,
    charts: dict[str, bytes],
    built_at: datetime,
) -> bytes:
    period = figures.period
    label = text.period_label(period, lang)
    title = t(lang, "reports.year.title", year=period.year)
    built = format_date(built_at.astimezone(dataset.tz).date(), lang)
    d = docx.new_document(lang, running_header=title)
    lines = [
        t(lang, "reports.doc.cover_program"),
        t(lang, "reports.doc.cover_quarter", period=label),
        t(lang, "reports.doc.cover_dates", first=format_date(period.first, lang), last=format_date(period.last, lang)),
        t(lang, "reports.doc.cover_built", built=built),
    ]
    notice = t(lang, "reports.year.provisional", built=built) if dataset.as_of is not None else None
    docx.start(d, lang, title, lines, notice)
    d.add_paragraph(t(lang, "reports.year.intro"))
    quarters = quarter_names(figures, lang)

    d.add_heading(t(lang, "reports.year.h_targets"), level=1)
    d.add_paragraph(t(lang, "reports.year.targets_intro"))
    docx.table(
        d,
        [
            t(lang, "reports.year.col.indicator"),
            *quarters,
            label,
            t(lang, "reports.year.col.target"),
            t(lang, "reports.year.col.reached"),
        ],
        [
            (
                t(lang, f"reports.year.ind.{i.key}"),
                *(value_text(i, v, lang) for v in i.quarters),
                value_text(i, i.year, lang),
                value_text(i, i.target, lang),
                "—" if i.progress is None else text.percent(i.progress, lang),
            )
            for i in figures.indicators
        ],
        t(lang, "reports.year.t_targets", year=period.year),
    )
    met = [t(lang, f"reports.year.ind.{i.key}") for i in figures.indicators if i.met]
    d.add_paragraph(t(lang, "reports.year.met", items=", ".join(met) or t(lang, "reports.doc.none")))
    if "indicators" in charts:
        docx.picture(d, charts["indicators"], t(lang, "reports.year.chart.indicators"), width_cm=15.0)

    _trajectories(d, figures, lang, charts)
    _outputs_and_papers(d, figures, dataset, lang)
    _meetings_and_surveys(d, figures, lang, dataset)
    _engagement(d, figures, lang)
    _outstanding(d, figures, dataset, settings, lang)
    _changes(d, figures, lang)
    d.add_paragraph(t(lang, "reports.year.workbook_note"))
    return docx.save(d)


def _trajectories(d: DocxDocument, figures: YearFigures, lang: Language, charts: dict[str, bytes]) -> None:
    quarters = quarter_names(figures, lang)
    d.add_heading(t(lang, "reports.year.h_clubs"), level=1)
    shown = figures.clubs[:CLUB_ROWS]
    d.add_paragraph(
        t(lang, "reports.year.clubs_intro", shown=text.number(len(shown), lang),
          total=text.number(len(figures.clubs), lang))
    )  # fmt: skip
    docx.table(
        d,
        [*_col(lang, "rank", "club", "field"), *quarters, t(lang, "reports.year.col.mean_score")],
        [
            (
                text.number(rank, lang),
                c.club.name,
                text.field_name(c.club.field.value, lang),
                *("—" if s is None else text.score_text(s, lang) for s in c.scores),
                text.score_text(c.mean_score, lang),
            )
            for rank, c in enumerate(shown, start=1)
        ],
        t(lang, "reports.year.t_trajectory"),
    )
    if "trajectories" in charts:
        docx.picture(d, charts["trajectories"], t(lang, "reports.year.chart.trajectories"), width_cm=16.0)
    for program in figures.quarters:
        _quarter_table(d, program, lang)


def _quarter_table(d: DocxDocument, program: ProgramFigures, lang: Language) -> None:
    label = text.period_label(program.period, lang)
    d.add_heading(label, level=2)
    if not program.clubs:
        d.add_paragraph(t(lang, "reports.year.no_clubs"))
        return
    docx.table(
        d,
        _col(lang, "rank", "club", "members", "share_active", "updates", "meetings", "outputs_achieved", "score"),
        [
            (
                text.number(rank, lang),
                c.club.name,
                text.number(c.member_count, lang),
                text.percent(c.engagement.share_active, lang),
                text.number(c.updates, lang),
                text.number(len(c.meetings), lang),
                text.number(c.outputs_achieved, lang),
                text.score_text(c.score.total, lang),
            )
            for rank, c in enumerate(program.clubs[:CLUB_ROWS], start=1)
        ],
        t(lang, "reports.year.t_quarter", period=label),
    )


def _outputs_and_papers(d: DocxDocument, figures: YearFigures, dataset: Dataset, lang: Language) -> None:
    d.add_heading(t(lang, "reports.year.h_outputs"), level=1)
    d.add_paragraph(t(lang, "reports.year.outputs_intro"))
    if figures.by_type_status:
        docx.table(
            d,
            [*_col(lang, "type"), t(lang, "reports.year.col.status_end"), t(lang, "reports.year.col.count")],
            [
                (text.type_name(kind, lang), text.status_name(status, lang), text.number(count, lang))
                for kind, status, count in figures.by_type_status
            ],
            t(lang, "reports.year.t_outputs"),
        )
    else:
        d.add_paragraph(t(lang, "reports.doc.no_outputs"))

    d.add_heading(t(lang, "reports.year.h_papers"), level=1)
    p = figures.papers_year
    d.add_paragraph(
        t(lang, "reports.year.papers_intro", orcid=text.number(figures.year.papers.members_with_orcid, lang),
          members=text.number(figures.year.papers.members, lang))
    )  # fmt: skip
    rows = [
        (
            label,
            text.number(q.filed, lang),
            text.number(q.filed_international, lang),
            text.number(q.discovered, lang),
            text.number(q.discovered_international, lang),
            text.number(q.filed + q.discovered, lang),
        )
        for label, q in (
            *zip(quarter_names(figures, lang), figures.papers, strict=True),
            (text.period_label(figures.period, lang), p),
        )
    ]
    docx.table(
        d,
        [t(lang, f"reports.year.col.{c}") for c in ("period", "filed", "filed_intl", "found", "found_intl", "papers")],
        rows,
        t(lang, "reports.year.t_papers"),
    )
    if figures.casebook:
        items = figures.casebook[:CASEBOOK_ROWS]
        d.add_paragraph(t(lang, "reports.year.casebook_intro"))
        docx.table(
            d,
            _col(lang, "club", "type", "title", "status", "people", "link"),
            [
                (
                    i.club.name,
                    text.type_name(i.output.output.type.value, lang),
                    i.output.output.title,
                    text.status_name(i.output.status, lang),
                    people_text(i.output, dataset, lang),
                    " ".join(x for x in (i.output.output.doi, i.output.output.url) if x),
                )
                for i in items
            ],
            t(lang, "reports.year.t_casebook"),
        )


def _meetings_and_surveys(d: DocxDocument, figures: YearFigures, lang: Language, dataset: Dataset) -> None:
    d.add_heading(t(lang, "reports.year.h_meetings"), level=1)
    counts = ", ".join(
        f"{name} {text.number(q.totals.meetings, lang)}"
        for name, q in zip(quarter_names(figures, lang), figures.quarters, strict=True)
    )
    d.add_paragraph(
        t(lang, "reports.year.meetings_intro", count=text.number(len(figures.meetings), lang), quarters=counts)
    )
    if figures.meetings:
        docx.table(
            d,
            _col(lang, "date", "club", "format", "attendees", "summary"),
            [
                (
                    format_date(m.held_on, lang),
                    club.name,
                    text.format_name(m.format, lang),
                    text.number(m.attendees, lang) if m.attendees is not None else "—",
                    m.summary,
                )
                for club, m in figures.meetings[:MEETING_ROWS]
            ],
            t(lang, "reports.year.t_meetings"),
        )
    d.add_heading(t(lang, "reports.year.h_surveys"), level=1)
    if not figures.surveys:
        d.add_paragraph(t(lang, "reports.doc.none"))
        return
    rows = []
    for item in figures.surveys:
        meeting = item.meeting
        name = (meeting.title_ko if lang == "ko" else meeting.title_en) or meeting.title_en or meeting.title_ko or ""
        s = item.survey
        scores = [text.number(x, lang, 2) for x in (s.overall, s.program, s.speakers, s.networking)] if s else ["—"] * 4
        rows.append(
            (
                f"{meeting.code} {name}".strip(),
                ", ".join(item.clubs),
                text.number(s.responses if s else 0, lang),
                *scores,
            )
        )
    docx.table(
        d,
        [
            t(lang, "reports.col.meeting"),
            t(lang, "reports.col.club"),
            *_col(lang, "responses", "overall", "program", "speakers", "networking"),
        ],
        rows,
        t(lang, "reports.year.t_surveys"),
    )


def _engagement(d: DocxDocument, figures: YearFigures, lang: Language) -> None:
    d.add_heading(t(lang, "reports.year.h_engagement"), level=1)
    d.add_paragraph(t(lang, "reports.year.engagement_intro"))
    rows = []
    for name, program in (*zip(quarter_names(figures, lang), figures.quarters, strict=True),
                          (text.period_label(figures.period, lang), figures.year)):  # fmt: skip
        n = program.totals
        files = sum(c.engagement.files for c in program.clubs)
        reactions = sum(c.engagement.reactions for c in program.clubs)
        rows.append(
            (
                name,
                text.number(n.members_in_period, lang),
                text.number(n.active_members, lang),
                text.percent(n.share_active, lang),
                text.number(n.messages, lang),
                text.number(files, lang),
                text.number(reactions, lang),
            )
        )
    docx.table(
        d,
        [t(lang, "reports.year.col.period"),
         *_col(lang, "members_in_period", "active_members", "share_active", "messages", "files", "reactions")],
        rows,
        t(lang, "reports.year.t_engagement"),
    )  # fmt: skip


def _outstanding(
    d: DocxDocument, figures: YearFigures, dataset: Dataset, settings: ReportSettings, lang: Language
) -> None:
    d.add_heading(t(lang, "reports.year.h_outstanding"), level=1)
    d.add_paragraph(t(lang, "reports.year.outstanding_rule") + " " + _selection_rule(settings, lang))
    if not figures.outstanding:
        d.add_paragraph(t(lang, "reports.doc.none"))
    quarters = quarter_names(figures, lang)
    for rank, club in enumerate(figures.outstanding, start=1):
        d.add_heading(club.club.name, level=2)
        chosen = ", ".join(quarters[i - 1] for i in club.outstanding_quarters) or t(lang, "reports.doc.none")
        line = d.add_paragraph(
            t(
                lang,
                "reports.year.outstanding_line",
                rank=text.number(rank, lang),
                score=text.score_text(club.mean_score, lang),
                field=text.field_name(club.club.field.value, lang),
                members=text.number(club.year.member_count, lang),
                quarters=chosen,
            )
        )
        line.paragraph_format.keep_with_next = True  # with its table, on one page
        docx.table(
            d,
            [t(lang, "reports.col.figure"), *quarters],
            [
                (t(lang, "reports.col.score"), *("—" if q is None else text.score_text(q.score.total, lang)
                                                 for q in club.quarters)),
                (t(lang, "reports.col.updates"), *("—" if q is None else text.number(q.updates, lang)
                                                   for q in club.quarters)),
                (t(lang, "reports.col.meetings"), *("—" if q is None else text.number(len(q.meetings), lang)
                                                    for q in club.quarters)),
                (t(lang, "reports.col.share_active"), *("—" if q is None else text.percent(q.engagement.share_active,
                                                        lang) for q in club.quarters)),
            ],
            t(lang, "reports.year.t_club_quarters", club=club.club.name),
        )  # fmt: skip
        d.add_heading(t(lang, "reports.doc.h_evidence_outputs"), level=3)
        docx.outputs_table(d, club.year, dataset, lang, only_worked=True)
        if club.year.meetings:
            d.add_heading(t(lang, "reports.doc.h_meetings"), level=3)
            docx.meetings_table(d, club.year, lang, dataset)
        if club.narratives:
            d.add_heading(t(lang, "reports.narrative.highlights"), level=3)
            for number, highlights in club.narratives:
                docx.paragraph(d, f"{quarters[number - 1]}: {highlights}", style="List Bullet")


def _changes(d: DocxDocument, figures: YearFigures, lang: Language) -> None:
    first, last = quarter_names(figures, lang)[0], quarter_names(figures, lang)[-1]
    d.add_heading(t(lang, "reports.year.h_changes"), level=1)
    d.add_paragraph(t(lang, "reports.year.changes_intro", first=first, last=last))
    docx.table(
        d,
        [t(lang, "reports.col.figure"), first, last, t(lang, "reports.col.change")],
        [
            (
                t(lang, f"reports.year.change.{c.key}"),
                change_value(c, c.first, lang),
                change_value(c, c.last, lang),
                change_text(c, lang),
            )
            for c in figures.changes
        ],
        t(lang, "reports.year.t_changes", first=first, last=last),
    )
    d.add_paragraph(
        t(lang, "reports.year.new_clubs", first=first, clubs=docx.names([c.name for c in figures.new_clubs], lang))
    )
    d.add_paragraph(
        t(lang, "reports.year.gone_clubs", first=first, clubs=docx.names([c.name for c in figures.gone_clubs], lang))
    )
    both = [c for c in figures.clubs if c.quarters[0] is not None and c.quarters[-1] is not None]
    moved = sorted(both, key=lambda c: (c.scores[-1] or 0) - (c.scores[0] or 0), reverse=True)
    if moved:
        rises = [c for c in moved[:3] if (c.scores[-1] or 0) > (c.scores[0] or 0)]
        falls = [c for c in moved[::-1][:3] if (c.scores[-1] or 0) < (c.scores[0] or 0)]
        for key, group in (("reports.year.rises", rises), ("reports.year.falls", falls)):
            if group:
                items = ", ".join(
                    f"{c.club.name} ({text.score_text(c.scores[0] or 0, lang)} → "
                    f"{text.score_text(c.scores[-1] or 0, lang)})"
                    for c in group
                )
                d.add_paragraph(t(lang, key, clubs=items))
