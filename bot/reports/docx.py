"""Word documents of a report, one per language: the program's and each club's own.

Every style names an East Asian font (`w:eastAsia`, see `bot.reports.fonts`) and marks text as Korean
(`w:lang w:eastAsia="ko-KR"`), so Hangul renders in Word and in LibreOffice. Theme fonts are removed
from the styles, because a theme font would override the named one.

The program document holds the tables, the charts, the top of the ranking and the evidence for the
outstanding clubs; the detail of every club is in the workbook (one row per club, member, output...),
so the document stays readable for 16 clubs or 1,000. A club's own document has all of its detail.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from bot.domain import Language
from bot.i18n import format_date, t
from bot.reports import text
from bot.reports.figures import ClubFigures, ProgramFigures
from bot.reports.fonts import DOCX_EAST_ASIA_FONT, DOCX_LATIN_FONT
from bot.reports.rows import Dataset
from bot.reports.settings import ReportSettings
from bot.reports.xlsx import people_text

RANKING_ROWS = 20
CASEBOOK_ROWS = 50
NAMES_LISTED = 200
_THEME_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")


# --- fonts ---------------------------------------------------------------------------------------------------


def _set_fonts(rpr: object, *, latin: bool) -> None:
    fonts = rpr.find(qn("w:rFonts"))  # type: ignore[attr-defined]
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)  # type: ignore[attr-defined]
    for attr in _THEME_ATTRS:
        if fonts.get(qn(attr)) is not None:
            del fonts.attrib[qn(attr)]
    if latin or fonts.get(qn("w:ascii")) is None:
        fonts.set(qn("w:ascii"), DOCX_LATIN_FONT)
        fonts.set(qn("w:hAnsi"), DOCX_LATIN_FONT)
    fonts.set(qn("w:eastAsia"), DOCX_EAST_ASIA_FONT)
    fonts.set(qn("w:hint"), "eastAsia")
    lang = rpr.find(qn("w:lang"))  # type: ignore[attr-defined]
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)  # type: ignore[attr-defined]
    lang.set(qn("w:eastAsia"), "ko-KR")


def new_document(lang: Language) -> object:
    """A document whose every style and the defaults carry the East Asian font."""
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
    section = document.sections[0]
    section.left_margin = section.right_margin = Cm(2.0)
    document.core_properties.language = "ko-KR" if lang == "ko" else "en-US"
    return document


# --- building blocks -------------------------------------------------------------------------------------------


def _table(document: object, header: Sequence[str], rows: Sequence[Sequence[str]]) -> object:
    table = document.add_table(rows=1, cols=len(header))  # type: ignore[attr-defined]
    table.style = "Table Grid"
    for cell, value in zip(table.rows[0].cells, header, strict=True):
        cell.text = value
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = value
    return table


def _picture(document: object, png: bytes, width_cm: float = 16.0) -> None:
    document.add_picture(io.BytesIO(png), width=Cm(width_cm))  # type: ignore[attr-defined]


def _names(names: Sequence[str], lang: Language) -> str:
    if not names:
        return t(lang, "reports.doc.none")
    shown = ", ".join(names[:NAMES_LISTED])
    if len(names) > NAMES_LISTED:
        shown += " " + t(lang, "reports.doc.and_more", count=text.number(len(names) - NAMES_LISTED, lang))
    return shown


def _save(document: object) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)  # type: ignore[attr-defined]
    return buffer.getvalue()


def summary_rows(program: ProgramFigures, lang: Language) -> list[tuple[str, str, str]]:
    """(label, this period, change from the period before) — the program's key figures."""
    n = program.totals
    num = lambda v: text.number(v, lang)  # noqa: E731
    return [
        (t(lang, "reports.sum.clubs"), num(n.clubs), ""),
        (
            t(lang, "reports.sum.members"),
            num(n.members),
            t(lang, "reports.sum.joined_left", joined=num(n.joined), left=num(n.left)),
        ),
        (t(lang, "reports.sum.overseas_korean"), num(n.overseas_korean), ""),
        (t(lang, "reports.sum.updates"), num(n.updates), ""),
        (
            t(lang, "reports.sum.meetings"),
            num(n.meetings),
            t(lang, "reports.sum.attendees", count=num(n.meeting_attendees)),
        ),
        (t(lang, "reports.sum.outputs_new"), num(n.outputs_new), ""),
        (t(lang, "reports.sum.outputs_moved"), num(n.outputs_moved), ""),
        (t(lang, "reports.sum.outputs_achieved"), num(n.outputs_achieved), ""),
        (
            t(lang, "reports.sum.active_members"),
            num(n.active_members),
            text.signed_change(n.active_members, n.previous_active_members, lang),
        ),
        (t(lang, "reports.sum.share_active"), text.percent(n.share_active, lang), ""),
        (t(lang, "reports.sum.messages"), num(n.messages), text.signed_change(n.messages, n.previous_messages, lang)),
        (
            t(lang, "reports.sum.survey"),
            text.number(n.satisfaction, lang, 2) if n.satisfaction is not None else t(lang, "reports.doc.no_data"),
            t(lang, "reports.sum.responses", count=num(n.survey_responses)),
        ),
        (t(lang, "reports.sum.answered"), f"{num(n.answered)} / {num(n.clubs)}", ""),
        (t(lang, "reports.sum.mean_score"), text.score_text(n.mean_score, lang), ""),
    ]


