"""The floor for `bench/commands.py`: a Bolt app on the same gunicorn configuration that only acknowledges
`/club`. Same signature check, same WSGI adapter; no database, no work."""

from __future__ import annotations

import os

from slack_bolt import Ack, App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient


def create() -> SlackRequestHandler:
    client = WebClient(token=os.environ["SLACK_BOT_TOKEN"], base_url=os.environ["SLACK_API_URL"])
    app = App(signing_secret=os.environ["SLACK_SIGNING_SECRET"], client=client, token_verification_enabled=False)

    @app.command("/club")
    def acknowledge(ack: Ack) -> None:
        ack()

    handler = SlackRequestHandler(app)

    def wsgi(environ: dict, start_response):
        if environ.get("PATH_INFO") == "/healthz":
            start_response("200 OK", [("Content-Type", "text/plain")])
            return [b"ok"]
        return handler(environ, start_response)

    return wsgi  # type: ignore[return-value]
