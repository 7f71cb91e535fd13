"""The HTTP face of the app: Bolt at `/slack/events`, `GET /healthz`; a WSGI callable for gunicorn."""

from __future__ import annotations

import io
import json
import logging
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, NamedTuple
from urllib.parse import parse_qsl

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_bolt.request.internals import parse_body
from sqlalchemy.exc import SQLAlchemyError

from bot.runtime import Runtime
from bot.slack import signing
from bot.startup import build_app, prepare
from storage.db import describe_database_error

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIEnvironment

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
#: Slack's payloads are far smaller; anything bigger is refused before it is read.
MAX_BODY_BYTES = 1024 * 1024
#: A form body Slack sends has a dozen fields; far more is not Slack's.
MAX_FORM_FIELDS = 200


class WebApp:
    """WSGI application: routes Slack's requests to Bolt and answers health checks."""

    def __init__(self, app: App, runtime: Runtime) -> None:
        self.app = app
        self.runtime = runtime
        self._bolt = SlackRequestHandler(app, path=EVENTS_PATH)
        self._seen = signing.SeenSignatures(runtime.db)

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET")
        if path == "/healthz" and method in {"GET", "HEAD"}:
            return self._health(start_response)
        if path == EVENTS_PATH and method == "POST":
            return self._events(environ, start_response)
        return _plain(start_response, "404 Not Found", "not found")

    def _events(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        """Everything before Bolt answers 200/400/401/413 with one log line, whatever the bytes and headers."""
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return _refuse(start_response, "400 Bad Request", "Content-Length is not a number")
        if length < 0 or length > MAX_BODY_BYTES:
            return _refuse(start_response, "413 Content Too Large", f"body of {length} bytes", "request body too large")
        try:
            body = environ["wsgi.input"].read(length) if length else b""
        except (OSError, ValueError) as error:  # the client went away or stalled mid-body (gunicorn_config)
            return _refuse(start_response, "400 Bad Request", f"body not received ({type(error).__name__})")
        environ["wsgi.input"] = io.BytesIO(body)
        content_type = str(environ.get("CONTENT_TYPE", ""))
        text = _utf8(body)
        if text is not None and _is_ssl_check(text, content_type):
            # Slack's certificate check, answered as Bolt does: 200, signed or not, nothing else done
            return _plain(start_response, "200 OK", "")
        headers = _slack_headers(environ)
        secret = self.runtime.settings.slack_signing_secret or ""
        reason = signing.refusal(secret, body, headers.timestamp, headers.signature, now=time.time())
        if reason is not None:
            return _refuse(start_response, "401 Unauthorized", reason, "invalid request")
        if text is None:
            return _refuse(start_response, "400 Bad Request", "signed body is not UTF-8", "malformed request")
        parsed = _parse(text, content_type)
        if isinstance(parsed, dict) and parsed.get("type") == "app_rate_limited":
            minute = _loggable(parsed.get("minute_rate_limited"))
            log.warning("Slack is holding back events: app_rate_limited for minute %s", minute)
            return _plain(start_response, "200 OK", "")
        if not (isinstance(parsed, dict) and _shape_ok(parsed)):
            # Bolt assumes Slack's shapes while parsing, before any listener runs: a signed body Slack would never
            # send is refused here, never a 500.
            return _refuse(start_response, "400 Bad Request", "signed body not shaped as Slack's", "malformed request")
        if not self._first_sight(parsed, headers):
            log.warning("answered a replayed signed request (%s) without processing it again", _kind(parsed))
            return _plain(start_response, "200 OK", "")
        return self._bolt(environ, start_response)

    def _first_sight(self, parsed: dict[str, Any], headers: _SlackHeaders) -> bool:
        """Whether this signed request is new. Slack's retries of an event are let through (the event's ID is what
        de-duplicates them); if the database cannot say, the request goes on (its own work will meet the outage)."""
        if headers.retry_num is not None and parsed.get("type") == "event_callback":
            return True
        assert headers.signature is not None and headers.timestamp is not None  # checked by the signature
        try:
            return self._seen.first_sight(headers.signature, int(headers.timestamp))
        except SQLAlchemyError as error:
            log.warning("could not check for a replayed request (%s)", describe_database_error(error))
            return True

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


def _utf8(body: bytes) -> str | None:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _is_ssl_check(text: str, content_type: str) -> bool:
    if "json" in content_type.lower() or "ssl_check=" not in text:
        return False
    try:
        fields = parse_qsl(text, max_num_fields=MAX_FORM_FIELDS)
    except ValueError:
        return False
    return ("ssl_check", "1") in fields


def _parse(text: str, content_type: str) -> object:
    """Bolt's own parsing of a body, or None where it would raise (bad JSON, nesting too deep, too many fields)."""
    if content_type != "application/json" and not text.startswith("{"):  # Bolt's own test for a form
        try:
            parse_qsl(text, max_num_fields=MAX_FORM_FIELDS)
        except ValueError:
            return None
    try:
        return parse_body(text, content_type)
    except (ValueError, RecursionError, TypeError):
        return None


class _SlackHeaders(NamedTuple):
    timestamp: str | None
    signature: str | None
    retry_num: str | None


def _slack_headers(environ: WSGIEnvironment) -> _SlackHeaders:
    def header(name: str) -> str | None:
        value = environ.get(name)
        return value if isinstance(value, str) else None

    return _SlackHeaders(
        header("HTTP_X_SLACK_REQUEST_TIMESTAMP"), header("HTTP_X_SLACK_SIGNATURE"), header("HTTP_X_SLACK_RETRY_NUM")
    )


def _kind(body: dict[str, Any]) -> str:
    if "command" in body:
        return f"{_loggable(body.get('command'))} command"
    return _loggable(body.get("type"))


def _loggable(value: object) -> str:
    return repr(value)[:40]


def _refuse(start_response: Callable[..., object], status: str, reason: str, answer: str | None = None) -> list[bytes]:
    """One log line, no traceback, a short plain answer."""
    log.warning("refused a request to %s: %s (%s)", EVENTS_PATH, reason, status.split()[0])
    return _plain(start_response, status, answer or reason)


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
