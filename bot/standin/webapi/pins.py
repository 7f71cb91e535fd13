"""pins.* and reactions.*."""

from __future__ import annotations

import re
import time
from typing import Any

from .context import CallContext, SlackError
from .render import message_api


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
