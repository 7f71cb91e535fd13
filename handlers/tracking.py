"""Follow-up tracking listeners for items: the `/club` item subcommands (update, output, meeting, plan,
status, list, edit, delete), their forms, the confirm button on output cards, the message shortcut, and
the message and reaction events counted for engagement. Surveys are `handlers.surveys`, deadline
reminders and the outcome report `handlers.deadlines`.

Each listener acks, reads the payload with a pure parser, calls one service and answers with a view.
Forms open right after `ack()`; a form that needs data opens as a loading view first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from slack_bolt import Ack, App
from slack_sdk.errors import SlackClientError

from bot import time
from bot.access import Caller, Rule, register_form
from bot.domain import Language, Quarter
from bot.errors import UserError
from bot.help import user_error
from bot.i18n import t
from bot.refs import ClubRef, PersonRef
from bot.runtime import Runtime
from bot.slack.forms import FieldErrors, FormValues, metadata
from bot.slack.modals import field_errors
from bot.slack.types import OutcomeUnknown, SlackRefused
from bot.standing import Prefetch, club_by_channel
from bot.subcommands import readable_text
from bot.time import zone
from bot.tracking import engagement
from bot.tracking import service as tracking
from bot.tracking.forms import (
    form_text,
    output_prefill,
    read_meeting_form,
    read_output_form,
    update_text_of_output_form,
)
from bot.tracking.parse import (
    DeleteRequest,
    EditRequest,
    ListRequest,
    MeetingRequest,
    OutputChangeRequest,
    OutputRequest,
    PlanRequest,
    StatusRequest,
    UpdateRequest,
)
from bot.tracking.service.permissions import require_member
from bot.tracking.types import (
    CONFIRM_ACTION,
    MEETING_FORM,
    OUTPUT_FORM,
    PLAN_FORM,
    RECORD_SHORTCUT,
    SWITCH_TO_OUTPUT,
    SWITCH_TO_UPDATE,
    UPDATE_FORM,
    Filed,
    ItemKind,
    ItemRef,
    MeetingDraft,
    MeetingItem,
    OutputChange,
    OutputDraft,
    OutputItem,
    PlanItem,
    UpdateItem,
)
from bot.tracking.values import parse_item_ref
from bot.tracking.views import answers, modals
from bot.tracking.views.lists import item_list
from bot.tracking.views.status import status_card
from handlers.answers import command_error, refusal_view, refusals_shown, tell
from handlers.modals import open_modal, open_modal_loading
from handlers.router import CommandContext, CommandRouter
from handlers.scholarly import look_up_later


def _output_prefetch(request: OutputRequest | OutputChangeRequest) -> Prefetch | None:
    """Read with the caller's standing for `/club output`: what filing its DOI needs to know."""
    return tracking.output_prefetch(request.doi if isinstance(request, OutputRequest) and request.title else None)


