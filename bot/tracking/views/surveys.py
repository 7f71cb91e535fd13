"""A meeting survey's messages and form: the invitation (and its reminders), the form, the thanks, the
confirmation to whoever opened it, and its results."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.domain import Language
from bot.i18n import format_number, format_percent, t
from bot.slack.blocks import Message, context, divider, escape, header, section, shorten
from bot.slack.modals import modal, radio, text_input
from bot.tracking.names import format_day
from bot.tracking.types import QUESTIONS, SURVEY_FORM, SURVEY_OPEN_ACTION, Answer, SurveyInfo, SurveyResults
from bot.tracking.views.common import ok_message

SCORES = ("5", "4", "3", "2", "1")
SCORE_KEYS = {
    "5": "tracking.survey.score_5",
    "4": "tracking.survey.score_4",
    "3": "tracking.survey.score_3",
    "2": "tracking.survey.score_2",
    "1": "tracking.survey.score_1",
}
QUESTION_KEYS = {
    "overall": "tracking.survey.q_overall",
    "program": "tracking.survey.q_program",
    "speakers": "tracking.survey.q_speakers",
    "networking": "tracking.survey.q_networking",
}


def survey_invitation(lang: Language | str, info: SurveyInfo, *, reminder: bool) -> Message:
    meeting = info.meeting_in(str(lang))
    key = "tracking.survey.reminder" if reminder else "tracking.survey.invitation"
    text = t(lang, key, meeting=escape(meeting), club=escape(info.club_name), closes=format_day(lang, info.closes_on))
    button = {
        "type": "button",
        "action_id": SURVEY_OPEN_ACTION,
        "value": str(info.id),
        "style": "primary",
        "text": {"type": "plain_text", "text": t(lang, "tracking.survey.button")},
    }
    return Message(
        text=text,
        blocks=[
            section(":clipboard: " + text),
            {"type": "actions", "block_id": f"survey-{info.id}", "elements": [button]},
        ],
    )


def survey_form(lang: Language | str, info: SurveyInfo, answer: Answer | None) -> dict[str, Any]:
    options = [(value, t(lang, SCORE_KEYS[value])) for value in SCORES]
    blocks: list[dict[str, Any]] = [
        section(
            t(
                lang,
                "tracking.survey.form_intro",
                meeting=escape(info.meeting_in(str(lang))),
                closes=format_day(lang, info.closes_on),
            )
        )
    ]
    for question in QUESTIONS:
        initial = str(answer.score(question)) if answer else None
        blocks.append(radio(question, t(lang, QUESTION_KEYS[question]), options, initial=initial))
    blocks.append(
        text_input(
            "comment",
            t(lang, "tracking.survey.q_comment"),
            initial=answer.comment if answer else None,
            multiline=True,
            optional=True,
            hint=t(lang, "tracking.survey.comment_hint"),
        )
    )
    if answer:
        blocks.append(context(t(lang, "tracking.survey.changing")))
    return modal(
        SURVEY_FORM,
        t(lang, "tracking.survey.form_title"),
        blocks,
        submit=t(lang, "tracking.survey.submit"),
        close=t(lang, "modal.cancel"),
        metadata={"survey": info.id},
    )


def survey_thanks(lang: Language | str, replaced: bool, info_closes: date) -> dict[str, Any]:
    key = "tracking.survey.thanks_changed" if replaced else "tracking.survey.thanks"
    return modal(
        "tracking:survey_done",
        t(lang, "tracking.survey.form_title"),
        [section(":pray: " + t(lang, key, closes=format_day(lang, info_closes)))],
        close=t(lang, "modal.close"),
    )


def survey_opened(lang: Language | str, invited: int, not_in_slack: int, closes: date) -> Message:
    text = t(lang, "tracking.survey.opened", invited=invited, closes=format_day(lang, closes))
    if not_in_slack:
        text += "\n" + t(lang, "tracking.survey.not_in_slack", count=not_in_slack)
    return ok_message(text)


def survey_results(lang: Language | str, results: SurveyResults, *, with_comments: bool) -> Message:
    info = results.survey
    title = t(lang, "tracking.survey.results_title", meeting=escape(info.meeting_in(str(lang))) if info else "")
    lines = [
        t(
            lang,
            "tracking.survey.results_rate",
            responses=results.responses,
            invited=results.invited,
            rate=format_percent(results.response_rate, lang),
        )
    ]
    for q in results.questions:
        average = format_number(q.average, lang, digits=2) if q.average is not None else "—"
        spread = " · ".join(
            f"{value}: {count}" for value, count in zip(range(5, 0, -1), reversed(q.distribution), strict=True)
        )
        lines.append(f"*{t(lang, QUESTION_KEYS[q.question])}* — {average} / 5  ({spread})")
    blocks: list[dict[str, Any]] = [header(title), section("\n".join(lines))]
    if info is not None:
        blocks.append(context(t(lang, "tracking.survey.results_closes", closes=format_day(lang, info.closes_on))))
    if with_comments:
        blocks.append(divider())
        if results.comments:
            text = "\n".join(f"• {escape(shorten(c, 500))}" for c in results.comments)
            blocks.append(section("*" + t(lang, "tracking.survey.comments") + "*\n" + shorten(text, 2800)))
        else:
            blocks.append(context(t(lang, "tracking.survey.no_comments")))
    return Message(text=title, blocks=blocks)
