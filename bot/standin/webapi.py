"""Web API method implementations: small functions registered in ``METHODS``, each validating its
arguments and answering the way Slack does (shapes and error codes from Slack's method reference).

Every function receives a :class:`CallContext` (who is calling, with which arguments) and returns the
response fields besides ``ok``; failures raise :class:`SlackError`. Functions run with the workspace
lock held; the events they emit are delivered after the lock is released.
"""

from __future__ import annotations

import base64
import contextlib
import copy
import json
import re
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .blockkit import MAX_MESSAGE_BLOCKS, validate_blocks, validate_view
from .workspace import (
    SLACKBOT_ID,
    TRIGGER_TTL,
    Channel,
    Message,
    StoredFile,
    User,
    View,
    Workspace,
)

if TYPE_CHECKING:
    from .core import SlackStandIn

MAX_TEXT = 40_000
MAX_TOPIC = 250
MAX_CHANNEL_NAME = 80
MAX_INVITE_USERS = 1000
MAX_VIEW_STACK = 3
ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


class SlackError(Exception):
    """An ``ok: false`` answer: ``error`` plus any extra top-level fields Slack adds."""

    def __init__(self, error: str, **extra: Any) -> None:
        super().__init__(error)
        self.error = error
        self.extra = extra


def invalid_arguments(*messages: str) -> SlackError:
    return SlackError("invalid_arguments", response_metadata={"messages": list(messages)})


