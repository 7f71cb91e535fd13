"""The stand-in's state: its identity, workspace, recorded calls and events, limiter, faults and the
poster to the app; the lookups and helpers every other part of the stand-in shares."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from .delivery import Delivery, EventDispatcher, EventRecord, Poster
from .faults import FaultInjector
from .grants import DEFAULT_BOT_EVENTS, DEFAULT_BOT_SCOPES, WORKSPACE_CHANNEL_EVENTS
from .ratelimit import RateLimiter
from .server import StandInServer
from .socket_mode import SocketModeHub
from .types import Channel, Message, RecordedCall, StandInUsageError, User
from .workspace import SLACKBOT_ID, Workspace

METHODS_JSON = Path(__file__).with_name("methods.json")


class StandInBase:
    """State and shared helpers; the behaviour lives in the mixins that make up ``SlackStandIn``."""

    def __init__(
        self,
        signing_secret: str,
        bot_token: str = "xoxb-standin-token",  # noqa: S107 - the stand-in's own fake token
        scopes: Iterable[str] | None = None,
        bot_events: Iterable[str] | None = None,
        team_id: str = "T0CLUBBOT",
        team_domain: str = "clubbot-local",
        rate_limits: bool = True,
        rate_window_seconds: float = 60.0,
        state_file: Path | str | None = None,
        seed: int = 0,
        *,
        team_name: str = "ClubBot Local",
        bot_name: str = "clubbot",
        event_retry_delays: tuple[float, ...] = (0.0, 0.5, 1.0),
        ack_timeout: float = 10.0,
        slash_commands: Iterable[dict[str, Any]] | None = None,
    ) -> None:
        self.signing_secret = signing_secret
        # the manifest's features.slash_commands; None accepts any command without mention escaping
        self.slash_commands: dict[str, dict[str, Any]] | None = (
            None if slash_commands is None else {c["command"]: dict(c) for c in slash_commands}
        )
        self.bot_token = bot_token
        self.scopes = frozenset(DEFAULT_BOT_SCOPES if scopes is None else scopes)
        self.bot_events = frozenset(DEFAULT_BOT_EVENTS if bot_events is None else bot_events)
        self.team_id = team_id
        self.team_domain = team_domain
        self.team_name = team_name
        self.bot_name = bot_name
        self.state_file = Path(state_file) if state_file is not None else None
        self.ack_timeout = ack_timeout
        self.started_at = time.time()
        with METHODS_JSON.open(encoding="utf-8") as fh:
            self.methods: dict[str, dict[str, Any]] = json.load(fh)["methods"]

        self.ws = Workspace(team_id, team_domain, team_name)
        self.app_id = self.ws.ids.next("A")
        self.bot_id = self.ws.ids.next("B")
        self.bot_user_id = self.ws.ids.next("U")
        self.verification_token = self.ws.ids.token(24)
        self._install_builtin_users()
        if self.state_file is not None and self.state_file.exists():
            self.ws.load(self.state_file)
            self._install_builtin_users()

        self.limiter = RateLimiter(enabled=rate_limits, window=rate_window_seconds)
        self.faults = FaultInjector(seed)
        self.poster = Poster(signing_secret)
        self.dispatcher = EventDispatcher(self.poster, lambda: self.app_url, event_retry_delays)
        self.app_url: str | None = None
        #: The app-level token (`xapp-…`, scope `connections:write`) a Socket Mode app connects with.
        self.app_token = f"xapp-1-{self.app_id}-{self.ws.ids.token(12)}-standin"
        self.socket_hub: SocketModeHub | None = None
        self.internal_errors: list[str] = []
        self._calls: list[RecordedCall] = []
        self._events: list[EventRecord] = []
        self._response_deliveries: dict[str, Delivery] = {}
        self._lock = threading.Lock()
        self._server: StandInServer | None = None

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise StandInUsageError("start() the stand-in first")
        host, port = self._server.address
        return f"http://{host}:{port}/"

    @property
    def api_url(self) -> str:
        return self.base_url + "api/"

    @property
    def sign(self) -> bool:
        """Whether requests to the app carry X-Slack-Signature (set False to test rejection)."""
        return self.poster.sign_requests

    @sign.setter
    def sign(self, value: bool) -> None:
        self.poster.sign_requests = value

    # ---- Socket Mode ----------------------------------------------------------------------------
    def enable_socket_mode(self) -> str:
        """From now on requests reach the app over Socket Mode (the app connects with the returned
        app-level token through `apps.connections.open`) instead of HTTP."""
        if self.socket_hub is None:
            self.socket_hub = SocketModeHub(self.app_id, self.app_token).start()
        self.poster.socket = self.socket_hub
        return self.app_token

    def disable_socket_mode(self) -> None:
        """Back to HTTP deliveries; open connections are closed."""
        self.poster.socket = None
        if self.socket_hub is not None:
            self.socket_hub.stop()
            self.socket_hub = None

    def open_socket_connection(self, token: str) -> dict[str, Any]:
        """`apps.connections.open`: a one-connection WebSocket URL for an app-level token."""
        if token != self.app_token:
            if token.startswith("xapp-"):
                return {"ok": False, "error": "invalid_auth"}
            return {"ok": False, "error": "not_allowed_token_type"}
        if self.socket_hub is None:
            return {"ok": False, "error": "socket_mode_not_enabled"}  # the app's Socket Mode setting is off
        return {"ok": True, "url": self.socket_hub.open_url()}

    def _install_builtin_users(self) -> None:
        with self.ws.lock:
            self.ws.users.setdefault(
                self.bot_user_id,
                User(
                    id=self.bot_user_id,
                    name=self.bot_name,
                    real_name=self.bot_name,
                    is_bot=True,
                    bot_id=self.bot_id,
                    tz="America/Los_Angeles",
                    updated=int(self.started_at),
                ),
            )
            self.ws.users.setdefault(
                SLACKBOT_ID,
                User(
                    id=SLACKBOT_ID,
                    name="slackbot",
                    real_name="Slackbot",
                    tz="America/Los_Angeles",
                    display_name="Slackbot",
                ),
            )

    def reset(self) -> None:
        """Back to an empty workspace (the bot user stays); forget calls, events, faults, rate counters."""
        self.dispatcher.clear()
        self.dispatcher.wait_idle(5.0)
        with self.ws.lock:
            ids = self.ws.ids
            self.ws.users.clear()
            self.ws.channels.clear()
            self.ws.history.clear()
            self.ws.ephemerals.clear()
            self.ws.views.clear()
            self.ws.modal_stacks.clear()
            self.ws.homes.clear()
            self.ws.files.clear()
            self.ws.response_urls.clear()
            self.ws.triggers.clear()
            self.ws.shared_invites.clear()
            self.ws.dms.clear()
            self.ws.ids = ids
            self._install_builtin_users()
        with self._lock:
            self._calls.clear()
            self._events.clear()
            self._response_deliveries.clear()
            self.internal_errors.clear()
        self.faults.clear()
        self.limiter.reset()
        self.poster.sign_requests = True
        self._save()

    def _save(self) -> None:
        if self.state_file is not None:
            with self.ws.lock:
                self.ws.save(self.state_file)

    def _user(self, user_id: str) -> User:
        user = self.ws.users.get(user_id)
        if user is None:
            raise StandInUsageError(f"no user {user_id!r} in the stand-in workspace")
        return user

    def _channel(self, channel_id: str) -> Channel:
        channel = self.ws.channels.get(channel_id)
        if channel is None:
            raise StandInUsageError(f"no conversation {channel_id!r} in the stand-in workspace")
        return channel

    def user_token(self, user_id: str) -> str:
        """An xoxp token that acts as this person, with every user scope."""
        self._user(user_id)
        return f"xoxp-{self.team_id}-{user_id}-standin"

    def _identity(self, token: str) -> tuple[User, bool] | None:
        if token == self.bot_token:
            return self.ws.users[self.bot_user_id], True
        prefix = f"xoxp-{self.team_id}-"
        if token.startswith(prefix) and token.endswith("-standin"):
            user = self.ws.users.get(token[len(prefix) : -len("-standin")])
            if user is not None and not user.deleted:
                return user, False
        return None

    # ---- what Web API methods ask of the stand-in (webapi.context.Host) -----------------------
    def uuid(self) -> str:
        return str(uuid.uuid4())

    def permalink(self, channel_id: str, message: Message) -> str:
        link = f"https://{self.team_domain}.slack.com/archives/{channel_id}/p{message.ts.replace('.', '')}"
        if message.is_reply:
            link += f"?thread_ts={message.thread_ts}&cid={channel_id}"
        return link

    def event_visible(self, event_type: str, channel: Channel | None) -> bool:
        if channel is None:
            return True
        public = not (channel.is_private or channel.is_im or channel.is_mpim)
        if public and event_type in WORKSPACE_CHANNEL_EVENTS:
            return True
        return self.bot_user_id in channel.members

    # ---- posting interactions to the app, and notices a person sees -------------------------
    def _team(self) -> dict[str, Any]:
        return {"id": self.team_id, "domain": self.team_domain}

    def _post_interaction(
        self, delivery: Delivery, *, signature: str | None = None, timestamp: str | None = None
    ) -> Delivery:
        body = urlencode({"payload": json.dumps(delivery.payload, ensure_ascii=False)})
        return self.poster.post(
            delivery,
            self.app_url,
            body,
            "application/x-www-form-urlencoded",
            timeout=self.ack_timeout,
            signature=signature,
            timestamp=timestamp,
        )

    def _notice(self, user_id: str, channel_id: str | None, text: str, source: str) -> None:
        with self.ws.lock:
            self.ws.ephemerals.append(
                Message(
                    channel=channel_id or "",
                    ts=self.ws.next_ts(),
                    text=text,
                    user=SLACKBOT_ID,
                    ephemeral=True,
                    visible_to=user_id,
                    source=source,
                )
            )
