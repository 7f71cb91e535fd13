"""Who is in a conversation: joining, leaving, invitations (Slack Connect too) and kicks."""

from __future__ import annotations

import re
import time
from typing import Any

from ..types import Channel, Message
from ..workspace import SLACKBOT_ID
from .context import CallContext, SlackError, invalid_arguments
from .render import channel_payload, message_event

MAX_INVITE_USERS = 1000


def add_member(ctx: CallContext, channel: Channel, user_id: str, inviter: str | None) -> None:
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


def remove_member(ctx: CallContext, channel: Channel, user_id: str, remover: str | None = None) -> None:
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
        elif user.is_ultra_restricted and _in_a_channel(ctx, user.id):
            error = "ura_max_channels"  # a single-channel guest is already in their one channel
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
        add_member(ctx, channel, user_id, inviter=ctx.actor.id)
    result: dict[str, Any] = {"channel": channel_payload(ctx, channel)}
    if failures:
        result["errors"] = failures
    return result


def _in_a_channel(ctx: CallContext, user_id: str) -> bool:
    return any(user_id in c.members and not (c.is_im or c.is_mpim) for c in ctx.ws.channels.values())


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
    remove_member(ctx, channel, user.id, remover=ctx.actor.id)
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
        add_member(ctx, channel, ctx.actor.id, inviter=None)
    return {"channel": channel_payload(ctx, channel)}


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
    remove_member(ctx, channel, ctx.actor.id)
    return {}
