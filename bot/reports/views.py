"""Block Kit for reports: the narrative request, its modal, who answered, progress and summary messages. Pure."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.domain import Language
from bot.i18n import format_date, format_datetime, format_number, format_percent, t
from bot.reports.period import Period
from bot.reports.text import period_label
from bot.reports.types import (
    NARRATIVE_ACTION,
    NARRATIVE_CALLBACK,
    NARRATIVE_FIELDS,
    NARRATIVE_MAX,
    NarrativeAsk,
    NarrativeForm,
    NarrativeStatus,
    RequestedReport,
    SavedNarrative,
    StoredReport,
    action_value,
)
from bot.slack.blocks import Message, context, escape, header, section
from bot.slack.modals import modal, text_input


def _quarter_label(period: str, lang: Language) -> str:
    return period_label(Period.parse(period), lang)


# --- asking leaders ------------------------------------------------------------------------------------------------


def narrative_request(ask: NarrativeAsk) -> Message:
    lang = ask.lang
    params = {
        "club": escape(ask.club_name),
        "period": _quarter_label(ask.period, lang),
        "due": format_date(ask.due_on, lang),
    }
    body = t(lang, f"reports.ask.{ask.step.replace('-', '_')}", **params)
    button = {
        "type": "button",
        "action_id": NARRATIVE_ACTION,
        "text": {"type": "plain_text", "text": t(lang, "reports.ask.button"), "emoji": True},
        "value": action_value(ask.club_id, ask.period),
        "style": "primary",
    }
    return Message(
        text=body,
        blocks=[
            section(body),
            context(t(lang, "reports.ask.fields")),
            {"type": "actions", "elements": [button]},
        ],
    )


# --- the modal --------------------------------------------------------------------------------------------------------


def narrative_modal(lang: Language, form: NarrativeForm) -> dict[str, Any]:
    title = t(lang, "reports.form.title")
    period = _quarter_label(form.period, lang)
    if form.closed:
        return modal(
            NARRATIVE_CALLBACK + "_closed",
            title,
            [section(":lock: " + t(lang, "reports.form.closed", club=escape(form.club_name), period=period))],
            close=t(lang, "modal.close"),
        )
    intro = t(lang, "reports.form.intro", club=escape(form.club_name), period=period)
    blocks: list[dict[str, Any]] = [section(intro)]
    if form.saved and form.answered_by:
        blocks.append(context(t(lang, "reports.form.saved_by", name=escape(form.answered_by))))
    if form.items:
        blocks.append(context(t(lang, "reports.form.items") + "\n" + escape("\n".join(form.items[:15]))))
    for name in NARRATIVE_FIELDS:
        blocks.append(
            text_input(
                name,
                t(lang, f"reports.narrative.{name}"),
                initial=form.values.get(name) or None,
                multiline=True,
                optional=name != "highlights",
                max_length=NARRATIVE_MAX,
                hint=t(lang, f"reports.form.hint.{name}"),
            )
        )
    return modal(
        NARRATIVE_CALLBACK,
        title,
        blocks,
        submit=t(lang, "reports.form.submit"),
        close=t(lang, "modal.cancel"),
        metadata={"club": form.club_id, "period": form.period},
    )


def narrative_saved(lang: Language, saved: SavedNarrative) -> dict[str, Any]:
    key = "reports.form.saved" if saved.created else "reports.form.updated"
    return modal(
        NARRATIVE_CALLBACK + "_saved",
        t(lang, "reports.form.title"),
        [
            section(
                ":white_check_mark: "
                + t(lang, key, club=escape(saved.club_name), period=_quarter_label(saved.period, lang))
            )
        ],
        close=t(lang, "modal.close"),
    )


def narrative_problem(lang: Language, text: str) -> dict[str, Any]:
    return modal(
        NARRATIVE_CALLBACK + "_problem",
        t(lang, "reports.form.title"),
        [section(":warning: " + text)],
        close=t(lang, "modal.close"),
    )


# --- who answered ---------------------------------------------------------------------------------------------------


def narrative_status(lang: Language, period: str, rows: Sequence[NarrativeStatus], tz: ZoneInfo) -> Message:
    label = _quarter_label(period, lang)
    answered = sum(1 for r in rows if r.answered_at is not None)
    title = t(lang, "reports.status.title", period=label, answered=answered, total=len(rows))
    lines = []
    for row in rows:
        if row.answered_at is None:
            lines.append(t(lang, "reports.status.not_yet", club=escape(row.club_name)))
        else:
            when = format_datetime(row.answered_at, lang, tz=tz, style="short")
            lines.append(
                t(
                    lang,
                    "reports.status.answered",
                    club=escape(row.club_name),
                    name=escape(row.answered_by or "—"),
                    when=when,
                )
            )
    blocks = [header(title)]
    for start in range(0, len(lines), 40):  # keeps each block under Slack's limit
        blocks.append(section("\n".join(lines[start : start + 40])))
    if not rows:
        blocks.append(section(t(lang, "reports.status.no_clubs")))
    return Message(text=title, blocks=blocks[:50])


# --- building and summaries -----------------------------------------------------------------------------------------


def report_progress(lang: Language, stage: str, period: Period) -> Message:
    text = t(lang, f"reports.progress.{stage}", period=period_label(period, lang))
    return Message(text=text, blocks=[section(":hourglass_flowing_sand: " + text)])


def _num(value: object, lang: Language) -> str:
    return format_number(float(value), lang) if isinstance(value, int | float) else "—"


def _activity_and_outputs(s: dict[str, Any], lang: Language) -> list[str]:
    """The summary lines the program's and a club's report share: activity, then outputs."""
    return [
        t(
            lang,
            "reports.summary.activity",
            updates=_num(s.get("updates"), lang),
            meetings=_num(s.get("meetings"), lang),
        ),
        t(
            lang,
            "reports.summary.outputs",
            new=_num(s.get("outputs_new"), lang),
            achieved=_num(s.get("outputs_achieved"), lang),
        ),
    ]


def report_summary(report: StoredReport, lang: Language) -> Message:
    """The short summary posted with the files (program or club)."""
    s = report.summary
    period = period_label(report.period, lang)
    if report.period.year and report.scope == "program":
        return _year_summary(s, report.period.year, lang)
    if report.scope == "program":
        title = t(lang, "reports.summary.program_title", period=period)
        lines = [
            t(
                lang,
                "reports.summary.clubs",
                clubs=_num(s.get("clubs"), lang),
                members=_num(s.get("members"), lang),
                joined=_num(s.get("joined"), lang),
                left=_num(s.get("left"), lang),
            ),
            *_activity_and_outputs(s, lang),
            t(
                lang,
                "reports.summary.engagement",
                active=_num(s.get("active_members"), lang),
                share=format_percent(float(s.get("share_active") or 0), lang),
                messages=_num(s.get("messages"), lang),
                previous=_num(s.get("previous_active_members"), lang),
            ),
            t(
                lang,
                "reports.summary.answered",
                answered=_num(s.get("answered"), lang),
                clubs=_num(s.get("clubs"), lang),
            ),
        ]
        if "papers_filed" in s:  # reports stored before joint papers were counted lack the figures
            lines.append(
                t(
                    lang,
                    "reports.summary.papers",
                    filed=_num(s.get("papers_filed"), lang),
                    filed_international=_num(s.get("papers_filed_international"), lang),
                    discovered=_num(s.get("papers_discovered"), lang),
                    discovered_international=_num(s.get("papers_discovered_international"), lang),
                    orcid=_num(s.get("members_with_orcid"), lang),
                    members=_num(s.get("members"), lang),
                )
            )
        outstanding = s.get("outstanding") or []
        if outstanding:
            names = ", ".join(
                f"{escape(str(name))} ({format_number(float(score), lang, digits=1)})" for name, score in outstanding
            )
            lines.append(t(lang, "reports.summary.outstanding", clubs=names))
        lines.append(
            t(
                lang,
                "reports.summary.lists",
                casebook=_num(s.get("casebook"), lang),
                inactive=_num(s.get("inactive"), lang),
                not_answered=_num(s.get("not_answered"), lang),
            )
        )
    else:
        title = t(
            lang, "reports.summary.club_title", club=escape(str(s.get("club") or report.club_name or "")), period=period
        )
        lines = [
            t(
                lang,
                "reports.summary.club_score",
                score=format_number(float(s.get("score") or 0), lang, digits=1),
                members=_num(s.get("members"), lang),
            ),
            *_activity_and_outputs(s, lang),
            t(
                lang,
                "reports.summary.club_engagement",
                active=_num(s.get("active_members"), lang),
                share=format_percent(float(s.get("share_active") or 0), lang),
                messages=_num(s.get("messages"), lang),
            ),
        ]
    body = "\n".join(f"• {line}" for line in lines)
    return Message(text=title, blocks=[header(title), section(body), context(t(lang, "reports.summary.files_follow"))])


def _year_summary(s: dict[str, Any], year: int, lang: Language) -> Message:
    """The annual report's summary (`bot.reports.build_year.year_summary`)."""
    title = t(lang, "reports.year.summary_title", year=year)
    met = s.get("met")
    lines = [
        t(lang, "reports.year.summary_clubs", clubs=_num(s.get("clubs"), lang), members=_num(s.get("members"), lang)),
        t(
            lang,
            "reports.year.summary_activity",
            updates=_num(s.get("updates"), lang),
            meetings=_num(s.get("meetings"), lang),
            achieved=_num(s.get("outputs_achieved"), lang),
        ),
        t(
            lang,
            "reports.year.summary_papers",
            papers=_num(s.get("papers"), lang),
            international=_num(s.get("papers_international"), lang),
            share=format_percent(float(s.get("share_active") or 0), lang),
        ),
        t(
            lang,
            "reports.year.summary_targets",
            met=_num(len(met) if isinstance(met, list) else None, lang),
            targets=_num(s.get("targets"), lang),
        ),
    ]
    outstanding = s.get("outstanding") or []
    if outstanding:
        names = ", ".join(
            f"{escape(str(name))} ({format_number(float(score), lang, digits=1)})" for name, score in outstanding
        )
        lines.append(t(lang, "reports.year.summary_outstanding", clubs=names))
    body = "\n".join(f"• {line}" for line in lines)
    return Message(text=title, blocks=[header(title), section(body), context(t(lang, "reports.year.summary_files"))])


def report_ready(lang: Language, requested: RequestedReport, tz: ZoneInfo) -> Message:
    """The private answer once the report is ready: its summary and where the files went."""
    summary = report_summary(requested.report, lang)
    report = requested.report
    notes = []
    if not report.stored:
        notes.append(t(lang, "reports.ready.draft"))
    elif not requested.rebuilt and report.built_at is not None:
        notes.append(
            t(lang, "reports.ready.stored", built=format_datetime(report.built_at, lang, tz=tz, style="short"))
        )
    notes.append(
        t(lang, "reports.ready.files_dm")
        if requested.files_to == "dm"
        else t(lang, "reports.ready.files_channel", channel=f"<#{requested.files_to}>")
    )
    return Message(text=summary.text, blocks=[*summary.blocks[:-1], context(" ".join(notes))])


def built_at_label(built_at: datetime, lang: Language, tz: ZoneInfo) -> str:
    return format_datetime(built_at, lang, tz=tz, style="short")
