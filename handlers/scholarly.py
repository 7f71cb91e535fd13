"""Scholarly metadata in Slack: the leaders' *Record as the club's output* and *Not ours* buttons on a discovered
joint work's DM, the output form filled as its DOI is pasted (`block_actions` from the DOI input, which has
`dispatch_action`), and the Crossref lookup of a filed output's DOI, started after the filing is acknowledged.

Each listener acks, calls `bot.scholarly.suggestions.decide` and answers privately; every leader's DM about the
suggestion is updated through the outbox to show the decision.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from slack_bolt import Ack, App

from bot import time
from bot.errors import UserError
from bot.help import user_error
from bot.runtime import Runtime
from bot.scholarly import lookup, suggestions
from bot.scholarly.form import DOI_FIELD, filled_form
from bot.scholarly.types import CONFIRM_SUGGESTION, REJECT_SUGGESTION
from bot.scholarly.views import decision_answer
from bot.slack.types import OutcomeUnknown, SlackRefused
from bot.tracking.types import OUTPUT_FORM
from handlers.answers import tell
from handlers.forms import may_use_form
from handlers.router import CommandRouter

log = logging.getLogger(__name__)


class ScholarlyListeners:
    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        #: The latest DOI keystroke of each form being filled in this process (its `action_ts`).
        self._typing: dict[str, str] = {}
        self._typing_lock = threading.Lock()

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
                    now=time.now(),
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

    def doi_entered(self, ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        """A DOI pasted (or typed, or Enter pressed) in the output form: looked up (cache, else Crossref within
        the form's short budget) and the form updated with what was found. Typed character by character, only
        the latest keystroke's answer updates the form (in this process; across processes the view's hash
        refuses an answer to a form changed since)."""
        ack()
        view = body.get("view") or {}
        user_id = body["user"]["id"]
        if view.get("callback_id") != OUTPUT_FORM or not may_use_form(self.runtime, view, user_id):
            return
        raw = str(action.get("value") or "")
        stamp = str(action.get("action_ts") or "")
        with self._typing_lock:
            if _later(stamp, self._typing.get(view["id"])):
                self._typing[view["id"]] = stamp
        answer = lookup.for_form(self.runtime.db, self.runtime.settings, raw, now=time.now())
        with self._typing_lock:
            if self._typing.get(view["id"]) != stamp:
                return  # typed on meanwhile: the later keystroke's answer fills the form (with this hash)
            del self._typing[view["id"]]
        updated = filled_form(self.runtime.language_of(user_id), view, raw, answer)
        try:
            self.runtime.slack.update_view(view["id"], updated, hash_=view.get("hash"))
        except SlackRefused as refused:
            # hash_conflict: the form changed since (a later answer is on it); not_found: it was closed
            log.info("the output form %s was not filled: %s", view.get("id"), refused.error)
        except OutcomeUnknown:
            log.warning("the output form %s may not have been filled", view.get("id"))


def _later(stamp: str, than: str | None) -> bool:
    """Whether Slack's `action_ts` `stamp` is at or after `than` (None: nothing before)."""
    try:
        return than is None or float(stamp) >= float(than)
    except ValueError:
        return True


def register(app: App, router: CommandRouter, runtime: Runtime) -> None:
    listeners = ScholarlyListeners(runtime)
    app.action(CONFIRM_SUGGESTION)(listeners.confirm)
    app.action(REJECT_SUGGESTION)(listeners.reject)
    app.action({"block_id": DOI_FIELD, "action_id": DOI_FIELD})(listeners.doi_entered)


def look_up_later(runtime: Runtime, output_id: int) -> threading.Thread:
    """After a filing was acknowledged and committed: its DOI looked up in Crossref in a thread of its own (never
    in the acknowledgment), the output's empty fields filled and its card updated through the outbox."""

    def work() -> None:
        try:
            outcome = lookup.fill_output(runtime.db, runtime.settings, output_id, now=time.now())
        except Exception:
            log.exception("looking up the DOI of output %s failed", output_id)
            return
        if outcome in (lookup.Filled.FILLED, lookup.Filled.UNKNOWN):
            runtime.outbox.poke()

    thread = threading.Thread(target=work, name=f"doi-lookup-{output_id}", daemon=True)
    thread.start()
    return thread
