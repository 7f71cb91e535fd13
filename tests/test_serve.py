"""`clubbot serve` as the Procfile runs it: gunicorn with threaded workers, answering Slack and health checks."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

import httpx

from tests.conftest import SESSION_SIGNING_SECRET, app_environment
from tests.support import sign

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def half_sent_body(port: int) -> socket.socket:
    connection = socket.create_connection(("127.0.0.1", port), timeout=20)
    connection.sendall(
        b"POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        b"Content-Length: 1000\r\n\r\n" + b"x" * 100
    )
    return connection


def read_status(connection: socket.socket) -> str:
    """The status code of the answer, or what happened instead (the recv timeout is a liveness bound, 20 s)."""
    try:
        head = connection.recv(200)
    except TimeoutError:
        return "no answer within 20 s"
    finally:
        connection.close()
    return head.split(b" ", 2)[1].decode() if head.startswith(b"HTTP/") else f"closed: {head!r}"


def test_clubbot_serve_runs_gunicorn_answers_slack_and_stops_on_sigterm(slack, tmp_path):
    port = free_port()
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": str(ROOT),
        "CLUBBOT_DATA_DIR": str(tmp_path),
        **app_environment(slack.db.url, slack.standin.api_url),
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "serve", "--port", str(port), "--workers", "1", "--threads", "2"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        health = None
        while time.monotonic() < deadline and server.poll() is None:
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.2)
        assert health is not None and health.status_code == 200, server.stdout.read().decode() if server.stdout else ""
        body = urlencode(
            {
                "command": "/club",
                "text": "help",
                "user_id": slack.admin,
                "channel_id": slack.secretariat,
                "team_id": "T0CLUBBOT",
                "response_url": "http://127.0.0.1:9/r",
                "trigger_id": "1.2",
            }
        ).encode()
        answer = httpx.post(
            f"http://127.0.0.1:{port}/slack/events",
            content=body,
            headers={"Content-Type": "application/x-www-form-urlencoded", **sign(SESSION_SIGNING_SECRET, body)},
            timeout=10,
        )
        assert answer.status_code == 200
        assert "클럽의 교류를 이어 가는 도우미" in answer.json()["text"]
        unsigned = httpx.post(f"http://127.0.0.1:{port}/slack/events", content=body, timeout=10)
        assert unsigned.status_code == 401
        # slow clients (issue 14): more half-sent bodies than the worker has threads are each dropped with a 400
        # after gunicorn_config.BODY_READ_TIMEOUT (3 s), and the server answers again; without the bound each
        # would hold a thread for as long as the client cares to wait
        stalled = [half_sent_body(port) for _ in range(3)]
        answers = [read_status(connection) for connection in stalled]
        assert answers == ["400", "400", "400"]
        assert httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=10).status_code == 200
    finally:
        server.send_signal(signal.SIGTERM)
        status = server.wait(timeout=30)
    assert status == 0
