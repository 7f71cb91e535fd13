"""How messages, events and conversations look on the wire (shared by every method family)."""

from __future__ import annotations

import copy
from typing import Any

from ..types import Channel, Message
from .context import CallContext, Host

ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


def bot_profile(standin: Host) -> dict[str, Any]:
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
    standin: Host, message: Message, *, with_thread: bool = True, with_metadata: bool = True
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


def channel_payload(ctx: CallContext, channel: Channel, *, created: bool = False) -> dict[str, Any]:
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
