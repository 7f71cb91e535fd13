"""The Bolt app factory. Nothing runs at import: `create_app(runtime)` builds and returns the App."""

from __future__ import annotations

import logging

from slack_bolt import App

from bot.runtime import Runtime

log = logging.getLogger(__name__)


def create_app(runtime: Runtime, *, verify_token: bool = True) -> App:
    """Build the Bolt app with every feature's listeners registered.

    Requests are always signature-checked (Bolt's `request_verification_enabled` stays on).
    `verify_token` calls `auth.test` once at start so a wrong token fails fast.
    """
    from handlers import register_all  # handlers import bot.*, so import here to keep bot/ import-light

    settings = runtime.settings.require("slack_bot_token", "slack_signing_secret")
    app = App(
        signing_secret=settings.slack_signing_secret,
        client=runtime.slack.client,  # carries the bot token, the retry handlers and the pacer
        token_verification_enabled=verify_token,
        request_verification_enabled=True,
        ignoring_self_events_enabled=True,
        url_verification_enabled=True,
        ssl_check_enabled=True,
        name="clubbot",
    )
    register_all(app, runtime)
    return app
