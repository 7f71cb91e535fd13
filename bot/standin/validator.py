"""The stand-in's Block Kit validator: pure functions, callable without the HTTP server.

* :func:`validate_message` (``blocks``, ``text``, ``attachments``) -> :class:`Verdict` with the error
  chat.postMessage / chat.update / chat.postEphemeral give (``msg_too_long``, ``too_many_attachments``,
  ``invalid_blocks``, ``msg_blocks_too_long``) and the pointer messages;
* :func:`validate_view` (a modal or Home tab view) -> :class:`Verdict` with ``invalid_arguments`` and
  the pointer messages views.open/push/update/publish give;
* :func:`validate_blocks` -> the bare list of pointer messages.

Every limit comes from :data:`bot.standin.limits.LIMITS`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from .checks import ACCESSORY_ELEMENTS, ACTIONS_ELEMENTS, INPUT_ELEMENTS, Checker
from .limits import LIMITS, MAX_MESSAGE_BLOCKS, MAX_VIEW_BLOCKS

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
CONTEXT_ELEMENTS = frozenset({"image", "plain_text", "mrkdwn"})
VIEW_TYPES = ("modal", "home")


@dataclass(frozen=True)
class Verdict:
    """What Slack answers for a payload: ``error`` is None when it is accepted."""

    error: str | None = None
    messages: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error is None

    def answer(self) -> dict[str, Any]:
        """The ``ok: false`` body's fields besides ``ok`` (``error``, ``errors``, ``response_metadata``)."""
        body: dict[str, Any] = {"error": self.error}
        if self.error == "invalid_blocks":
            body["errors"] = [m.removeprefix("[ERROR] ") for m in self.messages]
        if self.messages:
            body["response_metadata"] = {"messages": list(self.messages)}
        return body


def _block(check: Checker, block: dict[str, Any], here: str) -> None:
    kind = block["type"]
    if kind == "section":
        if "text" not in block and "fields" not in block:
            check.error("must provide text or fields", here)
        if "text" in block:
            check.text(block["text"], f"{here}/text", "section.text")
        if "fields" in block:
            fields = block["fields"]
            if not isinstance(fields, list) or len(fields) > (LIMITS["section.fields"].max or 10):
                check.error(f"no more than {LIMITS['section.fields'].max} items allowed", f"{here}/fields")
            else:
                for j, item in enumerate(fields):
                    check.text(item, f"{here}/fields/{j}", "section.field")
        if "accessory" in block:
            check.element(block["accessory"], f"{here}/accessory", ACCESSORY_ELEMENTS)
    elif kind == "header":
        check.text(block.get("text"), f"{here}/text", "header.text", plain_only=True)
    elif kind == "context":
        for j, element in enumerate(check.items(block.get("elements"), f"{here}/elements", "context.elements")):
            if isinstance(element, dict) and element.get("type") == "image":
                check.image(element, f"{here}/elements/{j}", "image_element")
            elif isinstance(element, dict) and element.get("type") in CONTEXT_ELEMENTS:
                check.text(element, f"{here}/elements/{j}", "text.text")
            else:
                check.schema(f"{here}/elements/{j}")
    elif kind == "actions":
        seen: set[str] = set()
        for j, element in enumerate(check.items(block.get("elements"), f"{here}/elements", "actions.elements")):
            check.element(element, f"{here}/elements/{j}", ACTIONS_ELEMENTS)
            action_id = element.get("action_id") if isinstance(element, dict) else None
            if isinstance(action_id, str):
                if action_id in seen:
                    check.error(f"duplicate action_id {action_id!r}", f"{here}/elements/{j}/action_id")
                seen.add(action_id)
    elif kind == "input":
        check.text(block.get("label"), f"{here}/label", "input.label", plain_only=True)
        check.text(block.get("hint"), f"{here}/hint", "input.hint", plain_only=True, required=False)
        if "dispatch_action" in block and not isinstance(block["dispatch_action"], bool):
            check.error("must be a boolean", f"{here}/dispatch_action")
        if "element" not in block:
            check.error("missing required field: element", here)
        else:
            check.element(block["element"], f"{here}/element", INPUT_ELEMENTS)
    elif kind == "image":
        check.image(block, here, "image")
        check.text(block.get("title"), f"{here}/title", "image.title", plain_only=True, required=False)
    elif kind == "markdown":
        text = block.get("text")
        if not isinstance(text, str):
            check.error("missing required field: text", here)
        else:
            check.markdown_chars += len(text)
            limit = LIMITS["markdown.text"].max or 0
            if check.markdown_chars > limit:
                check.error(f"must be less than {limit + 1} characters", f"{here}/text")
    elif kind == "rich_text":
        elements = block.get("elements")
        if not isinstance(elements, list):
            check.error("missing required field: elements", here)


