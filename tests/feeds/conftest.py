"""Fixtures for the feed engine: the loopback feed server and fetch options for it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.digests.feeds.types import FetchOptions
from tests.feeds.server import SAMPLES, FeedServer


@pytest.fixture(scope="session")
def _session_feed_server() -> Iterator[FeedServer]:
    assert SAMPLES.is_dir(), f"the shared feed samples are missing at {SAMPLES}"
    server = FeedServer().start()
    yield server
    server.stop()


@pytest.fixture
def feed_server(_session_feed_server: FeedServer) -> FeedServer:
    """The loopback feed server, with no custom routes and empty request counts."""
    _session_feed_server.reset()
    return _session_feed_server


@pytest.fixture
def options() -> FetchOptions:
    """Fetch options for the loopback server: private addresses allowed, short limits so tests stay quick."""
    return FetchOptions(
        connect_timeout=2.0,
        read_timeout=1.0,
        deadline=3.0,
        max_bytes=5 * 1024 * 1024,
        allow_private=True,
    )
