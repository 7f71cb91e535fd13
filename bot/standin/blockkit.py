"""Block Kit checks and payload shaping, the subset Slack enforces that apps commonly trip over.

Validation messages follow Slack's ``response_metadata.messages`` style, e.g.
``[ERROR] must be less than 3001 characters [json-pointer:/blocks/0/text/text]``.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

BLOCK_TYPES = frozenset(
    {
        "actions",
        "context",
        "divider",
        "file",
        "header",
        "image",
        "input",
        "markdown",
        "rich_text",
        "section",
        "table",
        "video",
    }
)
TEXT_TYPES = frozenset({"plain_text", "mrkdwn"})
MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
# element types whose selection lives in ``selected_option`` / ``selected_options``
SINGLE_OPTION = frozenset({"static_select", "external_select", "radio_buttons", "overflow"})
MULTI_OPTION = frozenset({"multi_static_select", "multi_external_select", "checkboxes"})
VALUE_INPUTS = frozenset({"plain_text_input", "number_input", "email_text_input", "url_text_input"})


def _too_long(limit: int, pointer: str) -> str:
    return f"[ERROR] must be less than {limit + 1} characters [json-pointer:{pointer}]"


def _check_text(obj: Any, pointer: str, limit: int, errors: list[str], *, plain_only: bool = False) -> None:
    if not isinstance(obj, dict) or obj.get("type") not in TEXT_TYPES or not isinstance(obj.get("text"), str):
        errors.append(f"[ERROR] failed to match all allowed schemas [json-pointer:{pointer}]")
        return
    if plain_only and obj["type"] != "plain_text":
        errors.append(f"[ERROR] must be a plain_text text object [json-pointer:{pointer}/type]")
    text = obj["text"]
    if len(text) == 0:
        errors.append(f"[ERROR] must be more than 0 characters [json-pointer:{pointer}/text]")
    elif len(text) > limit:
        errors.append(_too_long(limit, f"{pointer}/text"))


def _check_element(element: Any, pointer: str, errors: list[str]) -> None:
    if not isinstance(element, dict) or not isinstance(element.get("type"), str):
        errors.append(f"[ERROR] failed to match all allowed schemas [json-pointer:{pointer}]")
        return
    action_id = element.get("action_id")
    if action_id is not None and (not isinstance(action_id, str) or len(action_id) > 255):
        errors.append(_too_long(255, f"{pointer}/action_id"))
    if element["type"] == "button":
        _check_text(element.get("text"), f"{pointer}/text", 75, errors, plain_only=True)
        value = element.get("value")
        if value is not None and (not isinstance(value, str) or len(value) > 2000):
            errors.append(_too_long(2000, f"{pointer}/value"))


def validate_blocks(blocks: Any, *, max_blocks: int, pointer: str = "/blocks") -> list[str]:
    """Return Slack-style error messages; an empty list means the blocks are acceptable."""
    if not isinstance(blocks, list):
        return [f"[ERROR] must be an array [json-pointer:{pointer}]"]
    errors: list[str] = []
    if len(blocks) > max_blocks:
        errors.append(f"[ERROR] no more than {max_blocks} items allowed [json-pointer:{pointer}]")
    seen_ids: set[str] = set()
    for i, block in enumerate(blocks):
        here = f"{pointer}/{i}"
        if not isinstance(block, dict) or block.get("type") not in BLOCK_TYPES:
            errors.append(f"[ERROR] failed to match all allowed schemas [json-pointer:{here}]")
            continue
        block_id = block.get("block_id")
        if block_id is not None:
            if not isinstance(block_id, str) or len(block_id) > 255:
                errors.append(_too_long(255, f"{here}/block_id"))
            elif block_id in seen_ids:
                errors.append(f"[ERROR] duplicate block_id {block_id!r} [json-pointer:{here}/block_id]")
            else:
                seen_ids.add(block_id)
        kind = block["type"]
        if kind == "section":
            if "text" not in block and "fields" not in block:
                errors.append(f"[ERROR] must provide text or fields [json-pointer:{here}]")
            if "text" in block:
                _check_text(block["text"], f"{here}/text", 3000, errors)
            fields = block.get("fields")
            if fields is not None:
                if not isinstance(fields, list) or len(fields) > 10:
                    errors.append(f"[ERROR] no more than 10 items allowed [json-pointer:{here}/fields]")
                else:
                    for j, field in enumerate(fields):
                        _check_text(field, f"{here}/fields/{j}", 2000, errors)
            if "accessory" in block:
                _check_element(block["accessory"], f"{here}/accessory", errors)
        elif kind == "header":
            _check_text(block.get("text"), f"{here}/text", 150, errors, plain_only=True)
        elif kind == "context":
            elements = block.get("elements")
            if not isinstance(elements, list) or not 1 <= len(elements) <= 10:
                errors.append(f"[ERROR] must contain 1 to 10 items [json-pointer:{here}/elements]")
            else:
                for j, element in enumerate(elements):
                    if isinstance(element, dict) and element.get("type") == "image":
                        continue
                    _check_text(element, f"{here}/elements/{j}", 3000, errors)
        elif kind == "actions":
            elements = block.get("elements")
            if not isinstance(elements, list) or not 1 <= len(elements) <= 25:
                errors.append(f"[ERROR] must contain 1 to 25 items [json-pointer:{here}/elements]")
            else:
                for j, element in enumerate(elements):
                    _check_element(element, f"{here}/elements/{j}", errors)
        elif kind == "input":
            _check_text(block.get("label"), f"{here}/label", 2000, errors, plain_only=True)
            if "element" not in block:
                errors.append(f"[ERROR] missing required field: element [json-pointer:{here}]")
            else:
                _check_element(block["element"], f"{here}/element", errors)
        elif kind == "image":
            if "image_url" not in block and "slack_file" not in block:
                errors.append(f"[ERROR] missing required field: image_url [json-pointer:{here}]")
            if not isinstance(block.get("alt_text"), str):
                errors.append(f"[ERROR] missing required field: alt_text [json-pointer:{here}]")
    return errors


def validate_view(view: Any, *, expected: tuple[str, ...] = ("modal",)) -> list[str]:
    """Check a view payload as views.open/update/push/publish do."""
    if not isinstance(view, dict):
        return ["[ERROR] must be an object [json-pointer:/view]"]
    errors: list[str] = []
    if view.get("type") not in expected:
        errors.append(f"[ERROR] must be one of {', '.join(expected)} [json-pointer:/view/type]")
        return errors
    if view["type"] == "modal":
        _check_text(view.get("title"), "/view/title", 24, errors, plain_only=True)
        for key in ("close", "submit"):
            if key in view:
                _check_text(view[key], f"/view/{key}", 24, errors, plain_only=True)
        has_input = any(isinstance(b, dict) and b.get("type") == "input" for b in view.get("blocks") or [])
        if has_input and "submit" not in view:
            errors.append(
                "[ERROR] submit is required when an input block is within the blocks array [json-pointer:/view/submit]"
            )
    errors += validate_blocks(view.get("blocks"), max_blocks=MAX_VIEW_BLOCKS, pointer="/view/blocks")
    private_metadata = view.get("private_metadata")
    if private_metadata is not None and (not isinstance(private_metadata, str) or len(private_metadata) > 3000):
        errors.append(_too_long(3000, "/view/private_metadata"))
    callback_id = view.get("callback_id")
    if callback_id is not None and (not isinstance(callback_id, str) or len(callback_id) > 255):
        errors.append(_too_long(255, "/view/callback_id"))
    return errors


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
