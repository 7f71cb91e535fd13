"""The card of a filed item in its club channel (posted when filed, updated when it changes).

Channel cards never show personal data: co-authors appear as Slack mentions or names, never email addresses.
Long texts are kept whole in the database and shortened on cards.
"""

from __future__ import annotations

import re
from typing import Any

from bot.domain import Language
from bot.i18n import t
from bot.slack.blocks import Message, context, escape, public_text, section, shorten, without_emails
from bot.tracking.names import format_day, format_name, status_name, type_name
from bot.tracking.types import CONFIRM_ACTION, AnyItem, ItemKind, MeetingItem, OutputItem, PlanItem, UpdateItem
from bot.tracking.views.common import KIND_EMOJI, TYPE_EMOJI, safe_url, who

_MENTION = re.compile(r"<@[UW][A-Z0-9]+(?:\|[^<>|&]*)?>")

CARD_TEXT_LIMIT = 700
TITLE_LIMIT = 300
AUTHORS_SHOWN = 8


def _people(lang: Language | str, item: OutputItem) -> str | None:
    """Who the output was done with, for the channel: mentions and names; people known only by their email
    address are counted, never shown."""
    shown: list[str] = []
    hidden = 0
    for person in item.people:
        if person.user_id:
            shown.append(f"<@{person.user_id}>")
        elif person.name and _MENTION.fullmatch(person.name):
            shown.append(person.name)  # a Slack user not in the participant database
        elif person.name:
            shown.append(escape(person.name))
        else:
            hidden += 1
    if shown and hidden:
        return t(lang, "tracking.card.with_and_others", people=", ".join(shown), count=hidden)
    if shown:
        return t(lang, "tracking.card.with", people=", ".join(shown))
    if hidden:
        return t(lang, "tracking.card.with_others_only", count=hidden)
    return None


def _link(url: str | None, text: str) -> str:
    return f"<{safe_url(url)}|{text}>" if url else text


def item_card(lang: Language | str, item: AnyItem) -> Message:
    """The card of a filed item in the club channel."""
    ref = f"`{item.ref}`"
    if item.deleted_at is not None:
        text = t(lang, "tracking.card.deleted", id=str(item.ref), by=who(item.deleted_by, None))
        return Message(text=text, blocks=[context(":wastebasket: " + text)])
    author = who(item.author_user_id, item.author_name)
    match item:
        case OutputItem():
            return _output_card(lang, item)
        case UpdateItem():
            label = t(lang, "tracking.card.update")
            body = public_text(item.text, CARD_TEXT_LIMIT)
            lines = [f"{KIND_EMOJI[ItemKind.UPDATE]} *{label}* · {ref} · {author}", body]
        case PlanItem():
            label = t(lang, "tracking.card.plan")
            body = public_text(item.text, CARD_TEXT_LIMIT)
            lines = [f"{KIND_EMOJI[ItemKind.PLAN]} *{label}* · {ref} · {author}", body]
        case MeetingItem():
            label = t(lang, "tracking.card.meeting")
            facts = [format_day(lang, item.held_on), format_name(lang, item.format)]
            if item.attendees is not None:
                facts.append(t(lang, "tracking.card.attendees", count=item.attendees))
            lines = [
                f"{KIND_EMOJI[ItemKind.MEETING]} *{label}* · {ref} · {' · '.join(facts)}",
                public_text(item.summary, CARD_TEXT_LIMIT),
            ]
    blocks = [section("\n".join(lines))]
    if isinstance(item, MeetingItem):
        blocks.append(context(t(lang, "tracking.card.filed_by", who=author)))
    return Message(text=t(lang, "tracking.card.fallback", kind=label, id=str(item.ref)), blocks=blocks)


def _crossref_lines(lang: Language | str, item: OutputItem) -> list[str]:
    """What Crossref says of the DOI: the venue and authors, or that it does not know the DOI, or its other type."""
    if item.doi_known is False:
        return [":grey_question: " + t(lang, "tracking.card.doi_unknown")]
    lines = []
    if item.venue:
        lines.append(t(lang, "tracking.card.venue", venue=public_text(item.venue, 200)))
    if item.authors:
        shown = ", ".join(item.authors[:AUTHORS_SHOWN])
        more = len(item.authors) > AUTHORS_SHOWN
        names = public_text(shown, 600) + (t(lang, "tracking.card.authors_more") if more else "")
        lines.append(t(lang, "tracking.card.authors", names=names))
    if item.doi_type_differs:
        lines.append(
            ":warning: " + t(lang, "tracking.card.doi_type_differs", crossref_type=escape(item.doi_type or ""))
        )
    return lines


def _output_card(lang: Language | str, item: OutputItem) -> Message:
    title = public_text(item.title, TITLE_LIMIT) or escape(item.doi or "")
    head = f"{TYPE_EMOJI[item.type]} *{type_name(lang, item.type)}* · `{item.ref}`"
    lines = [head, f"*{_link(item.link, title)}*"]
    facts = [t(lang, "tracking.card.status", status=status_name(lang, item.status))]
    if item.occurred_on:
        facts.append(format_day(lang, item.occurred_on))
    lines.append(" · ".join(facts))
    people = _people(lang, item)
    lines.append(t(lang, "tracking.card.filed_by", who=who(item.author_user_id, item.author_name)))
    if people:
        lines.append(people)
    lines.extend(_crossref_lines(lang, item))
    if item.doi:
        lines.append(f"DOI: <{safe_url('https://doi.org/' + item.doi)}|{escape(item.doi)}>")
    if item.note:
        lines.append("_" + public_text(item.note, CARD_TEXT_LIMIT) + "_")
    blocks: list[dict[str, Any]] = [section("\n".join(lines))]
    if item.confirmed:
        by = who(item.confirmed_by_user_id, None) if item.confirmed_by_user_id else ""
        blocks.append(context(":white_check_mark: " + t(lang, "tracking.card.confirmed", by=by).strip()))
    else:
        blocks.append(context(":hourglass: " + t(lang, "tracking.card.unconfirmed")))
        blocks.append(
            {
                "type": "actions",
                "block_id": f"output-{item.ref.id}",
                "elements": [
                    {
                        "type": "button",
                        "action_id": CONFIRM_ACTION,
                        "text": {"type": "plain_text", "text": t(lang, "tracking.card.confirm_button")},
                        "value": str(item.ref.id),
                        "style": "primary",
                    }
                ],
            }
        )
    text = t(
        lang,
        "tracking.card.output_fallback",
        type=type_name(lang, item.type),
        title=escape(shorten(without_emails(item.title), 150)),
    )
    return Message(text=text, blocks=blocks)
