"""Bolt listeners: they translate Slack payloads into service calls and views into Slack answers.

`register_all` is the one place every feature's listeners are attached.
"""

from __future__ import annotations

from slack_bolt import App

from bot.runtime import Runtime
from handlers import clubs, deadlines, digests, reports, surveys, tracking
from handlers import help as help_feature

#: The features, each with `register(app, router, runtime)`.
FEATURES = (help_feature, clubs, tracking, surveys, deadlines, digests, reports)
#: The Events API subscriptions the listeners need (manifest.yml must declare exactly these).
SUBSCRIBED_EVENTS: frozenset[str] = clubs.EVENTS | tracking.EVENTS


def register_all(app: App, runtime: Runtime) -> None:
    """Attach every feature's listeners: each feature module has `register(app, router, runtime)`."""
    from handlers.errors import unhandled_error
    from handlers.forms import form_guard
    from handlers.router import CommandRouter

    app.error(unhandled_error(runtime))
    app.use(form_guard(runtime))
    router = CommandRouter(runtime)
    router.attach(app)
    for feature in FEATURES:
        feature.register(app, router, runtime)
    router.verify()
