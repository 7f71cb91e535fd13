"""Block Kit builders: pure functions from plain values (never ORM objects) to Slack messages."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

SECTION_TEXT_LIMIT = 3000
HEADER_TEXT_LIMIT = 150


@dataclass(frozen=True)
class Message:
    """A message to show a person: fallback `text` (notifications, screen readers) and `blocks`."""

    text: str
    blocks: list[dict[str, Any]] = field(default_factory=list)

    def as_ack(self, *, in_channel: bool = False) -> dict[str, Any]:
        body: dict[str, Any] = {"text": self.text, "response_type": "in_channel" if in_channel else "ephemeral"}
        if self.blocks:
            body["blocks"] = self.blocks
        return body

    def as_post(self) -> dict[str, Any]:
        body: dict[str, Any] = {"text": self.text}
        if self.blocks:
            body["blocks"] = self.blocks
        return body


def shorten(text: str, limit: int) -> str:
    """Cut `text` to at most `limit` characters at a word boundary, marking the cut with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit * 0.6:
        cut = cut[:space]
    return cut.rstrip() + "…"


_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_MAILTO = re.compile(r"<mailto:[^>|]+(?:\|[^>]*)?>")


def without_emails(text: str) -> str:
    """Text a person typed, made fit for a channel post: email addresses become `[email]` (the stored item keeps
    them, for the secretariat's report; a channel is no place for an address)."""
    return _EMAIL.sub("[email]", _MAILTO.sub("[email]", text))


def public_text(text: str, limit: int) -> str:
    """Free text for a channel post: without email addresses, shortened, with Slack's control characters escaped."""
    return escape(shorten(without_emails(text), limit))


def escape(text: str) -> str:
    """Escape Slack's control characters in text that came from people or feeds."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class Markup(str):
    """Text the bot itself built as Slack markup (a mention of a user ID, a channel link): `escaped` keeps it."""

    __slots__ = ()


def escaped(params: Mapping[str, object]) -> dict[str, object]:
    """Catalog parameters with every text from people, files or feeds escaped; `Markup`, numbers, dates and
    the like are left as they are."""
    return {
        key: escape(value) if isinstance(value, str) and not isinstance(value, Markup) else value
        for key, value in params.items()
    }


def header(text: str) -> dict[str, Any]:
    return {"type": "header", "text": {"type": "plain_text", "text": shorten(text, HEADER_TEXT_LIMIT), "emoji": True}}


def section(markdown: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": shorten(markdown, SECTION_TEXT_LIMIT)}}


def context(markdown: str) -> dict[str, Any]:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": shorten(markdown, SECTION_TEXT_LIMIT)}]}


def divider() -> dict[str, Any]:
    return {"type": "divider"}


def packed_sections(lines: list[str], limit: int = SECTION_TEXT_LIMIT) -> list[dict[str, Any]]:
    """Sections holding `lines` in order, as many lines to a section as fit in `limit` characters, so a long
    list is split instead of cut (a single line longer than `limit` is shortened)."""
    blocks: list[dict[str, Any]] = []
    chunk: list[str] = []
    size = 0
    for line in lines:
        line = shorten(line, limit)
        if chunk and size + 1 + len(line) > limit:
            blocks.append(section("\n".join(chunk)))
            chunk, size = [], 0
        size += len(line) + (1 if chunk else 0)
        chunk.append(line)
    if chunk:
        blocks.append(section("\n".join(chunk)))
    return blocks
