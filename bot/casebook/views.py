"""The casebook's and the December brief's Slack surfaces: pure, from the feature's values to messages and modals.

Every name and text people typed is escaped; a count reads in its singular form for one."""

from __future__ import annotations

from typing import Any

from bot.casebook.types import (
    ANSWER_MAX,
    CONSENT_AGREE,
    CONSENT_ANONYMISE,
    CONSENT_DECLINE,
    FOREWORD_CALLBACK,
    FOREWORD_MAX,
    INTERVIEW_CALLBACK,
    INTERVIEW_PAIRS,
    QUESTION_MAX,
    Brief,
    ConsentAsk,
    ForewordForm,
    InterviewForm,
    Listing,
    PickResult,
    Step,
    UnpickResult,
)
from bot.domain import Language
from bot.i18n import format_date, format_number, format_percent, t
from bot.slack.blocks import Message, context, divider, escape, escaped, header, packed_sections, section, shorten
from bot.slack.modals import modal, text_input, users_input

LISTED_REASONS = 3


def listing_message(lang: Language, listing: Listing) -> Message:
    """`/club casebook list`: the year's candidates and picks, with each pick's consents so far."""
    title = t(lang, "cases.list.title", year=listing.year)
    blocks: list[dict[str, Any]] = [header(title)]
    if not listing.clubs:
        blocks.append(section(t(lang, "cases.list.empty", year=listing.year)))
    lines = []
    for club in listing.clubs:
        mark = ":white_check_mark:" if club.picked else ":small_blue_diamond:"
        tags = [t(lang, "cases.list.picked" if club.picked else "cases.list.not_picked")]
        tags.append(t(lang, "cases.list.candidate" if club.candidate else "cases.list.added"))
        line = f"{mark} *{escape(shorten(club.club_name, 120))}* · " + " · ".join(tags)
        if club.reasons:
            shown = "; ".join(escape(shorten(r, 80)) for r in club.reasons[:LISTED_REASONS])
            if len(club.reasons) > LISTED_REASONS:
                shown += " " + t(lang, "cases.list.more", count=format_number(len(club.reasons) - LISTED_REASONS, lang))
            line += "\n    " + shown
        if club.picked:
            c = club.consents
            line += "\n    " + t(
                lang,
                "cases.list.consents",
                agreed=format_number(c.agreed, lang),
                anonymised=format_number(c.anonymised, lang),
                declined=format_number(c.declined, lang),
                pending=format_number(c.pending, lang),
            )
        lines.append(line)
    blocks.extend(packed_sections(lines))
    forewords = ", ".join(t(lang, f"cases.lang.{code.value}") for code in listing.forewords) or t(lang, "cases.none")
    blocks.append(
        context(
            t(lang, "cases.list.interviews", count=listing.interviews)
            + " · "
            + t(lang, "cases.list.forewords", languages=forewords)
        )
    )
    blocks.append(context(t(lang, "cases.list.hint", year=listing.year)))
    return Message(text=title, blocks=blocks[:50])


def pick_answer(lang: Language, result: PickResult) -> Message:
    club = escape(result.club_name)
    if not result.newly:
        text = t(lang, "cases.pick.already", club=club, year=result.year)
    else:
        key = "cases.pick.done" if result.candidate else "cases.pick.done_added"
        text = t(lang, key, club=club, year=result.year) + " " + t(lang, "cases.pick.asked", count=result.asked)
    return Message(text=text)


def unpick_answer(lang: Language, result: UnpickResult) -> Message:
    key = "cases.unpick.done" if result.removed else "cases.unpick.not_picked"
    return Message(text=t(lang, key, club=escape(result.club_name), year=result.year))


def _button(lang: Language, action_id: str, key: str, value: str, style: str | None = None) -> dict[str, Any]:
    button: dict[str, Any] = {
        "type": "button",
        "action_id": action_id,
        "text": {"type": "plain_text", "text": t(lang, key)},
        "value": value,
    }
    if style:
        button["style"] = style
    return button


def consent_message(lang: Language, ask: ConsentAsk) -> Message:
    """The DM asking a person whether their name and words may be printed in the year's casebook, with the three
    answers as buttons (changeable: the buttons stay, the current answer is said under them)."""
    club = escape(shorten(ask.club_name, 120))
    value = str(ask.consent_id)
    blocks: list[dict[str, Any]] = [
        section(t(lang, "cases.consent.intro", year=ask.year, club=club)),
        section(t(lang, "cases.consent.what")),
        {
            "type": "actions",
            "block_id": f"casebook-consent-{ask.consent_id}",
            "elements": [
                _button(lang, CONSENT_AGREE, "cases.consent.agree", value, "primary"),
                _button(lang, CONSENT_ANONYMISE, "cases.consent.anonymise", value),
                _button(lang, CONSENT_DECLINE, "cases.consent.decline", value, "danger"),
            ],
        },
        context(t(lang, f"cases.consent.now.{ask.answer.value}")),
    ]
    return Message(text=t(lang, "cases.consent.fallback", year=ask.year, club=club), blocks=blocks)


def consent_answer(lang: Language, ask: ConsentAsk, changed: bool) -> Message:
    """What the person who pressed a button is told privately."""
    key = f"cases.consent.saved.{ask.answer.value}" if changed else "cases.consent.unchanged"
    return Message(text=t(lang, key, year=ask.year))


