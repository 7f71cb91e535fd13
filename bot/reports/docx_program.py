"""The program's Word document, one per language.

It holds the tables, the charts, the top of the ranking and the evidence for the outstanding clubs; the
detail of every club is in the workbook (one row per club, member, output...), so the document stays
readable for 16 clubs or 1,000.
"""

from __future__ import annotations

from datetime import datetime

from bot.domain import Language
from bot.i18n import t
from bot.reports import docx, text
from bot.reports.charts import chart_titles
from bot.reports.papers import PaperCounts
from bot.reports.results import ProgramFigures
from bot.reports.rows import Dataset
from bot.reports.settings import ReportSettings
from bot.reports.xlsx import people_text

RANKING_ROWS = 20
CASEBOOK_ROWS = 50


def summary_rows(program: ProgramFigures, lang: Language) -> list[tuple[str, str, str, str]]:
    """(label, this period, the period before, change) — the program's key figures. Only a figure known for
    both periods is compared; the others show "—" in the last two columns."""
    n = program.totals
    num = lambda v: text.number(v, lang)  # noqa: E731
    dash = "—"

    def only(label: str, value: str) -> tuple[str, str, str, str]:
        return (t(lang, label), value, dash, dash)

    return [
        only("reports.sum.clubs", num(n.clubs)),
        only("reports.sum.members", num(n.members)),
        only("reports.sum.joined", num(n.joined)),
        only("reports.sum.left", num(n.left)),
        only("reports.sum.overseas_korean", num(n.overseas_korean)),
        only("reports.sum.updates", num(n.updates)),
        only("reports.sum.meetings", num(n.meetings)),
        only("reports.sum.meeting_attendees", num(n.meeting_attendees)),
        only("reports.sum.outputs_new", num(n.outputs_new)),
        only("reports.sum.outputs_moved", num(n.outputs_moved)),
        only("reports.sum.outputs_achieved", num(n.outputs_achieved)),
        (
            t(lang, "reports.sum.active_members"),
            num(n.active_members),
            num(n.previous_active_members),
            text.signed_change(n.active_members, n.previous_active_members, lang),
        ),
        only("reports.sum.share_active", text.percent(n.share_active, lang)),
        (
            t(lang, "reports.sum.messages"),
            num(n.messages),
            num(n.previous_messages),
            text.signed_change(n.messages, n.previous_messages, lang),
        ),
        only(
            "reports.sum.survey",
            text.number(n.satisfaction, lang, 2) if n.satisfaction is not None else t(lang, "reports.doc.no_data"),
        ),
        only("reports.sum.survey_responses", num(n.survey_responses)),
        only("reports.sum.answered", f"{num(n.answered)} / {num(n.clubs)}"),
        only("reports.sum.mean_score", text.score_text(n.mean_score, lang)),
    ]


def papers_table(papers: PaperCounts, lang: Language) -> tuple[list[str], list[tuple[str, str, str]]]:
    """The header and rows of the joint papers' table: filed by members and discovered through OpenAlex, with
    how many are international, and the members with an ORCID iD (discovery needs one)."""
    num = lambda v: text.number(v, lang)  # noqa: E731
    header = [t(lang, "reports.col.figure"), t(lang, "reports.col.papers"), t(lang, "reports.col.international")]
    total = papers.filed + papers.discovered
    total_international = papers.filed_international + papers.discovered_international
    rows = [
        (t(lang, "reports.papers.filed"), num(papers.filed), num(papers.filed_international)),
        (t(lang, "reports.papers.discovered"), num(papers.discovered), num(papers.discovered_international)),
        (t(lang, "reports.papers.total"), num(total), num(total_international)),
        (
            t(lang, "reports.papers.orcid"),
            f"{num(papers.members_with_orcid)} / {num(papers.members)}",
            "—",
        ),
    ]
    return header, rows


# --- the program's document --------------------------------------------------------------------------------------


