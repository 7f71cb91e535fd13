"""The stand-in's HTTP front: a ThreadingHTTPServer on a background thread.

Routes:
  GET|POST /api/<method>        Slack Web API
  POST     /response/<id>       response_url of a slash command or interaction
  POST     /upload/<file_id>    upload_url handed out by files.getUploadURLExternal
  GET      /files/<file_id>/... url_private of an uploaded file (needs a valid token)
  GET      /_standin/calls      the recorded Web API calls as JSON (debugging)
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol
from urllib.parse import unquote, urlsplit


@dataclass
class HttpAnswer:
    status: int = 200
    body: bytes = b""
    content_type: str = "application/json; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    drop: bool = False  # close the socket without answering

    @classmethod
    def json(cls, data: Any, status: int = 200, headers: dict[str, str] | None = None) -> HttpAnswer:
        return cls(status, json.dumps(data, ensure_ascii=False).encode("utf-8"), headers=dict(headers or {}))

    @classmethod
    def text(cls, text: str, status: int = 200) -> HttpAnswer:
        return cls(status, text.encode("utf-8"), "text/plain; charset=utf-8")


@dataclass
class HttpRequest:
    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes


class HttpApp(Protocol):
    """What the server serves (``SlackStandIn`` is one): it answers requests and records its own failures."""

    def handle_http(self, request: HttpRequest) -> HttpAnswer: ...

    def record_internal_error(self, request: HttpRequest, exc: BaseException) -> None: ...


def _make_handler(standin: HttpApp) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "SlackStandIn/1.0"
        sys_version = ""
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            return

        def _read(self) -> HttpRequest:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length > 0 else b""
            parts = urlsplit(self.path)
            headers = {k.lower(): v for k, v in self.headers.items()}
            return HttpRequest(self.command, unquote(parts.path), parts.query, headers, body)

        def _answer(self, answer: HttpAnswer) -> None:
            if answer.drop:
                self.close_connection = True
                with contextlib.suppress(OSError):
                    self.connection.shutdown(socket.SHUT_RDWR)
                return
            self.send_response(answer.status)
            self.send_header("Content-Type", answer.content_type)
            self.send_header("Content-Length", str(len(answer.body)))
            for key, value in answer.headers.items():
                self.send_header(key, value)
            self.end_headers()
            try:
                self.wfile.write(answer.body)
            except (BrokenPipeError, ConnectionResetError):
                # the client went away (a killed process): the call was applied, its answer is lost, as on Slack
                self.close_connection = True

        def _route(self) -> None:
            request = self._read()
            try:
                answer = standin.handle_http(request)
            except Exception as exc:  # noqa: BLE001 - a stand-in bug must not kill the connection silently
                standin.record_internal_error(request, exc)
                answer = HttpAnswer.json(
                    {"ok": False, "error": "internal_error", "standin_exception": f"{type(exc).__name__}: {exc}"}, 500
                )
            self._answer(answer)

        def do_GET(self) -> None:
            self._route()

        def do_POST(self) -> None:
            self._route()

    return Handler


class StandInServer:
    def __init__(self, standin: HttpApp, host: str, port: int) -> None:
        self.httpd = ThreadingHTTPServer((host, port), _make_handler(standin))
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="standin-http", daemon=True
        )

    @property
    def address(self) -> tuple[str, int]:
        host, port = self.httpd.server_address[:2]
        return str(host), int(port)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5.0)
