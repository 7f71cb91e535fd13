"""`/club casebook pick|unpick|list|interview|foreword`, the consent DM's three buttons, the interview and foreword
modals, and `/club report brief`."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App

from bot import time
from bot.access import Rule, register_form
from bot.casebook import service, views
from bot.casebook.parse import (
    BriefRequest,
    ForewordRequest,
    InterviewRequest,
    ListRequest,
    PickRequest,
    UnpickRequest,
)
from bot.casebook.types import CONSENT_BUTTONS, FOREWORD_CALLBACK, INTERVIEW_CALLBACK, INTERVIEW_PAIRS
from bot.errors import UserError
from bot.help import user_error
from bot.i18n import t
from bot.runtime import Runtime
from bot.slack.blocks import escape, escaped
from bot.slack.forms import FieldErrors, FormValues, metadata
from bot.slack.modals import field_errors
from handlers.answers import tell
from handlers.modals import open_modal
from handlers.router import CommandContext, CommandRouter

# Who may submit this feature's forms (checked by handlers.forms before any listener runs).
register_form(INTERVIEW_CALLBACK, Rule.ADMIN, club_scoped=True)
register_form(FOREWORD_CALLBACK, Rule.ADMIN, club_scoped=False)


class CasebookListeners:
    """The listeners, sharing the runtime."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    # --- /club subcommands -------------------------------------------------------------------------------------

    def pick(self, ctx: CommandContext, request: PickRequest) -> None:
        with self.runtime.db.session() as session:
            result = service.pick(
                session,
                self.runtime.settings,
                ctx.club_ref,
                user_id=ctx.user_id,
                language_of=self.runtime.language_of,
                now=time.now(),
            )
        self.runtime.outbox.poke()
        ctx.ack(views.pick_answer(ctx.lang, result))

    def unpick(self, ctx: CommandContext, request: UnpickRequest) -> None:
        with self.runtime.db.session() as session:
            result = service.unpick(session, self.runtime.settings, ctx.club_ref, user_id=ctx.user_id, now=time.now())
        ctx.ack(views.unpick_answer(ctx.lang, result))

    def list(self, ctx: CommandContext, request: ListRequest) -> None:
        with self.runtime.db.read() as session:
            listing = service.listing(session, self.runtime.settings, year=request.year, now=time.now())
        ctx.ack(views.listing_message(ctx.lang, listing))

    def interview(self, ctx: CommandContext, request: InterviewRequest) -> None:
        with self.runtime.db.read() as session:
            form = service.interview_form(session, self.runtime.settings, ctx.club_ref, now=time.now())
        ctx.ack()
        if not open_modal(self.runtime, ctx.trigger_id, views.interview_modal(ctx.lang, form)):
            ctx.respond(**user_error(ctx.lang, UserError("error.modal_expired")).as_ack())

    def foreword(self, ctx: CommandContext, request: ForewordRequest) -> None:
        with self.runtime.db.read() as session:
            form = service.foreword_form(session, self.runtime.settings, now=time.now())
        ctx.ack()
        if not open_modal(self.runtime, ctx.trigger_id, views.foreword_modal(ctx.lang, form)):
            ctx.respond(**user_error(ctx.lang, UserError("error.modal_expired")).as_ack())

    def brief(self, ctx: CommandContext, request: BriefRequest) -> None:
        with self.runtime.db.read() as session:
            brief = service.club_brief(session, self.runtime.settings, ctx.club_ref, lang=ctx.lang, now=time.now())
        ctx.ack(views.brief_message(ctx.lang, brief))

    # --- the consent DM's buttons ------------------------------------------------------------------------------

    def consent(self, ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        ack()
        user_id = body["user"]["id"]
        channel = (body.get("channel") or {}).get("id")
        lang = self.runtime.language_of(user_id)
        value = str(action.get("value") or "")
        choice = CONSENT_BUTTONS.get(str(action.get("action_id")))
        try:
            if not value.isdigit() or choice is None:
                raise UserError("cases.error.consent_not_yours")
            with self.runtime.db.session() as session:
                ask, changed = service.answer_consent(session, int(value), user_id, choice, lang=lang, now=time.now())
        except UserError as error:
            tell(self.runtime, channel, user_id, user_error(lang, error))
            return
        self.runtime.outbox.poke()
        tell(self.runtime, channel, user_id, views.consent_answer(lang, ask, changed))

    # --- the secretariat's modals ------------------------------------------------------------------------------

    def submit_interview(self, ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        user_id = body["user"]["id"]
        lang = self.runtime.language_of(user_id)
        context = metadata(view)
        form = FormValues.of_view(view)
        values = {f"{part}{n}": form.text(f"{part}{n}") for n in range(1, INTERVIEW_PAIRS + 1) for part in ("q", "a")}
        try:
            with self.runtime.db.session() as session:
                club_name = service.save_interview(
                    session,
                    self.runtime.settings,
                    int(context.get("club") or 0),
                    int(context.get("year") or 0),
                    values,
                    interviewee_user_id=form.user("interviewee"),
                    user_id=user_id,
                    language_of=self.runtime.language_of,
                    now=time.now(),
                )
        except FieldErrors as errors:
            ack(**field_errors(lang, errors.errors))
            return
        except UserError as error:
            ack(response_action="update", view=views.saved_modal(lang, t(lang, error.key, **escaped(error.params))))
            return
        self.runtime.outbox.poke()
        text = t(lang, "cases.interview.saved", club=escape(club_name))
        ack(response_action="update", view=views.saved_modal(lang, text))

    def submit_foreword(self, ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        user_id = body["user"]["id"]
        lang = self.runtime.language_of(user_id)
        year = int(metadata(view).get("year") or 0)
        form = FormValues.of_view(view)
        try:
            with self.runtime.db.session() as session:
                service.save_foreword(
                    session, year, {"ko": form.text("ko"), "en": form.text("en")}, user_id=user_id, now=time.now()
                )
        except FieldErrors as errors:
            ack(**field_errors(lang, errors.errors))
            return
        ack(response_action="update", view=views.saved_modal(lang, t(lang, "cases.foreword.saved", year=year)))


def register(app: App, router: CommandRouter, runtime: Runtime) -> None:
    listeners = CasebookListeners(runtime)
    router.on("casebook pick")(listeners.pick)
    router.on("casebook unpick")(listeners.unpick)
    router.on("casebook list")(listeners.list)
    router.on("casebook interview")(listeners.interview)
    router.on("casebook foreword")(listeners.foreword)
    router.on("report brief")(listeners.brief)

    for action_id in CONSENT_BUTTONS:
        app.action(action_id)(listeners.consent)
    app.view(INTERVIEW_CALLBACK)(listeners.submit_interview)
    app.view(FOREWORD_CALLBACK)(listeners.submit_foreword)
