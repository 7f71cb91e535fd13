"""Fixtures for the scholarly clients: the loopback Crossref/OpenAlex stand-in and an HTTP layer for it."""

from __future__ import annotations

import pytest

from bot.scholarly.http import Http, HttpOptions, RequestBudget
from bot.standin.scholarly import ScholarlyServer


@pytest.fixture
def scholarly(scholarly_server: ScholarlyServer) -> ScholarlyServer:
    """The stand-in (the one the served app talks to), with an empty catalogue, no faults and no requests."""
    scholarly_server.reset()
    return scholarly_server


class Waits:
    """An async `sleep` that records how long it was asked to wait, and does not wait."""

    def __init__(self) -> None:
        self.seconds: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.seconds.append(seconds)


@pytest.fixture
def waits() -> Waits:
    return Waits()


@pytest.fixture
def options() -> HttpOptions:
    """Private addresses allowed (the stand-in is on loopback), short timeouts so faults stay quick."""
    return HttpOptions(connect_timeout=2.0, read_timeout=0.5, deadline=3.0, attempts=4, allow_private=True)


@pytest.fixture
def http(options: HttpOptions, waits: Waits) -> Http:
    return Http(options, RequestBudget(None), sleep=waits)
