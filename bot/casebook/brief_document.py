"""The December briefs as a Word document: one page per club (the same content as `/club report brief`), for the
secretariat to print for the club operation meeting. Pure, from `Brief` values to DOCX bytes."""

from __future__ import annotations

from collections.abc import Sequence

from docx.enum.text import WD_BREAK

from bot.casebook.types import Brief, Step
from bot.domain import Language
from bot.i18n import format_date, format_number, format_percent, t
from bot.reports import docx as rdocx
from bot.reports import text


def briefs_docx(briefs: Sequence[Brief], lang: Language) -> bytes:
    """One page per club, in `lang`."""
    year = briefs[0].year if briefs else 0
    document = rdocx.new_document(lang, running_header=t(lang, "cases.brief.title", year=year))
    n = lambda value: format_number(value, lang)  # noqa: E731
    for index, brief in enumerate(briefs):
        if index:
            document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        document.add_heading(brief.club_name, level=1)
        rdocx.paragraph(document, t(lang, "cases.brief.title", year=brief.year))
        rdocx.paragraph(document, t(lang, "cases.doc.field", field=text.field_name(brief.field.value, lang)))
        rdocx.paragraph(
            document, t(lang, "cases.brief.leaders", names=", ".join(brief.leaders) or t(lang, "cases.none"))
        )
        document.add_heading(t(lang, "cases.brief.h_figures"), level=2)
        rows = [
            (
                t(
                    lang,
                    "cases.brief.rank",
                    rank=n(brief.rank),
                    clubs=n(brief.clubs),
                    score=format_number(brief.score, lang, digits=1),
                ),
            ),
            (
                t(lang, "cases.brief.members", count=brief.members)
                + " · "
                + t(lang, "cases.brief.active", share=format_percent(brief.active_share, lang)),
            ),
            (
                t(lang, "cases.brief.updates", count=brief.updates)
                + " · "
                + t(lang, "cases.brief.meetings", count=brief.meetings, attendees=n(brief.attendees)),
            ),
            (t(lang, "cases.brief.outputs", count=brief.outputs_new, achieved=n(brief.outputs_achieved)),),
        ]
        for (line,) in rows:
            rdocx.paragraph(document, line, style="List Bullet")
        document.add_heading(t(lang, "cases.brief.h_due"), level=2)
        if not brief.due:
            rdocx.paragraph(document, t(lang, "cases.brief.nothing_due"))
        for item in brief.due[:10]:
            rdocx.paragraph(
                document,
                f"{format_date(item.due_on, lang)} — {t(lang, item.text_key, **item.params)}",
                style="List Bullet",
            )
        document.add_heading(t(lang, "cases.brief.h_steps"), level=2)
        for step in brief.steps:
            line = (
                t(lang, "cases.step.orcid", count=brief.facts.members_without_orcid)
                if step is Step.ORCID
                else t(lang, f"cases.step.{step.value}")
            )
            rdocx.paragraph(document, line.replace("`", ""), style="List Bullet")
    return rdocx.save(document)