def interview_modal(lang: Language, form: InterviewForm) -> dict[str, Any]:
    """The secretariat's interview form: whom it was with, and up to `INTERVIEW_PAIRS` questions and answers."""
    blocks: list[dict[str, Any]] = [
        section(t(lang, "cases.interview.intro", club=escape(form.club_name), year=form.year)),
        users_input(
            "interviewee",
            t(lang, "cases.interview.interviewee"),
            initial=[form.interviewee_user_id] if form.interviewee_user_id else [],
            multiple=False,
            optional=True,
            hint=t(lang, "cases.interview.interviewee_hint"),
        ),
    ]
    for n in range(1, INTERVIEW_PAIRS + 1):
        question, answer = form.pairs[n - 1] if n <= len(form.pairs) else ("", "")
        blocks.append(
            text_input(
                f"q{n}",
                t(lang, "cases.interview.question", n=n),
                initial=question or None,
                optional=n > 1,
                max_length=QUESTION_MAX,
            )
        )
        blocks.append(
            text_input(
                f"a{n}",
                t(lang, "cases.interview.answer", n=n),
                initial=answer or None,
                multiline=True,
                optional=n > 1,
                max_length=ANSWER_MAX,
            )
        )
    return modal(
        INTERVIEW_CALLBACK,
        t(lang, "cases.interview.title"),
        blocks,
        submit=t(lang, "cases.save"),
        close=t(lang, "modal.cancel"),
        metadata={"club": form.club_id, "year": form.year},
    )


def foreword_modal(lang: Language, form: ForewordForm) -> dict[str, Any]:
    """The foreword page, in Korean and in English (each edition prints its own)."""
    blocks: list[dict[str, Any]] = [
        section(t(lang, "cases.foreword.intro", year=form.year)),
        text_input(
            "ko",
            t(lang, "cases.foreword.ko"),
            initial=form.ko or None,
            multiline=True,
            optional=True,
            max_length=FOREWORD_MAX,
        ),
        text_input(
            "en",
            t(lang, "cases.foreword.en"),
            initial=form.en or None,
            multiline=True,
            optional=True,
            max_length=FOREWORD_MAX,
        ),
    ]
    return modal(
        FOREWORD_CALLBACK,
        t(lang, "cases.foreword.title"),
        blocks,
        submit=t(lang, "cases.save"),
        close=t(lang, "modal.cancel"),
        metadata={"year": form.year},
    )


def saved_modal(lang: Language, text: str) -> dict[str, Any]:
    """The form after saving (or a refusal in its place): one sentence and a close button."""
    return modal(INTERVIEW_CALLBACK + "_done", t(lang, "cases.title"), [section(text)], close=t(lang, "modal.close"))


def brief_message(lang: Language, brief: Brief) -> Message:
    """`/club report brief`: the club's one-page brief for the December club operation meeting."""
    club = escape(shorten(brief.club_name, 120))
    title = t(lang, "cases.brief.title", year=brief.year)
    n = lambda value: format_number(value, lang)  # noqa: E731
    figures = [
        t(
            lang,
            "cases.brief.rank",
            rank=n(brief.rank),
            clubs=n(brief.clubs),
            score=format_number(brief.score, lang, digits=1),
        ),
        t(lang, "cases.brief.members", count=brief.members)
        + " · "
        + t(lang, "cases.brief.active", share=format_percent(brief.active_share, lang)),
        t(lang, "cases.brief.updates", count=brief.updates)
        + " · "
        + t(lang, "cases.brief.meetings", count=brief.meetings, attendees=n(brief.attendees)),
        t(lang, "cases.brief.outputs", count=brief.outputs_new, achieved=n(brief.outputs_achieved)),
    ]
    if brief.by_type:
        figures.append(
            " · ".join(
                t(lang, "cases.brief.by_type", kind=t(lang, f"output.type.{kind.value}"), count=n(count))
                for kind, count in sorted(brief.by_type.items())
            )
        )
    blocks: list[dict[str, Any]] = [
        header(shorten(title, 150)),
        section(f"*{club}* · {t(lang, f'field.{brief.field.value}')}"),
        context(t(lang, "cases.brief.leaders", names=escape(", ".join(brief.leaders)) or t(lang, "cases.none"))),
        section("*" + t(lang, "cases.brief.h_figures") + "*\n" + "\n".join(f"• {line}" for line in figures)),
        divider(),
    ]
    due = [
        f"• {format_date(item.due_on, lang)} — {t(lang, item.text_key, **escaped(item.params))}"
        for item in brief.due[:10]
    ]
    blocks.append(
        section("*" + t(lang, "cases.brief.h_due") + "*\n" + ("\n".join(due) or t(lang, "cases.brief.nothing_due")))
    )
    facts = brief.facts
    steps = [
        "• "
        + (
            t(lang, "cases.step.orcid", count=facts.members_without_orcid)
            if step is Step.ORCID
            else t(lang, f"cases.step.{step.value}")
        )
        for step in brief.steps
    ]
    blocks.append(section("*" + t(lang, "cases.brief.h_steps") + "*\n" + "\n".join(steps)))
    blocks.append(context(t(lang, "cases.brief.footer", year=brief.year)))
    return Message(text=f"{title}: {club}", blocks=blocks)