def _score_table(document: object, club: ClubFigures, lang: Language) -> None:
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
    _table(document, header, rows)


def _outputs_table(document: object, club: ClubFigures, dataset: Dataset, lang: Language, *, only_worked: bool) -> None:
    outputs = [o for o in club.outputs if o.worked_on or not only_worked]
    if not outputs:
        document.add_paragraph(t(lang, "reports.doc.no_outputs"))  # type: ignore[attr-defined]
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
    _table(document, header, rows)


def _narrative(document: object, club: ClubFigures, lang: Language) -> None:
    narrative = club.narrative
    if narrative is None:
        document.add_paragraph(t(lang, "reports.doc.no_narrative"))  # type: ignore[attr-defined]
        return
    for part in ("highlights", "difficulties", "plans", "support"):
        document.add_heading(t(lang, f"reports.narrative.{part}"), level=3)  # type: ignore[attr-defined]
        document.add_paragraph(getattr(narrative, part) or t(lang, "reports.doc.none"))  # type: ignore[attr-defined]


# --- the program's document --------------------------------------------------------------------------------------


def program_document(
    program: ProgramFigures,
    dataset: Dataset,
    settings: ReportSettings,
    lang: Language,
    charts: dict[str, bytes],
    built_at: datetime,
) -> bytes:
    document = new_document(lang)
    d = document
    period = text.period_label(program.period, lang)
    d.add_heading(t(lang, "reports.doc.program_title"), level=0)  # type: ignore[attr-defined]
    d.add_paragraph(
        t(lang, "reports.doc.subtitle", period=period, built=format_date(built_at.astimezone(dataset.tz).date(), lang))
    )  # type: ignore[attr-defined]
    d.add_paragraph(t(lang, "reports.doc.program_intro"))  # type: ignore[attr-defined]

    d.add_heading(t(lang, "reports.doc.h_summary"), level=1)  # type: ignore[attr-defined]
    _table(d, [t(lang, "reports.col.figure"), period, t(lang, "reports.col.change")], summary_rows(program, lang))
    for key in ("scores", "outputs", "fields"):
        if key in charts:
            _picture(d, charts[key])

    d.add_heading(t(lang, "reports.doc.h_fields"), level=1)  # type: ignore[attr-defined]
    _table(
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
    )

    d.add_heading(t(lang, "reports.doc.h_ranking"), level=1)  # type: ignore[attr-defined]
    shown = program.clubs[:RANKING_ROWS]
    d.add_paragraph(
        t(
            lang,
            "reports.doc.ranking_note",
            shown=text.number(len(shown), lang),
            total=text.number(len(program.clubs), lang),
        )
    )  # type: ignore[attr-defined]
    _table(
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
    )

    d.add_heading(t(lang, "reports.doc.h_method"), level=1)  # type: ignore[attr-defined]
    d.add_paragraph(t(lang, "reports.doc.method_intro"))  # type: ignore[attr-defined]
    targets = settings.targets
    _table(
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
    )
    d.add_paragraph(t(lang, "reports.doc.method_outputs", factor=text.number(settings.unconfirmed_factor, lang, 2)))  # type: ignore[attr-defined]

    d.add_heading(t(lang, "reports.doc.h_outstanding"), level=1)  # type: ignore[attr-defined]
    d.add_paragraph(_selection_rule(settings, lang))  # type: ignore[attr-defined]
    if not program.outstanding:
        d.add_paragraph(t(lang, "reports.doc.none"))  # type: ignore[attr-defined]
    for club in program.outstanding:
        d.add_heading(club.club.name, level=2)  # type: ignore[attr-defined]
        d.add_paragraph(  # type: ignore[attr-defined]
            t(
                lang,
                "reports.doc.outstanding_line",
                rank=text.number(program.rank_of(club.club.id), lang),
                score=text.score_text(club.score.total, lang),
                field=text.field_name(club.club.field.value, lang),
                members=text.number(club.member_count, lang),
            )
        )
        _score_table(d, club, lang)
        d.add_heading(t(lang, "reports.doc.h_evidence_outputs"), level=3)  # type: ignore[attr-defined]
        _outputs_table(d, club, dataset, lang, only_worked=True)
        if club.meetings:
            d.add_heading(t(lang, "reports.doc.h_meetings"), level=3)  # type: ignore[attr-defined]
            _meetings_table(d, club, lang)
        if club.narrative and club.narrative.highlights:
            d.add_heading(t(lang, "reports.narrative.highlights"), level=3)  # type: ignore[attr-defined]
            d.add_paragraph(club.narrative.highlights)  # type: ignore[attr-defined]

    d.add_heading(t(lang, "reports.doc.h_casebook"), level=1)  # type: ignore[attr-defined]
    d.add_paragraph(t(lang, "reports.doc.casebook_intro"))  # type: ignore[attr-defined]
    if program.casebook:
        items = program.casebook[:CASEBOOK_ROWS]
        _table(
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
        )
        if len(program.casebook) > len(items):
            d.add_paragraph(
                t(lang, "reports.doc.more_in_workbook", count=text.number(len(program.casebook) - len(items), lang))
            )  # type: ignore[attr-defined]
    else:
        d.add_paragraph(t(lang, "reports.doc.none"))  # type: ignore[attr-defined]
    highlights = [c for c in program.outstanding if c.narrative and c.narrative.highlights]
    for club in highlights:
        d.add_paragraph(f"{club.club.name}: {club.narrative.highlights}", style="List Bullet")  # type: ignore[attr-defined, union-attr]

    d.add_heading(t(lang, "reports.doc.h_inactive"), level=1)  # type: ignore[attr-defined]
    d.add_paragraph(t(lang, "reports.doc.inactive_rule", share=text.percent(settings.inactive_max_share_active, lang)))  # type: ignore[attr-defined]
    d.add_paragraph(_names([c.club.name for c in program.inactive], lang))  # type: ignore[attr-defined]
    d.add_heading(t(lang, "reports.doc.h_not_answered"), level=1)  # type: ignore[attr-defined]
    d.add_paragraph(_names([c.club.name for c in program.not_answered], lang))  # type: ignore[attr-defined]
    d.add_paragraph(t(lang, "reports.doc.workbook_note"))  # type: ignore[attr-defined]
    return _save(document)


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