def truthy(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if value is None:
        return False
    return str(value).strip().lower() in {"1", "true", "yes", "on"}


@dataclass
class CallContext:
    standin: SlackStandIn
    actor: User
    is_bot: bool
    token: str
    args: dict[str, Any]
    warnings: list[str] = field(default_factory=list)
    events: list[tuple[dict[str, Any], str | None, bool]] = field(default_factory=list)
    via_ui: bool = False  # a person acting in the Slack client (standin.post_message & co)

    @property
    def ws(self) -> Workspace:
        return self.standin.ws

    # ---- arguments ----------------------------------------------------------------------
    def arg(self, name: str, default: Any = None) -> Any:
        value = self.args.get(name)
        return default if value is None or value == "" else value

    def str_arg(self, name: str) -> str | None:
        value = self.arg(name)
        return None if value is None else str(value)

    def bool_arg(self, name: str, default: bool = False) -> bool:
        value = self.arg(name)
        return default if value is None else truthy(value)

    def int_arg(self, name: str, default: int, *, error: str = "invalid_arguments") -> int:
        value = self.arg(name)
        if value is None:
            return default
        try:
            return int(str(value))
        except ValueError:
            raise SlackError(error) from None

    def list_arg(self, name: str) -> list[str]:
        value = self.arg(name)
        if value is None:
            return []
        if isinstance(value, list):
            return [str(v).strip() for v in value if str(v).strip()]
        return [part.strip() for part in str(value).split(",") if part.strip()]

    # ---- scopes -------------------------------------------------------------------------
    def require_scope(self, *alternatives: str) -> None:
        """Bot tokens need one of the scopes; user tokens from the stand-in carry every user scope."""
        if not self.is_bot or not alternatives:
            return
        granted = self.standin.scopes
        if not any(s in granted for s in alternatives):
            raise SlackError("missing_scope", needed=",".join(alternatives), provided=",".join(sorted(granted)))

    def require_family_scope(self, family: str, action: str) -> None:
        """Conversation methods: the scope depends on the kind of conversation (channels/groups/im/mpim)."""
        if action == "write":
            scope = {"channels": "channels:manage"}.get(family, f"{family}:write")
        else:
            scope = f"{family}:{action}"
        self.require_scope(scope)

    # ---- conversations ------------------------------------------------------------------
    def conversation(self, name: str = "channel", *, allow_user_id: bool = False) -> Channel:
        value = self.str_arg(name)
        if value is None:
            raise SlackError("channel_not_found")
        channel = self.ws.channels.get(value)
        if channel is None and allow_user_id and value in self.ws.users:
            return self.ws.im_with(value, self.actor.id) if self.is_bot else self._person_dm(value)
        if channel is None:
            by_name = value.lstrip("#")
            channel = next((c for c in self.ws.channels.values() if c.name == by_name and not c.is_im), None)
        if channel is None or not channel.visible_to(self.actor.id):
            raise SlackError("channel_not_found")
        return channel

    def _person_dm(self, other: str) -> Channel:
        if other == self.standin.bot_user_id:
            return self.ws.im_with(self.actor.id, self.standin.bot_user_id)
        return _person_im(self, other)

    def require_member(self, channel: Channel) -> None:
        if self.actor.id not in channel.members:
            raise SlackError("not_in_channel")

    def not_archived(self, channel: Channel, error: str = "is_archived") -> None:
        if channel.is_archived:
            raise SlackError(error)

    def user(self, user_id: str | None, error: str = "user_not_found") -> User:
        user = self.ws.users.get(user_id or "")
        if user is None:
            raise SlackError(error)
        return user

    # ---- events -------------------------------------------------------------------------
    def emit(self, event: dict[str, Any], channel: Channel | None = None) -> None:
        """Queue an Events API event; visibility is decided now (membership may change later)."""
        visible = self.standin.event_visible(event["type"], channel)
        self.events.append((event, channel.id if channel else None, visible))


# ---- rendering --------------------------------------------------------------------------------
def bot_profile(standin: SlackStandIn) -> dict[str, Any]:
    return {
        "id": standin.bot_id,
        "deleted": False,
        "name": standin.bot_name,
        "updated": int(standin.started_at),
        "app_id": standin.app_id,
        "icons": {
            "image_36": "https://a.slack-edge.invalid/bot_36.png",
            "image_48": "https://a.slack-edge.invalid/bot_48.png",
            "image_72": "https://a.slack-edge.invalid/bot_72.png",
        },
        "team_id": standin.team_id,
    }


def message_api(
    standin: SlackStandIn, message: Message, *, with_thread: bool = True, with_metadata: bool = True
) -> dict[str, Any]:
    """A message as conversations.history and chat.postMessage return it.

    conversations.history returns message metadata only when asked with `include_all_metadata`."""
    data: dict[str, Any] = {}
    if message.subtype:
        data["subtype"] = message.subtype
    if message.user:
        data["user"] = message.user
    data["type"] = "message"
    data["ts"] = message.ts
    if message.bot_id:
        data["bot_id"] = message.bot_id
        data["app_id"] = message.app_id
    data["text"] = message.text
    data["team"] = standin.team_id
    if message.bot_id == standin.bot_id:
        data["bot_profile"] = bot_profile(standin)
    if message.blocks is not None:
        data["blocks"] = copy.deepcopy(message.blocks)
    if message.attachments is not None:
        data["attachments"] = copy.deepcopy(message.attachments)
    if message.files:
        data["files"] = copy.deepcopy(message.files)
        data["upload"] = message.extra.get("upload", False)
        data["display_as_bot"] = False
    if message.edited:
        data["edited"] = dict(message.edited)
    if message.metadata is not None and with_metadata:
        data["metadata"] = copy.deepcopy(message.metadata)
    if message.is_reply:
        data["thread_ts"] = message.thread_ts
        parent = standin.ws.find_message(message.channel, message.thread_ts or "")
        if parent is not None:
            data["parent_user_id"] = parent.user
    elif with_thread and not message.ephemeral:
        replies = standin.ws.replies_to(message.channel, message.ts)
        if replies:
            users = list(dict.fromkeys(r.user for r in replies if r.user))
            data.update(
                {
                    "thread_ts": message.ts,
                    "reply_count": len(replies),
                    "reply_users_count": len(users),
                    "latest_reply": replies[-1].ts,
                    "reply_users": users,
                    "is_locked": False,
                    "subscribed": False,
                }
            )
    elif message.thread_ts:
        data["thread_ts"] = message.thread_ts
    if message.pinned_to:
        data["pinned_to"] = list(message.pinned_to)
    if message.reactions:
        data["reactions"] = copy.deepcopy(message.reactions)
    for key, value in message.extra.items():
        if key != "upload" and not key.startswith("_"):
            data.setdefault(key, copy.deepcopy(value))
    return data


def message_event(ctx: CallContext, message: Message, channel: Channel) -> dict[str, Any]:
    event = message_api(ctx.standin, message, with_thread=False)
    event.pop("pinned_to", None)
    event.pop("reactions", None)
    event["channel"] = channel.id
    event["event_ts"] = message.ts
    event["channel_type"] = channel.channel_type
    return event


def app_mention_event(ctx: CallContext, message: Message, channel: Channel) -> dict[str, Any]:
    """Slack's app_mention: sent (besides the message event) when a person mentions the bot."""
    event: dict[str, Any] = {
        "type": "app_mention",
        "user": message.user,
        "text": message.text,
        "ts": message.ts,
        "team": ctx.standin.team_id,
        "channel": channel.id,
        "event_ts": message.ts,
    }
    if message.blocks is not None:
        event["blocks"] = copy.deepcopy(message.blocks)
    if message.thread_ts:
        event["thread_ts"] = message.thread_ts
    if "client_msg_id" in message.extra:
        event["client_msg_id"] = message.extra["client_msg_id"]
    return event


def with_block_ids(ctx: CallContext, blocks: list[dict[str, Any]] | None) -> list[dict[str, Any]] | None:
    """Slack gives every block without a block_id a short random one."""
    if blocks is None:
        return None
    out = copy.deepcopy(blocks)
    for block in out:
        if isinstance(block, dict) and "block_id" not in block:
            block["block_id"] = ctx.ws.ids.token(5, ID_ALPHABET + "+/=")
    return out


def rich_text_blocks(ctx: CallContext, text: str) -> list[dict[str, Any]]:
    """What the Slack client attaches to a message a person types."""
    return [
        {
            "type": "rich_text",
            "block_id": ctx.ws.ids.token(5, ID_ALPHABET),
            "elements": [{"type": "rich_text_section", "elements": [{"type": "text", "text": text}]}],
        }
    ]


def system_message(ctx: CallContext, channel: Channel, subtype: str, user: str, text: str, **extra: Any) -> Message:
    message = Message(channel=channel.id, ts=ctx.ws.next_ts(), text=text, user=user, subtype=subtype, extra=dict(extra))
    ctx.ws.add_message(message)
    ctx.emit(message_event(ctx, message, channel), channel)
    return message


# ---- cursors ----------------------------------------------------------------------------------
def encode_cursor(kind: str, value: str) -> str:
    return base64.b64encode(f"{kind}:{value}".encode()).decode()


def decode_cursor(cursor: str | None, kind: str) -> str | None:
    if not cursor:
        return None
    try:
        decoded = base64.b64decode(cursor.encode(), validate=True).decode()
    except (ValueError, UnicodeDecodeError):
        raise SlackError("invalid_cursor") from None
    prefix, _, value = decoded.partition(":")
    if prefix != kind or not value:
        raise SlackError("invalid_cursor")
    return value


def paginate(
    ctx: CallContext, items: list[Any], key: Callable[[Any], str], kind: str, default_limit: int, max_limit: int = 1000
) -> tuple[list[Any], str]:
    limit = ctx.int_arg("limit", default_limit, error="invalid_limit")
    if limit < 0:
        raise SlackError("invalid_limit")
    if limit == 0:
        limit = max_limit
    limit = min(limit, max_limit)
    start_key = decode_cursor(ctx.str_arg("cursor"), kind)
    start = 0
    if start_key is not None:
        keys = [key(i) for i in items]
        if start_key not in keys:
            raise SlackError("invalid_cursor")
        start = keys.index(start_key)
    page = items[start : start + limit]
    rest = items[start + limit :]
    return page, encode_cursor(kind, key(rest[0])) if rest else ""


# ---- names ------------------------------------------------------------------------------------
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


# ---- messages ---------------------------------------------------------------------------------
def check_message_content(ctx: CallContext, *, require: bool = True) -> tuple[str, Any, Any]:
    text = ctx.args.get("text")
    text = "" if text is None else str(text)
    blocks = ctx.args.get("blocks")
    attachments = ctx.args.get("attachments")
    if isinstance(blocks, str):
        if blocks.strip() in ("", "[]"):
            blocks = None
        else:
            raise SlackError("invalid_blocks_format")
    if isinstance(attachments, str):
        if attachments.strip() in ("", "[]"):
            attachments = None
        else:
            raise SlackError("invalid_attachments")
    if blocks == []:
        blocks = None
    if require and not text and not blocks and not attachments:
        raise SlackError("no_text")
    if len(text) > MAX_TEXT:
        raise SlackError("msg_too_long")
    if blocks is not None:
        errors = validate_blocks(blocks, max_blocks=MAX_MESSAGE_BLOCKS)
        if errors:
            raise SlackError(
                "invalid_blocks",
                errors=[e.removeprefix("[ERROR] ") for e in errors],
                response_metadata={"messages": errors},
            )
    return text, blocks, attachments


def require_can_post(ctx: CallContext, channel: Channel) -> None:
    if channel.is_archived:
        raise SlackError("is_archived")
    if ctx.actor.id in channel.members:
        return
    public = not (channel.is_private or channel.is_im or channel.is_mpim)
    if public and ctx.is_bot and "chat:write.public" in ctx.standin.scopes:
        return
    raise SlackError("not_in_channel")


def post_target(ctx: CallContext) -> Channel:
    value = ctx.str_arg("channel") or ""
    if value in ctx.ws.users and ctx.is_bot:
        user = ctx.ws.users[value]
        if user.deleted:
            raise SlackError("channel_not_found")
        return ctx.ws.im_with(value, ctx.actor.id)
    return ctx.conversation("channel", allow_user_id=True)


def post_message(ctx: CallContext) -> dict[str, Any]:
    ctx.require_scope("chat:write")
    channel = post_target(ctx)
    require_can_post(ctx, channel)
    text, blocks, attachments = check_message_content(ctx)
    thread_ts = ctx.str_arg("thread_ts")
    if thread_ts:
        parent = ctx.ws.find_message(channel.id, thread_ts)
        if parent is not None and parent.is_reply:
            thread_ts = parent.thread_ts
    message = Message(
        channel=channel.id,
        ts=ctx.ws.next_ts(),
        text=text,
        user=ctx.actor.id,
        blocks=with_block_ids(ctx, blocks),
        attachments=attachments,
        thread_ts=thread_ts,
        metadata=metadata_arg(ctx),
    )
    if ctx.is_bot:
        message.bot_id = ctx.standin.bot_id
        message.app_id = ctx.standin.app_id
    elif ctx.via_ui:
        message.extra["client_msg_id"] = ctx.standin.uuid()
        if blocks is None:
            message.blocks = rich_text_blocks(ctx, text)
    if thread_ts and ctx.bool_arg("reply_broadcast"):
        message.subtype = "thread_broadcast"
    files = ctx.args.get("_files")
    if files:
        message.files = files
        message.subtype = "file_share"
        message.extra["upload"] = True
    ctx.ws.add_message(message)
    ctx.emit(message_event(ctx, message, channel), channel)
    if not ctx.is_bot and f"<@{ctx.standin.bot_user_id}>" in text:
        ctx.emit(app_mention_event(ctx, message, channel), channel)
    return {"channel": channel.id, "ts": message.ts, "message": message_api(ctx.standin, message)}


def metadata_arg(ctx: CallContext) -> dict[str, Any] | None:
    """Message metadata as chat.postMessage accepts it: a JSON object (or its JSON text) with an
    `event_type` string and an `event_payload` object."""
    value = ctx.args.get("metadata")
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            raise SlackError("invalid_metadata_format") from None
    if (
        not isinstance(value, dict)
        or not isinstance(value.get("event_type"), str)
        or not isinstance(value.get("event_payload"), dict)
    ):
        raise SlackError("invalid_metadata_schema")
    return {"event_type": value["event_type"], "event_payload": value["event_payload"]}


def post_ephemeral(ctx: CallContext) -> dict[str, Any]:
    ctx.require_scope("chat:write")
    channel = post_target(ctx)
    require_can_post(ctx, channel)
    user_id = ctx.str_arg("user")
    user = ctx.ws.users.get(user_id or "")
    if user is None:
        raise SlackError("user_not_found")
    if user.id not in channel.members:
        raise SlackError("user_not_in_channel")
    text, blocks, attachments = check_message_content(ctx)
    message = Message(
        channel=channel.id,
        ts=ctx.ws.next_ts(),
        text=text,
        user=ctx.actor.id,
        blocks=with_block_ids(ctx, blocks),
        attachments=attachments,
        thread_ts=ctx.str_arg("thread_ts"),
        ephemeral=True,
        visible_to=user.id,
        source="chat.postEphemeral",
    )
    if ctx.is_bot:
        message.bot_id = ctx.standin.bot_id
        message.app_id = ctx.standin.app_id
    ctx.ws.ephemerals.append(message)
    return {"message_ts": message.ts}


def _own_message(ctx: CallContext, channel: Channel, ts: str | None, error: str) -> Message:
    message = ctx.ws.find_message(channel.id, ts or "")
    if message is None:
        raise SlackError("message_not_found")
    if message.user != ctx.actor.id:
        raise SlackError(error)
    return message


def update_message(
    ctx: CallContext, channel: Channel, message: Message, *, text: str | None, blocks: Any, attachments: Any = None
) -> dict[str, Any]:
    """Change a message in place (chat.update, response_url replace_original); emits message_changed."""
    previous = message_api(ctx.standin, message)
    if text is not None:
        message.text = text
    if blocks is not None:
        message.blocks = with_block_ids(ctx, blocks)
    if attachments is not None:
        message.attachments = attachments
    event_ts = ctx.ws.next_ts()
    message.edited = {"user": ctx.actor.id, "ts": event_ts}
    current = message_api(ctx.standin, message)
    ctx.emit(
        {
            "type": "message",
            "subtype": "message_changed",
            "message": current,
            "channel": channel.id,
            "hidden": True,
            "ts": event_ts,
            "event_ts": event_ts,
            "previous_message": previous,
            "channel_type": channel.channel_type,
        },
        channel,
    )
    return current


def delete_message(ctx: CallContext, channel: Channel, message: Message) -> None:
    """Remove a message (chat.delete, response_url delete_original); emits message_deleted."""
    previous = message_api(ctx.standin, message)
    ctx.ws.history[channel.id].remove(message)
    if message.ts in channel.pins:
        channel.pins.remove(message.ts)
    event_ts = ctx.ws.next_ts()
    ctx.emit(
        {
            "type": "message",
            "subtype": "message_deleted",
            "hidden": True,
            "channel": channel.id,
            "ts": event_ts,
            "deleted_ts": message.ts,
            "event_ts": event_ts,
            "previous_message": previous,
            "channel_type": channel.channel_type,
        },
        channel,
    )


def chat_update(ctx: CallContext) -> dict[str, Any]:
    ctx.require_scope("chat:write")
    channel = ctx.conversation()
    message = _own_message(ctx, channel, ctx.str_arg("ts"), "cant_update_message")
    if channel.is_archived:
        raise SlackError("is_archived")
    has_text = ctx.args.get("text") is not None
    has_blocks = ctx.args.get("blocks") is not None
    if not has_text and not has_blocks and ctx.args.get("attachments") is None:
        raise SlackError("no_text")
    text, blocks, attachments = check_message_content(ctx, require=False)
    current = update_message(
        ctx,
        channel,
        message,
        text=text if has_text else None,
        blocks=blocks if has_blocks else None,
        attachments=attachments,
    )
    return {"channel": channel.id, "ts": message.ts, "text": message.text, "message": current}


def chat_delete(ctx: CallContext) -> dict[str, Any]:
    ctx.require_scope("chat:write")
    channel = ctx.conversation()
    message = _own_message(ctx, channel, ctx.str_arg("ts"), "cant_delete_message")
    delete_message(ctx, channel, message)
    return {"channel": channel.id, "ts": message.ts}


def get_permalink(ctx: CallContext) -> dict[str, Any]:
    channel = ctx.conversation()
    ts = ctx.str_arg("message_ts") or ""
    message = ctx.ws.find_message(channel.id, ts)
    if message is None:
        raise SlackError("message_not_found")
    return {"channel": channel.id, "permalink": ctx.standin.permalink(channel.id, message)}


# ---- conversations ----------------------------------------------------------------------------
def _channel_payload(ctx: CallContext, channel: Channel, *, created: bool = False) -> dict[str, Any]:
    data = channel.to_api(ctx.actor.id, ctx.standin.team_id)
    if created:
        data.update(
            {
                "last_read": "0000000000.000000",
                "latest": None,
                "unread_count": 0,
                "unread_count_display": 0,
                "priority": 0,
            }
        )
    return data


def conversations_create(ctx: CallContext) -> dict[str, Any]:
    is_private = ctx.bool_arg("is_private")
    ctx.require_family_scope("groups" if is_private else "channels", "write")
    name = check_name(ctx.ws, ctx.str_arg("name"))
    now = int(time.time())
    channel = Channel(
        id=ctx.ws.ids.next("C"),
        name=name,
        is_private=is_private,
        created=now,
        creator=ctx.actor.id,
        members=[ctx.actor.id],
        updated=now * 1000,
    )
    ctx.ws.channels[channel.id] = channel
    ctx.ws.history[channel.id] = []
    if not is_private:
        ctx.emit(
            {
                "type": "channel_created",
                "channel": {
                    "id": channel.id,
                    "name": channel.name,
                    "name_normalized": channel.name,
                    "created": now,
                    "creator": ctx.actor.id,
                    "is_channel": True,
                    "is_mpim": False,
                    "is_shared": False,
                    "is_org_shared": False,
                    "is_ext_shared": False,
                    "context_team_id": ctx.standin.team_id,
                },
                "event_ts": ctx.ws.next_ts(),
            }
        )
    return {"channel": _channel_payload(ctx, channel, created=True)}


def conversations_info(ctx: CallContext) -> dict[str, Any]:
    channel = ctx.conversation()
    ctx.require_family_scope(channel.family, "read")
    return {
        "channel": channel.to_api(ctx.actor.id, ctx.standin.team_id, num_members=ctx.bool_arg("include_num_members"))
    }


TYPE_FAMILIES = {"public_channel": "channels", "private_channel": "groups", "im": "im", "mpim": "mpim"}


def _types(ctx: CallContext) -> list[str]:
    types = ctx.list_arg("types") or ["public_channel"]
    for kind in types:
        if kind not in TYPE_FAMILIES:
            raise SlackError("invalid_types")
        ctx.require_family_scope(TYPE_FAMILIES[kind], "read")
    return types


def _matches_type(channel: Channel, types: list[str]) -> bool:
    kind = {"channel": "public_channel", "group": "private_channel", "im": "im", "mpim": "mpim"}
    return kind[channel.channel_type] in types


def conversations_list(ctx: CallContext) -> dict[str, Any]:
    types = _types(ctx)
    exclude_archived = ctx.bool_arg("exclude_archived")
    channels = [
        c
        for c in ctx.ws.channels.values()
        if _matches_type(c, types) and c.visible_to(ctx.actor.id) and not (exclude_archived and c.is_archived)
    ]
    channels.sort(key=lambda c: (c.created, c.id))
    page, cursor = paginate(ctx, channels, lambda c: c.id, "team", 100)
    return {
        "channels": [c.to_api(ctx.actor.id, ctx.standin.team_id, num_members=not c.is_im) for c in page],
        "response_metadata": {"next_cursor": cursor},
    }


def users_conversations(ctx: CallContext) -> dict[str, Any]:
    types = _types(ctx)
    user = ctx.user(ctx.str_arg("user") or ctx.actor.id)
    exclude_archived = ctx.bool_arg("exclude_archived")
    channels = [
        c
        for c in ctx.ws.channels.values()
        if user.id in c.members
        and _matches_type(c, types)
        and c.visible_to(ctx.actor.id)
        and not (exclude_archived and c.is_archived)
    ]
    channels.sort(key=lambda c: (c.created, c.id))
    page, cursor = paginate(ctx, channels, lambda c: c.id, "team", 100)
    return {
        "channels": [c.to_api(ctx.actor.id, ctx.standin.team_id) for c in page],
        "response_metadata": {"next_cursor": cursor},
    }


def conversations_members(ctx: CallContext) -> dict[str, Any]:
    channel = ctx.conversation()
    ctx.require_family_scope(channel.family, "read")
    page, cursor = paginate(ctx, list(channel.members), lambda m: m, "user", 100)
    return {"members": page, "response_metadata": {"next_cursor": cursor}}


def _join(ctx: CallContext, channel: Channel, user_id: str, inviter: str | None) -> None:
    channel.members.append(user_id)
    extra = {"inviter": inviter} if inviter else {}
    text = f"<@{user_id}> has joined the channel"
    message = Message(
        channel=channel.id, ts=ctx.ws.next_ts(), text=text, user=user_id, subtype="channel_join", extra=extra
    )
    ctx.ws.add_message(message)
    event: dict[str, Any] = {
        "type": "member_joined_channel",
        "user": user_id,
        "channel": channel.id,
        "channel_type": "G" if channel.is_private else "C",
        "team": ctx.standin.team_id,
        "event_ts": message.ts,
    }
    if inviter:
        event["inviter"] = inviter
    ctx.emit(event, channel)
    ctx.emit(message_event(ctx, message, channel), channel)


def _leave(ctx: CallContext, channel: Channel, user_id: str, remover: str | None = None) -> None:
    event_ts = ctx.ws.next_ts()
    ctx.emit(
        {
            "type": "member_left_channel",
            "user": user_id,
            "channel": channel.id,
            "channel_type": "G" if channel.is_private else "C",
            "team": ctx.standin.team_id,
            "event_ts": event_ts,
        },
        channel,
    )
    message = Message(
        channel=channel.id,
        ts=event_ts,
        text=f"<@{user_id}> has left the channel",
        user=user_id,
        subtype="channel_leave",
        extra={"remover": remover} if remover else {},
    )
    ctx.ws.add_message(message)
    ctx.emit(message_event(ctx, message, channel), channel)
    channel.members.remove(user_id)


def conversations_invite(ctx: CallContext) -> dict[str, Any]:
    channel = ctx.conversation()
    if channel.is_im or channel.is_mpim:
        raise SlackError("method_not_supported_for_channel_type")
    ctx.require_family_scope(channel.family, "write")
    ctx.not_archived(channel)
    ctx.require_member(channel)
    user_ids = ctx.list_arg("users")
    if not user_ids:
        raise SlackError("no_user")
    if len(user_ids) > MAX_INVITE_USERS:
        raise SlackError("too_many_users")
    failures: list[dict[str, Any]] = []
    valid: list[str] = []
    for user_id in dict.fromkeys(user_ids):
        user = ctx.ws.users.get(user_id)
        if user is None or user.id == SLACKBOT_ID:
            error = "user_not_found"
        elif user.id == ctx.actor.id:
            error = "cant_invite_self"
        elif user.deleted:
            error = "cant_invite"
        elif user.id in channel.members:
            error = "already_in_channel"
        elif user.is_ultra_restricted:
            error = "user_is_ultra_restricted"
        elif user.is_restricted:
            error = "user_is_restricted"
        else:
            valid.append(user_id)
            continue
        failures.append({"user": user_id, "ok": False, "error": error})
    force = ctx.bool_arg("force")
    if failures and (not force or not valid):
        raise SlackError(failures[0]["error"], errors=failures)
    for user_id in valid:
        _join(ctx, channel, user_id, inviter=ctx.actor.id)
    result: dict[str, Any] = {"channel": _channel_payload(ctx, channel)}
    if failures:
        result["errors"] = failures
    return result


EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def conversations_invite_shared(ctx: CallContext) -> dict[str, Any]:
    ctx.require_scope("conversations.connect:write")
    channel = ctx.conversation()
    if channel.is_im or channel.is_mpim:
        raise SlackError("invalid_channel_type")
    if channel.is_general:
        raise SlackError("cannot_share_mandatory_channel")
    if channel.is_archived:
        raise SlackError("channel_archived")
    ctx.require_member(channel)
    emails = ctx.list_arg("emails")
    user_ids = ctx.list_arg("user_ids")
    if not emails and not user_ids:
        raise SlackError("recipients_not_specified")
    if len(emails) > 1:
        raise SlackError("too_many_emails")
    if len(user_ids) > 1:
        raise invalid_arguments("[ERROR] only one user ID may be invited at a time [json-pointer:/user_ids]")
    for email in emails:
        if not EMAIL_RE.match(email):
            raise SlackError("invalid_email")
    for user_id in user_ids:
        ctx.user(user_id)
    invite_id = ctx.ws.ids.next("I")
    ctx.ws.shared_invites.append(
        {
            "invite_id": invite_id,
            "channel": channel.id,
            "emails": emails,
            "user_ids": user_ids,
            "inviter": ctx.actor.id,
            "created": int(time.time()),
        }
    )
    return {"invite_id": invite_id, "is_legacy_shared_channel": False}


def conversations_kick(ctx: CallContext) -> dict[str, Any]:
    channel = ctx.conversation()
    if channel.is_im or channel.is_mpim:
        raise SlackError("method_not_supported_for_channel_type")
    ctx.require_family_scope(channel.family, "write")
    user = ctx.user(ctx.str_arg("user"))
    if user.id == ctx.actor.id:
        raise SlackError("cant_kick_self")
    if channel.is_general:
        raise SlackError("cant_kick_from_general")
    ctx.require_member(channel)
    if user.id not in channel.members:
        raise SlackError("not_in_channel")
    _leave(ctx, channel, user.id, remover=ctx.actor.id)
    return {"errors": {}}


def conversations_join(ctx: CallContext) -> dict[str, Any]:
    channel = ctx.conversation()
    if channel.is_private or channel.is_im or channel.is_mpim:
        raise SlackError("method_not_supported_for_channel_type")
    ctx.require_scope("channels:join" if ctx.is_bot else "channels:write")
    ctx.not_archived(channel)
    if ctx.actor.id in channel.members:
        ctx.warnings.append("already_in_channel")
    else:
        _join(ctx, channel, ctx.actor.id, inviter=None)
    return {"channel": _channel_payload(ctx, channel)}


def conversations_leave(ctx: CallContext) -> dict[str, Any]:
    channel = ctx.conversation()
    if channel.is_im:
        raise SlackError("method_not_supported_for_channel_type")
    ctx.require_family_scope(channel.family, "write")
    if channel.is_general:
        raise SlackError("cant_leave_general")
    if ctx.actor.id not in channel.members:
        return {"not_in_channel": True}
    ctx.not_archived(channel)
    if channel.is_private and channel.members == [ctx.actor.id]:
        raise SlackError("last_member")
    _leave(ctx, channel, ctx.actor.id)
    return {}


def _rename_event(ctx: CallContext, channel: Channel) -> None:
    ctx.emit(
        {
            "type": "group_rename" if channel.is_private else "channel_rename",
            "channel": {
                "id": channel.id,
                "name": channel.name,
                "name_normalized": channel.name,
                "created": channel.created,
                "is_channel": True,
                "is_mpim": False,
            },
            "event_ts": ctx.ws.next_ts(),
        },
        channel,
    )


def conversations_rename(ctx: CallContext) -> dict[str, Any]:
    channel = ctx.conversation()
    if channel.is_im or channel.is_mpim:
        raise SlackError("method_not_supported_for_channel_type")
    ctx.require_family_scope(channel.family, "write")
    ctx.require_member(channel)
    ctx.not_archived(channel)
    name = check_name(ctx.ws, ctx.str_arg("name"), exclude=channel.id)
    rename_channel(ctx, channel, name)
    return {"channel": _channel_payload(ctx, channel)}


def rename_channel(ctx: CallContext, channel: Channel, name: str) -> None:
    if name == channel.name:
        return
    old = channel.name
    channel.previous_names.insert(0, old)
    channel.name = name
    _rename_event(ctx, channel)
    system_message(
        ctx,
        channel,
        "channel_name",
        ctx.actor.id,
        f"<@{ctx.actor.id}> renamed the channel from \u201c{old}\u201d to \u201c{name}\u201d",
        old_name=old,
        name=name,
    )


def conversations_archive(ctx: CallContext) -> dict[str, Any]:
    channel = ctx.conversation()
    if channel.is_im or channel.is_mpim:
        raise SlackError("method_not_supported_for_channel_type")
    ctx.require_family_scope(channel.family, "write")
    if channel.is_archived:
        raise SlackError("already_archived")
    if channel.is_general:
        raise SlackError("cant_archive_general")
    ctx.require_member(channel)
    set_archived(ctx, channel, True)
    return {}


def set_archived(ctx: CallContext, channel: Channel, archived: bool) -> None:
    event_type = ("group_" if channel.is_private else "channel_") + ("archive" if archived else "unarchive")
    if archived:
        system_message(ctx, channel, "channel_archive", ctx.actor.id, f"<@{ctx.actor.id}> archived the channel")
    channel.is_archived = archived
    event: dict[str, Any] = {
        "type": event_type,
        "channel": channel.id,
        "user": ctx.actor.id,
        "event_ts": ctx.ws.next_ts(),
    }
    if archived:
        event["is_moved"] = 0
    ctx.emit(event, channel)
    if not archived:
        system_message(ctx, channel, "channel_unarchive", ctx.actor.id, f"<@{ctx.actor.id}> un-archived the channel")


def conversations_unarchive(ctx: CallContext) -> dict[str, Any]:
    channel = ctx.conversation()
    if channel.is_im or channel.is_mpim:
        raise SlackError("method_not_supported_for_channel_type")
    ctx.require_family_scope(channel.family, "write")
    if not channel.is_archived:
        raise SlackError("not_archived")
    ctx.require_member(channel)
    set_archived(ctx, channel, False)
    return {}


def _set_text_field(ctx: CallContext, which: str) -> dict[str, Any]:
    channel = ctx.conversation()
    ctx.require_family_scope(channel.family, "write")
    ctx.not_archived(channel)
    ctx.require_member(channel)
    value = str(ctx.args.get(which) or "")
    if len(value) > MAX_TOPIC:
        raise SlackError("too_long")
    setattr(channel, which, {"value": value, "creator": ctx.actor.id, "last_set": int(time.time())})
    system_message(
        ctx,
        channel,
        f"channel_{which}",
        ctx.actor.id,
        f"<@{ctx.actor.id}> set the channel {which}: {value}",
        **{which: value},
    )
    return {"channel": _channel_payload(ctx, channel)}


def conversations_set_topic(ctx: CallContext) -> dict[str, Any]:
    return _set_text_field(ctx, "topic")


def conversations_set_purpose(ctx: CallContext) -> dict[str, Any]:
    return _set_text_field(ctx, "purpose")


def _ts_arg(ctx: CallContext, name: str, default: float) -> float:
    value = ctx.str_arg(name)
    if value is None:
        return default
    try:
        return float(value)
    except ValueError:
        raise SlackError("invalid_ts_" + name) from None


def _history_window(ctx: CallContext, messages: list[Message]) -> list[Message]:
    oldest = _ts_arg(ctx, "oldest", 0.0)
    latest = _ts_arg(ctx, "latest", float("inf"))
    inclusive = ctx.bool_arg("inclusive")

    def inside(m: Message) -> bool:
        ts = float(m.ts)
        if inclusive:
            return oldest <= ts <= latest
        return oldest < ts < latest

    return [m for m in messages if inside(m)]


def _page_by_ts(
    ctx: CallContext, messages: list[Message], default_limit: int, max_limit: int
) -> tuple[list[Message], bool, str]:
    limit = ctx.int_arg("limit", default_limit, error="invalid_limit")
    if limit <= 0:
        limit = default_limit
    limit = min(limit, max_limit)
    start_ts = decode_cursor(ctx.str_arg("cursor"), "next_ts")
    if start_ts is not None:
        keys = [m.ts.replace(".", "") for m in messages]
        if start_ts not in keys:
            raise SlackError("invalid_cursor")
        messages = messages[keys.index(start_ts) :]
    page, rest = messages[:limit], messages[limit:]
    return page, bool(rest), encode_cursor("next_ts", rest[0].ts.replace(".", "")) if rest else ""


def conversations_history(ctx: CallContext) -> dict[str, Any]:
    channel = ctx.conversation()
    ctx.require_family_scope(channel.family, "history")
    if ctx.is_bot and ctx.actor.id not in channel.members:
        raise SlackError("not_in_channel")
    top_level = [m for m in ctx.ws.messages_in(channel.id) if not m.is_reply or m.subtype == "thread_broadcast"]
    window = _history_window(ctx, top_level)
    window.sort(key=lambda m: float(m.ts), reverse=True)
    page, has_more, cursor = _page_by_ts(ctx, window, 100, 999)
    with_metadata = ctx.bool_arg("include_all_metadata")
    result: dict[str, Any] = {
        "messages": [message_api(ctx.standin, m, with_metadata=with_metadata) for m in page],
        "has_more": has_more,
        "pin_count": len(channel.pins),
        "channel_actions_ts": None,
        "channel_actions_count": 0,
    }
    if has_more:
        result["response_metadata"] = {"next_cursor": cursor}
    return result


def conversations_replies(ctx: CallContext) -> dict[str, Any]:
    channel = ctx.conversation()
    ctx.require_family_scope(channel.family, "history")
    if ctx.is_bot and ctx.actor.id not in channel.members:
        raise SlackError("not_in_channel")
    parent = ctx.ws.find_message(channel.id, ctx.str_arg("ts") or "")
    if parent is None:
        raise SlackError("thread_not_found")
    if parent.is_reply:
        parent = ctx.ws.find_message(channel.id, parent.thread_ts or "") or parent
    thread = [parent, *ctx.ws.replies_to(channel.id, parent.ts)]
    window = [m for m in _history_window(ctx, thread) if m is not parent]
    if ctx.str_arg("cursor") is None:
        window.insert(0, parent)
    page, has_more, cursor = _page_by_ts(ctx, window, 1000, 1000)
    result: dict[str, Any] = {"messages": [message_api(ctx.standin, m) for m in page], "has_more": has_more}
    if has_more:
        result["response_metadata"] = {"next_cursor": cursor}
    return result


def conversations_open(ctx: CallContext) -> dict[str, Any]:
    existing = ctx.str_arg("channel")
    if existing:
        channel = ctx.conversation()
        return {"no_op": True, "already_open": True, "channel": channel.to_api(ctx.actor.id, ctx.standin.team_id)}
    user_ids = ctx.list_arg("users")
    if not user_ids:
        raise SlackError("users_list_not_supplied")
    if len(user_ids) > 8:
        raise SlackError("too_many_users")
    for user_id in user_ids:
        user = ctx.ws.users.get(user_id)
        if user is None:
            raise SlackError("user_not_found")
        if user.deleted:
            raise SlackError("user_disabled")
    others = [u for u in dict.fromkeys(user_ids) if u != ctx.actor.id]
    if len(others) <= 1:
        ctx.require_scope("im:write")
        other = others[0] if others else ctx.actor.id
        already = other in ctx.ws.dms if ctx.is_bot else False
        channel = ctx.ws.im_with(other, ctx.actor.id) if ctx.is_bot else ctx._person_dm(other)
    else:
        ctx.require_scope("mpim:write")
        members = sorted({ctx.actor.id, *others})
        channel = next((c for c in ctx.ws.channels.values() if c.is_mpim and sorted(c.members) == members), None)
        already = channel is not None
        if channel is None:
            names = "--".join(ctx.ws.users[m].name for m in members)
            now = int(time.time())
            channel = Channel(
                id=ctx.ws.ids.next("C"),
                name=f"mpdm-{names}-1",
                is_private=True,
                is_mpim=True,
                created=now,
                creator=ctx.actor.id,
                members=members,
                updated=now * 1000,
            )
            ctx.ws.channels[channel.id] = channel
    result: dict[str, Any] = {}
    if already:
        result.update({"no_op": True, "already_open": True})
    if ctx.bool_arg("return_im"):
        result["channel"] = channel.to_api(ctx.actor.id, ctx.standin.team_id)
    else:
        result["channel"] = {"id": channel.id}
    return result


def _person_im(ctx: CallContext, other: str) -> Channel:
    """A direct-message channel between two people (the stand-in keeps it like the bot's IMs)."""
    key = "~im:" + "|".join(sorted((ctx.actor.id, other)))
    channel_id = ctx.ws.dms.get(key)
    if channel_id:
        return ctx.ws.channels[channel_id]
    now = int(time.time())
    channel = Channel(
        id=ctx.ws.ids.next("D"),
        name="",
        is_im=True,
        created=now,
        creator=ctx.actor.id,
        members=[ctx.actor.id, other],
        im_user=other,
        updated=now * 1000,
    )
    channel.name = channel.id
    ctx.ws.channels[channel.id] = channel
    ctx.ws.dms[key] = channel.id
    return channel


# ---- users and team ---------------------------------------------------------------------------
def _can_see_email(ctx: CallContext) -> bool:
    return not ctx.is_bot or "users:read.email" in ctx.standin.scopes


def users_info(ctx: CallContext) -> dict[str, Any]:
    ctx.require_scope("users:read")
    user = ctx.user(ctx.str_arg("user"))
    return {
        "user": user.to_api(
            ctx.standin.team_id, include_locale=ctx.bool_arg("include_locale"), include_email=_can_see_email(ctx)
        )
    }


def users_lookup_by_email(ctx: CallContext) -> dict[str, Any]:
    ctx.require_scope("users:read.email")
    email = (ctx.str_arg("email") or "").strip().lower()
    user = next((u for u in ctx.ws.users.values() if u.email and u.email.lower() == email and not u.deleted), None)
    if user is None:
        raise SlackError("users_not_found")
    return {"user": user.to_api(ctx.standin.team_id, include_email=True)}


def users_list(ctx: CallContext) -> dict[str, Any]:
    ctx.require_scope("users:read")
    users = sorted(ctx.ws.users.values(), key=lambda u: u.id)
    page, cursor = paginate(ctx, users, lambda u: u.id, "user", 0)
    include_locale = ctx.bool_arg("include_locale")
    members = [
        u.to_api(ctx.standin.team_id, include_locale=include_locale, include_email=_can_see_email(ctx)) for u in page
    ]
    return {"members": members, "cache_ts": int(time.time()), "response_metadata": {"next_cursor": cursor}}


def team_info(ctx: CallContext) -> dict[str, Any]:
    ctx.require_scope("team:read")
    team = ctx.str_arg("team")
    if team and team != ctx.standin.team_id:
        raise SlackError("team_not_found")
    return {
        "team": {
            "id": ctx.standin.team_id,
            "name": ctx.standin.team_name,
            "url": f"https://{ctx.standin.team_domain}.slack.com/",
            "domain": ctx.standin.team_domain,
            "email_domain": "",
            "icon": {
                "image_default": True,
                "image_34": "https://a.slack-edge.invalid/team_34.png",
                "image_44": "https://a.slack-edge.invalid/team_44.png",
                "image_68": "https://a.slack-edge.invalid/team_68.png",
            },
            "avatar_base_url": "https://ca.slack-edge.invalid/",
            "is_verified": False,
            "lob_sales_home_enabled": False,
        }
    }


def auth_test(ctx: CallContext) -> dict[str, Any]:
    data: dict[str, Any] = {
        "url": f"https://{ctx.standin.team_domain}.slack.com/",
        "team": ctx.standin.team_name,
        "user": ctx.actor.name,
        "team_id": ctx.standin.team_id,
        "user_id": ctx.actor.id,
    }
    if ctx.is_bot:
        data["bot_id"] = ctx.standin.bot_id
    data["is_enterprise_install"] = False
    return data


# ---- pins and reactions -----------------------------------------------------------------------
def pins_add(ctx: CallContext) -> dict[str, Any]:
    ctx.require_scope("pins:write")
    channel = ctx.conversation()
    ts = ctx.str_arg("timestamp")
    if not ts:
        raise SlackError("no_item_specified")
    ctx.require_member(channel)
    message = ctx.ws.find_message(channel.id, ts)
    if message is None:
        raise SlackError("message_not_found")
    if channel.id in message.pinned_to:
        raise SlackError("already_pinned")
    message.pinned_to.append(channel.id)
    channel.pins.append(ts)
    now = int(time.time())
    message.extra["_pinned_info"] = {"channel": channel.id, "pinned_by": ctx.actor.id, "pinned_ts": now}
    ctx.emit(
        {
            "type": "pin_added",
            "user": ctx.actor.id,
            "channel_id": channel.id,
            "item": {
                "type": "message",
                "created": now,
                "created_by": ctx.actor.id,
                "channel": channel.id,
                "message": message_api(ctx.standin, message),
            },
            "item_user": message.user,
            "pin_count": str(len(channel.pins)),
            "pinned_info": {"channel": channel.id, "pinned_by": ctx.actor.id, "pinned_ts": now},
            "event_ts": ctx.ws.next_ts(),
        },
        channel,
    )
    return {}


def pins_list(ctx: CallContext) -> dict[str, Any]:
    ctx.require_scope("pins:read")
    channel = ctx.conversation()
    items = []
    for ts in reversed(channel.pins):
        message = ctx.ws.find_message(channel.id, ts)
        if message is None:
            continue
        info = message.extra.get("_pinned_info", {})
        items.append(
            {
                "type": "message",
                "created": info.get("pinned_ts", 0),
                "created_by": info.get("pinned_by", ""),
                "channel": channel.id,
                "message": message_api(ctx.standin, message),
            }
        )
    return {"items": items}


REACTION_NAME = re.compile(r"^[a-z0-9_+'\-]+(::skin-tone-[2-6])?$")


def reactions_add(ctx: CallContext) -> dict[str, Any]:
    ctx.require_scope("reactions:write")
    channel = ctx.conversation()
    name = ctx.str_arg("name") or ""
    if not REACTION_NAME.match(name):
        raise SlackError("invalid_name")
    message = ctx.ws.find_message(channel.id, ctx.str_arg("timestamp") or "")
    if message is None:
        raise SlackError("message_not_found")
    ctx.not_archived(channel)
    reaction = next((r for r in message.reactions if r["name"] == name), None)
    if reaction is None:
        reaction = {"name": name, "users": [], "count": 0}
        message.reactions.append(reaction)
    if ctx.actor.id in reaction["users"]:
        raise SlackError("already_reacted")
    reaction["users"].append(ctx.actor.id)
    reaction["count"] = len(reaction["users"])
    ctx.emit(
        {
            "type": "reaction_added",
            "user": ctx.actor.id,
            "reaction": name,
            "item_user": message.user,
            "item": {"type": "message", "channel": channel.id, "ts": message.ts},
            "event_ts": ctx.ws.next_ts(),
        },
        channel,
    )
    return {}


def reactions_remove(ctx: CallContext) -> dict[str, Any]:
    ctx.require_scope("reactions:write")
    channel = ctx.conversation()
    name = ctx.str_arg("name") or ""
    message = ctx.ws.find_message(channel.id, ctx.str_arg("timestamp") or "")
    if message is None:
        raise SlackError("message_not_found" if ctx.str_arg("timestamp") else "no_item_specified")
    reaction = next((r for r in message.reactions if r["name"] == name), None)
    if reaction is None or ctx.actor.id not in reaction["users"]:
        raise SlackError("no_reaction")
    reaction["users"].remove(ctx.actor.id)
    reaction["count"] = len(reaction["users"])
    if not reaction["users"]:
        message.reactions.remove(reaction)
    ctx.emit(
        {
            "type": "reaction_removed",
            "user": ctx.actor.id,
            "reaction": name,
            "item_user": message.user,
            "item": {"type": "message", "channel": channel.id, "ts": message.ts},
            "event_ts": ctx.ws.next_ts(),
        },
        channel,
    )
    return {}


# ---- views ------------------------------------------------------------------------------------
def _view_arg(ctx: CallContext) -> dict[str, Any]:
    view = ctx.args.get("view")
    if isinstance(view, str):
        raise invalid_arguments("[ERROR] failed to parse view as JSON [json-pointer:/view]")
    if not isinstance(view, dict):
        raise invalid_arguments("[ERROR] missing required field: view")
    return view


def _exchange_trigger(ctx: CallContext) -> str:
    trigger_id = ctx.str_arg("trigger_id") or ctx.str_arg("interactivity_pointer")
    trigger = ctx.ws.triggers.get(trigger_id or "")
    if trigger is None:
        raise SlackError("invalid_trigger_id")
    if trigger.used:
        raise SlackError("exchanged_trigger_id")
    if time.time() - trigger.created > TRIGGER_TTL:
        raise SlackError("expired_trigger_id")
    trigger.used = True
    return trigger.user_id


def _check_view(ctx: CallContext, payload: dict[str, Any], expected: tuple[str, ...]) -> None:
    errors = validate_view(payload, expected=expected)
    if errors:
        raise SlackError("invalid_arguments", response_metadata={"messages": errors})
    external_id = payload.get("external_id")
    if external_id:
        for view in ctx.ws.views.values():
            if view.external_id == external_id and not view.closed:
                raise SlackError("duplicate_external_id")


def new_view(ctx: CallContext, payload: dict[str, Any], user_id: str) -> View:
    view = View(
        id=ctx.ws.ids.next("V"),
        type=payload.get("type", "modal"),
        user_id=user_id,
        team_id=ctx.standin.team_id,
        app_id=ctx.standin.app_id,
        bot_id=ctx.standin.bot_id,
    )
    view.load(payload)
    view.root_view_id = view.id
    stamp_view(ctx, view)
    ctx.ws.views[view.id] = view
    return view


def stamp_view(ctx: CallContext, view: View) -> None:
    view.hash = f"{int(time.time())}.{ctx.ws.ids.token(8, ID_ALPHABET)}"


def views_open(ctx: CallContext) -> dict[str, Any]:
    payload = _view_arg(ctx)
    user_id = _exchange_trigger(ctx)
    _check_view(ctx, payload, ("modal",))
    for old in ctx.ws.modal_stacks.get(user_id, []):
        ctx.ws.views[old].closed = True
    view = new_view(ctx, payload, user_id)
    ctx.ws.modal_stacks[user_id] = [view.id]
    return {"view": view.to_api()}


def views_push(ctx: CallContext) -> dict[str, Any]:
    payload = _view_arg(ctx)
    user_id = _exchange_trigger(ctx)
    _check_view(ctx, payload, ("modal",))
    stack = ctx.ws.modal_stacks.get(user_id) or []
    if not stack:
        raise SlackError("not_found")
    if len(stack) >= MAX_VIEW_STACK:
        raise SlackError("push_limit_reached")
    view = new_view(ctx, payload, user_id)
    view.root_view_id = stack[0]
    view.previous_view_id = stack[-1]
    stack.append(view.id)
    return {"view": view.to_api()}


def replace_view(ctx: CallContext, view: View, payload: dict[str, Any]) -> None:
    """views.update / response_action update: same id, new content and hash; state kept where the
    same block_id/action_id still exists (as the Slack client keeps typed values)."""
    old_values = view.state.get("values", {})
    view.load(payload)
    keep: dict[str, Any] = {}
    for block in view.blocks:
        block_id = block.get("block_id")
        if block_id in old_values:
            keep[block_id] = old_values[block_id]
    view.state = {"values": keep}
    stamp_view(ctx, view)


def views_update(ctx: CallContext) -> dict[str, Any]:
    payload = _view_arg(ctx)
    view_id = ctx.str_arg("view_id")
    external_id = ctx.str_arg("external_id")
    if not view_id and not external_id:
        raise invalid_arguments("[ERROR] either view_id or external_id is required")
    view = (
        ctx.ws.views.get(view_id)
        if view_id
        else next((v for v in ctx.ws.views.values() if v.external_id == external_id and not v.closed), None)
    )
    if view is None or view.closed:
        raise SlackError("not_found")
    view_hash = ctx.str_arg("hash")
    if view_hash and view_hash != view.hash:
        raise SlackError("hash_conflict")
    if payload.get("external_id") and payload["external_id"] != view.external_id:
        _check_view(ctx, payload, (view.type,))  # also refuses an external_id another view holds
    else:
        errors = validate_view(payload, expected=(view.type,))
        if errors:
            raise SlackError("invalid_arguments", response_metadata={"messages": errors})
    replace_view(ctx, view, payload)
    return {"view": view.to_api()}


def views_publish(ctx: CallContext) -> dict[str, Any]:
    payload = _view_arg(ctx)
    user = ctx.user(ctx.str_arg("user_id"))
    errors = validate_view(payload, expected=("home",))
    if errors:
        raise SlackError("invalid_arguments", response_metadata={"messages": errors})
    view_id = ctx.ws.homes.get(user.id)
    if view_id and view_id in ctx.ws.views:
        view = ctx.ws.views[view_id]
        view_hash = ctx.str_arg("hash")
        if view_hash and view_hash != view.hash:
            raise SlackError("hash_conflict")
        replace_view(ctx, view, payload)
    else:
        view = new_view(ctx, payload, user.id)
        ctx.ws.homes[user.id] = view.id
    return {"view": view.to_api()}


# ---- files ------------------------------------------------------------------------------------
def files_get_upload_url(ctx: CallContext) -> dict[str, Any]:
    ctx.require_scope("files:write")
    filename = ctx.str_arg("filename") or ""
    length = ctx.int_arg("length", 0)
    if length <= 0:
        raise SlackError("missing_argument")
    alt_txt = ctx.str_arg("alt_txt")
    if alt_txt and len(alt_txt) > 1000:
        raise SlackError("alt_txt_too_large")
    stored = StoredFile(
        id=ctx.ws.ids.next("F"),
        name=filename,
        length=length,
        user=ctx.actor.id,
        created=int(time.time()),
        alt_txt=alt_txt,
        snippet_type=ctx.str_arg("snippet_type"),
    )
    ctx.ws.files[stored.id] = stored
    return {"upload_url": f"{ctx.standin.base_url}upload/{stored.id}", "file_id": stored.id}


def files_complete_upload(ctx: CallContext) -> dict[str, Any]:
    ctx.require_scope("files:write")
    entries = ctx.args.get("files")
    if not isinstance(entries, list) or not entries:
        raise invalid_arguments("[ERROR] files must be a non-empty JSON array [json-pointer:/files]")
    stored_files: list[tuple[StoredFile, str | None]] = []
    for entry in entries:
        if not isinstance(entry, dict) or "id" not in entry:
            raise invalid_arguments("[ERROR] missing required field: id [json-pointer:/files]")
        stored = ctx.ws.files.get(str(entry["id"]))
        if stored is None or stored.data is None:
            raise SlackError("file_not_found")
        if stored.user != ctx.actor.id:
            raise SlackError("access_denied")
        stored_files.append((stored, entry.get("title")))
    targets = [ctx.str_arg("channel_id")] if ctx.str_arg("channel_id") else ctx.list_arg("channels")
    channels: list[Channel] = []
    for target in targets:
        ctx.args["channel"] = target
        channel = post_target(ctx)
        if channel.is_archived:
            raise SlackError("is_archived")
        if ctx.actor.id not in channel.members:
            raise SlackError("not_in_channel")
        channels.append(channel)
    if len(channels) > 100:
        raise SlackError("channels_limit_exceeded")
    thread_ts = ctx.str_arg("thread_ts")
    comment = ctx.str_arg("initial_comment") or ""
    blocks = ctx.args.get("blocks") if not comment else None
    for stored, title in stored_files:
        stored.title = title or stored.title or stored.name
        stored.completed = True
    for channel in channels:
        for stored, _ in stored_files:
            stored.channels.append(channel.id)
            stored.initial_comment = comment or None
            stored.thread_ts = thread_ts
        message = Message(
            channel=channel.id,
            ts=ctx.ws.next_ts(),
            text=comment,
            user=ctx.actor.id,
            blocks=with_block_ids(ctx, blocks) if isinstance(blocks, list) else None,
            thread_ts=thread_ts,
            subtype="file_share",
            extra={"upload": True},
            files=[s.to_api(ctx.standin.base_url, ctx.standin.team_domain) for s, _ in stored_files],
        )
        if ctx.is_bot:
            message.bot_id = ctx.standin.bot_id
            message.app_id = ctx.standin.app_id
        ctx.ws.add_message(message)
        ctx.emit(message_event(ctx, message, channel), channel)
    return {"files": [s.to_api(ctx.standin.base_url, ctx.standin.team_domain) for s, _ in stored_files]}


METHODS: dict[str, Callable[[CallContext], dict[str, Any]]] = {
    "auth.test": auth_test,
    "chat.delete": chat_delete,
    "chat.getPermalink": get_permalink,
    "chat.postEphemeral": post_ephemeral,
    "chat.postMessage": post_message,
    "chat.update": chat_update,
    "conversations.archive": conversations_archive,
    "conversations.create": conversations_create,
    "conversations.history": conversations_history,
    "conversations.info": conversations_info,
    "conversations.invite": conversations_invite,
    "conversations.inviteShared": conversations_invite_shared,
    "conversations.join": conversations_join,
    "conversations.kick": conversations_kick,
    "conversations.leave": conversations_leave,
    "conversations.list": conversations_list,
    "conversations.members": conversations_members,
    "conversations.open": conversations_open,
    "conversations.rename": conversations_rename,
    "conversations.replies": conversations_replies,
    "conversations.setPurpose": conversations_set_purpose,
    "conversations.setTopic": conversations_set_topic,
    "conversations.unarchive": conversations_unarchive,
    "files.completeUploadExternal": files_complete_upload,
    "files.getUploadURLExternal": files_get_upload_url,
    "pins.add": pins_add,
    "pins.list": pins_list,
    "reactions.add": reactions_add,
    "reactions.remove": reactions_remove,
    "team.info": team_info,
    "users.conversations": users_conversations,
    "users.info": users_info,
    "users.list": users_list,
    "users.lookupByEmail": users_lookup_by_email,
    "views.open": views_open,
    "views.publish": views_publish,
    "views.push": views_push,
    "views.update": views_update,
}

READ_ONLY = frozenset(
    {
        "auth.test",
        "chat.getPermalink",
        "conversations.history",
        "conversations.info",
        "conversations.list",
        "conversations.members",
        "conversations.replies",
        "pins.list",
        "team.info",
        "users.conversations",
        "users.info",
        "users.list",
        "users.lookupByEmail",
    }
)

JSON_ARGS = ("blocks", "attachments", "view", "files", "metadata")


def decode_json_args(args: dict[str, Any]) -> dict[str, Any]:
    """Slack takes blocks, attachments, view and files as JSON-encoded strings in form posts."""
    out = dict(args)
    for key in JSON_ARGS:
        value = out.get(key)
        if isinstance(value, str) and value.strip()[:1] in ("[", "{"):
            with contextlib.suppress(ValueError):
                out[key] = json.loads(value)
    return out
