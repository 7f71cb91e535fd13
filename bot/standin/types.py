"""The things the stand-in talks about: the workspace's users, conversations, messages, views and files,
the short-lived response URLs and trigger ids, and what it reports to the tests and the console that
drive it (recorded calls, usage errors)."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


class StandInUsageError(ValueError):
    """The test or console asked the stand-in for something a person could not do in Slack."""


@dataclass
class RecordedCall:
    """One Web API request the stand-in received."""

    method: str
    args: dict[str, Any]
    token: str | None
    ok: bool
    error: str | None
    http_status: int
    time: float
    response: dict[str, Any] | None = None
    fault: str | None = None
    actor: str | None = None
    warnings: list[str] = field(default_factory=list)


@dataclass
class User:
    id: str
    name: str
    real_name: str = ""
    email: str | None = None
    locale: str = "en-US"
    tz: str = "America/Los_Angeles"
    deleted: bool = False
    is_restricted: bool = False
    is_ultra_restricted: bool = False
    is_bot: bool = False
    is_admin: bool = False
    is_owner: bool = False
    display_name: str = ""
    title: str = ""
    bot_id: str | None = None
    is_app_user: bool = False
    updated: int = 0

    def tz_facts(self) -> tuple[str, int]:
        try:
            zone = ZoneInfo(self.tz)
        except (ZoneInfoNotFoundError, ValueError):
            return self.tz, 0
        now = datetime.now(zone)
        offset = now.utcoffset()
        return (now.tzname() or self.tz), int(offset.total_seconds()) if offset else 0

    def to_api(self, team_id: str, *, include_locale: bool = False, include_email: bool = True) -> dict[str, Any]:
        tz_label, tz_offset = self.tz_facts()
        first, _, last = self.real_name.partition(" ")
        profile: dict[str, Any] = {
            "title": self.title,
            "phone": "",
            "skype": "",
            "real_name": self.real_name,
            "real_name_normalized": self.real_name,
            "display_name": self.display_name,
            "display_name_normalized": self.display_name,
            "fields": None,
            "status_text": "",
            "status_emoji": "",
            "status_expiration": 0,
            "avatar_hash": "g" + self.id[-11:].lower(),
            "first_name": first,
            "last_name": last,
            "image_24": f"https://secure.gravatar.invalid/avatar/{self.id}.png?s=24",
            "image_48": f"https://secure.gravatar.invalid/avatar/{self.id}.png?s=48",
            "image_72": f"https://secure.gravatar.invalid/avatar/{self.id}.png?s=72",
            "team": team_id,
        }
        if self.email and include_email and not self.is_bot:
            profile["email"] = self.email
        if self.is_bot and self.bot_id:
            profile["bot_id"] = self.bot_id
            profile["always_active"] = True
        data: dict[str, Any] = {
            "id": self.id,
            "team_id": team_id,
            "name": self.name,
            "deleted": self.deleted,
            "color": "9f69e7",
            "real_name": self.real_name,
            "tz": self.tz,
            "tz_label": tz_label,
            "tz_offset": tz_offset,
            "profile": profile,
            "is_admin": self.is_admin,
            "is_owner": self.is_owner,
            "is_primary_owner": False,
            "is_restricted": self.is_restricted,
            "is_ultra_restricted": self.is_ultra_restricted,
            "is_bot": self.is_bot,
            "is_app_user": self.is_app_user,
            "updated": self.updated,
            "is_email_confirmed": bool(self.email) and not self.is_bot,
            "who_can_share_contact_card": "EVERYONE",
        }
        if include_locale:
            data["locale"] = self.locale
        return data

    def summary(self, team_id: str) -> dict[str, Any]:
        """The ``user`` object inside interactivity payloads."""
        return {"id": self.id, "username": self.name, "name": self.name, "team_id": team_id}


@dataclass
class Channel:
    id: str
    name: str
    is_private: bool = False
    is_im: bool = False
    is_mpim: bool = False
    created: int = 0
    creator: str = ""
    is_archived: bool = False
    is_general: bool = False
    members: list[str] = field(default_factory=list)
    topic: dict[str, Any] = field(default_factory=lambda: {"value": "", "creator": "", "last_set": 0})
    purpose: dict[str, Any] = field(default_factory=lambda: {"value": "", "creator": "", "last_set": 0})
    previous_names: list[str] = field(default_factory=list)
    im_user: str | None = None
    pins: list[str] = field(default_factory=list)
    updated: int = 0

    @property
    def channel_type(self) -> str:
        """The ``channel_type`` of message events: channel, group, im or mpim."""
        if self.is_im:
            return "im"
        if self.is_mpim:
            return "mpim"
        return "group" if self.is_private else "channel"

    @property
    def family(self) -> str:
        """The scope family that governs this conversation: channels, groups, im or mpim."""
        return {"channel": "channels", "group": "groups", "im": "im", "mpim": "mpim"}[self.channel_type]

    def visible_to(self, user_id: str) -> bool:
        return not (self.is_private or self.is_im or self.is_mpim) or user_id in self.members

    def to_api(self, viewer: str, team_id: str, *, num_members: bool = False) -> dict[str, Any]:
        if self.is_im:
            return {
                "id": self.id,
                "created": self.created,
                "is_archived": False,
                "is_im": True,
                "is_org_shared": False,
                "context_team_id": team_id,
                "updated": self.updated,
                "user": self.im_user if viewer != self.im_user else self.creator,
                "is_user_deleted": False,
                "priority": 0,
            }
        data: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "is_channel": not self.is_mpim,
            "is_group": False,
            "is_im": False,
            "is_mpim": self.is_mpim,
            "is_private": self.is_private,
            "created": self.created,
            "is_archived": self.is_archived,
            "is_general": self.is_general,
            "unlinked": 0,
            "name_normalized": self.name,
            "is_shared": False,
            "is_org_shared": False,
            "is_pending_ext_shared": False,
            "pending_shared": [],
            "context_team_id": team_id,
            "updated": self.updated,
            "parent_conversation": None,
            "creator": self.creator,
            "is_ext_shared": False,
            "shared_team_ids": [team_id],
            "pending_connected_team_ids": [],
            "is_member": viewer in self.members,
            "topic": dict(self.topic),
            "purpose": dict(self.purpose),
            "previous_names": list(self.previous_names),
        }
        if num_members:
            data["num_members"] = len(self.members)
        return data


@dataclass
class Message:
    """A message in a conversation's history, or an ephemeral message a person saw."""

    channel: str
    ts: str
    text: str = ""
    user: str | None = None
    bot_id: str | None = None
    app_id: str | None = None
    blocks: list[dict[str, Any]] | None = None
    attachments: list[dict[str, Any]] | None = None
    thread_ts: str | None = None
    subtype: str | None = None
    files: list[dict[str, Any]] = field(default_factory=list)
    pinned_to: list[str] = field(default_factory=list)
    reactions: list[dict[str, Any]] = field(default_factory=list)
    edited: dict[str, str] | None = None
    metadata: dict[str, Any] | None = None  # message metadata: {"event_type": ..., "event_payload": {...}}
    extra: dict[str, Any] = field(default_factory=dict)
    # ephemeral messages only
    ephemeral: bool = False
    visible_to: str | None = None
    source: str = "chat.postMessage"
    response_type: str | None = None
    replaced: bool = False

    @property
    def pinned(self) -> bool:
        return bool(self.pinned_to)

    @property
    def is_reply(self) -> bool:
        return self.thread_ts is not None and self.thread_ts != self.ts


