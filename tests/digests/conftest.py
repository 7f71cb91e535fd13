"""Fixtures for the digest feature end to end: the loopback feed server, fresh feeds, a club whose digest
time has just passed, and helpers to run the digest job and deliver the outbox."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from zoneinfo import ZoneInfo

import pytest

from bot.slack.text import render_message
from bot.time import zone
from jobs import clock
from jobs import digests as digest_job
from storage.models import Club
from tests.feeds.server import SAMPLES, FeedServer
from tests.support import World


@pytest.fixture(scope="session")
def _digest_feed_server() -> Iterator[FeedServer]:
    assert SAMPLES.is_dir(), f"the shared feed samples are missing at {SAMPLES}"
    server = FeedServer().start()
    yield server
    server.stop()


@pytest.fixture
def feed_server(_digest_feed_server: FeedServer) -> FeedServer:
    _digest_feed_server.reset()
    return _digest_feed_server


def rss(title: str, items: list[dict[str, object]]) -> bytes:
    """An RSS 2.0 feed; each item has a title and link, optionally a guid, a `hours_ago` date and a summary."""
    now = datetime.now(UTC)
    parts = [f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{title}</title>']
    for item in items:
        guid = f'<guid isPermaLink="false">{item["guid"]}</guid>' if "guid" in item else ""
        when = now - timedelta(hours=float(item.get("hours_ago", 2)))  # type: ignore[arg-type]
        parts.append(
            f"<item><title>{item['title']}</title><link>{item['link']}</link>{guid}"
            f"<pubDate>{format_datetime(when, usegmt=True)}</pubDate>"
            f"<description>{item.get('summary', '')}</description></item>"
        )
    parts.append("</channel></rss>")
    return "".join(parts).encode()


QUANTUM_ITEMS = [
    {
        "title": "Logical qubits below threshold with trapped ion error correction",
        "link": "https://journal.example/q/1",
        "summary": "A &lt;b&gt;trapped-ion&lt;/b&gt; processor keeps logical errors low.",
    },
    {"title": "Quantum sensing with nitrogen-vacancy centres in diamond", "link": "https://journal.example/q/2"},
    {"title": "Superconducting qubit coherence passes one millisecond", "link": "https://journal.example/q/3"},
]


def slot_just_passed(world: World, club_id: int, *, minutes_ago: int = 30) -> None:
    """Set the club's digest day and time to `minutes_ago` minutes ago (in its time zone)."""
    with world.db.session() as session:
        club = session.get(Club, club_id)
        tz = zone(club.timezone, world.runtime.settings.timezone)
        local = (datetime.now(UTC) - timedelta(minutes=minutes_ago)).astimezone(tz)
        club.digest_weekday, club.digest_hour, club.digest_minute = local.weekday(), local.hour, local.minute


def club_tz(world: World, club_id: int) -> ZoneInfo:
    with world.db.session() as session:
        club = session.get(Club, club_id)
        return zone(club.timezone, world.runtime.settings.timezone)


def run_digest(world: World, *, at: datetime | None = None, owner: str = "clock:test:1", runtime=None) -> dict:
    return clock.run_due(runtime or world.runtime, digest_job.JOB, owner=owner, at=at)


def posts(world: World, channel: str) -> list[str]:
    """The bot's posts in a channel, oldest first, as a person reads them: each with the bot's replies in its
    thread after it (a long digest is a short post and its items in the thread)."""
    bot = world.standin.bot_user_id
    messages = world.standin.messages(channel)
    replies: dict[str, list[str]] = {}
    for m in messages:
        if m.user == bot and m.is_reply and m.thread_ts:
            replies.setdefault(m.thread_ts, []).append(render_message(m.text, m.blocks))
    return [
        "\n".join([render_message(m.text, m.blocks), *replies.get(m.ts, [])])
        for m in messages
        if m.user == bot and not m.subtype and not m.is_reply
    ]


def answer(delivery, *, timeout: float = 30.0) -> str:
    """What the person was told after the ack (a command that acks first and answers later)."""
    responses = delivery.wait_for_responses(n=1, timeout=timeout)
    assert responses, f"no answer after the ack {delivery.body!r}"
    return render_message(responses[-1].get("text"), responses[-1].get("blocks"))
