"""SlackStandIn: a local, faithful substitute for the part of Slack clubbot talks to.

It serves the Web API (slack_sdk's ``WebClient(base_url=standin.api_url)`` works unchanged), hosts
response URLs and upload URLs, and delivers signed slash commands, interactivity payloads and Events
API envelopes to the app, as Slack does. Tests and the ``clubbot console`` drive it through the
methods below: set up a workspace, act as people, and inspect what the bot did.
"""

from __future__ import annotations

import base64
import copy
import json
import logging
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

from . import blockkit, webapi
from .delivery import Delivery, EventDispatcher, EventRecord, Poster
from .faults import FaultInjector, FaultPlan
from .ratelimit import RateLimiter
from .server import HttpAnswer, HttpRequest, StandInServer
from .webapi import CallContext, SlackError
from .workspace import (
    RESPONSE_URL_TTL,
    RESPONSE_URL_USES,
    SLACKBOT_ID,
    Channel,
    Message,
    ResponseUrl,
    StoredFile,
    User,
    View,
    Workspace,
)

log = logging.getLogger(__name__)

METHODS_JSON = Path(__file__).with_name("methods.json")

# Used when the caller passes no scopes / bot_events (the console): a typical bot's grant.
DEFAULT_BOT_SCOPES = frozenset(
    {
        "app_mentions:read",
        "channels:history",
        "channels:join",
        "channels:manage",
        "channels:read",
        "chat:write",
        "chat:write.public",
        "commands",
        "files:read",
        "files:write",
        "groups:history",
        "groups:read",
        "groups:write",
        "im:history",
        "im:read",
        "im:write",
        "mpim:history",
        "mpim:read",
        "mpim:write",
        "pins:read",
        "pins:write",
        "reactions:read",
        "reactions:write",
        "team:read",
        "users:read",
        "users:read.email",
        "conversations.connect:write",
    }
)
DEFAULT_BOT_EVENTS = frozenset(
    {
        "app_home_opened",
        "app_mention",
        "channel_archive",
        "channel_created",
        "channel_rename",
        "channel_unarchive",
        "group_archive",
        "group_rename",
        "group_unarchive",
        "member_joined_channel",
        "member_left_channel",
        "message.channels",
        "message.groups",
        "message.im",
        "message.mpim",
        "pin_added",
        "reaction_added",
        "reaction_removed",
        "team_join",
    }
)
# events about a public channel that reach apps whether or not the bot is a member
WORKSPACE_CHANNEL_EVENTS = frozenset({"channel_rename", "channel_archive", "channel_unarchive", "channel_created"})


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


