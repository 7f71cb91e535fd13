"""gunicorn settings for the web process (`gunicorn --config python:bot.gunicorn_config`).

Threads, not processes, carry the concurrency: Bolt acknowledges within Slack's 3 seconds while
listeners finish their work. Sized by `WEB_CONCURRENCY` (workers) and `WEB_THREADS` (threads each).
"""

import os
import socket
from typing import Any

bind = f"0.0.0.0:{os.environ.get('PORT', '3000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "gthread"
threads = int(os.environ.get("WEB_THREADS", "8"))
timeout = 30
graceful_timeout = 20
keepalive = 5
accesslog = "-"
errorlog = "-"
# Slack signs the body; keep request lines and headers within sane bounds.
limit_request_line = 8190
limit_request_fields = 100

# Slow clients. Production runs behind a buffering reverse proxy (README, Deploying), which receives whole requests
# before passing them on; without one, a client that sends half a body and stalls would hold a worker thread until
# the worker timeout. Each read of a request's body waits at most BODY_READ_TIMEOUT seconds for the next bytes,
# then the request is answered 400 and the connection closed (bot/web.py). A request's headers are bounded by
# gthread's own wait for data and `keepalive`.
BODY_READ_TIMEOUT = float(os.environ.get("WEB_BODY_READ_TIMEOUT", "3"))


def pre_request(worker: Any, req: Any) -> None:
    """gunicorn hook, after the headers and before the app reads the body: bound each read of the body."""
    sock = getattr(getattr(req, "unreader", None), "sock", None)
    if isinstance(sock, socket.socket):
        sock.settimeout(BODY_READ_TIMEOUT)
