"""Block Kit payload shaping: finding elements, and the selections Slack puts in ``state.values`` and
``block_actions``. The checks against Slack's limits are in :mod:`bot.standin.validator` (``validate_blocks``
and ``MAX_MESSAGE_BLOCKS`` are importable from here too).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

from .limits import MAX_MESSAGE_BLOCKS, MAX_VIEW_BLOCKS
from .validator import validate_blocks

__all__ = [
    "MAX_MESSAGE_BLOCKS",
    "MAX_VIEW_BLOCKS",
    "action_payload",
    "find_element",
    "is_empty_selection",
    "iter_elements",
    "option_for",
    "selection",
    "validate_blocks",
]

# element types whose selection lives in ``selected_option`` / ``selected_options``
SINGLE_OPTION = frozenset({"static_select", "external_select", "radio_buttons", "overflow"})
MULTI_OPTION = frozenset({"multi_static_select", "multi_external_select", "checkboxes"})
VALUE_INPUTS = frozenset({"plain_text_input", "number_input", "email_text_input", "url_text_input"})


def iter_elements(blocks: list[dict[str, Any]] | None) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """Yield (block, element) for every interactive element in blocks."""
    for block in blocks or []:
        if not isinstance(block, dict):
            continue
        if isinstance(block.get("accessory"), dict):
            yield block, block["accessory"]
        if isinstance(block.get("element"), dict):
            yield block, block["element"]
        if block.get("type") == "actions":
            for element in block.get("elements") or []:
                if isinstance(element, dict):
                    yield block, element


Found = tuple[dict[str, Any], dict[str, Any]]


def find_element(blocks: list[dict[str, Any]] | None, action_id: str) -> Found | None:
    for block, element in iter_elements(blocks):
        if element.get("action_id") == action_id:
            return block, element
    return None


def _all_options(element: dict[str, Any]) -> list[dict[str, Any]]:
    options = list(element.get("options") or [])
    for group in element.get("option_groups") or []:
        options.extend(group.get("options") or [])
    return options


def option_for(element: dict[str, Any], value: Any) -> dict[str, Any]:
    """The option object a user picks, looked up by its value (or passed through if already a dict)."""
    if isinstance(value, dict):
        return value
    for option in _all_options(element):
        if option.get("value") == value:
            return option
    return {"text": {"type": "plain_text", "text": str(value), "emoji": True}, "value": str(value)}


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return list(value)
    return [value]


def selection(element: dict[str, Any], value: Any) -> dict[str, Any]:
    """The type-specific selection fields Slack puts in state.values and block_actions actions."""
    kind = element.get("type")
    if kind in VALUE_INPUTS:
        return {"value": None if value is None else str(value)}
    if kind in SINGLE_OPTION:
        return {"selected_option": None if value is None else option_for(element, value)}
    if kind in MULTI_OPTION:
        return {"selected_options": [option_for(element, v) for v in _as_list(value)]}
    if kind == "users_select":
        return {"selected_user": value}
    if kind == "multi_users_select":
        return {"selected_users": _as_list(value)}
    if kind == "conversations_select":
        return {"selected_conversation": value}
    if kind == "multi_conversations_select":
        return {"selected_conversations": _as_list(value)}
    if kind == "channels_select":
        return {"selected_channel": value}
    if kind == "multi_channels_select":
        return {"selected_channels": _as_list(value)}
    if kind == "datepicker":
        return {"selected_date": value}
    if kind == "timepicker":
        return {"selected_time": value}
    if kind == "datetimepicker":
        return {"selected_date_time": None if value is None else int(value)}
    if kind == "rich_text_input":
        return {"rich_text_value": value}
    if kind == "file_input":
        return {"files": _as_list(value)}
    return {"value": value}


def is_empty_selection(shaped: dict[str, Any]) -> bool:
    return all(v in (None, [], "") for k, v in shaped.items() if k != "type")


def action_payload(
    block: dict[str, Any], element: dict[str, Any], value: Any = None, selected_option: Any = None
) -> dict[str, Any]:
    """One entry of block_actions ``actions[]`` as Slack builds it for a click or a selection."""
    kind = element.get("type")
    action: dict[str, Any] = {
        "action_id": element.get("action_id"),
        "block_id": block.get("block_id"),
        "type": kind,
        "action_ts": f"{time.time():.6f}",
    }
    if kind == "button":
        action["text"] = element.get("text")
        if value is not None or "value" in element:
            action["value"] = value if value is not None else element.get("value")
        if "style" in element:
            action["style"] = element["style"]
        return action
    picked = selected_option if selected_option is not None else value
    if picked is None and kind in SINGLE_OPTION:
        options = _all_options(element)
        picked = element.get("initial_option") or (options[0] if options else None)
    action.update(selection(element, picked))
    if "placeholder" in element and kind != "overflow":
        action["placeholder"] = element["placeholder"]
    return action
