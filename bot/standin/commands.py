"""Slash commands: a person types ``/command text``; the app's ack is shown as Slack shows it."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

from .delivery import Delivery
from .responses import ResponseUrls
from .types import Channel, Message, StandInUsageError, User
from .webapi.context import CallContext
from .webapi.render import with_block_ids


class SlashCommands(ResponseUrls):
    """Send signed slash commands and apply the app's acknowledgement."""

    def slash_command(
        self,
        user_id: str,
        channel_id: str,
        text: str = "",
        command: str = "/club",
        *,
        signature: str | None = None,
        timestamp: str | int | None = None,
    ) -> Delivery:
        """A person types ``/command text`` in a conversation.

        As on Slack, ``&``, ``<`` and ``>`` in the text reach the app HTML-escaped, and when the command's
        manifest entry has ``should_escape: true``, ``@name``, ``#channel`` and URLs arrive as
        ``<@U…|name>``, ``<#C…|channel>`` and ``<https://…>``."""
        settings: dict[str, Any] = {}
        if self.slash_commands is not None:
            if command not in self.slash_commands:
                raise StandInUsageError(
                    f"{command} is not one of the app's slash commands "
                    f"{sorted(self.slash_commands)}; Slack would not send it"
                )
            settings = self.slash_commands[command]
        with self.ws.lock:
            user = self._user(user_id)
            channel = self._channel(channel_id)
            trigger_id = self.ws.new_trigger(user_id)
            text = self._command_text(text, bool(settings.get("should_escape")))
        rid, url = self._new_response_url(user_id, channel_id, "slash_command")
        channel_name = "directmessage" if channel.is_im else channel.name
        fields = {
            "token": self.verification_token,
            "team_id": self.team_id,
            "team_domain": self.team_domain,
            "channel_id": channel.id,
            "channel_name": channel_name,
            "user_id": user.id,
            "user_name": user.name,
            "command": command,
            "text": text,
            "api_app_id": self.app_id,
            "is_enterprise_install": "false",
            "response_url": url,
            "trigger_id": trigger_id,
        }
        delivery = Delivery(kind="slash_command", payload=fields, trigger_id=trigger_id, response_url=url)
        with self._lock:
            self._response_deliveries[rid] = delivery
        self.poster.post(
            delivery,
            self.app_url,
            urlencode(fields),
            "application/x-www-form-urlencoded",
            timeout=self.ack_timeout,
            signature=signature,
            timestamp=None if timestamp is None else str(timestamp),
        )
        self._apply_command_ack(delivery, user, channel, command)
        self._save()
        return delivery

    def _command_text(self, text: str, should_escape: bool) -> str:
        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        if not should_escape:
            return text

        def user(match: re.Match[str]) -> str:
            name = match.group(1)
            found = next(
                (u for u in self.ws.users.values() if name in (u.name, u.display_name) and not u.deleted), None
            )
            return f"<@{found.id}|{found.name}>" if found else match.group(0)

        def channel(match: re.Match[str]) -> str:
            name = match.group(1)
            found = next((c for c in self.ws.channels.values() if c.name == name and not c.is_im), None)
            return f"<#{found.id}|{found.name}>" if found else match.group(0)

        text = re.sub(r"(?<![\w<|])@([\w.\-]+)", user, text)
        text = re.sub(r"(?<![\w<|&])#([\w\-]+)", channel, text)
        return re.sub(r"(?<!<)\b(https?://[^\s<>|]+)", r"<\1>", text)

    def _apply_command_ack(self, delivery: Delivery, user: User, channel: Channel, command: str) -> None:
        if delivery.error == "http_timeout" or (delivery.status is not None and not delivery.acked_in_time):
            self._notice(
                user.id, channel.id, f'{command} failed with the error "operation_timeout"', "operation_timeout"
            )
            return
        if not delivery.ok:
            self._notice(user.id, channel.id, f'{command} failed with the error "dispatch_failed"', "dispatch_failed")
            return
        body = delivery.body.strip()
        if not body:
            return
        data = delivery.json
        if not isinstance(data, dict):
            data = {"text": body}
        if not data.get("text") and not data.get("blocks"):
            return
        events: list[tuple[dict[str, Any], str | None, bool]] = []
        with self.ws.lock:
            ctx = CallContext(self, self.ws.users[self.bot_user_id], True, self.bot_token, {})
            if data.get("response_type") == "in_channel":
                self._bot_message(ctx, channel, data.get("text") or "", data.get("blocks"), None, "ack")
                events = ctx.events
            else:
                self.ws.ephemerals.append(
                    Message(
                        channel=channel.id,
                        ts=self.ws.next_ts(),
                        text=data.get("text") or "",
                        user=self.bot_user_id,
                        bot_id=self.bot_id,
                        app_id=self.app_id,
                        blocks=with_block_ids(ctx, data.get("blocks")),
                        ephemeral=True,
                        visible_to=user.id,
                        source="ack",
                        response_type="ephemeral",
                    )
                )
        self._dispatch(events)