@dataclass
class View:
    id: str
    type: str
    user_id: str
    team_id: str
    app_id: str
    bot_id: str
    blocks: list[dict[str, Any]] = field(default_factory=list)
    title: dict[str, Any] | None = None
    close: dict[str, Any] | None = None
    submit: dict[str, Any] | None = None
    private_metadata: str = ""
    callback_id: str = ""
    external_id: str = ""
    state: dict[str, Any] = field(default_factory=lambda: {"values": {}})
    hash: str = ""
    clear_on_close: bool = False
    notify_on_close: bool = False
    submit_disabled: bool = False
    root_view_id: str | None = None
    previous_view_id: str | None = None
    closed: bool = False
    errors: dict[str, str] = field(default_factory=dict)  # the last response_action "errors" shown

    def load(self, payload: dict[str, Any]) -> None:
        """Take the app-provided fields of a view payload (views.* methods, response_action)."""
        self.type = payload.get("type", self.type)
        self.blocks = copy.deepcopy(payload.get("blocks") or [])
        self.title = copy.deepcopy(payload.get("title"))
        self.close = copy.deepcopy(payload.get("close"))
        self.submit = copy.deepcopy(payload.get("submit"))
        self.private_metadata = payload.get("private_metadata") or ""
        self.callback_id = payload.get("callback_id") or ""
        self.external_id = payload.get("external_id") or ""
        self.clear_on_close = bool(payload.get("clear_on_close", False))
        self.notify_on_close = bool(payload.get("notify_on_close", False))
        self.submit_disabled = bool(payload.get("submit_disabled", False))
        self.state = {"values": {}}

    def to_api(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "team_id": self.team_id,
            "type": self.type,
            "blocks": copy.deepcopy(self.blocks),
            "private_metadata": self.private_metadata,
            "callback_id": self.callback_id,
            "state": copy.deepcopy(self.state),
            "hash": self.hash,
            "title": copy.deepcopy(self.title) if self.title else None,
            "clear_on_close": self.clear_on_close,
            "notify_on_close": self.notify_on_close,
            "close": copy.deepcopy(self.close),
            "submit": copy.deepcopy(self.submit),
            "previous_view_id": self.previous_view_id,
            "root_view_id": self.root_view_id,
            "app_id": self.app_id,
            "external_id": self.external_id,
            "app_installed_team_id": self.team_id,
            "bot_id": self.bot_id,
        }
        if self.type == "modal":
            data["submit_disabled"] = self.submit_disabled
        return data


