"""files.getUploadURLExternal and files.completeUploadExternal (the v2 upload flow)."""

from __future__ import annotations

import time
from typing import Any

from ..types import Channel, Message, StoredFile
from .chat import post_target
from .context import CallContext, SlackError, invalid_arguments
from .render import message_event, with_block_ids


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
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict) or "id" not in entry:
            raise invalid_arguments("[ERROR] missing required field: id [json-pointer:/files]")
        stored = ctx.ws.files.get(str(entry["id"]))
        # "This method can only be called once" (docs): a completed upload is no longer an open one
        if stored is None or stored.data is None or stored.completed:
            raise SlackError("file_not_found")
        if stored.user != ctx.actor.id:
            raise SlackError("access_denied")
        if len(stored.data) != stored.length:
            # Slack documents no dedicated code for this; the stand-in refuses as for a malformed argument
            raise invalid_arguments(
                f"[ERROR] uploaded {len(stored.data)} bytes but files.getUploadURLExternal declared "
                f"length {stored.length} [json-pointer:/files/{i}/id]"
            )
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
