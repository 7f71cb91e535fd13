"""Discovered joint works: the leaders' *Record as the club's output* and *Not ours* buttons on a suggestion's DM.

Each listener acks, calls `bot.scholarly.suggestions.decide` and answers privately; every leader's DM about the
suggestion is updated through the outbox to show the decision.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from slack_bolt import Ack, App

from bot.errors import UserError
from bot.help import user_error
from bot.runtime import Runtime
from bot.scholarly import suggestions
from bot.scholarly.types import CONFIRM_SUGGESTION, REJECT_SUGGESTION
from bot.scholarly.views import decision_answer
from handlers.answers import tell
from handlers.router import CommandRouter


class ScholarlyListeners:
    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    def _decide(self, body: dict[str, Any], action: dict[str, Any], *, confirm: bool) -> None:
        user_id = body["user"]["id"]
        channel = (body.get("channel") or {}).get("id")
        lang = self.runtime.language_of(user_id)
        value = str(action.get("value") or "")
        try:
            if not value.isdigit():
                raise UserError("scholarly.error.suggestion_gone")
            with self.runtime.db.session() as session:
                card, newly = suggestions.decide(
                    session,
                    int(value),
                    user_id,
                    confirm=confirm,
                    is_admin=self.runtime.settings.is_admin(user_id),
                    now=datetime.now(UTC),
                    language_of=self.runtime.language_of,
                )
        except UserError as error:
            tell(self.runtime, channel, user_id, user_error(lang, error))
            return
        self.runtime.outbox.poke()
        tell(self.runtime, channel, user_id, decision_answer(lang, card, newly))

    def confirm(self, ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        ack()
        self._decide(body, action, confirm=True)

    def reject(self, ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        ack()
        self._decide(body, action, confirm=False)


def register(app: App, router: CommandRouter, runtime: Runtime) -> None:
    listeners = ScholarlyListeners(runtime)
    app.action(CONFIRM_SUGGESTION)(listeners.confirm)
    app.action(REJECT_SUGGESTION)(listeners.reject)
