"""The last resort for a request whose listener (or the form guard) failed: the person gets the polite "try again"
instead of Slack's `dispatch_failed` or "We had some trouble connecting" (a command gets it as its ephemeral
answer, a form submission as a notice on top of the form, so nothing typed is lost). `/club` answers its own
errors in the router; this catches what happens outside it."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, BoltResponse

from bot.help import try_again
from bot.runtime import Runtime
from bot.slack.modals import notice
from handlers.router import CommandRouter
from storage.db import database_unavailable, describe_database_error

log = logging.getLogger(__name__)


def request_kind(body: dict[str, Any]) -> str:
    if "command" in body:
        return f"{body.get('command')} command"
    event = body.get("event")
    if isinstance(event, dict):
        return f"{event.get('type')} event"
    return str(body.get("type") or "unknown")


class ErrorListeners:
    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    def on_error(self, error: Exception, body: dict[str, Any], response: BoltResponse | None) -> BoltResponse | None:
        kind = request_kind(body)
        if database_unavailable(error):  # expected while the database restarts: one line, no traceback
            log.warning("database unavailable during a %s (%s)", kind, describe_database_error(error))
        else:
            log.error("a %s failed", kind, exc_info=error)
        if response is None:  # already acknowledged; whatever was said stands
            return None
        user = body.get("user")
        user_id = body.get("user_id") or (user.get("id") if isinstance(user, dict) else None)
        if "command" in body and user_id:
            return BoltResponse(status=200, body=try_again(self.runtime.language_of(user_id)).as_ack())
        if body.get("type") == "view_submission" and user_id:
            lang = self.runtime.language_of(user_id)
            return BoltResponse(
                status=200, body={"response_action": "push", "view": notice(lang, try_again(lang).text)}
            )
        return None


def register(app: App, router: CommandRouter, runtime: Runtime) -> None:
    listeners = ErrorListeners(runtime)
    app.error(listeners.on_error)
