"""Bolt listeners: they translate Slack payloads into service calls and views into Slack answers.

`register_all` is the one place every feature's listeners are attached.
"""

from __future__ import annotations

from slack_bolt import App

from bot.runtime import Runtime
from handlers import (
    away,
    casebook,
    clubs,
    deadlines,
    digests,
    errors,
    forms,
    reports,
    router,
    scholarly,
    surveys,
    tracking,
)
from handlers import help as help_feature
from handlers.router import CommandRouter

#: The features, each with `register(app, router, runtime)`.
FEATURES = (help_feature, clubs, away, tracking, surveys, deadlines, digests, reports, scholarly, casebook)
#: The Events API subscriptions the listeners need (manifest.yml must declare exactly these).
SUBSCRIBED_EVENTS: frozenset[str] = clubs.EVENTS | tracking.EVENTS


def register_all(app: App, runtime: Runtime) -> None:
    """Attach every listener, in order: the last-resort error handler, the form guard, `/club` (before the
    features: Bolt tries listeners in order, and commands are the most frequent requests), then each feature's
    listeners; finally check every subcommand has a handler."""
    command_router = CommandRouter(runtime)
    errors.register(app, command_router, runtime)
    forms.register(app, command_router, runtime)
    router.register(app, command_router, runtime)
    for feature in FEATURES:
        feature.register(app, command_router, runtime)
    command_router.verify()
