"""The gateway to Slack's Web API: the only module that calls it.

Its `WebClient` carries slack_sdk's retry handlers (connection errors, rate limits honouring
`Retry-After`, server errors); Bolt is given the same client so listeners share it. Everything else
asks the gateway for what it needs in the program's terms.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from bot.settings import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SlackProfile:
    """What the bot needs to know of a Slack user."""

    user_id: str
    locale: str | None
    email: str | None
    real_name: str | None
    is_deleted: bool
    is_bot: bool


def make_client(settings: Settings, *, max_retries: int = 3, timeout: int = 10) -> WebClient:
    """A WebClient for the bot token with retries for connection errors, 429s and 5xx answers."""
    return WebClient(
        token=settings.slack_bot_token,
        base_url=settings.slack_api_url,
        timeout=timeout,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=max_retries),
            RateLimitErrorRetryHandler(max_retry_count=max_retries),
            ServerErrorRetryHandler(max_retry_count=max_retries),
        ],
    )


class SlackGateway:
    """Calls to Slack in the program's terms; one per process, shared by threads."""

    PROFILE_TTL_SECONDS = 3600.0

    def __init__(self, settings: Settings, client: WebClient | None = None) -> None:
        self.settings = settings
        self.client = client or make_client(settings)
        self._profiles: dict[str, tuple[float, SlackProfile]] = {}
        self._lock = threading.Lock()

    # --- people ------------------------------------------------------------------------------

    def profile(self, user_id: str) -> SlackProfile | None:
        """A user's locale, email and name (`users.info` with `include_locale`), cached for an hour.

        None when Slack does not know the user.
        """
        now = time.monotonic()
        with self._lock:
            cached = self._profiles.get(user_id)
        if cached and now - cached[0] < self.PROFILE_TTL_SECONDS:
            return cached[1]
        try:
            response = self.client.users_info(user=user_id, include_locale=True)
        except SlackApiError as error:
            if error.response.get("error") == "user_not_found":
                return None
            raise
        profile = _profile_from_user(response["user"])
        with self._lock:
            self._profiles[user_id] = (now, profile)
        return profile

    def forget_profile(self, user_id: str) -> None:
        with self._lock:
            self._profiles.pop(user_id, None)


def _profile_from_user(user: dict[str, Any]) -> SlackProfile:
    profile = user.get("profile") or {}
    return SlackProfile(
        user_id=user["id"],
        locale=user.get("locale"),
        email=(profile.get("email") or None),
        real_name=profile.get("real_name") or user.get("real_name") or user.get("name"),
        is_deleted=bool(user.get("deleted")),
        is_bot=bool(user.get("is_bot")),
    )
