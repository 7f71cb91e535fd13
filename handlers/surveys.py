"""Meeting survey listeners: `/club survey` (open the club's meeting survey) and `/club survey results`, the
button on an invitation that opens the form, and the form's submission.

Who may answer is checked by the service (the invited attendees), not by the form's rule.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App

from bot import time
from bot.access import Rule, register_form
from bot.errors import UserError
from bot.i18n import t
from bot.runtime import Runtime
from bot.slack.forms import FieldErrors, FormValues, metadata
from bot.slack.modals import field_errors
from bot.tracking import surveys
from bot.tracking.forms import read_survey_form
from bot.tracking.parse import SurveyRequest, SurveyResultsRequest
from bot.tracking.types import SURVEY_FORM, SURVEY_OPEN_ACTION
from bot.tracking.views import answers
from bot.tracking.views import surveys as views
from handlers.answers import command_error, refusal_view, refusals_shown, tell
from handlers.modals import open_modal_loading
from handlers.router import CommandContext, CommandRouter


class SurveyListeners:
    """The survey listeners, sharing the runtime."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    def survey(self, ctx: CommandContext, request: SurveyRequest) -> None:
        club = ctx.club_ref
        try:
            with self.runtime.db.session() as session:
                opened = surveys.open_survey(
                    session,
                    club,
                    closes_on=request.closes_on,
                    created_by=ctx.user_id,
                    now=time.now(),
                    default_tz=self.runtime.settings.timezone,
                    language_of=self.runtime.language_of,
                )
        except FieldErrors as errors:
            raise command_error(errors, "survey") from None
        ctx.ack(views.survey_opened(ctx.lang, opened.invited, opened.not_in_slack, opened.survey.closes_on))
        self.runtime.outbox.poke()

    def survey_results(self, ctx: CommandContext, request: SurveyResultsRequest) -> None:
        with self.runtime.db.session() as session:
            results = surveys.club_results(session, ctx.club_ref.id)
        ctx.ack(views.survey_results(ctx.lang, results, with_comments=ctx.caller.is_admin))

    def open_survey_form(self, ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        ack()
        user_id = body["user"]["id"]
        lang = self.runtime.language_of(user_id)
        survey_id = int(action.get("value") or 0)

        def build() -> dict[str, Any]:
            with self.runtime.db.session() as session:
                form = surveys.survey_form(session, survey_id, user_id, now=time.now())
            return views.survey_form(lang, form.survey, form.answer)

        title = t(lang, "tracking.survey.form_title")
        if not open_modal_loading(self.runtime, body.get("trigger_id"), lang, title, refusals_shown(lang, build)):
            tell(self.runtime, None, user_id, answers.modal_expired(lang))

    def survey_form(self, ack: Ack, body: dict[str, Any]) -> None:
        user_id = body["user"]["id"]
        view = body["view"]
        lang = self.runtime.language_of(user_id)
        survey_id = int(metadata(view).get("survey") or 0)
        try:
            answer = read_survey_form(FormValues.of_view(view))
            with self.runtime.db.session() as session:
                replaced = surveys.answer_survey(session, survey_id, user_id, answer, now=time.now())
                form = surveys.survey_form(session, survey_id, user_id, now=time.now())
        except FieldErrors as errors:
            ack(field_errors(lang, errors.errors))
            return
        except UserError as error:
            # on top of the form, so closing the notice goes back to what was typed
            ack(response_action="push", view=refusal_view(lang, error))
            return
        ack(response_action="update", view=views.survey_thanks(lang, replaced, form.survey.closes_on))


register_form(SURVEY_FORM, Rule.ANYONE, club_scoped=False)  # the invited attendees: see the service


def register(app: App, router: CommandRouter, runtime: Runtime) -> None:
    listeners = SurveyListeners(runtime)
    router.on("survey")(listeners.survey)
    router.on("survey results")(listeners.survey_results)

    app.view(SURVEY_FORM)(listeners.survey_form)
    app.action(SURVEY_OPEN_ACTION)(listeners.open_survey_form)
