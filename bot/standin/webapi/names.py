"""Slack's channel-name rules (conversations.create/rename, and the stand-in's own add_channel)."""

from __future__ import annotations

import unicodedata

from ..workspace import Workspace
from .context import SlackError

MAX_CHANNEL_NAME = 80


def channel_name_error(name: str | None) -> str | None:
    """Slack's channel-name rules: lowercase letters (or caseless letters such as Hangul), digits,
    hyphens and underscores, at most 80 characters, not only punctuation."""
    if name is None or name == "":
        return "invalid_name_required"
    if len(name) > MAX_CHANNEL_NAME:
        return "invalid_name_maxlength"
    if all(unicodedata.category(c).startswith("P") for c in name):
        return "invalid_name_punctuation"
    for c in name:
        if c in "-_":
            continue
        category = unicodedata.category(c)
        if category in ("Ll", "Lo", "Lm", "Nd", "Mn", "Mc"):
            continue
        return "invalid_name_specials"
    return None


def check_name(ws: Workspace, name: str | None, *, exclude: str | None = None) -> str:
    error = channel_name_error(name)
    if error:
        raise SlackError(error)
    assert name is not None
    for channel in ws.channels.values():
        if channel.id != exclude and not channel.is_im and channel.name.lower() == name.lower():
            raise SlackError("name_taken")
    return name
