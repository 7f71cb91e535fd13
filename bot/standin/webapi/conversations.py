"""conversations.* reading and opening: create, info, list, members, history, replies, open; and
users.conversations."""

from __future__ import annotations

import time
from typing import Any

from ..types import Channel, Message
from .context import CallContext, SlackError
from .names import check_name
from .paging import decode_cursor, encode_cursor, paginate
from .render import channel_payload, message_api


def conversations_create(ctx: CallContext) -> dict[str, Any]:
    is_private = ctx.bool_arg("is_private")
    ctx.require_family_scope("groups" if is_private else "channels", "write")
    if ctx.ws.settings.get("restrict_channel_creation"):
        raise SlackError("restricted_action")
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
    return {"channel": channel_payload(ctx, channel, created=True)}


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
        channel = ctx.ws.im_with(other, ctx.actor.id) if ctx.is_bot else ctx.person_dm(other)
    else:
        ctx.require_scope("mpim:write")
        members = sorted({ctx.actor.id, *others})
        found = next((c for c in ctx.ws.channels.values() if c.is_mpim and sorted(c.members) == members), None)
        already = found is not None
        if found is None:
            names = "--".join(ctx.ws.users[m].name for m in members)
            now = int(time.time())
            found = Channel(
                id=ctx.ws.ids.next("C"),
                name=f"mpdm-{names}-1",
                is_private=True,
                is_mpim=True,
                created=now,
                creator=ctx.actor.id,
                members=members,
                updated=now * 1000,
            )
            ctx.ws.channels[found.id] = found
        channel = found
    result: dict[str, Any] = {}
    if already:
        result.update({"no_op": True, "already_open": True})
    if ctx.bool_arg("return_im"):
        result["channel"] = channel.to_api(ctx.actor.id, ctx.standin.team_id)
    else:
        result["channel"] = {"id": channel.id}
    return result
