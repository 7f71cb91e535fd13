"""Block Kit rendered as plain text, for the console (and for tests that read what a person would see)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|([^>]*))?>")
_CHANNEL = re.compile(r"<#([CGD][A-Z0-9]+)(?:\|([^>]*))?>")
_LINK = re.compile(r"<((?:https?|mailto):[^|>]+)(?:\|([^>]*))?>")
_SPECIAL = re.compile(r"<!([a-z]+)(?:\^[^|>]*)?(?:\|([^>]*))?>")

NameLookup = Callable[[str], str | None]


def mrkdwn_to_text(text: str, names: Mapping[str, str] | None = None) -> str:
    """Readable text from Slack mrkdwn: mentions become @name, links `label (url)`, entities unescaped."""
    names = names or {}
    text = _MENTION.sub(lambda m: "@" + (m.group(2) or names.get(m.group(1), m.group(1))), text)
    text = _CHANNEL.sub(lambda m: "#" + (m.group(2) or names.get(m.group(1), m.group(1))), text)
    text = _LINK.sub(lambda m: f"{m.group(2)} ({m.group(1)})" if m.group(2) else m.group(1), text)
    text = _SPECIAL.sub(lambda m: "@" + (m.group(2) or m.group(1)), text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _text_of(obj: Mapping[str, Any] | None, names: Mapping[str, str]) -> str:
    if not obj:
        return ""
    return mrkdwn_to_text(str(obj.get("text", "")), names)


def _element(element: Mapping[str, Any], names: Mapping[str, str]) -> str:
    kind = element.get("type")
    if kind == "button":
        value = f" value={element['value']}" if element.get("value") else ""
        return f"[{_text_of(element.get('text'), names)}] ({element.get('action_id')}{value})"
    if kind in {"mrkdwn", "plain_text"}:
        return mrkdwn_to_text(str(element.get("text", "")), names)
    if kind == "image":
        return f"[image: {element.get('alt_text', '')}]"
    if kind == "overflow":
        return "[…] (" + str(element.get("action_id")) + ")"
    placeholder = _text_of(element.get("placeholder"), names)
    return f"<{kind}{': ' + placeholder if placeholder else ''}> ({element.get('action_id')})"


def render_blocks(blocks: list[Mapping[str, Any]], names: Mapping[str, str] | None = None) -> str:
    """One text line (or a few) per block, in order."""
    names = names or {}
    lines: list[str] = []
    for block in blocks:
        kind = block.get("type")
        if kind == "header":
            lines.append("== " + _text_of(block.get("text"), names) + " ==")
        elif kind == "section":
            if block.get("text"):
                lines.append(_text_of(block.get("text"), names))
            for field in block.get("fields") or []:
                lines.append("  " + _text_of(field, names))
            if block.get("accessory"):
                lines.append("  " + _element(block["accessory"], names))
        elif kind == "context":
            lines.append("  " + "  ".join(_element(e, names) for e in block.get("elements") or []))
        elif kind == "divider":
            lines.append("-" * 40)
        elif kind == "actions":
            lines.append("  ".join(_element(e, names) for e in block.get("elements") or []))
        elif kind == "input":
            optional = "" if not block.get("optional") else " (optional)"
            element = block.get("element") or {}
            lines.append(
                f"> {_text_of(block.get('label'), names)}{optional}: "
                f"<{element.get('type')}> [{block.get('block_id')}.{element.get('action_id')}]"
            )
            if block.get("hint"):
                lines.append("    " + _text_of(block.get("hint"), names))
        elif kind == "image":
            lines.append(f"[image: {block.get('alt_text', '')}]")
        elif kind == "rich_text":
            lines.append(_rich_text(block, names))
        else:
            lines.append(f"[{kind}]")
    return "\n".join(line for line in lines if line is not None)


def _rich_text(block: Mapping[str, Any], names: Mapping[str, str]) -> str:
    parts: list[str] = []
    for section in block.get("elements") or []:
        for element in section.get("elements") or []:
            if element.get("type") == "text":
                parts.append(element.get("text", ""))
            elif element.get("type") == "link":
                parts.append(element.get("text") or element.get("url", ""))
            elif element.get("type") == "user":
                parts.append("@" + names.get(element.get("user_id", ""), element.get("user_id", "")))
    return "".join(parts)


def render_message(
    text: str | None, blocks: list[Mapping[str, Any]] | None, names: Mapping[str, str] | None = None
) -> str:
    """What a person reads: the blocks when there are any, else the text."""
    if blocks:
        return render_blocks(blocks, names)
    return mrkdwn_to_text(text or "", names)


def render_view(view: Mapping[str, Any], names: Mapping[str, str] | None = None) -> str:
    title = _text_of(view.get("title"), names or {})
    submit = _text_of(view.get("submit"), names or {})
    body = render_blocks(view.get("blocks") or [], names)
    footer = f"\n[{submit}] (:submit)" if submit else ""
    return f"┌ {title} (modal {view.get('id', '')})\n{body}{footer}"
