"""What every Web API method works with: the :class:`CallContext` (who is calling, with which
arguments), :class:`SlackError` for ``ok: false`` answers, and the :class:`Host` facts the methods need
of the stand-in (its identity, grant and workspace), so that methods never import the stand-in itself.
"""

from __future__ import annotations

import contextlib
import json
import time
from dataclasses import dataclass, field
from typing import Any, Protocol

from ..types import Channel, Message, User
from ..workspace import Workspace


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


class Host(Protocol):
    """What Web API methods need of the stand-in (``SlackStandIn`` is one)."""

    ws: Workspace
    scopes: frozenset[str]
    team_id: str
    team_domain: str
    team_name: str
    bot_name: str
    bot_id: str
    bot_user_id: str
    app_id: str
    started_at: float

    @property
    def base_url(self) -> str: ...

    def uuid(self) -> str: ...

    def permalink(self, channel_id: str, message: Message) -> str: ...

    def event_visible(self, event_type: str, channel: Channel | None) -> bool: ...


@dataclass
class CallContext:
    standin: Host
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
            return self.ws.im_with(value, self.actor.id) if self.is_bot else self.person_dm(value)
        if channel is None:
            by_name = value.lstrip("#")
            channel = next((c for c in self.ws.channels.values() if c.name == by_name and not c.is_im), None)
        if channel is None or not channel.visible_to(self.actor.id):
            raise SlackError("channel_not_found")
        return channel

    def person_dm(self, other: str) -> Channel:
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
