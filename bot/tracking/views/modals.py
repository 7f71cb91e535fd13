"""The forms of tracking's items: an update or a plan, a club meeting, an output (new, edited, or from a
message), and what a form turns into once saved.

Long texts are never shortened in forms: a text longer than one input allows is split over several inputs
(`split_text`) and joined again when saved (`bot.tracking.forms.form_text`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.domain import OUTPUT_STATUSES, Language, MeetingFormat, OutputStatus, OutputType
from bot.i18n import t
from bot.slack.blocks import section
from bot.slack.modals import (
    PLAIN_INPUT_LIMIT,
    date_input,
    modal,
    number_input,
    radio,
    select,
    text_input,
    users_input,
)
from bot.tracking.names import format_name, status_name, type_name
from bot.tracking.types import (
    MEETING_FORM,
    OUTPUT_FORM,
    PLAN_FORM,
    SWITCH_TO_OUTPUT,
    SWITCH_TO_UPDATE,
    UPDATE_FORM,
    AnyItem,
    ItemKind,
    MeetingItem,
    OutputItem,
    PlanItem,
    UpdateItem,
)
from bot.tracking.values import TITLE_LIMIT


def split_text(text: str, limit: int = PLAIN_INPUT_LIMIT) -> tuple[list[str], list[str]]:
    """Parts of at most `limit` characters, cut at a line break or space, and the separator each cut removed
    (so `join_text(parts, joins)` gives the text back)."""
    parts: list[str] = []
    joins: list[str] = []
    rest = text
    while len(rest) > limit:
        cut = max(rest.rfind("\n", 0, limit), rest.rfind(" ", 0, limit))
        if cut <= limit // 2:
            parts.append(rest[:limit])
            joins.append("")
            rest = rest[limit:]
        else:
            parts.append(rest[:cut])
            joins.append(rest[cut])
            rest = rest[cut + 1 :]
    parts.append(rest)
    return parts, joins


def join_text(parts: Sequence[str], joins: Sequence[str]) -> str:
    text = parts[0] if parts else ""
    for index, part in enumerate(parts[1:]):
        text += (joins[index] if index < len(joins) else "\n") + part
    return text


def long_text_blocks(
    block_id: str,
    label: str,
    text: str | None,
    *,
    lang: Language | str,
    placeholder: str | None = None,
    optional: bool = False,
) -> tuple[list[dict[str, Any]], list[str]]:
    """One multiline input, or several when the text is longer than an input holds (`text`, `text_2`, ...)."""
    parts, joins = split_text(text or "")
    blocks = []
    for index, part in enumerate(parts):
        block = block_id if index == 0 else f"{block_id}_{index + 1}"
        part_label = (
            label if len(parts) == 1 else t(lang, "tracking.form.part", label=label, n=index + 1, total=len(parts))
        )
        blocks.append(
            text_input(
                block,
                part_label,
                initial=part or None,
                multiline=True,
                optional=optional or index > 0,
                placeholder=placeholder if index == 0 else None,
            )
        )
    return blocks, joins


def _meta(base: dict[str, Any], joins: list[str], field: str) -> dict[str, Any]:
    meta = dict(base)
    if joins:
        meta.setdefault("joins", {})[field] = joins
    return meta


def text_form(
    lang: Language | str, kind: ItemKind, meta: dict[str, Any], initial: str | None = None, *, switchable: bool = False
) -> dict[str, Any]:
    """The form of an update or a plan (new, edited, or from a message)."""
    callback = UPDATE_FORM if kind is ItemKind.UPDATE else PLAN_FORM
    key = "update" if kind is ItemKind.UPDATE else "plan"
    blocks: list[dict[str, Any]] = []
    if switchable:
        blocks.append(_switch_block(lang, SWITCH_TO_OUTPUT, "tracking.form.switch_to_output"))
    text_blocks, joins = long_text_blocks(
        "text",
        t(lang, f"tracking.form.{key}_label"),
        initial,
        lang=lang,
        placeholder=t(lang, f"tracking.form.{key}_placeholder"),
    )
    blocks += text_blocks
    title_key = f"tracking.form.{key}_title_edit" if meta.get("item") else f"tracking.form.{key}_title"
    return modal(
        callback,
        t(lang, title_key),
        blocks,
        submit=t(lang, "modal.save"),
        close=t(lang, "modal.cancel"),
        metadata=_meta(meta, joins, "text"),
    )


def _switch_block(lang: Language | str, action_id: str, key: str) -> dict[str, Any]:
    return {
        "type": "actions",
        "block_id": "switch",
        "elements": [{"type": "button", "action_id": action_id, "text": {"type": "plain_text", "text": t(lang, key)}}],
    }


def meeting_form(lang: Language | str, meta: dict[str, Any], item: MeetingItem | None = None) -> dict[str, Any]:
    formats = [(f.value, format_name(lang, f)) for f in MeetingFormat]
    summary_blocks, joins = long_text_blocks(
        "summary",
        t(lang, "tracking.form.summary_label"),
        item.summary if item else None,
        lang=lang,
        placeholder=t(lang, "tracking.form.summary_placeholder"),
    )
    blocks = [
        date_input("held_on", t(lang, "tracking.form.held_on_label"), initial=item.held_on if item else None),
        radio(
            "format",
            t(lang, "tracking.form.format_label"),
            formats,
            initial=(item.format.value if item else MeetingFormat.OFFLINE.value),
        ),
        number_input(
            "attendees",
            t(lang, "tracking.form.attendees_label"),
            initial=item.attendees if item else None,
            minimum=0,
            maximum=10000,
            optional=True,
        ),
        *summary_blocks,
    ]
    title_key = "tracking.form.meeting_title_edit" if meta.get("item") else "tracking.form.meeting_title"
    return modal(
        MEETING_FORM,
        t(lang, title_key),
        blocks,
        submit=t(lang, "modal.save"),
        close=t(lang, "modal.cancel"),
        metadata=_meta(meta, joins, "summary"),
    )


def output_form(
    lang: Language | str,
    meta: dict[str, Any],
    *,
    output_type: OutputType | None = None,
    item: OutputItem | None = None,
    statuses: Sequence[OutputStatus] | None = None,
    title: str | None = None,
    note: str | None = None,
    url: str | None = None,
    doi: str | None = None,
    switchable: bool = False,
) -> dict[str, Any]:
    """The form of an output: new (optionally with its type chosen, or pre-filled from a message) or edited."""
    chosen = item.type if item else output_type
    if statuses is None:
        statuses = OUTPUT_STATUSES[chosen] if chosen else tuple(OutputStatus)
    type_options = [(o.value, type_name(lang, o)) for o in OutputType]
    status_options = [(s.value, status_name(lang, s)) for s in statuses]
    people_users = [p.user_id for p in item.people if p.user_id] if item else []
    people_others = ", ".join(p.email or p.name or "" for p in item.people if not p.user_id) if item else ""
    blocks: list[dict[str, Any]] = []
    if switchable:
        blocks.append(_switch_block(lang, SWITCH_TO_UPDATE, "tracking.form.switch_to_update"))
    note_blocks, joins = long_text_blocks(
        "note", t(lang, "tracking.form.note_label"), item.note if item else note, lang=lang, optional=True
    )
    blocks += [
        select(
            "type",
            t(lang, "tracking.form.type_label"),
            type_options,
            initial=chosen.value if chosen else None,
            hint=t(lang, "tracking.form.type_hint"),
        ),
        text_input(
            "title",
            t(lang, "tracking.form.title_label"),
            initial=((item.title if item else title) or "")[:TITLE_LIMIT] or None,
            max_length=TITLE_LIMIT,
        ),
        select(
            "status",
            t(lang, "tracking.form.status_label"),
            status_options,
            initial=item.status.value if item else None,
            optional=True,
            hint=t(lang, "tracking.form.status_hint"),
        ),
        date_input(
            "date",
            t(lang, "tracking.form.date_label"),
            initial=item.occurred_on if item else None,
            optional=True,
            hint=t(lang, "tracking.form.date_hint"),
        ),
        text_input(
            "doi",
            "DOI",
            initial=item.doi if item else doi,
            optional=True,
            max_length=300,
            placeholder="10.1234/abcd.5678",
            hint=t(lang, "tracking.form.doi_hint"),
            dispatch=("on_enter_pressed", "on_character_entered"),
        ),
        text_input(
            "url",
            t(lang, "tracking.form.url_label"),
            initial=item.url if item else url,
            optional=True,
            max_length=2000,
            placeholder="https://",
        ),
        users_input("with_users", t(lang, "tracking.form.with_users_label"), initial=people_users, optional=True),
        text_input(
            "with_others",
            t(lang, "tracking.form.with_others_label"),
            initial=people_others or None,
            optional=True,
            hint=t(lang, "tracking.form.with_others_hint"),
        ),
        *note_blocks,
    ]
    title_key = "tracking.form.output_title_edit" if meta.get("item") else "tracking.form.output_title"
    return modal(
        OUTPUT_FORM,
        t(lang, title_key),
        blocks,
        submit=t(lang, "modal.save"),
        close=t(lang, "modal.cancel"),
        metadata=_meta(meta, joins, "note"),
    )


def edit_form(
    lang: Language | str, meta: dict[str, Any], item: AnyItem, statuses: Sequence[OutputStatus]
) -> dict[str, Any]:
    """The form of an item being edited, pre-filled; an output's offers `statuses` (see
    `bot.tracking.service.changes.editable_statuses`)."""
    match item:
        case OutputItem():
            return output_form(lang, meta, item=item, statuses=statuses)
        case MeetingItem():
            return meeting_form(lang, meta, item)
        case UpdateItem() | PlanItem():
            return text_form(lang, item.kind, meta, item.text)
    raise AssertionError(item)


def saved_view(lang: Language | str, text: str) -> dict[str, Any]:
    """What a form turns into once saved (when no channel is there to answer in)."""
    return modal(
        "tracking:saved",
        t(lang, "tracking.form.saved_title"),
        [section(":white_check_mark: " + text)],
        close=t(lang, "modal.close"),
    )
