"""Serving the WSGI app: gunicorn in production, a threaded loopback server for the console and tests."""

from __future__ import annotations

import logging
import threading
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from bot.web import create_wsgi_app

log = logging.getLogger(__name__)


def serve_with_gunicorn(*, port: int, workers: int | None = None, threads: int | None = None) -> None:
    """Run gunicorn with `bot.gunicorn_config` and the `bot.web:create_wsgi_app()` factory (as the Procfile does)."""
    from gunicorn.app.base import BaseApplication  # gunicorn, and its settings read from the environment, only here

    from bot import gunicorn_config

    class ClubbotGunicorn(BaseApplication):
        def load_config(self) -> None:
            # the same settings as `gunicorn --config python:bot.gunicorn_config` (the Procfile's web process)
            for name, value in vars(gunicorn_config).items():
                if name in self.cfg.settings and value is not None:
                    self.cfg.set(name, value)
            self.cfg.set("bind", f"0.0.0.0:{port}")
            if workers:
                self.cfg.set("workers", workers)
            if threads:
                self.cfg.set("threads", threads)

        def load(self) -> Any:
            return create_wsgi_app()

    ClubbotGunicorn().run()


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s - %s", self.address_string(), format % args)


class LocalServer:
    """A threaded WSGI server on 127.0.0.1 in a background thread (console and tests, never production)."""

    def __init__(self, wsgi_app: Any, *, host: str = "127.0.0.1", port: int = 0) -> None:
        self._server = make_server(host, port, wsgi_app, server_class=_ThreadingWSGIServer, handler_class=_QuietHandler)
        self._thread = threading.Thread(target=self._server.serve_forever, name="clubbot-http", daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.socket.getsockname()[:2]
        return f"http://{host}:{port}"

    def start(self) -> LocalServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
