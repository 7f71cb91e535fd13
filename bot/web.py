"""The HTTP face of the app: Bolt at `/slack/events`, `GET /healthz`; a WSGI callable for gunicorn."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_bolt.request.internals import parse_body
from slack_sdk.signature import SignatureVerifier

from bot.runtime import Runtime
from bot.startup import build_app, prepare

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
        self._verifier = SignatureVerifier(runtime.settings.slack_signing_secret or "")

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
            body = environ["wsgi.input"].read(length) if length else b""
            environ["wsgi.input"] = io.BytesIO(body)
            if not _well_formed(body, environ.get("CONTENT_TYPE", "")):
                # Bolt assumes Slack's shapes while parsing, before any listener runs; a body Slack would
                # never send is refused here: 401 when it is not signed, else 400 — never a 500.
                if not self._verifier.is_valid(
                    body, environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP"), environ.get("HTTP_X_SLACK_SIGNATURE")
                ):
                    return _plain(start_response, "401 Unauthorized", "invalid request")
                log.warning("refused a signed request not shaped like Slack's")
                return _plain(start_response, "400 Bad Request", "malformed request")
            return self._bolt(environ, start_response)
        return _plain(start_response, "404 Not Found", "not found")

    def _health(self, start_response: StartResponse) -> Iterable[bytes]:
        healthy = self.runtime.db.ping()
        body = json.dumps({"ok": healthy, "database": "reachable" if healthy else "unreachable"}).encode()
        status = "200 OK" if healthy else "503 Service Unavailable"
        start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
        return [body]


def _has(mapping: Any, *path: str) -> bool:
    for key in path:
        if not isinstance(mapping, dict) or key not in mapping:
            return False
        mapping = mapping[key]
    return True


def _shape_ok(body: dict[str, Any]) -> bool:
    """Whether a (signed) request has the shape Slack gives each kind of request; Bolt itself assumes it."""
    if "command" in body:
        return bool(body.get("user_id")) and "text" in body
    kind = body.get("type")
    if kind == "event_callback":
        return _has(body, "event", "type")
    if kind == "url_verification":
        return "challenge" in body
    if kind == "block_actions":
        actions = body.get("actions")
        return (
            _has(body, "user", "id")
            and isinstance(actions, list)
            and all(isinstance(a, dict) and "action_id" in a for a in actions)
        )
    if kind in ("view_submission", "view_closed"):
        view = body.get("view")
        return (
            _has(body, "user", "id")
            and isinstance(view, dict)
            and all(k in view for k in ("id", "type", "callback_id"))
        )
    if kind in ("shortcut", "message_action"):
        return _has(body, "user", "id") and "callback_id" in body
    if kind == "block_suggestion":
        return _has(body, "user", "id") and "action_id" in body
    return False


def _well_formed(body: bytes, content_type: str) -> bool:
    try:
        parsed = parse_body(body.decode("utf-8"), content_type)
    except (ValueError, UnicodeDecodeError):
        return False
    return isinstance(parsed, dict) and _shape_ok(parsed)


def _plain(start_response: Callable[..., object], status: str, text: str) -> list[bytes]:
    body = text.encode()
    start_response(status, [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))])
    return [body]


def create_wsgi_app() -> WebApp:
    """gunicorn's application factory (`bot.web:create_wsgi_app()`): one runtime and app per worker."""
    # `clubbot serve` checks the database strictly before forking; a worker (re)started while the database is
    # restarting serves politely instead of exiting (gunicorn would restart it in a loop, nobody answering)
    runtime = prepare("serve", database_may_be_away=True)
    return WebApp(build_app(runtime), runtime)
