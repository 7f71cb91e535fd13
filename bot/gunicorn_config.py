"""gunicorn settings for the web process (`gunicorn --config python:bot.gunicorn_config`).

Threads, not processes, carry the concurrency: Bolt acknowledges within Slack's 3 seconds while
listeners finish their work. Sized by `WEB_CONCURRENCY` (workers) and `WEB_THREADS` (threads each).
"""

import os

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