def _meetings_table(document: object, club: ClubFigures, lang: Language) -> None:
    _table(
        document,
        [t(lang, f"reports.col.{c}") for c in ("date", "format", "attendees", "summary")],
        [
            (
                format_date(m.held_on, lang),
                text.format_name(m.format, lang),
                text.number(m.attendees, lang) if m.attendees is not None else "—",
                m.summary,
            )
            for m in club.meetings
        ],
    )


# --- a club's own document -----------------------------------------------------------------------------------------


def profile_rows(club: ClubFigures, lang: Language) -> list[tuple[str, str]]:
    meeting = club.club.meeting
    meeting_text = "—"
    if meeting is not None:
        title = (meeting.title_ko or meeting.title_en) if lang == "ko" else (meeting.title_en or meeting.title_ko)
        meeting_text = t(
            lang,
            "reports.doc.meeting_line",
            code=meeting.code,
            title=title or "",
            venue=meeting.venue or "—",
            first=format_date(meeting.starts_on, lang),
            last=format_date(meeting.ends_on, lang),
        )
    return [
        (t(lang, "reports.col.meeting"), meeting_text),
        (t(lang, "reports.col.field"), text.field_name(club.club.field.value, lang)),
        (t(lang, "reports.col.area"), text.area_name(club.club.field.review_area.value, lang)),
        (t(lang, "reports.col.leaders"), ", ".join(p.name(lang) for p in club.leaders) or "—"),
        (t(lang, "reports.col.channel"), f"#{club.club.channel_name}" if club.club.channel_name else "—"),
        (t(lang, "reports.col.age_days"), t(lang, "reports.doc.days", count=text.number(club.age_days, lang))),
    ]


