"""A conversation's name, archived state, topic and purpose (with Slack's system messages)."""

from __future__ import annotations

import time
from typing import Any

from ..types import Channel
from .context import CallContext, SlackError
from .names import check_name
from .render import channel_payload, system_message

MAX_TOPIC = 250


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
    return {"channel": channel_payload(ctx, channel)}


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
    return {"channel": channel_payload(ctx, channel)}


def conversations_set_topic(ctx: CallContext) -> dict[str, Any]:
    return _set_text_field(ctx, "topic")


def conversations_set_purpose(ctx: CallContext) -> dict[str, Any]:
    return _set_text_field(ctx, "purpose")
