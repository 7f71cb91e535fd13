"""The last resort for a request whose listener (or the form guard) failed: the person gets the polite "try again"
instead of Slack's `dispatch_failed` or "We had some trouble connecting" (a command gets it as its ephemeral
answer, a form submission as a notice on top of the form, so nothing typed is lost). `/club` answers its own
errors in the router; this catches what happens outside it.

A listener that fails *after* `ack()` (a forged button value, the database failing at that moment) is
acknowledged as it said: Bolt's thread runner would write `None` over the ack's answer, and Slack would get a 404
"unhandled request" 3 s later; `KeptAck` keeps the answer given, and the person gets the "try again" through the
request's response URL. The error is logged once, with its traceback."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, BoltContext, BoltResponse, Respond
from slack_sdk.errors import SlackClientError

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


class KeptAck(Ack):
    """An `ack` whose answer, once given, stays given (Bolt's runner sets it to None when the listener fails
    after acknowledging, which turns the answer into a 404)."""

    @property
    def response(self) -> BoltResponse | None:
        return self.__dict__.get("_kept")

    @response.setter
    def response(self, value: BoltResponse | None) -> None:
        if value is None and self.__dict__.get("_kept") is not None:
            return
        self.__dict__["_kept"] = value


class ErrorListeners:
    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    def keep_ack(self, context: BoltContext, next: Callable[[], BoltResponse]) -> BoltResponse:
        """Global middleware: every listener's `ack` is a `KeptAck`."""
        context["ack"] = KeptAck()
        return next()

    def on_error(
        self, error: Exception, body: dict[str, Any], response: BoltResponse | None, respond: Respond | None
    ) -> BoltResponse | None:
        kind = request_kind(body)
        if database_unavailable(error):  # expected while the database restarts: one line, no traceback
            log.warning("database unavailable during a %s (%s)", kind, describe_database_error(error))
        else:
            log.error("a %s failed", kind, exc_info=error)
        user = body.get("user")
        user_id = body.get("user_id") or (user.get("id") if isinstance(user, dict) else None)
        if response is None:  # already acknowledged: that answer stands; the person hears through the response URL
            self._tell_after_ack(body, user_id, respond)
            return None
        if "command" in body and user_id:
            return BoltResponse(status=200, body=try_again(self.runtime.language_of(user_id)).as_ack())
        if body.get("type") == "view_submission" and user_id:
            lang = self.runtime.language_of(user_id)
            return BoltResponse(
                status=200, body={"response_action": "push", "view": notice(lang, try_again(lang).text)}
            )
        return None


    def _tell_after_ack(self, body: dict[str, Any], user_id: str | None, respond: Respond | None) -> None:
        if respond is None or not body.get("response_url") or not user_id or "event" in body:
            return
        try:
            respond(**try_again(self.runtime.language_of(user_id)).as_ack(), replace_original=False)
        except (OSError, ValueError, SlackClientError) as failure:  # the response URL expired or is unreachable
            log.warning("could not tell %s to try again (%s)", user_id, type(failure).__name__)


def register(app: App, router: CommandRouter, runtime: Runtime) -> None:
    listeners = ErrorListeners(runtime)
    app.use(listeners.keep_ack)
    app.error(listeners.on_error)