def club_document(
    club: ClubFigures,
    program: ProgramFigures,
    dataset: Dataset,
    lang: Language,
    charts: dict[str, bytes],
    built_at: datetime,
) -> bytes:
    document = new_document(lang)
    d = document
    period = text.period_label(program.period, lang)
    previous = text.period_label(program.previous, lang)
    d.add_heading(t(lang, "reports.doc.club_title", club=club.club.name), level=0)  # type: ignore[attr-defined]
    d.add_paragraph(
        t(lang, "reports.doc.subtitle", period=period, built=format_date(built_at.astimezone(dataset.tz).date(), lang))
    )  # type: ignore[attr-defined]

    d.add_heading(t(lang, "reports.doc.h_profile"), level=1)  # type: ignore[attr-defined]
    _table(d, [t(lang, "reports.col.item"), t(lang, "reports.col.value")], profile_rows(club, lang))

    d.add_heading(t(lang, "reports.doc.h_members"), level=1)  # type: ignore[attr-defined]
    d.add_paragraph(  # type: ignore[attr-defined]
        t(
            lang,
            "reports.doc.members_line",
            members=text.number(club.member_count, lang),
            joined=text.number(len(club.joined), lang),
            left=text.number(len(club.left), lang),
            pending=text.number(club.pending, lang),
            overseas=text.number(club.overseas_korean, lang),
        )
    )
    breakdown = (
        [
            (t(lang, "reports.col.country"), text.country(k, lang), text.number(v, lang))
            for k, v in sorted(club.by_country.items(), key=lambda kv: (-kv[1], kv[0]))
        ]
        + [
            (t(lang, "reports.col.career_stage"), text.stage_name(k, lang), text.number(v, lang))
            for k, v in sorted(club.by_stage.items(), key=lambda kv: (-kv[1], kv[0]))
        ]
        + [
            (t(lang, "reports.col.role"), text.role_name(k, lang), text.number(v, lang))
            for k, v in sorted(club.by_role.items())
        ]
    )
    _table(d, [t(lang, "reports.col.by"), t(lang, "reports.col.value"), t(lang, "reports.col.members")], breakdown)
    d.add_paragraph(t(lang, "reports.doc.joined_names", names=_names([p.name(lang) for p in club.joined], lang)))  # type: ignore[attr-defined]
    d.add_paragraph(t(lang, "reports.doc.left_names", names=_names([p.name(lang) for p in club.left], lang)))  # type: ignore[attr-defined]

    d.add_heading(t(lang, "reports.doc.h_activity"), level=1)  # type: ignore[attr-defined]
    d.add_paragraph(
        t(
            lang,
            "reports.doc.activity_line",
            updates=text.number(club.updates, lang),
            meetings=text.number(len(club.meetings), lang),
        )
    )  # type: ignore[attr-defined]
    if club.meetings:
        _meetings_table(d, club, lang)

    d.add_heading(t(lang, "reports.doc.h_outputs"), level=1)  # type: ignore[attr-defined]
    d.add_paragraph(  # type: ignore[attr-defined]
        t(
            lang,
            "reports.doc.outputs_line",
            total=text.number(len(club.outputs), lang),
            new=text.number(club.outputs_new, lang),
            moved=text.number(club.outputs_moved, lang),
            achieved=text.number(club.outputs_achieved, lang),
        )
    )
    _outputs_table(d, club, dataset, lang, only_worked=False)

    d.add_heading(t(lang, "reports.doc.h_engagement"), level=1)  # type: ignore[attr-defined]
    now, before = club.engagement, club.previous_engagement
    _table(
        d,
        [t(lang, "reports.col.figure"), period, previous, t(lang, "reports.col.change")],
        [
            (
                t(lang, "reports.doc.active_members"),
                text.number(now.active_members, lang),
                text.number(before.active_members, lang),
                text.signed_change(now.active_members, before.active_members, lang),
            ),
            (
                t(lang, "reports.doc.messages"),
                text.number(now.messages, lang),
                text.number(before.messages, lang),
                text.signed_change(now.messages, before.messages, lang),
            ),
            (
                t(lang, "reports.sum.share_active"),
                text.percent(now.share_active, lang),
                text.percent(before.share_active, lang),
                "",
            ),
        ],
    )
    if "engagement" in charts:
        _picture(d, charts["engagement"])

    d.add_heading(t(lang, "reports.doc.h_survey"), level=1)  # type: ignore[attr-defined]
    if club.survey is None:
        d.add_paragraph(t(lang, "reports.doc.no_survey"))  # type: ignore[attr-defined]
    else:
        s = club.survey
        _table(
            d,
            [t(lang, "reports.col.item"), t(lang, "reports.col.value")],
            [
                (t(lang, "reports.col.responses"), text.number(s.responses, lang)),
                (t(lang, "reports.col.overall"), text.number(s.overall, lang, 2)),
                (t(lang, "reports.col.program"), text.number(s.program, lang, 2)),
                (t(lang, "reports.col.speakers"), text.number(s.speakers, lang, 2)),
                (t(lang, "reports.col.networking"), text.number(s.networking, lang, 2)),
            ],
        )
        for comment in s.comments[:20]:
            d.add_paragraph(comment, style="List Bullet")  # type: ignore[attr-defined]

    d.add_heading(t(lang, "reports.doc.h_narrative"), level=1)  # type: ignore[attr-defined]
    _narrative(d, club, lang)

    d.add_heading(t(lang, "reports.doc.h_score"), level=1)  # type: ignore[attr-defined]
    d.add_paragraph(t(lang, "reports.doc.score_line", score=text.score_text(club.score.total, lang)))  # type: ignore[attr-defined]
    _score_table(d, club, lang)
    return _save(document)
