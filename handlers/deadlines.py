"""Deadline listeners: `/club outcome-report` (where the club's outcome report stands, or that it was
submitted), and the buttons on a deadline reminder (*Remind me tomorrow*, or mark the outcome report submitted)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from slack_bolt import Ack, App, Respond

from bot import time
from bot.errors import UserError
from bot.help import user_error
from bot.refs import ClubRef
from bot.runtime import Runtime
from bot.time import zone
from bot.tracking import reminders
from bot.tracking import service as tracking
from bot.tracking.names import format_day
from bot.tracking.parse import OutcomeReportRequest
from bot.tracking.types import OUTCOME_SUBMITTED_ACTION, SNOOZE_ACTION
from bot.tracking.views import answers
from handlers.answers import answer_click
from handlers.router import CommandContext, CommandRouter


def _now() -> datetime:
    return time.now()


class DeadlineListeners:
    """The deadline listeners, sharing the runtime."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    def today(self, club: ClubRef, now: datetime) -> date:
        return now.astimezone(zone(club.timezone, self.runtime.settings.timezone)).date()

    def outcome_report(self, ctx: CommandContext, request: OutcomeReportRequest) -> None:
        club = ctx.club_ref
        now = _now()
        today = self.today(club, now)
        with self.runtime.db.session() as session:
            if request.submitted:
                state = reminders.mark_outcome_report_submitted(
                    session, club, ctx.caller, on=request.on, today=today, now=now,
                    language_of=self.runtime.language_of,
                )  # fmt: skip
            else:
                state = reminders.outcome_report_state(session, club)
        ctx.ack(answers.outcome_report(ctx.lang, state, today))
        self.runtime.outbox.poke()

    def snooze(self, ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond) -> None:
        ack()
        user_id = body["user"]["id"]
        lang = self.runtime.language_of(user_id)
        try:
            with self.runtime.db.session() as session:
                snoozed = reminders.snooze(
                    session,
                    int(action["value"]),
                    user_id,
                    now=_now(),
                    default_tz=self.runtime.settings.timezone,
                    lang=lang,
                    hours=self.runtime.settings.working_hours,
                )
        except UserError as error:
            answer_click(self.runtime, body, respond, user_error(lang, error))
            return
        self.runtime.outbox.poke()
        note = answers.plain_note(lang, "tracking.reminder.snoozed_answer", date=format_day(lang, snoozed.until))
        answer_click(self.runtime, body, respond, note)

    def outcome_submitted(self, ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond) -> None:
        ack()
        user_id = body["user"]["id"]
        lang = self.runtime.language_of(user_id)
        club_id = int(str(action.get("value") or "club:0").split(":", 1)[1] or 0)
        now = _now()
        try:
            with self.runtime.db.session() as session:
                club = tracking.club_ref(session, club_id)
                caller = tracking.standing(session, club.id, user_id, is_admin=self.runtime.settings.is_admin(user_id))
                state = reminders.mark_outcome_report_submitted(
                    session, club, caller, on=None, today=self.today(club, now), now=now,
                    language_of=self.runtime.language_of,
                )  # fmt: skip
        except UserError as error:
            answer_click(self.runtime, body, respond, user_error(lang, error))
            return
        self.runtime.outbox.poke()
        answer_click(self.runtime, body, respond, answers.outcome_report(lang, state, self.today(club, now)))


def register(app: App, router: CommandRouter, runtime: Runtime) -> None:
    listeners = DeadlineListeners(runtime)
    router.on("outcome-report")(listeners.outcome_report)

    app.action(SNOOZE_ACTION)(listeners.snooze)
    app.action(OUTCOME_SUBMITTED_ACTION)(listeners.outcome_submitted)
