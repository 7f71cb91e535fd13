"""Away time, from the App Home: "away until DATE" (no reminders or nudges until then), and back."""

from __future__ import annotations

from datetime import date
from typing import Any

from slack_bolt import Ack, App

from bot.access import Rule, register_form
from bot.clubs import views
from bot.errors import UserError
from bot.help import user_error
from bot.people import set_away
from bot.runtime import Runtime
from bot.slack.forms import FieldErrors, FormValues
from bot.slack.modals import field_errors
from bot.standing import participant_of
from bot.time import now
from handlers.clubs import ClubListeners
from handlers.modals import open_modal
from handlers.router import CommandRouter

register_form(views.AWAY_CALLBACK, Rule.ANYONE, club_scoped=False)  # each person sets only their own


class AwayListeners:
    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.home = ClubListeners(runtime)

    def _today(self) -> date:
        return now().astimezone(self.runtime.settings.tz).date()

    def open_form(self, ack: Ack, body: dict[str, Any]) -> None:
        ack()
        user_id = body["user"]["id"]
        lang = self.runtime.language_of(user_id)
        with self.runtime.db.read() as session:
            person = participant_of(session, user_id)
            current = person.away_until if person is not None else None
        if current is not None and current < self._today():
            current = None
        open_modal(self.runtime, body.get("trigger_id"), views.away_form(lang, current))

    def submit(self, ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        runtime = self.runtime
        user_id = body["user"]["id"]
        lang = runtime.language_of(user_id)
        until = FormValues.of_view(view).date("until")
        try:
            with runtime.db.session() as session:
                set_away(session, user_id, until, today=self._today())
        except FieldErrors as errors:
            ack(**field_errors(lang, errors.errors))
            return
        except UserError as error:
            ack(response_action="errors", errors={"until": user_error(lang, error).text})
            return
        ack()
        self.home.publish_home(user_id)


def register(app: App, router: CommandRouter, runtime: Runtime) -> None:
    listeners = AwayListeners(runtime)
    app.action(views.AWAY_ACTION)(listeners.open_form)
    app.view(views.AWAY_CALLBACK)(listeners.submit)
