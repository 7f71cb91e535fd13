"""The stand-in's Slack workspace: users, conversations, messages, views, files and the short-lived
things interactions hand out (trigger ids, response URLs). One re-entrant lock guards it all;
callers hold ``ws.lock`` around every read-modify-write. State can be saved to and loaded from JSON.
"""

from __future__ import annotations

import base64
import json
import os
import threading
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

from .types import Channel, Message, ResponseUrl, StoredFile, Trigger, User, View

_B36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_ID_SPACE = 36**9
_ID_STRIDE = 2_654_435_761  # coprime with 36, so n -> n * stride mod 36^9 is a bijection

TRIGGER_TTL = 3.0  # seconds a trigger_id stays exchangeable
RESPONSE_URL_TTL = 30 * 60.0
RESPONSE_URL_USES = 5
SLACKBOT_ID = "USLACKBOT"


class IdFactory:
    """Slack-looking ids (``U0`` + 9 base-36 characters), unique and deterministic per prefix."""

    def __init__(self, counters: dict[str, int] | None = None) -> None:
        self.counters: dict[str, int] = dict(counters or {})

    def next(self, prefix: str) -> str:
        n = self.counters.get(prefix, 0) + 1
        self.counters[prefix] = n
        salt = sum(ord(c) * 7919**i for i, c in enumerate(prefix))
        value = (n * _ID_STRIDE + 0x1F3A5 + salt) % _ID_SPACE
        digits = []
        for _ in range(9):
            value, rem = divmod(value, 36)
            digits.append(_B36[rem])
        return prefix + "0" + "".join(reversed(digits))

    def token(self, n_chars: int = 24, alphabet: str = "abcdefghijklmnopqrstuvwxyz0123456789") -> str:
        """A deterministic pseudo-random string (secrets, trigger and response-url suffixes)."""
        n = self.counters.get("~secret", 0) + 1
        self.counters["~secret"] = n
        out = []
        value = (n * 0x9E3779B97F4A7C15) % (1 << 64)
        for _ in range(n_chars):
            value = (value * 6364136223846793005 + 1442695040888963407) % (1 << 64)
            out.append(alphabet[(value >> 33) % len(alphabet)])
        return "".join(out)


def _dump(obj: Any) -> Any:
    data = asdict(obj)
    if isinstance(obj, StoredFile) and obj.data is not None:
        data["data"] = base64.b64encode(obj.data).decode("ascii")
    return data


