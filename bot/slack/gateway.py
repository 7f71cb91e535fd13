"""The gateway to Slack's Web API: the only module that calls it.

- Its `WebClient` carries slack_sdk's retry handlers (connection errors, rate limits honouring
  `Retry-After`, server errors); Bolt is given the same client so listeners share it.
- Posts that must not be duplicated use a second client that retries only rate limits (a 429 means
  Slack did nothing); a dropped connection or a 5xx after sending is an *unknown outcome*, which the
  outbox resolves by looking for the post in the channel's history before sending it again.
- A pacer (`bot.slack.pacer`) keeps the process under Slack's limits instead of bouncing off them; every
  method called here is in `bot.slack.methods.METHODS`; answers and failures are `bot.slack.types`.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable
from typing import Any

import httpx
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.web import SlackResponse

from bot.settings import Settings
from bot.slack.pacer import Pacer, make_client
from bot.slack.types import OutcomeUnknown, SlackChannel, SlackProfile, SlackRefused, ViewHandle

log = logging.getLogger(__name__)

#: conversations.invite refusals about one person (not the channel): with a single person invited, Slack may
#: answer them without `errors[]`, and they are that person's outcome, not the call's failure.
PERSON_ERRORS = frozenset(
    {
        "ura_max_channels",
        "user_is_restricted",
        "user_is_ultra_restricted",
        "cant_invite",
        "cant_invite_self",
        "user_not_found",
        "already_in_channel",
    }
)

#: Slackbot's user ID: `users.info` calls it no bot, yet no person is behind it.
SLACKBOT_USER_ID = "USLACKBOT"


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
                if not errors and len(batch) == 1 and refused.error in PERSON_ERRORS:
                    errors = [{"user": batch[0], "error": refused.error}]  # one person: their own refusal
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

    def find_post(
        self,
        channel: str,
        *,
        event_type: str,
        key: str,
        key_value: object,
        oldest: float,
        thread_ts: str | None = None,
    ) -> str | None:
        """The `ts` of a bot post in `channel` since `oldest` whose metadata carries `key == key_value`; with
        `thread_ts`, among the replies in that thread (`conversations.replies`)."""
        cursor = None
        while True:
            where: dict[str, Any] = {"ts": thread_ts} if thread_ts else {}
            response = self._call(
                self.client,
                "conversations_replies" if thread_ts else "conversations_history",
                channel=channel,
                oldest=f"{oldest:.6f}",
                include_all_metadata=True,
                limit=200,
                cursor=cursor,
                **where,
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

    def upload_bytes(
        self, upload_url: str, data: bytes | Iterable[bytes], *, size: int | None = None, timeout: float = 120.0
    ) -> None:
        """Send the file's bytes to the URL `start_upload` gave (Slack refuses anything but HTTP 200). `data` may be
        an iterator of chunks of `size` bytes in all: they are streamed with that Content-Length."""
        headers = {"Content-Length": str(size)} if size is not None and not isinstance(data, bytes) else None
        try:
            response = httpx.post(upload_url, content=data, headers=headers, timeout=timeout)
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
        # Slackbot says it is no bot (`is_bot: false`); it is one, and app users are too.
        is_bot=bool(user.get("is_bot") or user.get("is_app_user")) or user["id"] == SLACKBOT_USER_ID,
        is_restricted=bool(user.get("is_restricted") or user.get("is_ultra_restricted")),
        tz=user.get("tz") or None,
    )