def validate_blocks(blocks: Any, *, max_blocks: int = MAX_MESSAGE_BLOCKS, pointer: str = "/blocks") -> list[str]:
    """Slack-style error messages for a blocks array; an empty list means the blocks are acceptable."""
    if not isinstance(blocks, list):
        return [f"[ERROR] must be an array [json-pointer:{pointer}]"]
    check = Checker()
    if len(blocks) > max_blocks:
        check.error(f"no more than {max_blocks} items allowed", pointer)
    seen_ids: set[str] = set()
    for i, block in enumerate(blocks):
        here = f"{pointer}/{i}"
        if not isinstance(block, dict) or block.get("type") not in BLOCK_TYPES:
            check.schema(here)
            continue
        block_id = block.get("block_id")
        if block_id is not None:
            check.string(block_id, f"{here}/block_id", "block.block_id")
            if isinstance(block_id, str):
                if block_id in seen_ids:
                    check.error(f"duplicate block_id {block_id!r}", f"{here}/block_id")
                seen_ids.add(block_id)
        _block(check, block, here)
    return check.errors


def validate_message(blocks: Any, text: str | None = None, attachments: Any = None) -> Verdict:
    """What chat.postMessage (and chat.update, chat.postEphemeral) says of a message's content."""
    if text is not None and len(text) > (LIMITS["message.text"].max or 0):
        return Verdict("msg_too_long")
    if isinstance(attachments, list) and len(attachments) > (LIMITS["message.attachments"].max or 0):
        return Verdict("too_many_attachments")
    if blocks is None or blocks == []:
        return Verdict()
    errors = validate_blocks(blocks, max_blocks=MAX_MESSAGE_BLOCKS)
    if errors:
        return Verdict("invalid_blocks", errors)
    if len(json.dumps(blocks, ensure_ascii=False)) > (LIMITS["message.blocks_json"].max or 0):
        return Verdict("msg_blocks_too_long")
    return Verdict()


def view_errors(view: Any, *, expected: tuple[str, ...] = VIEW_TYPES) -> list[str]:
    """The pointer messages for a view payload (empty when views.open & co would accept it)."""
    if not isinstance(view, dict):
        return ["[ERROR] must be an object [json-pointer:/view]"]
    check = Checker()
    if view.get("type") not in expected:
        check.error(f"must be one of {', '.join(expected)}", "/view/type")
        return check.errors
    if view["type"] == "modal":
        check.text(view.get("title"), "/view/title", "view.title", plain_only=True)
        for key in ("close", "submit"):
            if key in view:
                check.text(view[key], f"/view/{key}", f"view.{key}", plain_only=True)
        has_input = any(isinstance(b, dict) and b.get("type") == "input" for b in view.get("blocks") or [])
        if has_input and "submit" not in view:
            check.error("submit is required when an input block is within the blocks array", "/view/submit")
    errors = check.errors + validate_blocks(view.get("blocks"), max_blocks=MAX_VIEW_BLOCKS, pointer="/view/blocks")
    tail = Checker()
    for key in ("private_metadata", "callback_id", "external_id"):
        tail.string(view.get(key), f"/view/{key}", f"view.{key}")
    return errors + tail.errors


def validate_view(view: Any, *, expected: tuple[str, ...] = VIEW_TYPES) -> Verdict:
    """What views.open/push/update/publish say of a view: ``invalid_arguments`` with pointer messages."""
    errors = view_errors(view, expected=expected)
    return Verdict("invalid_arguments", errors) if errors else Verdict()
