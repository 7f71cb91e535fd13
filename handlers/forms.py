"""The guard on modal submissions: before any feature's listener, the submitter's standing is checked against
the form's rule (`bot.access.FORMS`), exactly as the router checks subcommands. A refusal opens a notice on
top of the form, so closing it returns to what was typed."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltResponse

from bot.access import FORMS, Caller, allowed
from bot.help import refusal
from bot.i18n import t
from bot.runtime import Runtime
from bot.slack.forms import metadata
from bot.slack.modals import notice
from bot.standing import standing_in
from handlers.router import CommandRouter

log = logging.getLogger(__name__)


class FormGuard:
    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    def guard(self, body: dict[str, Any], next: Callable[[], BoltResponse]) -> BoltResponse | None:
        if body.get("type") != "view_submission":
            return next()
        runtime = self.runtime
        view = body.get("view") or {}
        user_id = (body.get("user") or {}).get("id", "")
        form = FORMS.get(view.get("callback_id", ""))
        if may_use_form(runtime, view, user_id):
            return next()
        log.warning("refused a submission of form %s by %s", view.get("callback_id"), user_id)
        lang = runtime.language_of(user_id)
        text = refusal(lang, form.rule).text if form else t(lang, "error.unknown_form")
        return BoltResponse(status=200, body={"response_action": "push", "view": notice(lang, text)})


def may_use_form(runtime: Runtime, view: dict[str, Any], user_id: str) -> bool:
    """Whether `user_id` may use the form `view` (its rule in `bot.access.FORMS`, in the club it is about): for
    a submission, and for what a form does as it is filled (`block_actions` from it)."""
    form = FORMS.get(view.get("callback_id", ""))
    if form is None:
        return False
    caller = Caller(user_id, is_admin=runtime.settings.is_admin(user_id))
    if form.club_scoped:
        club_id = metadata(view).get("club")
        if isinstance(club_id, int):
            with runtime.db.session() as session:
                participant_id, role = standing_in(session, club_id, user_id)
            caller = Caller(user_id, is_admin=caller.is_admin, club_role=role, participant_id=participant_id)
    return allowed(form.rule, caller)


def register(app: App, router: CommandRouter, runtime: Runtime) -> None:
    """The guard runs before every listener (a global middleware)."""
    guard = FormGuard(runtime)
    app.use(guard.guard)
