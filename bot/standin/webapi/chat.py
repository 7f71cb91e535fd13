"""chat.*: posting, ephemeral messages, updates, deletes and permalinks."""

from __future__ import annotations

import json
from typing import Any

from ..types import Channel, Message
from ..validator import validate_message
from .context import CallContext, SlackError, invalid_arguments
from .render import app_mention_event, message_api, message_event, rich_text_blocks, with_block_ids


def check_message_content(ctx: CallContext, *, require: bool = True) -> tuple[str, Any, Any]:
    text = ctx.args.get("text")
    text = "" if text is None else str(text)
    blocks = ctx.args.get("blocks")
    attachments = ctx.args.get("attachments")
    if isinstance(blocks, str):
        if blocks.strip() in ("", "[]"):
            blocks = None
        elif blocks.strip()[:1] in ("[", "{"):  # JSON that did not parse
            raise invalid_arguments("[ERROR] failed to parse blocks as JSON [json-pointer:/blocks]")
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
    verdict = validate_message(blocks, text, attachments)
    if verdict.error is not None:
        raise SlackError(verdict.error, **{k: v for k, v in verdict.answer().items() if k != "error"})
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
