"""`/club list`: the club's items of a quarter, one line each."""

from __future__ import annotations

from datetime import tzinfo
from typing import Any

from bot.domain import Language, Quarter
from bot.i18n import t
from bot.slack.blocks import Message, context, escape, header, section, shorten
from bot.tracking.names import format_day, status_name, type_name
from bot.tracking.types import AnyItem, ClubItems, ItemKind, MeetingItem, OutputItem, PlanItem, UpdateItem
from bot.tracking.views.common import KIND_EMOJI, TYPE_EMOJI, who

LIST_LINE_LIMIT = 160
LIST_MAX_ITEMS = 80


def _list_line(lang: Language | str, item: AnyItem, tz: tzinfo) -> str:
    when = format_day(lang, item.created_at.astimezone(tz).date())
    author = who(item.author_user_id, item.author_name)
    match item:
        case OutputItem():
            status = status_name(lang, item.status)
            what = f"{TYPE_EMOJI[item.type]} {type_name(lang, item.type)}: “{shorten(item.title, 90)}” ({status})"
            if item.confirmed:
                what += " :white_check_mark:"
        case MeetingItem():
            label = t(lang, "tracking.card.meeting")
            what = (
                f"{KIND_EMOJI[ItemKind.MEETING]} {label} {format_day(lang, item.held_on)}: {shorten(item.summary, 80)}"
            )
        case UpdateItem():
            what = f"{KIND_EMOJI[ItemKind.UPDATE]} {shorten(item.text, 100)}"
        case PlanItem():
            what = f"{KIND_EMOJI[ItemKind.PLAN]} {t(lang, 'tracking.card.plan')}: {shorten(item.text, 90)}"
    return f"`{item.ref}` {escape(shorten(what, LIST_LINE_LIMIT))} — {author}, {when}"


def item_list(
    lang: Language | str, club_name: str, quarter: Quarter, items: ClubItems, *, mine: bool, tz: tzinfo
) -> Message:
    everything = items.all()
    title_key = "tracking.list.title_mine" if mine else "tracking.list.title"
    title = t(lang, title_key, club=escape(club_name), quarter=str(quarter))
    if not everything:
        return Message(
            text=title, blocks=[header(title), section(t(lang, "tracking.list.empty", quarter=str(quarter)))]
        )
    lines = [_list_line(lang, item, tz) for item in everything[:LIST_MAX_ITEMS]]
    blocks: list[dict[str, Any]] = [header(title)]
    chunk: list[str] = []
    for line in lines:
        if sum(len(x) + 1 for x in chunk) + len(line) > 2800:
            blocks.append(section("\n".join(chunk)))
            chunk = []
        chunk.append(line)
    if chunk:
        blocks.append(section("\n".join(chunk)))
    if len(everything) > LIST_MAX_ITEMS:
        blocks.append(context(t(lang, "tracking.list.more", count=len(everything) - LIST_MAX_ITEMS)))
    blocks.append(context(t(lang, "tracking.list.hint")))
    return Message(text=title, blocks=blocks)