class Workspace:
    def __init__(self, team_id: str, team_domain: str, team_name: str) -> None:
        self.lock = threading.RLock()
        self.team_id = team_id
        self.team_domain = team_domain
        self.team_name = team_name
        self.ids = IdFactory()
        self.users: dict[str, User] = {}
        self.channels: dict[str, Channel] = {}
        self.history: dict[str, list[Message]] = {}
        self.ephemerals: list[Message] = []
        self.views: dict[str, View] = {}
        self.modal_stacks: dict[str, list[str]] = {}
        self.homes: dict[str, str] = {}
        self.files: dict[str, StoredFile] = {}
        self.response_urls: dict[str, ResponseUrl] = {}
        self.triggers: dict[str, Trigger] = {}
        self.shared_invites: list[dict[str, Any]] = []
        self.dms: dict[str, str] = {}
        self.settings: dict[str, bool] = {}  # workspace policies (restrict_channel_creation)
        self._last_ts = 0.0

    # ---- clocks and ids -------------------------------------------------------------------
    def next_ts(self) -> str:
        with self.lock:
            now = max(time.time(), self._last_ts + 0.000001)
            now = round(now, 6)
            if now <= self._last_ts:
                now = round(self._last_ts + 0.000001, 6)
            self._last_ts = now
            return f"{now:.6f}"

    def new_trigger(self, user_id: str, view_id: str | None = None) -> str:
        """A trigger_id like Slack's (``digits.digits.hex``), exchangeable once within 3 seconds."""
        with self.lock:
            now = time.time()
            n = self.ids.counters.get("~trigger", 0) + 1
            self.ids.counters["~trigger"] = n
            trigger_id = f"{int(now * 1000)}.{4_000_000_000 + n}.{self.ids.token(32, '0123456789abcdef')}"
            self.triggers[trigger_id] = Trigger(trigger_id, user_id, now, view_id)
            return trigger_id

    # ---- lookups --------------------------------------------------------------------------
    def user_by_name(self, name: str) -> User | None:
        return next((u for u in self.users.values() if u.name == name), None)

    def messages_in(self, channel_id: str) -> list[Message]:
        return self.history.setdefault(channel_id, [])

    def find_message(self, channel_id: str, ts: str) -> Message | None:
        for message in self.history.get(channel_id, []):
            if message.ts == ts:
                return message
        return None

    def replies_to(self, channel_id: str, thread_ts: str) -> list[Message]:
        return [m for m in self.history.get(channel_id, []) if m.thread_ts == thread_ts and m.ts != thread_ts]

    def add_message(self, message: Message) -> Message:
        messages = self.messages_in(message.channel)
        messages.append(message)
        messages.sort(key=lambda m: float(m.ts))
        return message

    def im_with(self, user_id: str, bot_user_id: str) -> Channel:
        """The bot's direct-message channel with a person, created on first use."""
        with self.lock:
            channel_id = self.dms.get(user_id)
            if channel_id:
                return self.channels[channel_id]
            channel_id = self.ids.next("D")
            now = int(time.time())
            channel = Channel(
                id=channel_id,
                name=channel_id,
                is_im=True,
                created=now,
                creator=bot_user_id,
                members=[bot_user_id, user_id] if user_id != bot_user_id else [bot_user_id],
                im_user=user_id,
                updated=now * 1000,
            )
            self.channels[channel_id] = channel
            self.dms[user_id] = channel_id
            return channel

    # ---- persistence ----------------------------------------------------------------------
    def to_json(self) -> dict[str, Any]:
        with self.lock:
            return {
                "version": 1,
                "team_id": self.team_id,
                "ids": self.ids.counters,
                "last_ts": self._last_ts,
                "users": [_dump(u) for u in self.users.values()],
                "channels": [_dump(c) for c in self.channels.values()],
                "messages": [_dump(m) for msgs in self.history.values() for m in msgs],
                "files": [_dump(f) for f in self.files.values()],
                "views": [_dump(self.views[v]) for v in self.homes.values() if v in self.views],
                "homes": dict(self.homes),
                "dms": dict(self.dms),
                "shared_invites": list(self.shared_invites),
                "settings": dict(self.settings),
            }

    def load_json(self, data: dict[str, Any]) -> None:
        with self.lock:
            self.ids = IdFactory(data.get("ids"))
            self._last_ts = float(data.get("last_ts", 0.0))
            self.users = {u["id"]: User(**u) for u in data.get("users", [])}
            self.channels = {c["id"]: Channel(**c) for c in data.get("channels", [])}
            self.history = {}
            for m in data.get("messages", []):
                self.add_message(Message(**m))
            self.files = {}
            for f in data.get("files", []):
                if f.get("data") is not None:
                    f["data"] = base64.b64decode(f["data"])
                self.files[f["id"]] = StoredFile(**f)
            self.views = {v["id"]: View(**v) for v in data.get("views", [])}
            self.homes = dict(data.get("homes", {}))
            self.dms = dict(data.get("dms", {}))
            self.shared_invites = list(data.get("shared_invites", []))
            self.settings = dict(data.get("settings", {}))

    def save(self, path: Path) -> None:
        text = json.dumps(self.to_json(), ensure_ascii=False, indent=1)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)

    def load(self, path: Path) -> None:
        self.load_json(json.loads(path.read_text(encoding="utf-8")))