def program_document(
    program: ProgramFigures,
    dataset: Dataset,
    settings: ReportSettings,
    lang: Language,
    charts: dict[str, bytes],
    built_at: datetime,
) -> bytes:
    period = text.period_label(program.period, lang)
    previous = text.period_label(program.previous, lang)
    document = docx.begin(lang, t(lang, "reports.doc.program_title"), program.period, dataset, built_at)
    d = document
    d.add_paragraph(t(lang, "reports.doc.program_intro"))

    d.add_heading(t(lang, "reports.doc.h_summary"), level=1)
    docx.table(
        d,
        [t(lang, "reports.col.figure"), period, previous, t(lang, "reports.col.change")],
        summary_rows(program, lang),
        t(lang, "reports.doc.t_summary"),
    )
    papers = program.papers
    docx.table(d, *papers_table(papers, lang), t(lang, "reports.doc.t_papers"))
    titles = chart_titles(program, lang)
    for key in ("scores", "outputs", "fields"):
        if key in charts:
            docx.picture(d, charts[key], titles[key])
        else:
            d.add_paragraph(_no_chart(key, program, lang))

    d.add_heading(t(lang, "reports.doc.h_fields"), level=1)
    docx.table(
        d,
        [
            t(lang, f"reports.col.{c}")
            for c in (
                "field",
                "area",
                "clubs",
                "members",
                "updates",
                "meetings",
                "outputs_new",
                "outputs_achieved",
                "share_active",
                "mean_score",
            )
        ],
        [
            (
                text.field_name(f.field.value, lang),
                text.area_name(f.area.value, lang),
                text.number(f.clubs, lang),
                text.number(f.members, lang),
                text.number(f.updates, lang),
                text.number(f.meetings, lang),
                text.number(f.outputs_new, lang),
                text.number(f.outputs_achieved, lang),
                text.percent(f.share_active, lang),
                text.score_text(f.mean_score, lang),
            )
            for f in program.fields
        ],
        t(lang, "reports.doc.t_fields"),
    )

    d.add_heading(t(lang, "reports.doc.h_ranking"), level=1)
    shown = program.clubs[:RANKING_ROWS]
    d.add_paragraph(
        t(
            lang,
            "reports.doc.ranking_note",
            shown=text.number(len(shown), lang),
            total=text.number(len(program.clubs), lang),
        )
    )
    docx.table(
        d,
        [
            t(lang, f"reports.col.{c}")
            for c in (
                "rank",
                "club",
                "field",
                "members",
                "share_active",
                "updates",
                "meetings",
                "outputs_achieved",
                "score",
            )
        ],
        [
            (
                text.number(i, lang),
                c.club.name,
                text.field_name(c.club.field.value, lang),
                text.number(c.member_count, lang),
                text.percent(c.engagement.share_active, lang),
                text.number(c.updates, lang),
                text.number(len(c.meetings), lang),
                text.number(c.outputs_achieved, lang),
                text.score_text(c.score.total, lang),
            )
            for i, c in enumerate(shown, start=1)
        ],
        t(lang, "reports.doc.t_ranking"),
    )

    d.add_heading(t(lang, "reports.doc.h_method"), level=1)
    d.add_paragraph(t(lang, "reports.doc.method_intro"))
    targets = settings.targets
    docx.table(
        d,
        [t(lang, "reports.col.component"), t(lang, "reports.col.weight"), t(lang, "reports.col.rule")],
        [
            (
                t(lang, f"reports.component.{name}"),
                text.number(settings.weights[name], lang, 2),
                t(
                    lang,
                    f"reports.rule.{name}",
                    updates=text.number(targets["updates"], lang),
                    meetings=text.number(targets["meetings"], lang),
                    points=text.number(targets["output_points"], lang, 1),
                ),
            )
            for name in settings.weights
        ],
        t(lang, "reports.doc.t_method"),
    )
    d.add_paragraph(t(lang, "reports.doc.method_outputs", factor=text.number(settings.unconfirmed_factor, lang, 2)))

    d.add_heading(t(lang, "reports.doc.h_outstanding"), level=1)
    d.add_paragraph(_selection_rule(settings, lang))
    if not program.outstanding:
        d.add_paragraph(t(lang, "reports.doc.none"))
    for club in program.outstanding:
        d.add_heading(club.club.name, level=2)
        d.add_paragraph(
            t(
                lang,
                "reports.doc.outstanding_line",
                rank=text.number(program.rank_of(club.club.id), lang),
                score=text.score_text(club.score.total, lang),
                field=text.field_name(club.club.field.value, lang),
                members=text.number(club.member_count, lang),
            )
        )
        docx.score_table(d, club, lang)
        d.add_heading(t(lang, "reports.doc.h_evidence_outputs"), level=3)
        docx.outputs_table(d, club, dataset, lang, only_worked=True)
        if club.meetings:
            d.add_heading(t(lang, "reports.doc.h_meetings"), level=3)
            docx.meetings_table(d, club, lang, dataset)
        if club.narrative and club.narrative.highlights:
            d.add_heading(t(lang, "reports.narrative.highlights"), level=3)
            docx.paragraph(d, club.narrative.highlights)

    d.add_heading(t(lang, "reports.doc.h_casebook"), level=1)
    d.add_paragraph(t(lang, "reports.doc.casebook_intro"))
    if program.casebook:
        items = program.casebook[:CASEBOOK_ROWS]
        docx.table(
            d,
            [t(lang, f"reports.col.{c}") for c in ("club", "type", "title", "status", "people", "link")],
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
            t(lang, "reports.doc.t_casebook"),
        )
        if len(program.casebook) > len(items):
            d.add_paragraph(
                t(lang, "reports.doc.more_in_workbook", count=text.number(len(program.casebook) - len(items), lang))
            )
    else:
        d.add_paragraph(t(lang, "reports.doc.none"))
    for club in program.outstanding:
        if club.narrative and club.narrative.highlights:
            docx.paragraph(d, f"{club.club.name}: {club.narrative.highlights}", style="List Bullet")

    d.add_heading(t(lang, "reports.doc.h_inactive"), level=1)
    d.add_paragraph(t(lang, "reports.doc.inactive_rule", share=text.percent(settings.inactive_max_share_active, lang)))
    if program.inactive:
        docx.table(
            d,
            [t(lang, f"reports.col.{c}") for c in ("club", "updates", "meetings", "outputs_worked", "share_active")],
            [
                (
                    c.club.name,
                    text.number(c.updates, lang),
                    text.number(len(c.meetings), lang),
                    text.number(sum(1 for o in c.outputs if o.worked_on), lang),
                    text.percent(c.engagement.share_active, lang),
                )
                for c in program.inactive[: RANKING_ROWS * 5]
            ],
            t(lang, "reports.doc.t_inactive"),
        )
    else:
        d.add_paragraph(t(lang, "reports.doc.none"))
    d.add_heading(t(lang, "reports.doc.h_not_answered"), level=1)
    d.add_paragraph(docx.names([c.club.name for c in program.not_answered], lang))
    d.add_paragraph(t(lang, "reports.doc.workbook_note"))
    return docx.save(document)


def _no_chart(key: str, program: ProgramFigures, lang: Language) -> str:
    """The sentence in place of a chart that would show one value, or only zeros."""
    if key == "outputs":
        items = [f"{text.type_name(k, lang)} {text.number(v, lang)}" for k, v in program.outputs_by_type.items() if v]
        return t(lang, "reports.doc.no_chart.outputs", items=", ".join(items) or t(lang, "reports.doc.none"))
    return t(lang, f"reports.doc.no_chart.{key}")


def _selection_rule(settings: ReportSettings, lang: Language) -> str:
    if settings.outstanding_top_n is not None and settings.outstanding_min_score is not None:
        return t(
            lang,
            "reports.doc.select_both",
            top=settings.outstanding_top_n,
            score=text.number(settings.outstanding_min_score, lang),
        )
    if settings.outstanding_top_n is not None:
        return t(lang, "reports.doc.select_top", top=settings.outstanding_top_n)
    return t(lang, "reports.doc.select_score", score=text.number(settings.outstanding_min_score or 0, lang))
