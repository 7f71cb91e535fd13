"""`/club status`: the club's quarter on one card (items, outputs by status, engagement, the latest survey,
deadlines)."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.domain import Language
from bot.i18n import format_number, format_percent, t
from bot.slack.blocks import Message, context, escape, escaped, header, section, shorten
from bot.tracking.names import format_day, format_name, status_name, type_name
from bot.tracking.types import EngagementFigures, ItemKind, Level, QuarterFigures, SurveySummary
from bot.tracking.views.common import KIND_EMOJI, TYPE_EMOJI


def engagement_lines(lang: Language | str, figures: EngagementFigures) -> list[str]:
    levels = figures.by_level
    return [
        t(
            lang,
            "tracking.status.active_members",
            active=figures.active_members,
            members=figures.members,
            share=format_percent(figures.share_active, lang),
        ),
        t(
            lang,
            "tracking.status.messages",
            messages=format_number(figures.messages, lang),
            replies=format_number(figures.replies, lang),
            files=format_number(figures.files, lang),
            reactions=format_number(figures.reactions, lang),
        ),
        t(
            lang,
            "tracking.status.levels",
            core=levels[Level.CORE],
            active=levels[Level.ACTIVE],
            occasional=levels[Level.OCCASIONAL],
            silent=levels[Level.SILENT],
            away=levels[Level.AWAY],
        ),
    ]


def status_card(lang: Language | str, figures: QuarterFigures, today: date) -> Message:
    title = t(lang, "tracking.status.title", club=escape(figures.club.name), quarter=str(figures.quarter))
    blocks: list[dict[str, Any]] = [header(title)]
    summary = [
        t(lang, "tracking.status.updates", count=figures.updates),
        t(lang, "tracking.status.meetings", count=len(figures.meetings)),
        t(lang, "tracking.status.plans", count=figures.plans),
        t(lang, "tracking.status.outputs", count=figures.outputs_total, confirmed=figures.outputs_confirmed),
    ]
    blocks.append(section("\n".join(summary)))
    if figures.outputs:
        lines = []
        for tally in figures.outputs:
            statuses = ", ".join(f"{status_name(lang, s)} {n}" for s, n in tally.by_status)
            lines.append(
                f"{TYPE_EMOJI[tally.type]} *{type_name(lang, tally.type)}* {tally.total} ({statuses}) · "
                + t(lang, "tracking.status.confirmed_count", count=tally.confirmed)
            )
        blocks.append(section("\n".join(lines)))
    if figures.meetings:
        meetings = [
            f"{KIND_EMOJI[ItemKind.MEETING]} {format_day(lang, m.held_on)} · {format_name(lang, m.format)} · "
            f"{escape(shorten(m.summary, 80))}"
            for m in figures.meetings
        ]
        blocks.append(section("\n".join(meetings)))
    blocks.append(
        section(
            "*" + t(lang, "tracking.status.engagement") + "*\n" + "\n".join(engagement_lines(lang, figures.engagement))
        )
    )
    if figures.survey is not None:
        blocks.append(section(survey_summary_line(lang, figures.survey)))
    due_lines = []
    for line in figures.due:
        text = t(lang, line.text_key, **{**escaped(line.params), "due": format_day(lang, line.due_on)})
        if line.done:
            due_lines.append(":white_check_mark: " + text + " — " + t(lang, "tracking.status.done"))
        elif line.due_on < today:
            due_lines.append(":red_circle: " + text + " — " + t(lang, "tracking.status.overdue"))
        else:
            due_lines.append(":calendar: " + text)
    if due_lines:
        blocks.append(section("*" + t(lang, "tracking.status.due_title") + "*\n" + "\n".join(due_lines)))
    blocks.append(
        context(
            t(lang, "tracking.status.as_of", quarter=str(figures.quarter), date=format_day(lang, figures.as_of.date()))
        )
    )
    return Message(text=title, blocks=blocks)


def survey_summary_line(lang: Language | str, summary: SurveySummary) -> str:
    key = "tracking.status.survey_open" if summary.is_open else "tracking.status.survey_closed"
    overall = format_number(summary.overall, lang, digits=1) if summary.overall is not None else "—"
    return t(
        lang,
        key,
        responses=summary.responses,
        invited=summary.invited,
        rate=format_percent(summary.response_rate, lang),
        overall=overall,
        closes=format_day(lang, summary.survey.closes_on),
    )
