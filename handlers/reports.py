"""`/club report`, `/club report status`, and the report narrative's button and modal."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App

from bot import time
from bot.access import Rule, register_form
from bot.errors import UserError
from bot.i18n import t
from bot.reports import narrative, service, views
from bot.reports.parse import ReportRequest, ReportStatusRequest
from bot.reports.timing import default_narrative_quarter
from bot.reports.types import NARRATIVE_ACTION, NARRATIVE_CALLBACK, NARRATIVE_FIELDS, parse_action_value
from bot.runtime import Runtime
from bot.slack.blocks import escaped
from bot.slack.forms import FieldErrors, FormValues, metadata
from bot.slack.modals import field_errors
from handlers.modals import open_modal_loading
from handlers.router import CommandContext, CommandRouter

# Who may submit this feature's forms (checked by handlers.forms before any listener runs).
register_form(NARRATIVE_CALLBACK, Rule.LEADER, club_scoped=True)


class ReportListeners:
    """The listeners, sharing the runtime."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    # --- /club subcommands -------------------------------------------------------------------------------------

    def report(self, ctx: CommandContext, request: ReportRequest) -> None:
        settings = self.runtime.settings
        now = time.now()
        with self.runtime.db.session() as session:  # quick: who may have which report (a refusal comes at once)
            target = service.resolve_target(
                session, user_id=ctx.user_id, channel_id=ctx.channel_id, club_name=request.club,
                is_admin=ctx.caller.is_admin, period=request.period, now=now, tz=settings.tz,
            )  # fmt: skip
        ctx.ack(views.report_progress(ctx.lang, "start", target.period))  # at once: building may take a while

        def progress(stage: str) -> None:
            ctx.respond(replace_original=True, **views.report_progress(ctx.lang, stage, target.period).as_ack())

        requested = service.request_report(
            self.runtime.db, settings, target, user_id=ctx.user_id, channel_id=ctx.channel_id, lang=ctx.lang,
            now=now, progress=progress,
        )  # fmt: skip
        self.runtime.outbox.poke()
        ctx.respond(replace_original=True, **views.report_ready(ctx.lang, requested, settings.tz).as_ack())

    def report_status(self, ctx: CommandContext, request: ReportStatusRequest) -> None:
        tz = self.runtime.settings.tz
        quarter = request.quarter or default_narrative_quarter(time.now(), tz)
        with self.runtime.db.session() as session:
            rows = narrative.narrative_status(session, str(quarter), ctx.lang)
        ctx.ack(views.narrative_status(ctx.lang, str(quarter), rows, tz))

    # --- the narrative's button and modal ----------------------------------------------------------------------

    def open_narrative(self, ack: Ack, body: dict[str, Any]) -> None:
        ack()
        runtime = self.runtime
        user_id = body["user"]["id"]
        lang = runtime.language_of(user_id)
        value = (body.get("actions") or [{}])[0].get("value")

        def build() -> dict[str, Any]:
            try:
                club_id, period = parse_action_value(value)
                with runtime.db.session() as session:
                    form = narrative.narrative_form(
                        session,
                        club_id,
                        period,
                        user_id=user_id,
                        is_admin=runtime.settings.is_admin(user_id),
                        tz=runtime.settings.tz,
                        lang=lang,
                    )
            except UserError as error:
                return views.narrative_problem(lang, t(lang, error.key, **escaped(error.params)))
            return views.narrative_modal(lang, form)

        open_modal_loading(runtime, body.get("trigger_id"), lang, t(lang, "reports.form.title"), build)

    def submit_narrative(self, ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        user_id = body["user"]["id"]
        lang = self.runtime.language_of(user_id)
        context = metadata(view)
        form = FormValues.of_view(view)
        try:
            with self.runtime.db.session() as session:
                saved = narrative.save_narrative(
                    session,
                    int(context.get("club") or 0),
                    str(context.get("period") or ""),
                    {name: form.text(name) for name in NARRATIVE_FIELDS},
                    user_id=user_id,
                    is_admin=self.runtime.settings.is_admin(user_id),
                    now=time.now(),
                )
        except FieldErrors as errors:
            ack(**field_errors(lang, errors.errors))
            return
        except UserError as error:
            ack(
                response_action="update",
                view=views.narrative_problem(lang, t(lang, error.key, **escaped(error.params))),
            )
            return
        ack(response_action="update", view=views.narrative_saved(lang, saved))


def register(app: App, router: CommandRouter, runtime: Runtime) -> None:
    listeners = ReportListeners(runtime)
    router.on("report")(listeners.report)
    router.on("report status")(listeners.report_status)

    app.action(NARRATIVE_ACTION)(listeners.open_narrative)
    app.view(NARRATIVE_CALLBACK)(listeners.submit_narrative)
