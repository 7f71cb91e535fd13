"""SlackStandIn: a local, faithful substitute for the part of Slack clubbot talks to.

It serves the Web API (slack_sdk's ``WebClient(base_url=standin.api_url)`` works unchanged), hosts
response URLs and upload URLs, and delivers signed slash commands, interactivity payloads and Events
API envelopes to the app, as Slack does. Tests and the ``clubbot console`` drive it through the
methods below: set up a workspace, act as people, and inspect what the bot did.

The class is put together from one mixin per concern: state (``base``), direct workspace set-up
(``admin``), inspection, Events API deliveries (``events``), the HTTP routes and the Web API endpoint
(``routes``, ``api``), response URLs, slash commands, interactions, modals, and people acting
(``people``). This module adds the lifecycle: starting and stopping the HTTP server.
"""

from __future__ import annotations

from .admin import WorkspaceAdmin
from .commands import SlashCommands
from .interactions import Interactions
from .modals import Modals
from .people import PeopleActing
from .routes import HttpRoutes
from .server import StandInServer
from .types import StandInUsageError


class SlackStandIn(HttpRoutes, SlashCommands, Interactions, Modals, PeopleActing, WorkspaceAdmin):
    """A local Slack: ``with SlackStandIn(signing_secret=...) as standin:`` serves on 127.0.0.1."""

    def start(self, host: str = "127.0.0.1", port: int = 0) -> SlackStandIn:
        if self._server is not None:
            raise StandInUsageError("the stand-in is already running")
        self._server = StandInServer(self, host, port)
        self._server.start()
        self.dispatcher.start()
        return self

    def stop(self) -> None:
        self.disable_socket_mode()
        self.dispatcher.stop()
        if self._server is not None:
            self._server.stop()
            self._server = None
        self._save()

    def __enter__(self) -> SlackStandIn:
        if self._server is None:
            self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