class SlackStandIn:
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
        self.internal_errors: list[str] = []
        self._calls: list[RecordedCall] = []
        self._events: list[EventRecord] = []
        self._response_deliveries: dict[str, Delivery] = {}
        self._lock = threading.Lock()
        self._server: StandInServer | None = None

    # ---- lifecycle ----------------------------------------------------------------------------
    def start(self, host: str = "127.0.0.1", port: int = 0) -> SlackStandIn:
        if self._server is not None:
            raise StandInUsageError("the stand-in is already running")
        self._server = StandInServer(self, host, port)
        self._server.start()
        self.dispatcher.start()
        return self

    def stop(self) -> None:
        self.dispatcher.stop()
        if self._server is not None:
            self._server.stop()
            self._server = None
        self._save()

    def __enter__(self) -> SlackStandIn:
        if self._server is None:
            self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

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

    # ---- workspace setup ----------------------------------------------------------------------
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
                webapi.check_name(self.ws, name)
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

    def user_token(self, user_id: str) -> str:
        """An xoxp token that acts as this person, with every user scope."""
        self._user(user_id)
        return f"xoxp-{self.team_id}-{user_id}-standin"

    def dm_channel(self, user_id: str) -> str:
        """The bot's direct-message channel with a person (created on demand, like conversations.open)."""
        self._user(user_id)
        channel = self.ws.im_with(user_id, self.bot_user_id)
        self._save()
        return channel.id

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

    def _identity(self, token: str) -> tuple[User, bool] | None:
        if token == self.bot_token:
            return self.ws.users[self.bot_user_id], True
        prefix = f"xoxp-{self.team_id}-"
        if token.startswith(prefix) and token.endswith("-standin"):
            user = self.ws.users.get(token[len(prefix) : -len("-standin")])
            if user is not None and not user.deleted:
                return user, False
        return None

    # ---- inspection -------------------------------------------------------------------------
    @property
    def calls(self) -> list[RecordedCall]:
        with self._lock:
            return list(self._calls)

    def calls_to(self, method: str) -> list[RecordedCall]:
        return [c for c in self.calls if c.method == method]

    @property
    def events(self) -> list[EventRecord]:
        """Every Events API envelope generated for the app, with its delivery attempts."""
        with self._lock:
            return list(self._events)

    def events_of(self, event_type: str) -> list[EventRecord]:
        return [r for r in self.events if r.event.get("type") == event_type]

    def messages(self, channel_id: str) -> list[Message]:
        """The conversation's history, oldest first, thread replies and system messages included."""
        with self.ws.lock:
            return list(self.ws.history.get(channel_id, []))

    def ephemerals(self, user_id: str, channel_id: str | None = None) -> list[Message]:
        """What the person saw privately: chat.postEphemeral, ephemeral response_url posts, command acks
        and error notices (e.g. operation_timeout)."""
        with self.ws.lock:
            return [
                m
                for m in self.ws.ephemerals
                if m.visible_to == user_id and (channel_id is None or m.channel == channel_id)
            ]

    def views(self, user_id: str) -> list[View]:
        """The person's open modal stack, root first."""
        with self.ws.lock:
            return [self.ws.views[v] for v in self.ws.modal_stacks.get(user_id, [])]

    def view(self, view_id: str) -> View | None:
        with self.ws.lock:
            return self.ws.views.get(view_id)

    def home(self, user_id: str) -> View | None:
        with self.ws.lock:
            view_id = self.ws.homes.get(user_id)
            return self.ws.views.get(view_id) if view_id else None

    def files(self, channel_id: str | None = None) -> list[StoredFile]:
        with self.ws.lock:
            return [f for f in self.ws.files.values() if channel_id is None or channel_id in f.channels]

    @property
    def shared_invites(self) -> list[dict[str, Any]]:
        with self.ws.lock:
            return copy.deepcopy(self.ws.shared_invites)

    def channel(self, channel_id: str) -> Channel:
        return self._channel(channel_id)

    def user(self, user_id: str) -> User:
        return self._user(user_id)

    @staticmethod
    def wait_for(predicate: Callable[[], bool], timeout: float = 5.0, interval: float = 0.02) -> bool:
        deadline = time.monotonic() + timeout
        while True:
            if predicate():
                return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(interval)

    def wait_for_events(self, timeout: float = 5.0) -> bool:
        """Block until every queued event delivery (retries included) has finished."""
        return self.dispatcher.wait_idle(timeout)

    # ---- faults -----------------------------------------------------------------------------
    def inject(self, plan: FaultPlan) -> FaultPlan:
        return self.faults.inject(plan)

    def clear_faults(self) -> None:
        self.faults.clear()

    # ---- helpers used by webapi ---------------------------------------------------------------
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

    # ---- HTTP entry points ------------------------------------------------------------------------
    def handle_http(self, request: HttpRequest) -> HttpAnswer:
        path = request.path
        if path.startswith("/api/"):
            return self._api(request, path[len("/api/") :])
        if path.startswith("/response/") and request.method == "POST":
            return self._response_url_post(request, path[len("/response/") :])
        if path.startswith("/upload/") and request.method == "POST":
            return self._upload(request, path[len("/upload/") :])
        if path.startswith("/files/") and request.method == "GET":
            return self._download(request, path[len("/files/") :])
        if path == "/_standin/calls":
            return HttpAnswer.json([asdict(c) for c in self.calls])
        return HttpAnswer.text("not found", 404)

    def record_internal_error(self, request: HttpRequest, exc: BaseException) -> None:
        log.exception("stand-in failed on %s %s", request.method, request.path, exc_info=exc)
        with self._lock:
            self.internal_errors.append(f"{request.method} {request.path}: {type(exc).__name__}: {exc}")

    def _parse_api_args(self, request: HttpRequest) -> tuple[dict[str, Any], str | None, list[str], str | None]:
        """Arguments, token, warnings, and a request-level error (invalid_json, ...) if any."""
        args: dict[str, Any] = dict(parse_qsl(request.query, keep_blank_values=True))
        warnings: list[str] = []
        content_type = request.headers.get("content-type", "")
        error = None
        if request.body:
            if content_type.startswith("application/json"):
                if "charset" not in content_type.lower():
                    warnings.append("missing_charset")
                try:
                    data = json.loads(request.body.decode("utf-8"))
                except (ValueError, UnicodeDecodeError):
                    data, error = {}, "invalid_json"
                if not isinstance(data, dict):
                    data, error = {}, error or "json_not_object"
                data.pop("token", None)  # Slack reads JSON callers' tokens from the Authorization header only
                args.update(data)
            elif content_type.startswith("application/x-www-form-urlencoded") or not content_type:
                try:
                    args.update(parse_qsl(request.body.decode("utf-8"), keep_blank_values=True))
                except UnicodeDecodeError:
                    error = "invalid_form_data"
            elif content_type.startswith("multipart/form-data"):
                args.update(_parse_multipart(content_type, request.body))
            else:
                error = "invalid_post_type"
        token = None
        auth = request.headers.get("authorization", "")
        if auth.lower().startswith("bearer "):
            token = auth[7:].strip()
        if not token:
            token = args.pop("token", None) or None
        else:
            args.pop("token", None)
        return webapi.decode_json_args(args), token, warnings, error

    def _api(self, request: HttpRequest, method: str) -> HttpAnswer:
        args, token, warnings, parse_error = self._parse_api_args(request)
        call = RecordedCall(
            method=method,
            args=args,
            token=token,
            ok=False,
            error=None,
            http_status=200,
            time=time.time(),
            warnings=warnings,
        )
        req_id = self.uuid()
        headers = {"X-Slack-Req-Id": req_id, "X-Slack-Backend": "r"}
        drop_after: list[FaultPlan] = []  # a drop_after decided for this call, until the call is applied

        def finish(
            body: dict[str, Any],
            status: int = 200,
            extra: dict[str, str] | None = None,
            *,
            drop: bool = False,
            fault: str | None = None,
        ) -> HttpAnswer:
            call.ok = bool(body.get("ok"))
            call.error = body.get("error")
            call.http_status = 0 if drop else status
            call.response = body
            call.fault = fault
            if drop_after and not drop:  # Slack answered before applying the call: the drop never happened
                self.faults.unfire(drop_after.pop())
            with self._lock:
                self._calls.append(call)
            if drop:
                return HttpAnswer(drop=True)
            return HttpAnswer.json(body, status, {**headers, **(extra or {})})

        spec = self.methods.get(method)
        if spec is None:
            return finish({"ok": False, "error": "unknown_method", "req_method": method})
        if parse_error:
            return finish({"ok": False, "error": parse_error})
        if not token:
            return finish({"ok": False, "error": "not_authed"})
        identity = self._identity(token)
        if identity is None:
            return finish({"ok": False, "error": "invalid_auth"})
        actor, is_bot = identity
        call.actor = actor.id
        if is_bot:
            headers["X-OAuth-Scopes"] = ",".join(sorted(self.scopes))
            headers["X-Accepted-OAuth-Scopes"] = ",".join(spec["scopes"]["bot"])
        if method not in webapi.METHODS:
            return finish(
                {
                    "ok": False,
                    "error": "not_implemented_in_standin",
                    "standin_note": f"{method} is a real Slack method the stand-in does not serve",
                }
            )

        decision = self.faults.decide(method) if is_bot else None
        if decision is not None and decision.latency:
            time.sleep(decision.latency)
        kind = decision.kind if decision else None
        if kind == "drop_after" and decision is not None and decision.plan is not None:
            drop_after.append(decision.plan)
        if kind == "drop_before":
            return finish({"ok": False, "error": "connection_dropped_before_processing"}, drop=True, fault=kind)
        if kind == "ratelimited":
            assert decision is not None and decision.plan is not None
            return finish(
                {"ok": False, "error": "ratelimited"}, 429, {"Retry-After": str(decision.plan.retry_after)}, fault=kind
            )
        if kind == "server_error":
            assert decision is not None and decision.plan is not None
            status = decision.plan.status
            error = "service_unavailable" if status == 503 else "internal_error"
            return finish({"ok": False, "error": error}, status, fault=kind)
        if is_bot:
            retry_after = self.limiter.check(token, method, spec.get("tier"), self._rate_channel(method, args))
            if retry_after is not None:
                return finish({"ok": False, "error": "ratelimited"}, 429, {"Retry-After": str(retry_after)})

        bot_scopes = spec["scopes"]["bot"]
        if is_bot and bot_scopes and not _family_scoped(bot_scopes) and not self.scopes & set(bot_scopes):
            return finish(
                {
                    "ok": False,
                    "error": "missing_scope",
                    "needed": ",".join(bot_scopes),
                    "provided": ",".join(sorted(self.scopes)),
                }
            )
        missing = [name for name in spec["required"] if args.get(name) is None]
        if missing:
            return finish(
                {
                    "ok": False,
                    "error": "invalid_arguments",
                    "response_metadata": {"messages": [f"[ERROR] missing required field: {name}" for name in missing]},
                }
            )

        ctx = CallContext(self, actor, is_bot, token, dict(args))
        with self.ws.lock:
            try:
                result = webapi.METHODS[method](ctx)
                body: dict[str, Any] = {"ok": True, **result}
            except SlackError as exc:
                body = {"ok": False, "error": exc.error, **exc.extra}
                ctx.events.clear()
        warnings = warnings + ctx.warnings
        if warnings:
            body["warning"] = ",".join(warnings)
            metadata = body.setdefault("response_metadata", {})
            metadata["warnings"] = list(warnings)
        if body["ok"] and method not in webapi.READ_ONLY:
            self._save()
        self._dispatch(ctx.events)
        if kind == "drop_after":
            return finish(body, drop=True, fault=kind)
        return finish(body, fault=kind)

    def _rate_channel(self, method: str, args: dict[str, Any]) -> str | None:
        if method != "chat.postMessage":
            return None
        channel = str(args.get("channel") or "")
        return self.ws.dms.get(channel, channel)

    # ---- response URLs ----------------------------------------------------------------------
    def response_url(self, user_id: str, channel_id: str | None = None) -> str:
        """A response URL as Slack gives with a slash command, for load generators that build their own requests;
        what is posted to it shows in `ephemerals(user_id)`."""
        return self._new_response_url(user_id, channel_id, "slash_command")[1]

    def _new_response_url(
        self,
        user_id: str,
        channel_id: str | None,
        origin: str,
        *,
        message_ts: str | None = None,
        is_ephemeral: bool = False,
    ) -> tuple[str, str]:
        with self.ws.lock:
            n = self.ws.ids.counters.get("~response", 0) + 1
            self.ws.ids.counters["~response"] = n
            rid = f"{self.team_id}/{1000000000 + n}/{self.ws.ids.token(24)}"
            self.ws.response_urls[rid] = ResponseUrl(
                rid, user_id, channel_id, time.time(), origin, message_ts=message_ts, is_ephemeral=is_ephemeral
            )
        return rid, f"{self.base_url}response/{rid}"

    def _response_url_post(self, request: HttpRequest, rid: str) -> HttpAnswer:
        decision = self.faults.decide("response_url")
        if decision.latency:
            time.sleep(decision.latency)
        if decision.kind == "drop_before":
            return HttpAnswer(drop=True)
        if decision.kind == "ratelimited":
            assert decision.plan is not None
            return HttpAnswer.json(
                {"ok": False, "error": "rate_limited"}, 429, {"Retry-After": str(decision.plan.retry_after)}
            )
        if decision.kind == "server_error":
            assert decision.plan is not None
            return HttpAnswer.json({"ok": False, "error": "internal_error"}, decision.plan.status)
        try:
            if request.headers.get("content-type", "").startswith("application/json"):
                payload = json.loads(request.body.decode("utf-8"))
            else:
                form = dict(parse_qsl(request.body.decode("utf-8")))
                payload = json.loads(form.get("payload", "{}"))
        except (ValueError, UnicodeDecodeError):
            return HttpAnswer.json({"ok": False, "error": "invalid_payload"}, 400)
        if not isinstance(payload, dict):
            return HttpAnswer.json({"ok": False, "error": "invalid_payload"}, 400)
        events: list[tuple[dict[str, Any], str | None, bool]] = []
        with self.ws.lock:
            record = self.ws.response_urls.get(rid)
            if record is None:
                return HttpAnswer.json({"ok": False, "error": "no_service"}, 404)
            if time.time() - record.created > RESPONSE_URL_TTL:
                return HttpAnswer.json({"ok": False, "error": "expired_url"}, 404)
            if record.uses >= RESPONSE_URL_USES:
                return HttpAnswer.json({"ok": False, "error": "used_url"}, 404)
            error = self._apply_response(record, payload, events)
            if error:
                return HttpAnswer.json({"ok": False, "error": error}, 400)
            record.uses += 1
            delivery = self._response_deliveries.get(rid)
        if delivery is not None:
            delivery.add_response(payload)
        self._dispatch(events)
        self._save()
        if decision.kind == "drop_after":
            return HttpAnswer(drop=True)
        return HttpAnswer.json({"ok": True})

    def _apply_response(
        self, record: ResponseUrl, payload: dict[str, Any], events: list[tuple[dict[str, Any], str | None, bool]]
    ) -> str | None:
        """Show a response_url payload the way Slack would; returns an error code or None."""
        user = self.ws.users[record.user_id]
        ctx = CallContext(self, self.ws.users[self.bot_user_id], True, self.bot_token, {})
        channel = self.ws.channels.get(record.channel_id or "")
        source = None
        if record.message_ts and channel is not None and not record.is_ephemeral:
            source = self.ws.find_message(channel.id, record.message_ts)
        if webapi.truthy(payload.get("delete_original")):
            if source is not None and channel is not None:
                webapi.delete_message(ctx, channel, source)
            else:
                for message in self._ephemerals_of(record):
                    message.replaced = True
            events.extend(ctx.events)
            return None
        text = payload.get("text")
        blocks = payload.get("blocks")
        if not text and not blocks and not payload.get("attachments"):
            return "no_text"
        if blocks is not None and blockkit.validate_blocks(blocks, max_blocks=blockkit.MAX_MESSAGE_BLOCKS):
            return "invalid_blocks"
        if webapi.truthy(payload.get("replace_original")):
            if source is not None and channel is not None:
                webapi.update_message(
                    ctx,
                    channel,
                    source,
                    text=text if text is not None else "",
                    blocks=blocks if blocks is not None else [],
                )
                if blocks is None:
                    source.blocks = None
                events.extend(ctx.events)
                return None
            for message in self._ephemerals_of(record):
                message.replaced = True
        response_type = payload.get("response_type") or "ephemeral"
        if response_type == "in_channel" and channel is not None:
            self._bot_message(ctx, channel, text or "", blocks, payload.get("thread_ts"), "response_url")
            events.extend(ctx.events)
        else:
            message = Message(
                channel=record.channel_id or "",
                ts=self.ws.next_ts(),
                text=text or "",
                user=self.bot_user_id,
                bot_id=self.bot_id,
                app_id=self.app_id,
                blocks=webapi.with_block_ids(ctx, blocks),
                ephemeral=True,
                visible_to=user.id,
                source="response_url",
                response_type="ephemeral",
                extra={"_response_url": record.id},
            )
            self.ws.ephemerals.append(message)
        return None

    def _ephemerals_of(self, record: ResponseUrl) -> list[Message]:
        return [
            m
            for m in self.ws.ephemerals
            if not m.replaced
            and (m.extra.get("_response_url") == record.id or (record.is_ephemeral and m.ts == record.message_ts))
        ]

    def _bot_message(
        self, ctx: CallContext, channel: Channel, text: str, blocks: Any, thread_ts: str | None, source: str
    ) -> Message:
        message = Message(
            channel=channel.id,
            ts=self.ws.next_ts(),
            text=text,
            user=self.bot_user_id,
            bot_id=self.bot_id,
            app_id=self.app_id,
            blocks=webapi.with_block_ids(ctx, blocks),
            thread_ts=thread_ts,
            source=source,
        )
        self.ws.add_message(message)
        ctx.emit(webapi.message_event(ctx, message, channel), channel)
        return message

    # ---- uploads ----------------------------------------------------------------------------
    def _upload(self, request: HttpRequest, file_id: str) -> HttpAnswer:
        with self.ws.lock:
            stored = self.ws.files.get(file_id)
            if stored is None or stored.completed:
                return HttpAnswer.text("invalid upload url", 404)
            stored.data = request.body
        return HttpAnswer.text(f"OK - {len(request.body)}")

    def _download(self, request: HttpRequest, rest: str) -> HttpAnswer:
        file_id = rest.split("/", 1)[0]
        auth = request.headers.get("authorization", "")
        token = auth[7:].strip() if auth.lower().startswith("bearer ") else ""
        if self._identity(token) is None:
            return HttpAnswer.text("sign in to download", 403)
        with self.ws.lock:
            stored = self.ws.files.get(file_id)
            if stored is None or stored.data is None:
                return HttpAnswer.text("file not found", 404)
            return HttpAnswer(200, stored.data, stored.mimetype)

    # ---- events -----------------------------------------------------------------------------
    def _subscription(self, event: dict[str, Any]) -> str:
        if event.get("type") == "message":
            kind = {"channel": "channels", "group": "groups", "im": "im", "mpim": "mpim"}
            return "message." + kind.get(event.get("channel_type", "channel"), "channels")
        return str(event.get("type"))

    def _envelope(self, event: dict[str, Any], channel_id: str | None, event_id: str | None = None) -> dict:
        context = {"et": event.get("type"), "tid": self.team_id, "aid": self.app_id}
        if channel_id:
            context["cid"] = channel_id
        encoded = base64.urlsafe_b64encode(json.dumps(context).encode()).decode().rstrip("=")
        with self.ws.lock:
            event_id = event_id or self.ws.ids.next("Ev")
        return {
            "token": self.verification_token,
            "team_id": self.team_id,
            "context_team_id": self.team_id,
            "context_enterprise_id": None,
            "api_app_id": self.app_id,
            "event": event,
            "type": "event_callback",
            "event_id": event_id,
            "event_time": int(time.time()),
            "authorizations": [
                {
                    "enterprise_id": None,
                    "team_id": self.team_id,
                    "user_id": self.bot_user_id,
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
            "is_ext_shared_channel": False,
            "event_context": "4-" + encoded,
        }

    def _dispatch(self, events: list[tuple[dict[str, Any], str | None, bool]]) -> None:
        for event, channel_id, visible in events:
            if not visible or self._subscription(event) not in self.bot_events:
                continue
            record = EventRecord(self._envelope(event, channel_id))
            with self._lock:
                self._events.append(record)
            self.dispatcher.submit(record)

    def send_event(self, event: dict[str, Any], *, event_id: str | None = None, timeout: float = 10.0) -> Delivery:
        """Deliver an event the app subscribed to, wrapped in Slack's event_callback envelope.
        Returns the first attempt; retries (if the app fails) continue in the background."""
        if "type" not in event:
            raise StandInUsageError("an event needs a type")
        subscription = self._subscription(event)
        if subscription not in self.bot_events:
            raise StandInUsageError(f"the app is not subscribed to {subscription}; Slack would not send it")
        event = dict(event)
        event.setdefault("event_ts", self.ws.next_ts())
        channel_id = event.get("channel") if isinstance(event.get("channel"), str) else None
        record = EventRecord(self._envelope(event, channel_id, event_id))
        with self._lock:
            self._events.append(record)
        self.dispatcher.submit(record)
        if not record.first_attempt.wait(timeout):
            raise TimeoutError("the event was not delivered in time (is the event queue stuck?)")
        return record.attempts[0]

    def redeliver(self, event_id: str, reason: str | None = None) -> Delivery:
        """Send an event again with X-Slack-Retry-Num / X-Slack-Retry-Reason, as Slack's retries do."""
        with self._lock:
            record = next((r for r in self._events if r.event_id == event_id), None)
        if record is None:
            raise StandInUsageError(f"no event {event_id!r} was sent")
        previous = record.attempts[-1] if record.attempts else None
        if reason is None:
            reason = (EventDispatcher.failure_reason(previous) if previous else None) or "http_timeout"
        return self.dispatcher.deliver_once(record, len(record.attempts), reason)

    def verify_url(self) -> bool:
        """Slack's url_verification round-trip: the app must echo the challenge."""
        challenge = self.ws.ids.token(48)
        payload = {"token": self.verification_token, "challenge": challenge, "type": "url_verification"}
        delivery = Delivery(kind="url_verification", payload=payload)
        self.poster.post(delivery, self.app_url, json.dumps(payload), "application/json", timeout=self.ack_timeout)
        if not delivery.ok:
            return False
        data = delivery.json
        if isinstance(data, dict):
            return data.get("challenge") == challenge
        return delivery.body.strip() == challenge

    # ---- interactivity ----------------------------------------------------------------------
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
                        blocks=webapi.with_block_ids(ctx, data.get("blocks")),
                        ephemeral=True,
                        visible_to=user.id,
                        source="ack",
                        response_type="ephemeral",
                    )
                )
        self._dispatch(events)

    def _find_action(
        self, user_id: str, action_id: str, channel_id: str | None, message_ts: str | None, view_id: str | None
    ) -> tuple[dict, dict, View | None, Message | None]:
        def in_message(message: Message) -> tuple[dict, dict] | None:
            return blockkit.find_element(message.blocks, action_id)

        if view_id is not None:
            view = self.ws.views.get(view_id)
            if view is None:
                raise StandInUsageError(f"no view {view_id!r}")
            found = blockkit.find_element(view.blocks, action_id)
            if found is None:
                raise StandInUsageError(f"view {view_id} has no element with action_id {action_id!r}")
            return found[0], found[1], view, None
        if message_ts is not None:
            candidates = [m for m in self.ws.ephemerals if m.ts == message_ts and m.visible_to == user_id]
            channels = [channel_id] if channel_id else list(self.ws.history)
            for cid in channels:
                message = self.ws.find_message(cid, message_ts)
                if message is not None:
                    candidates.insert(0, message)
            for message in candidates:
                found = in_message(message)
                if found is not None:
                    return found[0], found[1], None, message
            raise StandInUsageError(f"no message {message_ts} with an element {action_id!r}")
        stack = self.ws.modal_stacks.get(user_id) or []
        views = [self.ws.views[stack[-1]]] if stack else []
        if user_id in self.ws.homes:
            views.append(self.ws.views[self.ws.homes[user_id]])
        for view in views:
            found = blockkit.find_element(view.blocks, action_id)
            if found is not None:
                return found[0], found[1], view, None
        messages = [m for m in self.ws.ephemerals if m.visible_to == user_id and not m.replaced]
        for cid, history in self.ws.history.items():
            if channel_id is None or cid == channel_id:
                channel = self.ws.channels.get(cid)
                if channel is not None and channel.visible_to(user_id):
                    messages.extend(history)
        for message in sorted(messages, key=lambda m: float(m.ts), reverse=True):
            found = in_message(message)
            if found is not None:
                return found[0], found[1], None, message
        raise StandInUsageError(f"nothing on screen for {user_id} has an element with action_id {action_id!r}")

    def click(
        self,
        user_id: str,
        *,
        action_id: str,
        value: Any = None,
        channel_id: str | None = None,
        message_ts: str | None = None,
        view_id: str | None = None,
        selected_option: Any = None,
        signature: str | None = None,
        timestamp: str | int | None = None,
    ) -> Delivery:
        """A person clicks a button (or picks an option) in a message, a modal or the Home tab.

        ``value`` is the picked value for selects/pickers (option value, user id, date...) or overrides a
        button's value; without channel/message/view the element is searched on the person's screen."""
        rid = None
        with self.ws.lock:
            user = self._user(user_id)
            block, element, view, message = self._find_action(user_id, action_id, channel_id, message_ts, view_id)
            action = blockkit.action_payload(block, element, value, selected_option)
            payload: dict[str, Any] = {
                "type": "block_actions",
                "user": user.summary(self.team_id),
                "api_app_id": self.app_id,
                "token": self.verification_token,
            }
            if view is not None:
                if element.get("type") != "button" and block.get("block_id"):
                    shaped = {
                        "type": element.get("type"),
                        **{k: v for k, v in action.items() if k.startswith(("selected_", "value"))},
                    }
                    view.state.setdefault("values", {}).setdefault(block["block_id"], {})[element.get("action_id")] = (
                        shaped
                    )
                trigger_id = self.ws.new_trigger(user_id, view.id)
                payload["container"] = {"type": "view", "view_id": view.id}
                payload["trigger_id"] = trigger_id
                payload["team"] = self._team()
                payload["enterprise"] = None
                payload["is_enterprise_install"] = False
                payload["view"] = view.to_api()
                url = None
            else:
                assert message is not None
                channel = self.ws.channels.get(message.channel)
                trigger_id = self.ws.new_trigger(user_id)
                payload["container"] = {
                    "type": "message",
                    "message_ts": message.ts,
                    "channel_id": message.channel,
                    "is_ephemeral": message.ephemeral,
                }
                payload["trigger_id"] = trigger_id
                payload["team"] = self._team()
                payload["enterprise"] = None
                payload["is_enterprise_install"] = False
                name = channel.name if channel and not channel.is_im else "directmessage"
                payload["channel"] = {"id": message.channel, "name": name}
                if not message.ephemeral:
                    payload["message"] = webapi.message_api(self, message)
                payload["state"] = {"values": {}}
                rid, url = self._new_response_url(
                    user_id, message.channel, "block_actions", message_ts=message.ts, is_ephemeral=message.ephemeral
                )
                payload["response_url"] = url
            payload["actions"] = [action]
        delivery = Delivery(kind="block_actions", payload=payload, trigger_id=trigger_id, response_url=url)
        if rid is not None:
            with self._lock:
                self._response_deliveries[rid] = delivery
        self._post_interaction(delivery, signature=signature, timestamp=None if timestamp is None else str(timestamp))
        self._save()
        return delivery

    def _view_state(self, view: View, values: dict[str, dict[str, Any]]) -> dict[str, Any]:
        state: dict[str, dict[str, Any]] = copy.deepcopy(view.state.get("values", {}))
        known: dict[str, set[str]] = {}
        for block, element in blockkit.iter_elements(view.blocks):
            block_id = block.get("block_id")
            action_id = element.get("action_id")
            if not block_id or not action_id:
                continue
            known.setdefault(block_id, set()).add(action_id)
            provided = values.get(block_id, {})
            if action_id in provided:
                shaped = {"type": element.get("type"), **blockkit.selection(element, provided[action_id])}
                state.setdefault(block_id, {})[action_id] = shaped
            elif block.get("type") == "input" and action_id not in state.get(block_id, {}):
                initial = _initial_value(element)
                state.setdefault(block_id, {})[action_id] = {
                    "type": element.get("type"),
                    **blockkit.selection(element, initial),
                }
            if block.get("type") == "input" and not block.get("optional", False):
                shaped_now = state.get(block_id, {}).get(action_id, {})
                if blockkit.is_empty_selection(shaped_now):
                    raise StandInUsageError(
                        f"input {block_id}/{action_id} is required; Slack would not let the user submit"
                    )
        for block_id, actions in values.items():
            for action_id in actions:
                if action_id not in known.get(block_id, set()):
                    raise StandInUsageError(f"view {view.id} has no input {block_id}/{action_id}")
        return {"values": state}

    def submit_view(
        self,
        user_id: str,
        view_id: str,
        values: dict[str, dict[str, Any]] | None = None,
        *,
        signature: str | None = None,
        timestamp: str | int | None = None,
    ) -> Delivery:
        """A person fills in the modal's inputs ({block_id: {action_id: value}}) and presses submit."""
        with self.ws.lock:
            user = self._user(user_id)
            stack = self.ws.modal_stacks.get(user_id) or []
            if not stack or stack[-1] != view_id:
                raise StandInUsageError(f"view {view_id} is not the modal on top of {user_id}'s screen")
            view = self.ws.views[view_id]
            view.state = self._view_state(view, values or {})
            trigger_id = self.ws.new_trigger(user_id, view.id)
            payload = {
                "type": "view_submission",
                "team": self._team(),
                "user": user.summary(self.team_id),
                "api_app_id": self.app_id,
                "token": self.verification_token,
                "trigger_id": trigger_id,
                "view": view.to_api(),
                "response_urls": [],
                "is_enterprise_install": False,
                "enterprise": None,
            }
        delivery = Delivery(kind="view_submission", payload=payload, trigger_id=trigger_id)
        self._post_interaction(delivery, signature=signature, timestamp=None if timestamp is None else str(timestamp))
        self._apply_submission_ack(delivery, user_id, view_id)
        self._save()
        return delivery

    def _apply_submission_ack(self, delivery: Delivery, user_id: str, view_id: str) -> None:
        if not delivery.ok or not delivery.acked_in_time:
            self._notice(user_id, None, "We had some trouble connecting. Try again?", "view_submission_error")
            return
        data = delivery.json if delivery.body.strip() else {}
        if not isinstance(data, dict):
            data = {}
        action = data.get("response_action")
        with self.ws.lock:
            stack = self.ws.modal_stacks.get(user_id) or []
            view = self.ws.views[view_id]
            ctx = CallContext(self, self.ws.users[self.bot_user_id], True, self.bot_token, {})
            if not action:
                self._close_views(user_id, [view_id])
            elif action == "errors":
                errors = data.get("errors")
                inputs = {b.get("block_id") for b in view.blocks if b.get("type") == "input"}
                bad = ["(not an object)"]
                unknown = sorted(set(errors) - inputs) if isinstance(errors, dict) else bad
                if not errors or unknown:
                    # Slack refuses the answer; the person sees a generic error and the modal stays as it was
                    delivery.error = f"invalid_response_action: errors for unknown input blocks {unknown}"
                    return
                view.errors = dict(errors)
            elif action == "update":
                new_view = data.get("view")
                errors = blockkit.validate_view(new_view, expected=("modal",))
                if errors:
                    delivery.error = "invalid_response_action: " + "; ".join(errors)
                    return
                webapi.replace_view(ctx, view, new_view)
                view.errors = {}
            elif action == "push":
                new_view = data.get("view")
                errors = blockkit.validate_view(new_view, expected=("modal",))
                if errors or len(stack) >= webapi.MAX_VIEW_STACK:
                    delivery.error = "invalid_response_action: " + ("; ".join(errors) or "push_limit_reached")
                    return
                pushed = webapi.new_view(ctx, new_view, user_id)
                pushed.root_view_id = stack[0]
                pushed.previous_view_id = stack[-1]
                stack.append(pushed.id)
            elif action == "clear":
                self._close_views(user_id, list(stack))
            else:
                delivery.error = f"invalid_response_action: {action!r}"

    def _close_views(self, user_id: str, view_ids: list[str]) -> None:
        stack = self.ws.modal_stacks.get(user_id) or []
        for view_id in view_ids:
            if view_id in stack:
                stack.remove(view_id)
            if view_id in self.ws.views:
                self.ws.views[view_id].closed = True

    def close_view(self, user_id: str, view_id: str) -> Delivery | None:
        """A person closes the modal (the X or the close button); view_closed only if notify_on_close."""
        with self.ws.lock:
            user = self._user(user_id)
            stack = self.ws.modal_stacks.get(user_id) or []
            if view_id not in stack:
                raise StandInUsageError(f"view {view_id} is not open for {user_id}")
            view = self.ws.views[view_id]
            cleared = view.clear_on_close
            self._close_views(user_id, list(stack) if cleared else [view_id])
            if not view.notify_on_close:
                return None
            payload = {
                "type": "view_closed",
                "team": self._team(),
                "user": user.summary(self.team_id),
                "api_app_id": self.app_id,
                "token": self.verification_token,
                "view": view.to_api(),
                "is_cleared": cleared,
                "is_enterprise_install": False,
                "enterprise": None,
            }
        delivery = Delivery(kind="view_closed", payload=payload)
        self._post_interaction(delivery)
        return delivery

    def message_shortcut(self, user_id: str, channel_id: str, message_ts: str, callback_id: str) -> Delivery:
        """A person picks the app's shortcut from a message's "More actions" menu."""
        with self.ws.lock:
            user = self._user(user_id)
            channel = self._channel(channel_id)
            message = self.ws.find_message(channel_id, message_ts)
            if message is None:
                raise StandInUsageError(f"no message {message_ts} in {channel_id}")
            trigger_id = self.ws.new_trigger(user_id)
            rid, url = self._new_response_url(user_id, channel_id, "message_action", message_ts=message_ts)
            payload = {
                "type": "message_action",
                "token": self.verification_token,
                "action_ts": f"{time.time():.6f}",
                "team": self._team(),
                "user": user.summary(self.team_id),
                "channel": {"id": channel.id, "name": channel.name if not channel.is_im else "directmessage"},
                "is_enterprise_install": False,
                "enterprise": None,
                "callback_id": callback_id,
                "trigger_id": trigger_id,
                "response_url": url,
                "message_ts": message_ts,
                "message": webapi.message_api(self, message),
            }
        delivery = Delivery(kind="message_action", payload=payload, trigger_id=trigger_id, response_url=url)
        with self._lock:
            self._response_deliveries[rid] = delivery
        return self._post_interaction(delivery)

    def global_shortcut(self, user_id: str, callback_id: str) -> Delivery:
        """A person runs the app's global shortcut (from the composer or search)."""
        with self.ws.lock:
            user = self._user(user_id)
            trigger_id = self.ws.new_trigger(user_id)
            payload = {
                "type": "shortcut",
                "token": self.verification_token,
                "action_ts": f"{time.time():.6f}",
                "team": self._team(),
                "user": user.summary(self.team_id),
                "is_enterprise_install": False,
                "enterprise": None,
                "callback_id": callback_id,
                "trigger_id": trigger_id,
            }
        delivery = Delivery(kind="shortcut", payload=payload, trigger_id=trigger_id)
        return self._post_interaction(delivery)

    # ---- people acting in Slack ---------------------------------------------------------------
    def _person(self, user_id: str, args: dict[str, Any] | None = None) -> CallContext:
        user = self._user(user_id)
        if user.deleted:
            raise StandInUsageError(f"{user_id} is deactivated")
        return CallContext(
            self, user, False, self.user_token(user_id), webapi.decode_json_args(args or {}), via_ui=True
        )

    def _act(self, user_id: str, method: str, **args: Any) -> dict[str, Any]:
        with self.ws.lock:
            ctx = self._person(user_id, {k: v for k, v in args.items() if v is not None})
            try:
                result = webapi.METHODS[method](ctx)
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
                webapi._join(ctx, channel, user_id, inviter=None)

        self._people_change(user_id, change, channel_id)

    def leave_channel(self, user_id: str, channel_id: str) -> None:
        def change(ctx: CallContext, channel: Channel) -> None:
            if user_id in channel.members:
                webapi._leave(ctx, channel, user_id)

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
                webapi.check_name(self.ws, name, exclude=channel.id)
            except SlackError as exc:
                raise StandInUsageError(f"cannot rename to {name!r}: {exc.error}") from None
            webapi.rename_channel(ctx, channel, name)

        self._people_change(self._by(channel_id, by), change, channel_id)

    def archive_channel(self, channel_id: str, by: str | None = None) -> None:
        def change(ctx: CallContext, channel: Channel) -> None:
            if channel.is_archived:
                raise StandInUsageError("already archived")
            webapi.set_archived(ctx, channel, True)

        self._people_change(self._by(channel_id, by), change, channel_id)

    def unarchive_channel(self, channel_id: str, by: str | None = None) -> None:
        def change(ctx: CallContext, channel: Channel) -> None:
            if not channel.is_archived:
                raise StandInUsageError("not archived")
            webapi.set_archived(ctx, channel, False)

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


def _family_scoped(scopes: list[str]) -> bool:
    return bool(scopes) and all(s.split(":")[0] in ("channels", "groups", "im", "mpim") for s in scopes)


def _initial_value(element: dict[str, Any]) -> Any:
    for key in (
        "initial_value",
        "initial_option",
        "initial_options",
        "initial_user",
        "initial_users",
        "initial_conversation",
        "initial_conversations",
        "initial_channel",
        "initial_channels",
        "initial_date",
        "initial_time",
        "initial_date_time",
    ):
        if key in element:
            return element[key]
    return None


def _parse_multipart(content_type: str, body: bytes) -> dict[str, str]:
    """Minimal multipart/form-data reader for text fields (enough for Web API calls)."""
    from email.parser import BytesParser
    from email.policy import HTTP

    message = BytesParser(policy=HTTP).parsebytes(b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body)
    fields: dict[str, str] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if name and part.get_filename() is None:
            payload = part.get_payload(decode=True) or b""
            fields[str(name)] = payload.decode("utf-8", "replace")
    return fields
