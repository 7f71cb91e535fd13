"""Helpers for end-to-end tests: a workspace with people, and reading what a person saw."""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass, field
from typing import Any

import httpx

from bot.runtime import Runtime
from bot.slack.text import render_message
from bot.standin import Delivery, SlackStandIn
from storage.db import Database


@dataclass
class ServedApp:
    runtime: Runtime
    url: str

    @property
    def events_url(self) -> str:
        return self.url + "/slack/events"


@dataclass
class World:
    """The stand-in workspace and the running app for one test."""

    standin: SlackStandIn
    app: ServedApp
    db: Database
    admin: str = ""
    secretariat: str = ""
    people: dict[str, str] = field(default_factory=dict)

    @classmethod
    def create(cls, standin: SlackStandIn, app: ServedApp, db: Database) -> World:
        from tests.conftest import ADMIN_ID, SECRETARIAT_CHANNEL_ID

        world = cls(standin, app, db)
        world.admin = standin.add_user(
            "secretariat", real_name="이정민", email="jungmin.lee@kofst.example", locale="ko-KR", user_id=ADMIN_ID
        )
        world.secretariat = standin.add_channel(
            "secretariat",
            is_private=True,
            members=[world.admin, standin.bot_user_id],
            channel_id=SECRETARIAT_CHANNEL_ID,
        )
        return world

    @property
    def runtime(self) -> Runtime:
        return self.app.runtime

    def person(self, name: str, *, locale: str = "en-US", email: str | None = None, **kwargs: Any) -> str:
        user_id = self.standin.add_user(
            name,
            real_name=kwargs.pop("real_name", name.title()),
            email=email or f"{name}@example.org",
            locale=locale,
            **kwargs,
        )
        self.people[name] = user_id
        return user_id

    def channel(self, name: str, members: list[str], *, is_private: bool = False) -> str:
        return self.standin.add_channel(name, is_private=is_private, members=[*members, self.standin.bot_user_id])

    def command(self, user: str, channel: str, text: str) -> Delivery:
        return self.standin.slash_command(user, channel, text)

    def names(self) -> dict[str, str]:
        return {u.id: u.name for u in self.standin.ws.users.values()}


def seen_by_user(delivery: Delivery, *, timeout: float = 3.0) -> str:
    """What the person saw privately after a command or action: the ack's text, else the first response."""
    body = delivery.json
    if isinstance(body, dict) and (body.get("text") or body.get("blocks")):
        return render_message(body.get("text"), body.get("blocks"))
    responses = delivery.wait_for_responses(n=1, timeout=timeout)
    assert responses, f"nothing was shown to the person (HTTP {delivery.status}, body {delivery.body!r})"
    return render_message(responses[0].get("text"), responses[0].get("blocks"))


def sign(secret: str, body: bytes, timestamp: int | None = None) -> dict[str, str]:
    """Slack's v0 request signature headers for `body`."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{ts}:".encode() + body, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}"}


def post(
    url: str, body: bytes, headers: dict[str, str], content_type: str = "application/x-www-form-urlencoded"
) -> httpx.Response:
    return httpx.post(url, content=body, headers={"Content-Type": content_type, **headers}, timeout=10)


def deliver_all(world: World, *, timeout: float = 60.0) -> None:
    """Send the outbox until every post is sent, retrying through injected faults (the app's own outbox thread
    may be sending too). Fails at once if a post was given up on."""
    from sqlalchemy import select

    from bot.domain import OutboxStatus
    from storage.models import OutboxMessage

    dispatcher = world.runtime.outbox.dispatcher
    deadline = time.monotonic() + timeout
    waiting: list[OutboxMessage] = []
    while time.monotonic() < deadline:
        dispatcher.dispatch_due()
        with world.db.session() as session:
            waiting = list(session.scalars(select(OutboxMessage).where(OutboxMessage.status != OutboxStatus.SENT)))
        if not waiting:
            return
        if any(row.status is OutboxStatus.DEAD for row in waiting):
            raise AssertionError(f"given up on: {[(r.id, r.kind, r.last_error) for r in waiting]}")
        time.sleep(0.05)
    raise AssertionError(f"still undelivered: {[(r.id, r.status, r.last_error) for r in waiting]}")
