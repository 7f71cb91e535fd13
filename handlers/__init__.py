"""Bolt listeners: they translate Slack payloads into service calls and views into Slack answers.

`register_all` is the one place every feature's listeners are attached.
"""

from __future__ import annotations

from slack_bolt import App

from bot.runtime import Runtime

#: The Events API subscriptions the listeners below need (manifest.yml must declare exactly these).
SUBSCRIBED_EVENTS: frozenset[str] = frozenset()


def register_all(app: App, runtime: Runtime) -> None:
    """Attach every feature's listeners: each feature module has `register(app, router, runtime)`."""
    from handlers import digests as digests_feature
    from handlers import help as help_feature
    from handlers.router import CommandRouter

    router = CommandRouter(runtime)
    for feature in (help_feature, digests_feature):
        feature.register(app, router, runtime)
    router.attach(app)
