"""Helpers for the tracking tests: delivering the outbox, reading cards and forms as a person sees them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.slack.text import render_message, render_view
from bot.standin import Delivery
from storage.models import OutboxMessage
from tests.support import deliver_all as flush


def card(world, channel: str, ref: str) -> str:
    """The card of an item (`output:12`) as it reads in the channel now."""
    flush(world)
    with world.db.session() as session:
        row = session.scalar(
            select(OutboxMessage).where(OutboxMessage.ref == ref, OutboxMessage.kind == "message").limit(1)
        )
        assert row is not None, f"no card for {ref}"
        ts = row.ts
    message = next(m for m in world.standin.messages(channel) if m.ts == ts)
    return render_message(message.text, message.blocks, world.names())


def bot_posts(world, channel: str) -> list[Any]:
    flush(world)
    return [m for m in world.standin.messages(channel) if m.bot_id]


def dms(world, user_id: str) -> list[Any]:
    """The bot's direct messages to a person, oldest first."""
    flush(world)
    channel = world.standin.dm_channel(user_id)
    return [m for m in world.standin.messages(channel) if m.bot_id]


def dm_texts(world, user_id: str) -> list[str]:
    return [render_message(m.text, m.blocks, world.names()) for m in dms(world, user_id)]


def top_view(world, user_id: str, *, timeout: float = 5.0, replacing: str | None = None) -> Any:
    """The modal on top of the person's screen once it is not the loading view any more (nor `replacing`: the
    modal that was on top before a click whose new modal opens only after the click's acknowledgment)."""

    def ready() -> bool:
        views = world.standin.views(user_id)
        return bool(views) and views[-1].callback_id != "loading" and views[-1].id != replacing

    assert world.standin.wait_for(ready, timeout=timeout), "no form opened"
    return world.standin.views(user_id)[-1]


def view_text(world, view) -> str:
    return render_view(
        {"title": view.title, "blocks": view.blocks, "submit": view.submit, "id": view.id}, world.names()
    )


def ephemeral_texts(world, user_id: str, *, timeout: float = 3.0, at_least: int = 1) -> list[str]:
    world.standin.wait_for(lambda: len(world.standin.ephemerals(user_id)) >= at_least, timeout=timeout)
    return [render_message(m.text, m.blocks, world.names()) for m in world.standin.ephemerals(user_id)]


def errors_of(delivery: Delivery) -> dict[str, str]:
    body = delivery.json or {}
    assert body.get("response_action") == "errors", body
    return body["errors"]
