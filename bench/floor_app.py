"""The floors for `bench/commands.py`: Bolt apps on the same gunicorn configuration that acknowledge `/club`.
Same signature check, same WSGI adapter.

- `create()`: the bare ack: no database, no work.
- `create(durable=True)`: the durable ack: one SQLAlchemy Core `INSERT` of the command's text and `COMMIT` on the
  app's database (`DATABASE_URL`), then the ack. Whatever a filing adds to this is the cost of the way it is
  written; this much any app that confirms only what it stored pays.
"""

from __future__ import annotations

import os
from typing import Any

from slack_bolt import Ack, App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient
from sqlalchemy import Column, Integer, MetaData, Table, Text, create_engine, event, insert
from sqlalchemy.exc import DBAPIError

from storage.db import normalize_database_url

METADATA = MetaData()
ACKS = Table("bench_durable_acks", METADATA, Column("id", Integer, primary_key=True), Column("text", Text))


def _engine() -> Any:
    url = normalize_database_url(os.environ["DATABASE_URL"])
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 2.0})

        def pragmas(connection: Any, _record: Any) -> None:
            for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "busy_timeout=2000"):
                connection.execute(f"PRAGMA {pragma}")

        event.listen(engine, "connect", pragmas)
    else:
        engine = create_engine(url, pool_size=10, max_overflow=10)
    try:
        METADATA.create_all(engine)
    except DBAPIError:  # the other worker created it at the same moment (PostgreSQL's catalog refuses the second)
        METADATA.create_all(engine)
    return engine


def create(durable: bool = False) -> SlackRequestHandler:
    client = WebClient(token=os.environ["SLACK_BOT_TOKEN"], base_url=os.environ["SLACK_API_URL"])
    app = App(signing_secret=os.environ["SLACK_SIGNING_SECRET"], client=client, token_verification_enabled=False)
    engine = _engine() if durable else None

    @app.command("/club")
    def acknowledge(ack: Ack, body: dict[str, Any]) -> None:
        if engine is not None:
            with engine.begin() as connection:
                connection.execute(insert(ACKS).values(text=body.get("text") or ""))
        ack()

    handler = SlackRequestHandler(app)

    def wsgi(environ: dict, start_response):
        if environ.get("PATH_INFO") == "/healthz":
            start_response("200 OK", [("Content-Type", "text/plain")])
            return [b"ok"]
        return handler(environ, start_response)

    return wsgi  # type: ignore[return-value]
