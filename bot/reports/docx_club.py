"""A club's own Word document, one per language: all of its detail."""

from __future__ import annotations

from datetime import datetime

from docx.document import Document as DocxDocument

from bot.domain import Language
from bot.i18n import format_date, t
from bot.reports import docx, text
from bot.reports.results import ClubFigures, ProgramFigures
from bot.reports.rows import Dataset


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
        (t(lang, "reports.col.age_days"), t(lang, "reports.doc.days", count=club.age_days)),
    ]


def club_document(
    club: ClubFigures,
    program: ProgramFigures,
    dataset: Dataset,
    lang: Language,
    charts: dict[str, bytes],
    built_at: datetime,
) -> bytes:
    period = text.period_label(program.period, lang)
    previous = text.period_label(program.previous, lang)
    document = docx.begin(
        lang, t(lang, "reports.doc.club_title", club=club.club.name), program.period, dataset, built_at
    )
    d = document
    d.add_heading(t(lang, "reports.doc.h_profile"), level=1)
    docx.table(
        d,
        [t(lang, "reports.col.item"), t(lang, "reports.col.value")],
        profile_rows(club, lang),
        t(lang, "reports.doc.t_profile"),
    )

    d.add_heading(t(lang, "reports.doc.h_members"), level=1)
    d.add_paragraph(
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
    docx.table(
        d,
        [t(lang, "reports.col.breakdown"), t(lang, "reports.col.value"), t(lang, "reports.col.members")],
        breakdown,
        t(lang, "reports.doc.t_members"),
    )
    d.add_paragraph(t(lang, "reports.doc.joined_names", names=docx.names([p.name(lang) for p in club.joined], lang)))
    d.add_paragraph(t(lang, "reports.doc.left_names", names=docx.names([p.name(lang) for p in club.left], lang)))

    d.add_heading(t(lang, "reports.doc.h_activity"), level=1)
    d.add_paragraph(
        t(
            lang,
            "reports.doc.activity_line",
            updates=text.number(club.updates, lang),
            meetings=text.number(len(club.meetings), lang),
        )
    )
    start, end = program.period.start(dataset.tz), program.period.end(dataset.tz)
    updates = sorted(
        (u for u in dataset.updates if u.club_id == club.club.id and start <= u.created_at < end),
        key=lambda u: (u.created_at, u.id),
    )
    if updates:
        docx.table(
            d,
            [t(lang, f"reports.col.{c}") for c in ("date", "author", "update")],
            [
                (
                    format_date(u.created_at.astimezone(dataset.tz).date(), lang),
                    _person(dataset, u.author_id, lang),
                    u.text,
                )
                for u in updates
            ],
            t(lang, "reports.doc.t_updates", club=club.club.name),
        )
    if club.meetings:
        docx.meetings_table(d, club, lang, dataset)
    d.add_heading(t(lang, "reports.doc.h_plans"), level=2)
    plans = [p for p in dataset.plans if p.club_id == club.club.id and start <= p.created_at < end]
    if not plans:
        d.add_paragraph(t(lang, "reports.doc.no_plans"))
    for plan in plans:
        docx.paragraph(d, f"{plan.text} ({_person(dataset, plan.author_id, lang)})", style="List Bullet")

    d.add_heading(t(lang, "reports.doc.h_outputs"), level=1)
    d.add_paragraph(
        t(
            lang,
            "reports.doc.outputs_line",
            total=text.number(len(club.outputs), lang),
            new=text.number(club.outputs_new, lang),
            moved=text.number(club.outputs_moved, lang),
            achieved=text.number(club.outputs_achieved, lang),
        )
    )
    papers = club.papers
    d.add_paragraph(
        t(
            lang,
            "reports.summary.papers",
            filed=text.number(papers.filed, lang),
            filed_international=text.number(papers.filed_international, lang),
            discovered=text.number(papers.discovered, lang),
            discovered_international=text.number(papers.discovered_international, lang),
            orcid=text.number(papers.members_with_orcid, lang),
            members=text.number(papers.members, lang),
        )
    )
    docx.outputs_table(d, club, dataset, lang, only_worked=False)

    d.add_heading(t(lang, "reports.doc.h_engagement"), level=1)
    now, before = club.engagement, club.previous_engagement
    docx.table(
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
                text.point_change(now.share_active, before.share_active, lang),
            ),
            *(
                (
                    t(lang, f"reports.doc.{key}"),
                    text.number(getattr(now, key), lang),
                    text.number(getattr(before, key), lang),
                    text.signed_change(getattr(now, key), getattr(before, key), lang),
                )
                for key in ("away_members", "silent_members")
            ),
        ],
        t(lang, "reports.doc.t_engagement"),
    )
    if "engagement" in charts:
        docx.picture(d, charts["engagement"], t(lang, "reports.chart.engagement", club=club.club.name))

    d.add_heading(t(lang, "reports.doc.h_survey"), level=1)
    if club.survey is None:
        d.add_paragraph(t(lang, "reports.doc.no_survey"))
    else:
        s = club.survey
        docx.table(
            d,
            [t(lang, "reports.col.item"), t(lang, "reports.col.value")],
            [
                (t(lang, "reports.col.responses"), text.number(s.responses, lang)),
                (t(lang, "reports.col.overall"), text.number(s.overall, lang, 2)),
                (t(lang, "reports.col.program"), text.number(s.program, lang, 2)),
                (t(lang, "reports.col.speakers"), text.number(s.speakers, lang, 2)),
                (t(lang, "reports.col.networking"), text.number(s.networking, lang, 2)),
            ],
            t(lang, "reports.doc.t_survey"),
        )
        # Comments are the secretariat's to read (the survey says so; with one respondent a comment names its
        # author): this report goes to the club's leaders, so it says only where they are.
        if s.comments:
            d.add_paragraph(t(lang, "reports.doc.comments_secretariat"))

    d.add_heading(t(lang, "reports.doc.h_narrative"), level=1)
    _narrative(d, club, lang)

    d.add_heading(t(lang, "reports.doc.h_score"), level=1)
    d.add_paragraph(t(lang, "reports.doc.score_line", score=text.score_text(club.score.total, lang)))
    docx.score_table(d, club, lang)
    return docx.save(document)


def _person(dataset: Dataset, person_id: int | None, lang: Language) -> str:
    person = dataset.people.get(person_id) if person_id is not None else None
    return person.name(lang) if person else "—"


def _narrative(document: DocxDocument, club: ClubFigures, lang: Language) -> None:
    narrative = club.narrative
    if narrative is None:
        document.add_paragraph(t(lang, "reports.doc.no_narrative"))
        return
    for part in ("highlights", "difficulties", "plans", "support"):
        document.add_heading(t(lang, f"reports.narrative.{part}"), level=3)
        docx.paragraph(document, getattr(narrative, part) or t(lang, "reports.doc.none"))
