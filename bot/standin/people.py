"""People acting in the Slack client: posting, editing, reacting, joining, leaving, renaming, archiving,
opening the Home tab. Each goes through the Web API method a person's client would call."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import Any

from .events import AppEvents
from .inspection import Inspection
from .types import Channel, StandInUsageError, StoredFile
from .webapi import METHODS
from .webapi.context import CallContext, SlackError, decode_json_args
from .webapi.membership import add_member, remove_member
from .webapi.names import check_name
from .webapi.settings import rename_channel as apply_rename
from .webapi.settings import set_archived


class PeopleActing(AppEvents, Inspection):
    """What a person does in Slack, with the events Slack sends for it."""

    def _person(self, user_id: str, args: dict[str, Any] | None = None) -> CallContext:
        user = self._user(user_id)
        if user.deleted:
            raise StandInUsageError(f"{user_id} is deactivated")
        return CallContext(self, user, False, self.user_token(user_id), decode_json_args(args or {}), via_ui=True)

    def _act(self, user_id: str, method: str, **args: Any) -> dict[str, Any]:
        with self.ws.lock:
            ctx = self._person(user_id, {k: v for k, v in args.items() if v is not None})
            try:
                result = METHODS[method](ctx)
            except SlackError as exc:
                raise StandInUsageError(f"{method} as {user_id} failed: {exc.error}") from None
        self._dispatch(ctx.events)
        self._save()
        return result

    def post_message(
        self,
        user_id: str,
        channel_id: str,
        text: str,
        thread_ts: str | None = None,
        files: Iterable[dict[str, Any]] | None = None,
    ) -> str:
        """A person posts a message (optionally in a thread, optionally sharing files given as
        ``{"name": ..., "content": bytes | str, "title": ...}``). Returns its ts."""
        shared: list[dict[str, Any]] = []
        if files:
            with self.ws.lock:
                for spec in files:
                    content = spec.get("content", b"")
                    data = content.encode("utf-8") if isinstance(content, str) else bytes(content)
                    stored = StoredFile(
                        id=self.ws.ids.next("F"),
                        name=spec.get("name", "file.bin"),
                        length=len(data),
                        user=user_id,
                        created=int(time.time()),
                        title=spec.get("title", ""),
                        data=data,
                        channels=[channel_id],
                        completed=True,
                        initial_comment=text or None,
                        thread_ts=thread_ts,
                    )
                    self.ws.files[stored.id] = stored
                    shared.append(
                        stored.to_api(self.base_url if self._server else "http://standin.invalid/", self.team_domain)
                    )
        result = self._act(
            user_id, "chat.postMessage", channel=channel_id, text=text, thread_ts=thread_ts, _files=shared or None
        )
        return str(result["ts"])

    def edit_message(self, user_id: str, channel_id: str, ts: str, text: str) -> None:
        self._act(user_id, "chat.update", channel=channel_id, ts=ts, text=text)

    def react(self, user_id: str, channel_id: str, ts: str, name: str) -> None:
        self._act(user_id, "reactions.add", channel=channel_id, timestamp=ts, name=name)

    def unreact(self, user_id: str, channel_id: str, ts: str, name: str) -> None:
        self._act(user_id, "reactions.remove", channel=channel_id, timestamp=ts, name=name)

    def _people_change(self, user_id: str, change: Callable[[CallContext, Channel], None], channel_id: str) -> None:
        with self.ws.lock:
            ctx = self._person(user_id)
            channel = self._channel(channel_id)
            change(ctx, channel)
        self._dispatch(ctx.events)
        self._save()

    def join_channel(self, user_id: str, channel_id: str) -> None:
        """A person joins (or is added to) a channel: member_joined_channel + a channel_join message."""

        def change(ctx: CallContext, channel: Channel) -> None:
            if channel.is_im:
                raise StandInUsageError("nobody joins a direct message")
            if user_id not in channel.members:
                add_member(ctx, channel, user_id, inviter=None)

        self._people_change(user_id, change, channel_id)

    def leave_channel(self, user_id: str, channel_id: str) -> None:
        def change(ctx: CallContext, channel: Channel) -> None:
            if user_id in channel.members:
                remove_member(ctx, channel, user_id)

        self._people_change(user_id, change, channel_id)

    def _by(self, channel_id: str, by: str | None) -> str:
        if by is not None:
            return by
        channel = self._channel(channel_id)
        humans = [m for m in channel.members if m != self.bot_user_id]
        return channel.creator if channel.creator in self.ws.users else (humans or [self.bot_user_id])[0]

    def rename_channel(self, channel_id: str, name: str, by: str | None = None) -> None:
        def change(ctx: CallContext, channel: Channel) -> None:
            try:
                check_name(self.ws, name, exclude=channel.id)
            except SlackError as exc:
                raise StandInUsageError(f"cannot rename to {name!r}: {exc.error}") from None
            apply_rename(ctx, channel, name)

        self._people_change(self._by(channel_id, by), change, channel_id)

    def archive_channel(self, channel_id: str, by: str | None = None) -> None:
        def change(ctx: CallContext, channel: Channel) -> None:
            if channel.is_archived:
                raise StandInUsageError("already archived")
            set_archived(ctx, channel, True)

        self._people_change(self._by(channel_id, by), change, channel_id)

    def unarchive_channel(self, channel_id: str, by: str | None = None) -> None:
        def change(ctx: CallContext, channel: Channel) -> None:
            if not channel.is_archived:
                raise StandInUsageError("not archived")
            set_archived(ctx, channel, False)

        self._people_change(self._by(channel_id, by), change, channel_id)

    def open_home(self, user_id: str) -> None:
        """A person opens the app's Home tab: app_home_opened (with the published view, if any)."""
        with self.ws.lock:
            self._user(user_id)
            channel = self.ws.im_with(user_id, self.bot_user_id)
            event: dict[str, Any] = {
                "type": "app_home_opened",
                "user": user_id,
                "channel": channel.id,
                "tab": "home",
                "event_ts": self.ws.next_ts(),
            }
            home = self.home(user_id)
            if home is not None:
                event["view"] = home.to_api()
        self._dispatch([(event, channel.id, True)])
        self._save()
