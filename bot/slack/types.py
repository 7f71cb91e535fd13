"""What the gateway answers in the program's terms (profiles, channels, views) and how a call can fail."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class SlackProfile:
    """What the bot needs to know of a Slack user."""

    user_id: str
    locale: str | None
    email: str | None
    real_name: str | None
    is_deleted: bool
    is_bot: bool
    is_restricted: bool = False  # a guest (multi- or single-channel)
    tz: str | None = None  # the person's IANA time zone (`users.info` `tz`)


@dataclass(frozen=True)
class SlackChannel:
    id: str
    name: str
    is_private: bool
    is_archived: bool
    creator: str | None


@dataclass(frozen=True)
class ViewHandle:
    id: str
    hash: str


class SlackRefused(Exception):
    """Slack answered and did not do it (`ok: false`, or still rate-limited after retries)."""

    def __init__(self, error: str, method: str, data: dict[str, Any] | None = None) -> None:
        super().__init__(f"{method}: {error}")
        self.error = error
        self.method = method
        self.data = data or {}


class OutcomeUnknown(Exception):
    """The request may or may not have reached Slack (dropped connection, timeout, 5xx)."""
