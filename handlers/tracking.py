"""Follow-up tracking listeners: the `/club` tracking subcommands, their forms, the buttons on cards, reminders
and surveys, the message shortcut, and the message and reaction events counted for engagement.

Each listener acks, reads the payload with a pure parser, calls one service and answers with a view.
Forms open right after `ack()`; a form that needs data opens as a loading view first.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk.errors import SlackClientError

from bot.access import Rule, register_form
from bot.domain import Language, Quarter
from bot.errors import UserError
from bot.help import user_error
from bot.i18n import t
from bot.runtime import Runtime
from bot.slack import outbox
from bot.slack.blocks import Message
from bot.slack.forms import FieldErrors, FormValues, metadata
from bot.slack.modals import field_errors
from bot.slack.types import OutcomeUnknown, SlackRefused
from bot.standing import ClubRef, club_by_channel
from bot.subcommands import CommandError, readable_text
from bot.tracking import engagement, reminders, surveys, views
from bot.tracking import service as tracking
from bot.tracking.parse import (
    DeleteRequest,
    EditRequest,
    ItemKind,
    ItemRef,
    ListRequest,
    MeetingRequest,
    OutcomeReportRequest,
    OutputChangeRequest,
    OutputRequest,
    PersonRef,
    PlanRequest,
    StatusRequest,
    SurveyRequest,
    SurveyResultsRequest,
    UpdateRequest,
    form_text,
    parse_item_ref,
    read_meeting_form,
    read_output_form,
)
from handlers.modals import open_modal, open_modal_loading
from handlers.router import CommandContext, CommandRouter

log = logging.getLogger(__name__)

RECORD_SHORTCUT = "tracking:record_message"


def _now() -> datetime:
    return datetime.now(UTC)


class Tracking:
    """The listeners, sharing the runtime."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    # --- helpers ----------------------------------------------------------------------------------------

    @property
    def default_tz(self) -> str:
        return self.runtime.settings.timezone

    def today(self, club: ClubRef, now: datetime) -> date:
        return now.astimezone(tracking.zone(club, self.default_tz)).date()

    def lang(self, user_id: str) -> Language:
        return self.runtime.language_of(user_id)

    def caller(self, session: Any, club: ClubRef, user_id: str) -> Any:
        return tracking.standing(session, club.id, user_id, is_admin=self.runtime.settings.is_admin(user_id))

    def _meta(self, ctx: CommandContext, **extra: Any) -> dict[str, Any]:
        return {"club": ctx.club_ref.id, "channel": ctx.channel_id, **extra}

    def _open(self, ctx: CommandContext, view: dict[str, Any]) -> None:
        ctx.ack()
        if not open_modal(self.runtime, ctx.trigger_id, view):
            ctx.reply(views.modal_expired(ctx.lang))

    def _open_loading(self, ctx: CommandContext, title: str, build: Callable[[], dict[str, Any]]) -> None:
        ctx.ack()
        if not open_modal_loading(self.runtime, ctx.trigger_id, ctx.lang, title, self._safe(ctx.lang, build)):
            ctx.reply(views.modal_expired(ctx.lang))

    def _safe(self, lang: Language, build: Callable[[], dict[str, Any]]) -> Callable[[], dict[str, Any]]:
        """A form builder whose refusal (an item one may not edit...) shows in the modal instead."""

        def wrapped() -> dict[str, Any]:
            try:
                return build()
            except UserError as error:
                return views.notice_view(lang, t(lang, error.key, **error.params))

        return wrapped

    def _named(self, people: tuple[PersonRef, ...]) -> tuple[PersonRef, ...]:
        """Slack users named as co-authors, with their Slack name (kept if they are not in the participant database)."""
        named = []
        for person in people:
            if person.user_id and not person.name:
                try:
                    profile = self.runtime.slack.profile(person.user_id)
                except (SlackRefused, OutcomeUnknown, SlackClientError):
                    profile = None
                person = replace(person, name=profile.real_name if profile else None)
            named.append(person)
        return tuple(named)

    @staticmethod
    def _as_command_error(errors: FieldErrors, usage: str) -> CommandError:
        _field, (key, params) = next(iter(errors.errors.items()))
        return CommandError(key, usage=usage, **params)

    def _tell(self, channel: str | None, user_id: str, message: Message) -> None:
        """A private answer after a form or a click: ephemeral in the channel, else a direct message."""
        if channel and not channel.startswith("D"):
            try:
                self.runtime.slack.post_ephemeral(channel, user_id, text=message.text, blocks=message.blocks)
                return
            except (SlackRefused, OutcomeUnknown) as error:
                log.info("could not answer %s in %s (%s); sending a direct message", user_id, channel, error)
        with self.runtime.db.session() as session:
            outbox.enqueue_dm(session, user_id, message)
        self.runtime.outbox.poke()

    # --- commands -----------------------------------------------------------------------------------------

    def update(self, ctx: CommandContext, request: UpdateRequest) -> None:
        if request.text is None:
            self._open(ctx, views.text_form(ctx.lang, ItemKind.UPDATE, self._meta(ctx)))
            return
        self._file_text(ctx, request.text, tracking.file_update, "update")

    def plan(self, ctx: CommandContext, request: PlanRequest) -> None:
        if request.text is None:
            self._open(ctx, views.text_form(ctx.lang, ItemKind.PLAN, self._meta(ctx)))
            return
        self._file_text(ctx, request.text, tracking.file_plan, "plan")

    def _file_text(self, ctx: CommandContext, text: str, file: Callable[..., tracking.Filed], usage: str) -> None:
        club = ctx.club_ref
        try:
            with self.runtime.db.session() as session:
                result = file(session, club, ctx.caller, text, now=_now())
        except FieldErrors as errors:
            raise self._as_command_error(errors, usage) from None
        ctx.ack(views.filed(ctx.lang, result, club.channel_id))
        self.runtime.outbox.poke()

    def meeting(self, ctx: CommandContext, request: MeetingRequest) -> None:
        if request.held_on is None:
            self._open(ctx, views.meeting_form(ctx.lang, self._meta(ctx)))
            return
        club = ctx.club_ref
        assert request.format is not None and request.summary is not None
        draft = tracking.MeetingDraft(request.held_on, request.format, request.attendees, request.summary)
        now = _now()
        try:
            with self.runtime.db.session() as session:
                result = tracking.file_meeting(session, club, ctx.caller, draft, now=now, today=self.today(club, now))
        except FieldErrors as errors:
            raise self._as_command_error(errors, "meeting") from None
        ctx.ack(views.filed(ctx.lang, result, club.channel_id))
        self.runtime.outbox.poke()

    def output(self, ctx: CommandContext, request: OutputRequest | OutputChangeRequest) -> None:
        if isinstance(request, OutputChangeRequest):
            self._change_output(ctx, request)
            return
        if request.title is None:
            self._open(ctx, views.output_form(ctx.lang, self._meta(ctx), output_type=request.type))
            return
        club = ctx.club_ref
        assert request.type is not None
        draft = tracking.OutputDraft(
            type=request.type,
            title=request.title,
            status=request.status,
            occurred_on=request.on,
            doi=request.doi,
            url=request.url,
            people=self._named(request.people),
            note=request.note,
        )
        now = _now()
        try:
            with self.runtime.db.session() as session:
                result = tracking.file_output(session, club, ctx.caller, draft, now=now, today=self.today(club, now))
        except FieldErrors as errors:
            raise self._as_command_error(errors, "output") from None
        ctx.ack(views.filed(ctx.lang, result, club.channel_id))
        self.runtime.outbox.poke()

    def _change_output(self, ctx: CommandContext, request: OutputChangeRequest) -> None:
        club = ctx.club_ref
        change = tracking.OutputChange(status=request.status, occurred_on=request.on, doi=request.doi, url=request.url)
        now = _now()
        try:
            with self.runtime.db.session() as session:
                item, changed = tracking.change_output(
                    session, club, ctx.caller, request.item, change, now=now, today=self.today(club, now)
                )
        except FieldErrors as errors:
            raise self._as_command_error(errors, "output") from None
        ctx.ack(views.output_changed(ctx.lang, item, changed))
        self.runtime.outbox.poke()

    def status(self, ctx: CommandContext, request: StatusRequest) -> None:
        club = ctx.club_ref
        now = _now()
        quarter = request.quarter or Quarter.of_instant(now, tracking.zone(club, self.default_tz))
        with self.runtime.db.session() as session:
            figures = tracking.quarter_figures(session, club, quarter, now=now, default_tz=self.default_tz)
        ctx.ack(views.status_card(ctx.lang, figures, self.today(club, now)))

    def list(self, ctx: CommandContext, request: ListRequest) -> None:
        club = ctx.club_ref
        tz = tracking.zone(club, self.default_tz)
        quarter = request.quarter or Quarter.of_instant(_now(), tz)
        with self.runtime.db.session() as session:
            items = tracking.items_filed(
                session,
                club.id,
                quarter.start(tz),
                quarter.end(tz),
                author_user_id=ctx.user_id if request.mine else None,
            )
        ctx.ack(views.item_list(ctx.lang, club.name, quarter, items, mine=request.mine, tz=tz))

    def edit(self, ctx: CommandContext, request: EditRequest) -> None:
        club = ctx.club_ref
        meta = self._meta(ctx, item=str(request.item))
        caller = ctx.caller

        def build() -> dict[str, Any]:
            with self.runtime.db.session() as session:
                item = tracking.item_for_edit(session, club, caller, request.item)
            return self._edit_form(ctx.lang, meta, item, caller)

        self._open_loading(ctx, t(ctx.lang, "tracking.form.edit_loading", id=str(request.item)), build)

    @staticmethod
    def _edit_form(lang: Language, meta: dict[str, Any], item: tracking.AnyItem, caller: Any) -> dict[str, Any]:
        match item:
            case tracking.OutputItem():
                return views.output_form(lang, meta, item=item, statuses=tracking.editable_statuses(item, caller))
            case tracking.MeetingItem():
                return views.meeting_form(lang, meta, item)
            case tracking.UpdateItem() | tracking.PlanItem():
                return views.text_form(lang, item.kind, meta, item.text)
        raise AssertionError(item)

    def delete(self, ctx: CommandContext, request: DeleteRequest) -> None:
        club = ctx.club_ref
        with self.runtime.db.session() as session:
            item = tracking.delete_item(
                session, club, ctx.caller, request.item, now=_now(), tz=tracking.zone(club, self.default_tz)
            )
        ctx.ack(views.deleted(ctx.lang, item.ref))
        self.runtime.outbox.poke()

    def survey(self, ctx: CommandContext, request: SurveyRequest) -> None:
        club = ctx.club_ref
        try:
            with self.runtime.db.session() as session:
                opened = surveys.open_survey(
                    session,
                    club,
                    closes_on=request.closes_on,
                    created_by=ctx.user_id,
                    now=_now(),
                    default_tz=self.default_tz,
                    language_of=self.runtime.language_of,
                )
        except FieldErrors as errors:
            raise self._as_command_error(errors, "survey") from None
        ctx.ack(views.survey_opened(ctx.lang, opened.invited, opened.not_in_slack, opened.survey.closes_on))
        self.runtime.outbox.poke()

    def survey_results(self, ctx: CommandContext, request: SurveyResultsRequest) -> None:
        with self.runtime.db.session() as session:
            results = surveys.club_results(session, ctx.club_ref.id)
        ctx.ack(views.survey_results(ctx.lang, results, with_comments=ctx.caller.is_admin))

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
        ctx.ack(views.outcome_report(ctx.lang, state, today))
        self.runtime.outbox.poke()

    # --- forms ----------------------------------------------------------------------------------------------

    def _submission(
        self, ack: Ack, body: dict[str, Any], work: Callable[[Any, ClubRef, Any, dict[str, Any], datetime], Any]
    ) -> None:
        """Save a submitted form: field problems back on their fields, a refusal in the form, else close it
        and confirm privately with the item's ID."""
        user_id = body["user"]["id"]
        view = body["view"]
        meta = metadata(view)
        lang = self.lang(user_id)
        now = _now()
        try:
            with self.runtime.db.session() as session:
                club = tracking.club_ref(session, int(meta.get("club") or 0))
                caller = self.caller(session, club, user_id)
                result = work(session, club, caller, meta, now)
        except FieldErrors as errors:
            ack(field_errors(lang, errors.errors))
            return
        except UserError as error:
            # on top of the form, so closing the notice goes back to what was typed
            ack(response_action="push", view=views.notice_view(lang, t(lang, error.key, **error.params)))
            return
        ack()
        self.runtime.outbox.poke()
        if isinstance(result, tracking.Filed):
            message = views.filed(lang, result, club.channel_id)
        elif isinstance(result, tracking.OutputItem | tracking.UpdateItem | tracking.PlanItem | tracking.MeetingItem):
            message = views.edited(lang, result.ref)
        else:
            return
        self._tell(meta.get("channel") or club.channel_id, user_id, message)

    def _item(self, meta: dict[str, Any]) -> ItemRef | None:
        return parse_item_ref(str(meta["item"])) if meta.get("item") else None

    def update_form(self, ack: Ack, body: dict[str, Any]) -> None:
        self._text_form(ack, body, ItemKind.UPDATE)

    def plan_form(self, ack: Ack, body: dict[str, Any]) -> None:
        self._text_form(ack, body, ItemKind.PLAN)

    def _text_form(self, ack: Ack, body: dict[str, Any], kind: ItemKind) -> None:
        values = FormValues.of_view(body["view"])

        def work(session: Any, club: ClubRef, caller: Any, meta: dict[str, Any], now: datetime) -> Any:
            text = form_text(values, "text", meta)
            item = self._item(meta)
            if item is not None:
                return tracking.edit_text(session, club, caller, item, text, now=now)
            file = tracking.file_update if kind is ItemKind.UPDATE else tracking.file_plan
            return file(session, club, caller, text, now=now)

        self._submission(ack, body, work)

    def meeting_form(self, ack: Ack, body: dict[str, Any]) -> None:
        values = FormValues.of_view(body["view"])

        def work(session: Any, club: ClubRef, caller: Any, meta: dict[str, Any], now: datetime) -> Any:
            draft = read_meeting_form(values, meta)
            item = self._item(meta)
            today = self.today(club, now)
            if item is not None:
                return tracking.edit_meeting(session, club, caller, item, draft, now=now, today=today)
            return tracking.file_meeting(session, club, caller, draft, now=now, today=today)

        self._submission(ack, body, work)

    def output_form(self, ack: Ack, body: dict[str, Any]) -> None:
        values = FormValues.of_view(body["view"])

        def work(session: Any, club: ClubRef, caller: Any, meta: dict[str, Any], now: datetime) -> Any:
            draft, problems = read_output_form(values, meta)
            draft = replace(draft, people=self._named(draft.people))
            item = self._item(meta)
            today = self.today(club, now)
            if item is not None:
                return tracking.edit_output(
                    session, club, caller, item, draft, now=now, today=today, form_problems=problems
                )
            return tracking.file_output(session, club, caller, draft, now=now, today=today, form_problems=problems)

        self._submission(ack, body, work)

    # --- the message shortcut ----------------------------------------------------------------------------

    def record_message(self, ack: Ack, body: dict[str, Any]) -> None:
        ack()
        user_id = body["user"]["id"]
        channel = (body.get("channel") or {}).get("id") or ""
        text = readable_text(str((body.get("message") or {}).get("text") or ""))
        lang = self.lang(user_id)

        def build() -> dict[str, Any]:
            with self.runtime.db.session() as session:
                club = club_by_channel(session, channel)
                if club is None:
                    raise UserError("tracking.error.shortcut_not_club_channel")
                caller = self.caller(session, club, user_id)
                if not caller.is_admin and caller.club_role is None:
                    raise UserError("tracking.error.not_a_member")
            meta = {"club": club.id, "channel": channel, "shortcut": True}
            return views.text_form(lang, ItemKind.UPDATE, meta, text, switchable=True)

        title = t(lang, "tracking.form.update_title")
        if not open_modal_loading(self.runtime, body.get("trigger_id"), lang, title, self._safe(lang, build)):
            self._tell(channel, user_id, views.modal_expired(lang))

    def switch_to_output(self, ack: Ack, body: dict[str, Any]) -> None:
        ack()
        view = body["view"]
        meta = metadata(view)
        lang = self.lang(body["user"]["id"])
        text = form_text(FormValues.of_view(view), "text", meta)
        title, _, note = text.partition("\n")
        new_meta = {k: v for k, v in meta.items() if k != "joins"}
        form = views.output_form(
            lang,
            new_meta,
            title=title.strip()[:300] or None,
            note=note.strip() or None,
            url=_first(r"https?://[^\s)>|]+", text),
            doi=_first(r"\b10\.\d{4,9}/[^\s)>|]+", text),
            switchable=True,
        )
        self.runtime.slack.update_view(view["id"], form, hash_=view.get("hash"))

    def switch_to_update(self, ack: Ack, body: dict[str, Any]) -> None:
        ack()
        view = body["view"]
        meta = metadata(view)
        lang = self.lang(body["user"]["id"])
        values = FormValues.of_view(view)
        text = "\n".join(part for part in (values.text("title"), form_text(values, "note", meta)) if part)
        new_meta = {k: v for k, v in meta.items() if k != "joins"}
        form = views.text_form(lang, ItemKind.UPDATE, new_meta, text, switchable=True)
        self.runtime.slack.update_view(view["id"], form, hash_=view.get("hash"))

    # --- buttons --------------------------------------------------------------------------------------------

    def confirm(self, ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        ack()
        user_id = body["user"]["id"]
        channel = (body.get("channel") or {}).get("id")
        lang = self.lang(user_id)
        try:
            with self.runtime.db.session() as session:
                _club, item, newly = tracking.confirm_output(
                    session, int(action["value"]), user_id, is_admin=self.runtime.settings.is_admin(user_id), now=_now()
                )
        except UserError as error:
            self._tell(channel, user_id, user_error(lang, error))
            return
        self.runtime.outbox.poke()
        self._tell(channel, user_id, views.confirmed(lang, item, newly))

    def _answer(self, body: dict[str, Any], respond: Respond, message: Message) -> None:
        """Answer a click privately: in the conversation it came from, or by direct message (the App Home)."""
        if body.get("response_url"):
            respond(**message.as_ack(), replace_original=False)
        else:
            self._tell(None, body["user"]["id"], message)

    def snooze(self, ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond) -> None:
        ack()
        user_id = body["user"]["id"]
        lang = self.lang(user_id)
        try:
            with self.runtime.db.session() as session:
                snoozed = reminders.snooze(
                    session, int(action["value"]), user_id, now=_now(), default_tz=self.default_tz, lang=lang
                )
        except UserError as error:
            self._answer(body, respond, user_error(lang, error))
            return
        self.runtime.outbox.poke()
        note = views.plain_note(lang, "tracking.reminder.snoozed_answer", date=views.format_day(lang, snoozed.until))
        self._answer(body, respond, note)

    def outcome_submitted(self, ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond) -> None:
        ack()
        user_id = body["user"]["id"]
        lang = self.lang(user_id)
        club_id = int(str(action.get("value") or "club:0").split(":", 1)[1] or 0)
        now = _now()
        try:
            with self.runtime.db.session() as session:
                club = tracking.club_ref(session, club_id)
                state = reminders.mark_outcome_report_submitted(
                    session, club, self.caller(session, club, user_id), on=None, today=self.today(club, now), now=now,
                    language_of=self.runtime.language_of,
                )  # fmt: skip
        except UserError as error:
            self._answer(body, respond, user_error(lang, error))
            return
        self.runtime.outbox.poke()
        self._answer(body, respond, views.outcome_report(lang, state, self.today(club, now)))

    def open_survey_form(self, ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        ack()
        user_id = body["user"]["id"]
        lang = self.lang(user_id)
        survey_id = int(action.get("value") or 0)

        def build() -> dict[str, Any]:
            with self.runtime.db.session() as session:
                form = surveys.survey_form(session, survey_id, user_id, now=_now())
            return views.survey_form(lang, form.survey, form.answer)

        title = t(lang, "tracking.survey.form_title")
        if not open_modal_loading(self.runtime, body.get("trigger_id"), lang, title, self._safe(lang, build)):
            self._tell(None, user_id, views.modal_expired(lang))

    def survey_form(self, ack: Ack, body: dict[str, Any]) -> None:
        user_id = body["user"]["id"]
        view = body["view"]
        lang = self.lang(user_id)
        survey_id = int(metadata(view).get("survey") or 0)
        try:
            answer = surveys.read_survey_form(FormValues.of_view(view))
            with self.runtime.db.session() as session:
                replaced = surveys.answer_survey(session, survey_id, user_id, answer, now=_now())
                form = surveys.survey_form(session, survey_id, user_id, now=_now())
        except FieldErrors as errors:
            ack(field_errors(lang, errors.errors))
            return
        except UserError as error:
            # on top of the form, so closing the notice goes back to what was typed
            ack(response_action="push", view=views.notice_view(lang, t(lang, error.key, **error.params)))
            return
        ack(response_action="update", view=views.survey_thanks(lang, replaced, form.survey.closes_on))

    # --- events ---------------------------------------------------------------------------------------------

    def message_event(self, body: dict[str, Any], event: dict[str, Any]) -> None:
        with self.runtime.db.session() as session:
            engagement.record_message(session, body.get("event_id"), event, default_tz=self.default_tz)

    def reaction_event(self, body: dict[str, Any], event: dict[str, Any]) -> None:
        with self.runtime.db.session() as session:
            engagement.record_reaction(session, body.get("event_id"), event, default_tz=self.default_tz)


def _first(pattern: str, text: str) -> str | None:
    match = re.search(pattern, text)
    return match.group(0).rstrip(".,;") if match else None


#: Events API subscriptions these listeners need (message events for engagement counts).
EVENTS = frozenset({"message.channels", "message.groups", "reaction_added"})


# Who may submit this feature's forms (checked by handlers.forms before any listener runs).
for form in (views.UPDATE_FORM, views.PLAN_FORM, views.MEETING_FORM, views.OUTPUT_FORM):
    register_form(form, Rule.MEMBER, club_scoped=True)
register_form(views.SURVEY_FORM, Rule.ANYONE, club_scoped=False)  # the invited attendees: see the service


def register(app: App, router: CommandRouter, runtime: Runtime) -> None:
    listeners = Tracking(runtime)
    router.on("update")(listeners.update)
    router.on("output")(listeners.output)
    router.on("meeting")(listeners.meeting)
    router.on("plan")(listeners.plan)
    router.on("status")(listeners.status)
    router.on("list")(listeners.list)
    router.on("edit")(listeners.edit)
    router.on("delete")(listeners.delete)
    router.on("survey")(listeners.survey)
    router.on("survey results")(listeners.survey_results)
    router.on("outcome-report")(listeners.outcome_report)

    app.view(views.UPDATE_FORM)(listeners.update_form)
    app.view(views.PLAN_FORM)(listeners.plan_form)
    app.view(views.MEETING_FORM)(listeners.meeting_form)
    app.view(views.OUTPUT_FORM)(listeners.output_form)
    app.view(views.SURVEY_FORM)(listeners.survey_form)

    app.shortcut(RECORD_SHORTCUT)(listeners.record_message)
    app.action(views.SWITCH_TO_OUTPUT)(listeners.switch_to_output)
    app.action(views.SWITCH_TO_UPDATE)(listeners.switch_to_update)
    app.action(views.CONFIRM_ACTION)(listeners.confirm)
    app.action(views.SNOOZE_ACTION)(listeners.snooze)
    app.action(reminders.OUTCOME_SUBMITTED_ACTION)(listeners.outcome_submitted)
    app.action(views.SURVEY_OPEN_ACTION)(listeners.open_survey_form)

    app.event("message")(listeners.message_event)
    app.event("reaction_added")(listeners.reaction_event)