class TrackingListeners:
    """The item listeners, sharing the runtime."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    # --- helpers ----------------------------------------------------------------------------------------

    @property
    def default_tz(self) -> str:
        return self.runtime.settings.timezone

    def today(self, club: ClubRef, now: datetime) -> date:
        return now.astimezone(zone(club.timezone, self.default_tz)).date()

    def lang(self, user_id: str) -> Language:
        return self.runtime.language_of(user_id)

    def caller(self, session: Any, club: ClubRef, user_id: str) -> Caller:
        return tracking.standing(session, club.id, user_id, is_admin=self.runtime.settings.is_admin(user_id))

    def _meta(self, ctx: CommandContext, **extra: Any) -> dict[str, Any]:
        return {"club": ctx.club_ref.id, "channel": ctx.channel_id, **extra}

    def _open(self, ctx: CommandContext, view: dict[str, Any]) -> None:
        ctx.ack()
        if not open_modal(self.runtime, ctx.trigger_id, view):
            ctx.reply(answers.modal_expired(ctx.lang))

    def _open_loading(self, ctx: CommandContext, title: str, build: Callable[[], dict[str, Any]]) -> None:
        ctx.ack()
        if not open_modal_loading(self.runtime, ctx.trigger_id, ctx.lang, title, refusals_shown(ctx.lang, build)):
            ctx.reply(answers.modal_expired(ctx.lang))

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

    # --- commands -----------------------------------------------------------------------------------------

    def update(self, ctx: CommandContext, request: UpdateRequest) -> None:
        if request.text is None:
            self._open(ctx, modals.text_form(ctx.lang, ItemKind.UPDATE, self._meta(ctx)))
            return
        self._file_text(ctx, request.text, tracking.file_update, "update")

    def plan(self, ctx: CommandContext, request: PlanRequest) -> None:
        if request.text is None:
            self._open(ctx, modals.text_form(ctx.lang, ItemKind.PLAN, self._meta(ctx)))
            return
        self._file_text(ctx, request.text, tracking.file_plan, "plan")

    def _file_text(self, ctx: CommandContext, text: str, file: Callable[..., Filed], usage: str) -> None:
        club = ctx.club_ref
        try:
            result = None
            if usage == "update" and ctx.connection is not None and ctx.standing is not None:
                result = tracking.file_update_quick(
                    self.runtime.db, ctx.connection, ctx.standing, ctx.caller, text, now=time.now()
                )
            if result is None:
                with self.runtime.db.session() as session:
                    result = file(session, club, ctx.caller, text, now=time.now())
        except FieldErrors as errors:
            raise command_error(errors, usage) from None
        ctx.ack(answers.filed(ctx.lang, result, club.channel_id))
        self.runtime.outbox.poke()

    def meeting(self, ctx: CommandContext, request: MeetingRequest) -> None:
        if request.held_on is None:
            self._open(ctx, modals.meeting_form(ctx.lang, self._meta(ctx)))
            return
        club = ctx.club_ref
        assert request.format is not None and request.summary is not None
        draft = MeetingDraft(request.held_on, request.format, request.attendees, request.summary)
        now = time.now()
        try:
            with self.runtime.db.session() as session:
                result = tracking.file_meeting(session, club, ctx.caller, draft, now=now, today=self.today(club, now))
        except FieldErrors as errors:
            raise command_error(errors, "meeting") from None
        ctx.ack(answers.filed(ctx.lang, result, club.channel_id))
        self.runtime.outbox.poke()

    def output(self, ctx: CommandContext, request: OutputRequest | OutputChangeRequest) -> None:
        if isinstance(request, OutputChangeRequest):
            self._change_output(ctx, request)
            return
        if request.title is None:
            self._open(ctx, modals.output_form(ctx.lang, self._meta(ctx), output_type=request.type))
            return
        club = ctx.club_ref
        assert request.type is not None
        draft = OutputDraft(
            type=request.type,
            title=request.title,
            status=request.status,
            occurred_on=request.on,
            doi=request.doi,
            url=request.url,
            people=self._named(request.people),
            note=request.note,
        )
        now = time.now()
        try:
            result = None
            if ctx.connection is not None and ctx.standing is not None:
                result = tracking.file_output_quick(
                    self.runtime.db,
                    ctx.connection,
                    ctx.standing,
                    ctx.caller,
                    draft,
                    now=now,
                    today=self.today(club, now),
                )
            if result is None:
                with self.runtime.db.session() as session:
                    result = tracking.file_output(
                        session, club, ctx.caller, draft, now=now, today=self.today(club, now)
                    )
        except FieldErrors as errors:
            raise command_error(errors, "output") from None
        ctx.ack(answers.filed(ctx.lang, result, club.channel_id))
        self.runtime.outbox.poke()
        if result.created and draft.doi:
            look_up_later(self.runtime, result.item.ref.id)

    def _change_output(self, ctx: CommandContext, request: OutputChangeRequest) -> None:
        club = ctx.club_ref
        change = OutputChange(status=request.status, occurred_on=request.on, doi=request.doi, url=request.url)
        now = time.now()
        try:
            with self.runtime.db.session() as session:
                item, changed = tracking.change_output(
                    session, club, ctx.caller, request.item, change, now=now, today=self.today(club, now)
                )
        except FieldErrors as errors:
            raise command_error(errors, "output") from None
        ctx.ack(answers.output_changed(ctx.lang, item, changed))
        self.runtime.outbox.poke()

    def status(self, ctx: CommandContext, request: StatusRequest) -> None:
        club = ctx.club_ref
        now = time.now()
        quarter = request.quarter or Quarter.of_instant(now, zone(club.timezone, self.default_tz))
        with self.runtime.db.session() as session:
            figures = tracking.quarter_figures(session, club, quarter, now=now, default_tz=self.default_tz)
        ctx.ack(status_card(ctx.lang, figures, self.today(club, now)))

    def list(self, ctx: CommandContext, request: ListRequest) -> None:
        club = ctx.club_ref
        tz = zone(club.timezone, self.default_tz)
        quarter = request.quarter or Quarter.of_instant(time.now(), tz)
        with self.runtime.db.session() as session:
            items = tracking.items_filed(
                session,
                club.id,
                quarter.start(tz),
                quarter.end(tz),
                author_user_id=ctx.user_id if request.mine else None,
            )
        ctx.ack(item_list(ctx.lang, club.name, quarter, items, mine=request.mine, tz=tz))

    def edit(self, ctx: CommandContext, request: EditRequest) -> None:
        club = ctx.club_ref
        meta = self._meta(ctx, item=str(request.item))
        caller = ctx.caller

        def build() -> dict[str, Any]:
            with self.runtime.db.session() as session:
                item = tracking.item_for_edit(session, club, caller, request.item)
            statuses = tracking.editable_statuses(item, caller) if isinstance(item, OutputItem) else ()
            return modals.edit_form(ctx.lang, meta, item, statuses)

        self._open_loading(ctx, t(ctx.lang, "tracking.form.edit_loading", id=str(request.item)), build)

    def delete(self, ctx: CommandContext, request: DeleteRequest) -> None:
        club = ctx.club_ref
        with self.runtime.db.session() as session:
            item = tracking.delete_item(
                session, club, ctx.caller, request.item, now=time.now(), tz=zone(club.timezone, self.default_tz)
            )
        ctx.ack(answers.deleted(ctx.lang, item.ref))
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
        now = time.now()
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
            ack(response_action="push", view=refusal_view(lang, error))
            return
        ack()
        self.runtime.outbox.poke()
        if isinstance(result, Filed) and result.created and isinstance(result.item, OutputItem) and result.item.doi:
            look_up_later(self.runtime, result.item.ref.id)  # the form is closed: Crossref never holds it
        if isinstance(result, Filed):
            message = answers.filed(lang, result, club.channel_id)
        elif isinstance(result, OutputItem | UpdateItem | PlanItem | MeetingItem):
            message = answers.edited(lang, result.ref)
        else:
            return
        tell(self.runtime, meta.get("channel") or club.channel_id, user_id, message)

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
                require_member(self.caller(session, club, user_id))
            meta = {"club": club.id, "channel": channel, "shortcut": True}
            return modals.text_form(lang, ItemKind.UPDATE, meta, text, switchable=True)

        title = t(lang, "tracking.form.update_title")
        if not open_modal_loading(self.runtime, body.get("trigger_id"), lang, title, refusals_shown(lang, build)):
            tell(self.runtime, channel, user_id, answers.modal_expired(lang))

    def switch_to_output(self, ack: Ack, body: dict[str, Any]) -> None:
        ack()
        view = body["view"]
        meta = metadata(view)
        lang = self.lang(body["user"]["id"])
        text = form_text(FormValues.of_view(view), "text", meta)
        prefill = output_prefill(text)
        new_meta = {k: v for k, v in meta.items() if k != "joins"}
        form = modals.output_form(
            lang,
            new_meta,
            title=prefill.title,
            note=prefill.note,
            url=prefill.url,
            doi=prefill.doi,
            switchable=True,
        )
        self.runtime.slack.update_view(view["id"], form, hash_=view.get("hash"))

    def switch_to_update(self, ack: Ack, body: dict[str, Any]) -> None:
        ack()
        view = body["view"]
        meta = metadata(view)
        lang = self.lang(body["user"]["id"])
        text = update_text_of_output_form(FormValues.of_view(view), meta)
        new_meta = {k: v for k, v in meta.items() if k != "joins"}
        form = modals.text_form(lang, ItemKind.UPDATE, new_meta, text, switchable=True)
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
                    session,
                    int(action["value"]),
                    user_id,
                    is_admin=self.runtime.settings.is_admin(user_id),
                    now=time.now(),
                )
        except UserError as error:
            tell(self.runtime, channel, user_id, user_error(lang, error))
            return
        self.runtime.outbox.poke()
        tell(self.runtime, channel, user_id, answers.confirmed(lang, item, newly))

    # --- events ---------------------------------------------------------------------------------------------

    def message_event(self, body: dict[str, Any], event: dict[str, Any]) -> None:
        db = self.runtime.db
        with db.quick() as connection:
            engagement.record_message_quick(db, connection, body.get("event_id"), event, default_tz=self.default_tz)

    def reaction_event(self, body: dict[str, Any], event: dict[str, Any]) -> None:
        db = self.runtime.db
        with db.quick() as connection:
            engagement.record_reaction_quick(db, connection, body.get("event_id"), event, default_tz=self.default_tz)


#: Events API subscriptions these listeners need (message events for engagement counts).
EVENTS = frozenset({"message.channels", "message.groups", "reaction_added"})


# Who may submit this feature's forms (checked by handlers.forms before any listener runs).
for form in (UPDATE_FORM, PLAN_FORM, MEETING_FORM, OUTPUT_FORM):
    register_form(form, Rule.MEMBER, club_scoped=True)


def register(app: App, router: CommandRouter, runtime: Runtime) -> None:
    listeners = TrackingListeners(runtime)
    router.on("update")(listeners.update)
    router.on("output", prefetch=_output_prefetch)(listeners.output)
    router.on("meeting")(listeners.meeting)
    router.on("plan")(listeners.plan)
    router.on("status")(listeners.status)
    router.on("list")(listeners.list)
    router.on("edit")(listeners.edit)
    router.on("delete")(listeners.delete)

    app.view(UPDATE_FORM)(listeners.update_form)
    app.view(PLAN_FORM)(listeners.plan_form)
    app.view(MEETING_FORM)(listeners.meeting_form)
    app.view(OUTPUT_FORM)(listeners.output_form)

    app.shortcut(RECORD_SHORTCUT)(listeners.record_message)
    app.action(SWITCH_TO_OUTPUT)(listeners.switch_to_output)
    app.action(SWITCH_TO_UPDATE)(listeners.switch_to_update)
    app.action(CONFIRM_ACTION)(listeners.confirm)

    app.event("message")(listeners.message_event)
    app.event("reaction_added")(listeners.reaction_event)
