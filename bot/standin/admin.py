"""Setting up the workspace directly: people, channels, tokens and DMs (no Web API call)."""

from __future__ import annotations

import re
import time
from collections.abc import Iterable

from .events import AppEvents
from .types import Channel, StandInUsageError, User
from .webapi.context import SlackError
from .webapi.names import check_name


class WorkspaceAdmin(AppEvents):
    """Add people and channels as an administrator would."""

    def add_user(
        self,
        name: str,
        real_name: str = "",
        email: str | None = None,
        locale: str = "en-US",
        tz: str = "America/Los_Angeles",
        deleted: bool = False,
        is_restricted: bool = False,
        is_ultra_restricted: bool = False,
        is_bot: bool = False,
        *,
        is_admin: bool = False,
        display_name: str = "",
        title: str = "",
        team_join: bool = False,
        user_id: str | None = None,
    ) -> str:
        """Add a person (or another bot) to the workspace; ``team_join=True`` also sends team_join.

        ``user_id`` fixes the ID (e.g. one the app's settings name as an admin); by default one is made."""
        with self.ws.lock:
            if self.ws.user_by_name(name) is not None:
                raise StandInUsageError(f"a user named {name!r} already exists")
            if user_id is not None and (user_id in self.ws.users or not re.fullmatch(r"[UW][A-Z0-9]{2,}", user_id)):
                raise StandInUsageError(f"user ID {user_id!r} is taken or not like Slack's")
            user = User(
                id=user_id or self.ws.ids.next("U"),
                name=name,
                real_name=real_name or name,
                email=email,
                locale=locale,
                tz=tz,
                deleted=deleted,
                is_restricted=is_restricted,
                is_ultra_restricted=is_ultra_restricted,
                is_bot=is_bot,
                is_admin=is_admin,
                display_name=display_name,
                title=title,
                updated=int(time.time()),
            )
            if is_bot:
                user.bot_id = self.ws.ids.next("B")
            self.ws.users[user.id] = user
            event = {"type": "team_join", "user": user.to_api(self.team_id), "event_ts": self.ws.next_ts()}
        if team_join:
            self._dispatch([(event, None, True)])
        self._save()
        return user.id

    def add_channel(
        self,
        name: str,
        is_private: bool = False,
        members: Iterable[str] | None = None,
        topic: str = "",
        purpose: str = "",
        *,
        creator: str | None = None,
        archived: bool = False,
        channel_id: str | None = None,
    ) -> str:
        """Create a channel directly (no events). The bot is a member only if listed in members.

        ``channel_id`` fixes the ID (e.g. one the app's settings name); by default one is made."""
        members = list(dict.fromkeys(members or []))
        with self.ws.lock:
            try:
                check_name(self.ws, name)
            except SlackError as exc:
                raise StandInUsageError(f"channel name {name!r}: {exc.error}") from None
            for member in members:
                self._user(member)
            now = int(time.time())
            who = creator or (members[0] if members else self.bot_user_id)
            if channel_id is not None and (
                channel_id in self.ws.channels or not re.fullmatch(r"C[A-Z0-9]{2,}", channel_id)
            ):
                raise StandInUsageError(f"channel ID {channel_id!r} is taken or not like Slack's")
            channel = Channel(
                id=channel_id or self.ws.ids.next("C"),
                name=name,
                is_private=is_private,
                created=now,
                creator=who,
                members=members,
                is_general=name == "general",
                is_archived=archived,
                updated=now * 1000,
            )
            if topic:
                channel.topic = {"value": topic, "creator": who, "last_set": now}
            if purpose:
                channel.purpose = {"value": purpose, "creator": who, "last_set": now}
            self.ws.channels[channel.id] = channel
            self.ws.history[channel.id] = []
        self._save()
        return channel.id

    def dm_channel(self, user_id: str) -> str:
        """The bot's direct-message channel with a person (created on demand, like conversations.open)."""
        self._user(user_id)
        channel = self.ws.im_with(user_id, self.bot_user_id)
        self._save()
        return channel.id

    # ---- workspace settings and removals ---------------------------------------------------
    def restrict_channel_creation(self, restricted: bool = True) -> None:
        """The workspace setting "People who can create channels": when restricted, the app may not, and
        conversations.create answers ``restricted_action`` (as Slack does under that policy)."""
        with self.ws.lock:
            self.ws.settings["restrict_channel_creation"] = restricted
        self._save()

    def delete_channel(self, channel_id: str) -> None:
        """Delete a channel as an administrator does: every later call naming it answers
        ``channel_not_found``; ``channel_deleted`` goes to the app if it could see the channel."""
        with self.ws.lock:
            channel = self.ws.channels.get(channel_id)
            if channel is None:
                raise StandInUsageError(f"no channel {channel_id!r}")
            visible = self.event_visible("channel_deleted", channel)
            del self.ws.channels[channel_id]
            self.ws.history.pop(channel_id, None)
            for key in [k for k, v in self.ws.dms.items() if v == channel_id]:
                del self.ws.dms[key]
            event = {"type": "channel_deleted", "channel": channel_id, "event_ts": self.ws.next_ts()}
        self._dispatch([(event, channel_id, visible)])
        self._save()