@dataclass
class StoredFile:
    id: str
    name: str
    length: int
    user: str
    created: int
    title: str = ""
    data: bytes | None = None
    channels: list[str] = field(default_factory=list)
    initial_comment: str | None = None
    thread_ts: str | None = None
    completed: bool = False
    alt_txt: str | None = None
    snippet_type: str | None = None

    @property
    def filetype(self) -> str:
        ext = self.name.rsplit(".", 1)[-1].lower() if "." in self.name else "binary"
        return ext if ext.isalnum() else "binary"

    @property
    def mimetype(self) -> str:
        return {
            "txt": "text/plain",
            "csv": "text/csv",
            "md": "text/markdown",
            "json": "application/json",
            "pdf": "application/pdf",
            "png": "image/png",
            "jpg": "image/jpeg",
            "jpeg": "image/jpeg",
            "gif": "image/gif",
            "html": "text/html",
            "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }.get(self.filetype, "application/octet-stream")

    def to_api(self, base_url: str, team_domain: str) -> dict[str, Any]:
        return {
            "id": self.id,
            "created": self.created,
            "timestamp": self.created,
            "name": self.name,
            "title": self.title or self.name,
            "mimetype": self.mimetype,
            "filetype": self.filetype,
            "pretty_type": self.filetype.upper(),
            "user": self.user,
            "editable": False,
            "size": self.length,
            "mode": "hosted",
            "is_external": False,
            "external_type": "",
            "is_public": False,
            "public_url_shared": False,
            "display_as_bot": False,
            "username": "",
            "url_private": f"{base_url}files/{self.id}/{self.name}",
            "url_private_download": f"{base_url}files/{self.id}/download/{self.name}",
            "permalink": f"https://{team_domain}.slack.com/files/{self.user}/{self.id}/{self.name}",
            "channels": [c for c in self.channels if c.startswith("C")],
            "groups": [],
            "ims": [c for c in self.channels if c.startswith("D")],
            "comments_count": 0,
            "has_rich_preview": False,
            "file_access": "visible",
        }


@dataclass
class ResponseUrl:
    id: str
    user_id: str
    channel_id: str | None
    created: float
    origin: str  # slash_command, block_actions, message_action, view_submission
    message_ts: str | None = None
    is_ephemeral: bool = False
    uses: int = 0
    last_ephemeral_ts: str | None = None


@dataclass
class Trigger:
    id: str
    user_id: str
    created: float
    view_id: str | None = None  # the modal the interaction happened in (for views.push)
    used: bool = False
