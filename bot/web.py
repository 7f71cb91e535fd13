"""The HTTP face of the app: Bolt at `/slack/events`, `GET /healthz`; a WSGI callable for gunicorn."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler

from bot.runtime import Runtime

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIEnvironment

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
#: Slack's payloads are far smaller; anything bigger is refused before it is read.
MAX_BODY_BYTES = 1024 * 1024


class WebApp:
    """WSGI application: routes Slack's requests to Bolt and answers health checks."""

    def __init__(self, app: App, runtime: Runtime) -> None:
        self.app = app
        self.runtime = runtime
        self._bolt = SlackRequestHandler(app, path=EVENTS_PATH)

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET")
        if path == "/healthz" and method in {"GET", "HEAD"}:
            return self._health(start_response)
        if path == EVENTS_PATH and method == "POST":
            try:
                length = int(environ.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = -1
            if length < 0 or length > MAX_BODY_BYTES:
                return _plain(start_response, "413 Content Too Large", "request body too large")
            return self._bolt(environ, start_response)
        return _plain(start_response, "404 Not Found", "not found")

    def _health(self, start_response: StartResponse) -> Iterable[bytes]:
        healthy = self.runtime.db.ping()
        body = json.dumps({"ok": healthy, "database": "reachable" if healthy else "unreachable"}).encode()
        status = "200 OK" if healthy else "503 Service Unavailable"
        start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
        return [body]


def _plain(start_response: Callable[..., object], status: str, text: str) -> list[bytes]:
    body = text.encode()
    start_response(status, [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))])
    return [body]


def create_wsgi_app() -> WebApp:
    """gunicorn's application factory (`bot.web:create_wsgi_app()`): one runtime and app per worker."""
    from bot.app import create_app
    from bot.startup import prepare

    runtime = prepare("serve")
    return WebApp(create_app(runtime), runtime)
