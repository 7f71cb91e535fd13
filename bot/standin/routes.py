"""The stand-in's HTTP routes (Web API, response URLs, uploads, downloads, the calls log)."""

from __future__ import annotations

import logging
from dataclasses import asdict

from .api import WebApiEndpoint
from .inspection import Inspection
from .responses import ResponseUrls
from .server import HttpAnswer, HttpRequest

log = logging.getLogger(__name__)


class HttpRoutes(WebApiEndpoint, ResponseUrls, Inspection):
    """Route every HTTP request the server receives; host uploads and file downloads."""

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
