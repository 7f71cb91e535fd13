"""Fixtures for the stand-in's own tests: a running stand-in, a WebClient on it, and a minimal
real Bolt app served over HTTP on 127.0.0.1 that the stand-in delivers signed requests to."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest
from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient

from bot.standin import SlackStandIn
from bot.standin.grants import DEFAULT_BOT_EVENTS, DEFAULT_BOT_SCOPES

SIGNING_SECRET = "standin-test-signing-secret"


def make_standin(**kwargs: Any) -> SlackStandIn:
    options: dict[str, Any] = {
        "signing_secret": SIGNING_SECRET,
        "scopes": DEFAULT_BOT_SCOPES,
        "bot_events": DEFAULT_BOT_EVENTS,
        "rate_window_seconds": 2.0,
        "event_retry_delays": (0.0, 0.2, 0.4),
    }
    options.update(kwargs)
    return SlackStandIn(**options)


@pytest.fixture
def standin() -> Iterator[SlackStandIn]:
    """A running stand-in; rate limits off so functional tests can post freely (see limited)."""
    with make_standin(rate_limits=False) as s:
        yield s


@pytest.fixture
def limited() -> Iterator[SlackStandIn]:
    """A running stand-in enforcing Slack's tiers on a 2-second window."""
    with make_standin(rate_limits=True) as s:
        yield s


@pytest.fixture
def client(standin: SlackStandIn) -> WebClient:
    """The bot's WebClient, without slack_sdk's default connection-error retry (tests opt in)."""
    return WebClient(base_url=standin.api_url, token=standin.bot_token, retry_handlers=[])


@pytest.fixture
def people(standin: SlackStandIn) -> dict[str, str]:
    """alice and bob (plus a guest and a deactivated account) and two channels with the bot in them."""
    ids = {
        "alice": standin.add_user(
            "alice", real_name="Alice Kim", email="alice@example.org", locale="ko-KR", tz="Asia/Seoul"
        ),
        "bob": standin.add_user("bob", real_name="Bob Lee", email="bob@example.org"),
        "guest": standin.add_user("guest", is_restricted=True),
        "single": standin.add_user("single", is_ultra_restricted=True),
        "gone": standin.add_user("gone", deleted=True),
    }
    ids["general"] = standin.add_channel("general", members=[ids["alice"], ids["bob"], standin.bot_user_id])
    ids["lab"] = standin.add_channel("lab", members=[ids["alice"], standin.bot_user_id])
    return ids


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        return


class BoltHarness:
    """A real Bolt App behind wsgiref, plus knobs to misbehave (fail the next N requests) and a log of
    the raw requests it received (to look at headers Slack sets)."""

    def __init__(self, standin: SlackStandIn, **app_kwargs: Any) -> None:
        self.client = WebClient(base_url=standin.api_url, token=standin.bot_token)
        self.app = App(signing_secret=SIGNING_SECRET, client=self.client, **app_kwargs)
        self.handler = SlackRequestHandler(self.app)
        self.requests: list[dict[str, Any]] = []
        self.fail_next = 0
        self._lock = threading.Lock()
        self.server = make_server(
            "127.0.0.1", 0, self._wsgi, server_class=_ThreadingWSGIServer, handler_class=_QuietHandler
        )
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_port}/slack/events"
        standin.app_url = self.url

    def _wsgi(self, environ: dict[str, Any], start_response: Any) -> Any:
        headers = {k[5:].replace("_", "-").lower(): v for k, v in environ.items() if k.startswith("HTTP_")}
        with self._lock:
            self.requests.append({"path": environ.get("PATH_INFO"), "headers": headers})
            failing = self.fail_next > 0
            if failing:
                self.fail_next -= 1
        if failing:
            length = int(environ.get("CONTENT_LENGTH") or 0)
            environ["wsgi.input"].read(length)
            start_response("500 Internal Server Error", [("Content-Type", "text/plain")])
            return [b"boom"]
        return self.handler(environ, start_response)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def bolt(standin: SlackStandIn) -> Iterator[BoltHarness]:
    harness = BoltHarness(standin)
    yield harness
    harness.close()
