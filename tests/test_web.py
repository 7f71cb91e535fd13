"""The HTTP face: /healthz tells whether the database answers; oversized and unknown requests are refused."""

from __future__ import annotations

import httpx

from bot.app import create_app
from bot.runtime import Runtime
from bot.server import LocalServer
from bot.web import MAX_BODY_BYTES, WebApp


def test_healthz_is_200_when_the_database_answers(slack):
    response = httpx.get(slack.app.url + "/healthz", timeout=5)
    assert response.status_code == 200
    assert response.json() == {"ok": True, "database": "reachable"}


def test_healthz_is_503_when_the_database_does_not_answer(app_settings, standin_server):
    settings = app_settings.with_overrides(database_url="postgresql+psycopg://nobody@127.0.0.1:1/none")
    runtime = Runtime.from_settings(settings)
    server = LocalServer(WebApp(create_app(runtime, verify_token=False), runtime)).start()
    try:
        response = httpx.get(server.url + "/healthz", timeout=15)
    finally:
        server.stop()
        runtime.close()
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


def test_an_oversized_body_is_refused_before_it_reaches_bolt(slack):
    response = httpx.post(
        slack.app.events_url, content=b"x" * (MAX_BODY_BYTES + 1), headers={"Content-Type": "text/plain"}, timeout=10
    )
    assert response.status_code == 413
    assert not slack.standin.calls


def test_unknown_paths_are_404(slack):
    assert httpx.get(slack.app.url + "/admin", timeout=5).status_code == 404
    assert httpx.get(slack.app.events_url, timeout=5).status_code == 404  # Slack only POSTs
