"""The gateway to Slack's Web API: the only module that calls it.

- Its `WebClient` carries slack_sdk's retry handlers (connection errors, rate limits honouring
  `Retry-After`, server errors); Bolt is given the same client so listeners share it.
- Posts that must not be duplicated use a second client that retries only rate limits (a 429 means
  Slack did nothing); a dropped connection or a 5xx after sending is an *unknown outcome*, which the
  outbox resolves by looking for the post in the channel's history before sending it again.
- A pacer keeps the process under Slack's limits instead of bouncing off them: about one message
  per second per channel, and each method's tier budget per minute.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry import RetryHandler
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.web import SlackResponse

from bot.settings import Settings

log = logging.getLogger(__name__)

TIER_PER_MINUTE = {1: 1, 2: 20, 3: 50, 4: 100}


@dataclass(frozen=True)
class MethodInfo:
    """A Web API method the bot calls: its rate-limit tier (None: special) and the bot scopes it needs here
    (for conversations.* methods, those of the conversation types the bot uses: public and private
    channels, and its direct messages)."""

    tier: int | None
    scopes: frozenset[str]
    #: Scopes that unlock more of the answer, not the method itself (e.g. `users:read.email` for emails).
    data_scopes: frozenset[str] = frozenset()

    @property
    def all_scopes(self) -> frozenset[str]:
        return self.scopes | self.data_scopes


def _m(tier: int | None, *scopes: str, data: tuple[str, ...] = ()) -> MethodInfo:
    return MethodInfo(tier, frozenset(scopes), frozenset(data))


#: Every Web API method the code calls. `tests/test_manifest.py` checks that the code calls nothing else,
#: that the scopes agree with Slack's published description, and that manifest.yml asks for exactly these.
METHODS: dict[str, MethodInfo] = {
    "auth.test": _m(None),
    "users.info": _m(4, "users:read", data=("users:read.email",)),
    "users.lookupByEmail": _m(3, "users:read.email"),
    "conversations.create": _m(2, "channels:manage", "groups:write"),
    "conversations.list": _m(2, "channels:read", "groups:read"),
    "conversations.setTopic": _m(2, "channels:manage", "groups:write"),
    "conversations.setPurpose": _m(2, "channels:manage", "groups:write"),
    "conversations.invite": _m(3, "channels:manage", "groups:write"),
    "conversations.inviteShared": _m(2, "conversations.connect:write"),
    "conversations.archive": _m(2, "channels:manage", "groups:write"),
    "conversations.open": _m(3, "im:write"),
    "conversations.history": _m(3, "channels:history", "groups:history", "im:history"),
    "chat.postMessage": _m(None, "chat:write"),
    "chat.update": _m(3, "chat:write"),
    "pins.add": _m(2, "pins:write"),
    "chat.postEphemeral": _m(4, "chat:write"),
    "views.open": _m(4),
    "views.update": _m(4),
    "views.push": _m(4),
    "views.publish": _m(4),
    "files.getUploadURLExternal": _m(4, "files:write"),
    "files.completeUploadExternal": _m(4, "files:write"),
}
#: chat.postMessage: "about one message per second per channel, short bursts allowed".
POST_INTERVAL_PER_CHANNEL = 1.0


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


class Pacer:
    """Token buckets per method (tier budget per minute) and a minimum spacing of posts per channel."""

    def __init__(self, *, scale: float = 1.0) -> None:
        self._scale = scale  # tests shrink time; production uses 1.0
        self._lock = threading.Lock()
        self._buckets: dict[str, tuple[float, float]] = {}  # method -> (tokens, last refill)
        self._next_post: dict[str, float] = {}  # channel -> earliest next post time

    def available(self, method: str) -> bool:
        """Whether a call of `method` could go out now without waiting (nothing is reserved)."""
        now = time.monotonic()
        with self._lock:
            info = METHODS.get(method)
            if info is None or info.tier is None:
                return True
            capacity = float(TIER_PER_MINUTE[info.tier])
            tokens, last = self._buckets.get(method, (capacity, now))
            return min(capacity, tokens + (now - last) * capacity / (60.0 * self._scale)) >= 1.0

    def wait(self, method: str, channel: str | None = None) -> float:
        """Block until the call fits the budgets; return the seconds waited."""
        waited = 0.0
        while True:
            delay = self._reserve(method, channel)
            if delay <= 0:
                return waited
            time.sleep(delay)
            waited += delay

    def _reserve(self, method: str, channel: str | None) -> float:
        now = time.monotonic()
        with self._lock:
            if method == "chat.postMessage" and channel:
                ready = self._next_post.get(channel, 0.0)
                if ready > now:
                    return ready - now
                self._next_post[channel] = now + POST_INTERVAL_PER_CHANNEL * self._scale
                return 0.0
            info = METHODS.get(method)
            if info is None or info.tier is None:
                return 0.0
            tier = info.tier
            capacity = float(TIER_PER_MINUTE[tier])
            rate = capacity / (60.0 * self._scale)
            tokens, last = self._buckets.get(method, (capacity, now))
            tokens = min(capacity, tokens + (now - last) * rate)
            if tokens >= 1.0:
                self._buckets[method] = (tokens - 1.0, now)
                return 0.0
            self._buckets[method] = (tokens, now)
            return (1.0 - tokens) / rate


class PacedWebClient(WebClient):
    """A WebClient whose every call first waits for the pacer."""

    def __init__(self, *args: Any, pacer: Pacer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pacer = pacer

    def api_call(self, api_method: str, **kwargs: Any) -> SlackResponse:  # type: ignore[override]
        channel = None
        for source in (kwargs.get("json"), kwargs.get("params"), kwargs.get("data")):
            if isinstance(source, Mapping) and source.get("channel"):
                channel = str(source["channel"])
                break
        self.pacer.wait(api_method, channel)
        return super().api_call(api_method, **kwargs)  # type: ignore[return-value]


def make_client(
    settings: Settings, *, pacer: Pacer, max_retries: int = 3, timeout: int = 10, retry_connection_errors: bool = True
) -> PacedWebClient:
    handlers: list[RetryHandler] = [RateLimitErrorRetryHandler(max_retry_count=max_retries)] if max_retries else []
    if retry_connection_errors and max_retries:
        handlers += [
            ConnectionErrorRetryHandler(max_retry_count=max_retries),
            ServerErrorRetryHandler(max_retry_count=max_retries),
        ]
    return PacedWebClient(
        token=settings.slack_bot_token,
        base_url=settings.slack_api_url,
        timeout=timeout,
        retry_handlers=handlers,
        pacer=pacer,
    )


class SlackGateway:
    """Calls to Slack in the program's terms; one per process, shared by threads."""

    PROFILE_TTL_SECONDS = 3600.0

    def __init__(self, settings: Settings, *, pacer: Pacer | None = None) -> None:
        self.settings = settings
        self.pacer = pacer or Pacer()
        self.client = make_client(settings, pacer=self.pacer)
        self._post_client = make_client(settings, pacer=self.pacer, retry_connection_errors=False)
        #: For lookups inside a request that must be acknowledged within 3 s: no retries, a short timeout.
        self._quick_client = make_client(settings, pacer=self.pacer, max_retries=0, timeout=2)
        self._profiles: dict[str, tuple[float, SlackProfile]] = {}
        self._dm_channels: dict[str, str] = {}
        self._bot_user_id: str | None = None
        self._lock = threading.Lock()

    # --- people ------------------------------------------------------------------------------

    def profile(self, user_id: str, *, quick: bool = False) -> SlackProfile | None:
        """A user's locale, email and name (`users.info` with `include_locale`), cached for an hour.

        None when Slack does not know the user. `quick`: no retries and a short timeout, for a lookup inside
        a request that must be acknowledged within 3 seconds.
        """
        now = time.monotonic()
        with self._lock:
            cached = self._profiles.get(user_id)
        if cached and now - cached[0] < self.PROFILE_TTL_SECONDS:
            return cached[1]
        client = self._quick_client if quick else self.client
        try:
            response = self._call(client, "users_info", user=user_id, include_locale=True)
        except SlackRefused as refused:
            if refused.error == "user_not_found":
                return None
            raise
        profile = _profile_from_user(response["user"])
        with self._lock:
            self._profiles[user_id] = (now, profile)
        return profile

    def cached_profile(self, user_id: str) -> SlackProfile | None:
        """The profile if this process fetched it within the hour, without asking Slack."""
        with self._lock:
            cached = self._profiles.get(user_id)
        if cached and time.monotonic() - cached[0] < self.PROFILE_TTL_SECONDS:
            return cached[1]
        return None

    def forget_profile(self, user_id: str) -> None:
        with self._lock:
            self._profiles.pop(user_id, None)

    def forget_all(self) -> None:
        """Drop every cached profile and DM channel (after a workspace reset, or on request)."""
        with self._lock:
            self._profiles.clear()
            self._dm_channels.clear()

    def lookup_by_email(self, email: str) -> SlackProfile | None:
        """The workspace member with this email (`users.lookupByEmail`), or None when nobody has it."""
        try:
            response = self._call(self.client, "users_lookupByEmail", email=email)
        except SlackRefused as refused:
            if refused.error == "users_not_found":
                return None
            raise
        profile = _profile_from_user(response["user"])
        with self._lock:
            self._profiles[profile.user_id] = (time.monotonic(), profile)
        return profile

    def bot_user_id(self) -> str:
        """The bot's own user ID (`auth.test`, asked once)."""
        with self._lock:
            cached = self._bot_user_id
        if cached:
            return cached
        response = self._call(self.client, "auth_test")
        with self._lock:
            self._bot_user_id = str(response["user_id"])
            return self._bot_user_id

    # --- channels -------------------------------------------------------------------------------

    def create_channel(self, name: str, *, is_private: bool) -> SlackChannel:
        """Create a channel. Raises SlackRefused (`name_taken`, `invalid_name_specials`...)."""
        response = self._call(self.client, "conversations_create", name=name, is_private=is_private)
        return _channel(response["channel"])

    def find_channel(self, name: str) -> SlackChannel | None:
        """A channel the bot can see by exact name (public ones, and private ones it is in)."""
        cursor = None
        while True:
            response = self._call(
                self.client,
                "conversations_list",
                types="public_channel,private_channel",
                exclude_archived=False,
                limit=1000,
                cursor=cursor,
            )
            for channel in response.get("channels") or []:
                if channel.get("name") == name:
                    return _channel(channel)
            cursor = (response.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                return None

    def describe_channel(self, channel: str, *, topic: str, purpose: str) -> None:
        self._call(self.client, "conversations_setTopic", channel=channel, topic=topic)
        self._call(self.client, "conversations_setPurpose", channel=channel, purpose=purpose)

    def invite(self, channel: str, user_ids: list[str]) -> dict[str, str]:
        """Invite people, as few calls as Slack allows (1,000 per call, `force` so one failure does not stop
        the rest). Returns the per-person failures: user id → Slack's error (`already_in_channel` included)."""
        failures: dict[str, str] = {}
        for start in range(0, len(user_ids), 1000):
            batch = user_ids[start : start + 1000]
            try:
                response = self._call(self.client, "conversations_invite", channel=channel, users=batch, force=True)
                errors = response.get("errors") or []
            except SlackRefused as refused:
                errors = refused.data.get("errors") or []
                if not errors:  # the call as a whole failed (channel archived, bot not in it...)
                    raise
            failures.update({e["user"]: e["error"] for e in errors if e.get("user")})
        return failures

    def invite_shared(self, channel: str, email: str) -> str:
        """A Slack Connect invitation for someone outside the workspace; returns the invite id."""
        response = self._call(self.client, "conversations_inviteShared", channel=channel, emails=[email])
        return str(response.get("invite_id") or "")

    def archive_channel(self, channel: str) -> None:
        try:
            self._call(self.client, "conversations_archive", channel=channel)
        except SlackRefused as refused:
            if refused.error != "already_archived":
                raise

    # --- posting (used by the outbox dispatcher) -----------------------------------------------

    def dm_channel(self, user_id: str) -> str:
        """The bot's direct-message channel with a person (`conversations.open`), cached."""
        with self._lock:
            cached = self._dm_channels.get(user_id)
        if cached:
            return cached
        response = self._call(self.client, "conversations_open", users=user_id)
        channel_id = str(response["channel"]["id"])
        with self._lock:
            self._dm_channels[user_id] = channel_id
        return channel_id

    def post_message(
        self,
        channel: str,
        *,
        text: str,
        blocks: list[dict[str, Any]] | None = None,
        thread_ts: str | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> str:
        """Post a message once; return its `ts`. Raises SlackRefused or OutcomeUnknown."""
        kwargs: dict[str, Any] = {"channel": channel, "text": text, "unfurl_links": False, "unfurl_media": False}
        if blocks:
            kwargs["blocks"] = blocks
        if thread_ts:
            kwargs["thread_ts"] = thread_ts
        if metadata:
            kwargs["metadata"] = metadata
        response = self._call(self._post_client, "chat_postMessage", **kwargs)
        return str(response["ts"])

    def update_message(self, channel: str, ts: str, *, text: str, blocks: list[dict[str, Any]] | None = None) -> None:
        """Replace a posted message's content (idempotent, so safe to retry)."""
        kwargs: dict[str, Any] = {"channel": channel, "ts": ts, "text": text}
        if blocks is not None:
            kwargs["blocks"] = blocks
        self._call(self.client, "chat_update", **kwargs)

    def pin(self, channel: str, ts: str) -> None:
        try:
            self._call(self.client, "pins_add", channel=channel, timestamp=ts)
        except SlackRefused as refused:
            if refused.error != "already_pinned":
                raise

    def find_post(self, channel: str, *, event_type: str, key: str, key_value: object, oldest: float) -> str | None:
        """The `ts` of a bot post in `channel` since `oldest` whose metadata carries `key == key_value`."""
        cursor = None
        while True:
            response = self._call(
                self.client,
                "conversations_history",
                channel=channel,
                oldest=f"{oldest:.6f}",
                include_all_metadata=True,
                limit=200,
                cursor=cursor,
            )
            for message in response.get("messages") or []:
                meta = message.get("metadata") or {}
                if meta.get("event_type") == event_type and (meta.get("event_payload") or {}).get(key) == key_value:
                    return str(message["ts"])
            cursor = (response.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                return None

    # --- files (Slack's upload flow: get an upload URL, send the bytes, complete to share) ----------

    def start_upload(self, filename: str, length: int) -> tuple[str, str]:
        """Reserve a file: `(file_id, upload_url)`. Nothing is shared yet."""
        response = self._call(self._post_client, "files_getUploadURLExternal", filename=filename, length=length)
        return str(response["file_id"]), str(response["upload_url"])

    def upload_bytes(self, upload_url: str, data: bytes, *, timeout: float = 120.0) -> None:
        """Send the file's bytes to the URL `start_upload` gave (Slack refuses anything but HTTP 200)."""
        try:
            response = httpx.post(upload_url, content=data, timeout=timeout)
        except httpx.HTTPError as error:
            raise SlackRefused(f"upload_failed: {type(error).__name__}", "files.upload") from error
        if response.status_code != 200:
            raise SlackRefused(f"upload_failed: HTTP {response.status_code}", "files.upload")

    def complete_upload(self, file_id: str, *, title: str, channel: str, initial_comment: str | None = None) -> None:
        """Share the uploaded file in `channel` (once). Raises SlackRefused or OutcomeUnknown."""
        self._call(
            self._post_client,
            "files_completeUploadExternal",
            files=[{"id": file_id, "title": title}],
            channel_id=channel,
            initial_comment=initial_comment,
        )

    def find_file_post(self, channel: str, *, file_id: str, oldest: float) -> str | None:
        """The `ts` of a message in `channel` since `oldest` that shares the file `file_id`."""
        cursor = None
        while True:
            response = self._call(
                self.client, "conversations_history", channel=channel, oldest=f"{oldest:.6f}", limit=200, cursor=cursor
            )
            for message in response.get("messages") or []:
                if any((f or {}).get("id") == file_id for f in message.get("files") or []):
                    return str(message["ts"])
            cursor = (response.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                return None

    # --- interactive surfaces (modals, Home, ephemeral answers) ---------------------------------

    def open_view(self, trigger_id: str, view: dict[str, Any]) -> ViewHandle:
        """Open a modal (within 3 s of the trigger). Raises SlackRefused, e.g. `expired_trigger_id`."""
        response = self._call(self.client, "views_open", trigger_id=trigger_id, view=view)
        return ViewHandle(str(response["view"]["id"]), str(response["view"].get("hash") or ""))

    def update_view(self, view_id: str, view: dict[str, Any], *, hash_: str | None = None) -> ViewHandle:
        response = self._call(self.client, "views_update", view_id=view_id, view=view, hash=hash_)
        return ViewHandle(str(response["view"]["id"]), str(response["view"].get("hash") or ""))

    def push_view(self, trigger_id: str, view: dict[str, Any]) -> ViewHandle:
        response = self._call(self.client, "views_push", trigger_id=trigger_id, view=view)
        return ViewHandle(str(response["view"]["id"]), str(response["view"].get("hash") or ""))

    def publish_home(self, user_id: str, view: dict[str, Any]) -> None:
        self._call(self.client, "views_publish", user_id=user_id, view=view)

    def post_ephemeral(
        self, channel: str, user_id: str, *, text: str, blocks: list[dict[str, Any]] | None = None
    ) -> None:
        """A message only `user_id` sees in `channel` (not kept by Slack, so not sent through the outbox)."""
        self._call(self.client, "chat_postEphemeral", channel=channel, user=user_id, text=text, blocks=blocks)

    # --- internals ----------------------------------------------------------------------------

    @staticmethod
    def _call(client: WebClient, method: str, **kwargs: Any) -> SlackResponse:
        try:
            return getattr(client, method)(**{k: v for k, v in kwargs.items() if v is not None})
        except SlackApiError as error:
            status = getattr(error.response, "status_code", 200)
            if status >= 500:
                raise OutcomeUnknown(f"{method}: HTTP {status}") from error
            data = error.response.data if isinstance(error.response.data, dict) else {}
            raise SlackRefused(str(error.response.get("error") or f"http_{status}"), method, data) from error
        except (OSError, ValueError) as error:  # URLError, timeouts, resets, bad bodies
            raise OutcomeUnknown(f"{method}: {type(error).__name__}: {error}") from error


def _channel(channel: dict[str, Any]) -> SlackChannel:
    return SlackChannel(
        id=str(channel["id"]),
        name=str(channel.get("name") or ""),
        is_private=bool(channel.get("is_private")),
        is_archived=bool(channel.get("is_archived")),
        creator=channel.get("creator"),
    )


def _profile_from_user(user: dict[str, Any]) -> SlackProfile:
    profile = user.get("profile") or {}
    return SlackProfile(
        user_id=user["id"],
        locale=user.get("locale"),
        email=(profile.get("email") or None),
        real_name=profile.get("real_name") or user.get("real_name") or user.get("name"),
        is_deleted=bool(user.get("deleted")),
        is_bot=bool(user.get("is_bot")),
        is_restricted=bool(user.get("is_restricted") or user.get("is_ultra_restricted")),
    )
