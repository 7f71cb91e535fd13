"""Clubs in Slack: `/club new|invite|leader|members|member|language|archive|clubs`, the new-club and record
modals, membership events, and the App Home."""

from __future__ import annotations

import logging
from functools import partial
from typing import Any

from slack_bolt import Ack, App, Respond
from sqlalchemy.exc import DBAPIError

from bot import time
from bot.access import Rule, register_form
from bot.clubs import membership, views
from bot.clubs.home import home_data, mark_orcid_nudged
from bot.clubs.invites import invite_people, make_leader
from bot.clubs.lifecycle import archive_club, set_language
from bot.clubs.listing import attendees_for_form, club_summaries, meetings_for_form, members_for_viewer
from bot.clubs.parse import (
    ArchiveRequest,
    ClubsRequest,
    InviteRequest,
    LanguageRequest,
    LeaderRequest,
    MemberRecordRequest,
    MembersRequest,
    NewClubRequest,
)
from bot.clubs.provisioning import provision_club
from bot.clubs.records import record_for_editing, save_record
from bot.clubs.resolving import refs_for_participants
from bot.clubs.types import NewClub
from bot.domain import FieldKey, Language
from bot.errors import UserError
from bot.help import refusal, try_again, user_error
from bot.participants.values import InvalidValue, parse_email
from bot.refs import ClubRef, PersonRef
from bot.runtime import Runtime
from bot.slack import outbox
from bot.slack.blocks import Message
from bot.slack.forms import FieldErrors, FormValues, metadata
from bot.slack.modals import field_errors
from bot.slack.types import OutcomeUnknown, SlackRefused
from handlers.modals import open_modal, open_modal_loading
from handlers.router import CommandContext, CommandRouter
from storage.models import Club

log = logging.getLogger(__name__)

EVENTS = frozenset(
    {
        "member_joined_channel",
        "member_left_channel",
        "channel_rename",
        "channel_archive",
        "channel_unarchive",
        "group_rename",
        "group_archive",
        "group_unarchive",
        "team_join",
        "app_home_opened",
    }
)


# Who may submit this feature's forms (checked by handlers.forms before any listener runs).
register_form(views.NEW_CLUB_CALLBACK, Rule.ADMIN, club_scoped=False)
register_form(views.RECORD_CALLBACK, Rule.ANYONE, club_scoped=False)  # self, their leaders, staff: see the service


def register(app: App, router: CommandRouter, runtime: Runtime) -> None:
    listeners = ClubListeners(runtime)
    router.on("new")(listeners.new_club)
    router.on("invite")(listeners.invite)
    router.on("leader")(listeners.leader)
    router.on("members")(listeners.members)
    router.on("member")(listeners.member_record)
    router.on("language")(listeners.language)
    router.on("archive")(listeners.archive)
    router.on("clubs")(listeners.list_clubs)

    app.view(views.NEW_CLUB_CALLBACK)(listeners.submit_new_club)
    app.action(views.MEETING_PICKED_ACTION)(listeners.meeting_picked)
    app.action(views.ARCHIVE_CONFIRM_ACTION)(listeners.archive_confirmed)
    app.action(views.ARCHIVE_CANCEL_ACTION)(listeners.archive_cancelled)
    app.view(views.RECORD_CALLBACK)(listeners.submit_record)

    app.event("member_joined_channel")(listeners.on_member_joined)
    app.event("member_left_channel")(listeners.on_member_left)
    app.event("channel_rename")(listeners.on_renamed)
    app.event("group_rename")(listeners.on_renamed)
    app.event("channel_archive")(listeners.on_archived)
    app.event("group_archive")(listeners.on_archived)
    app.event("channel_unarchive")(listeners.on_unarchived)
    app.event("group_unarchive")(listeners.on_unarchived)
    app.event("team_join")(listeners.on_team_join)
    app.event("app_home_opened")(listeners.on_home_opened)
    app.action("home_new_club")(listeners.home_new_club)
    app.action("home_members")(listeners.home_members)
    app.action("home_my_record")(listeners.home_my_record)


def _emails(text: str) -> tuple[list[str], list[str]]:
    good, bad = [], []
    for part in filter(None, (p.strip() for p in text.replace(";", ",").replace("\n", ",").split(","))):
        try:
            good.append(parse_email(part))
        except InvalidValue:
            bad.append(part)
    return good, bad


def _language_name(language: Language) -> str:
    return "한국어" if language is Language.KO else "English"


class ClubListeners:
    """The clubs feature's listeners: `/club` subcommands, its modals, membership events and the App Home."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    # --- /club new ----------------------------------------------------------------------------------------

    def new_club(self, ctx: CommandContext, request: NewClubRequest) -> None:
        if request.open_form:
            ctx.ack()
            form = partial(self._new_club_form, ctx.lang)
            if not open_modal_loading(self.runtime, ctx.trigger_id, ctx.lang, views.form_title(ctx.lang), form):
                ctx.respond(**user_error(ctx.lang, UserError("error.modal_expired")).as_ack())
            return
        assert request.field is not None
        ctx.ack(views.simple(ctx.lang, "clubs.new.working", name=request.name))
        new = NewClub(
            name=request.name,
            field=request.field,
            meeting_code=request.meeting,
            leaders=request.leaders,
            members=request.members,
            private=request.private,
            language=request.language,
            actor=ctx.user_id,
        )
        ctx.respond(**self._provision(new, ctx.lang).as_ack())

    def _new_club_form(
        self, lang: Language, meeting: str | None = None, meta: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        with self.runtime.db.session() as session:
            meetings = meetings_for_form(session)
            attendees = attendees_for_form(session, meeting, lang) if meeting else []
        return views.new_club_form(lang, meetings, meeting=meeting, attendees=attendees, metadata=meta)

    def _provision(self, request: NewClub, lang: Language) -> Message:
        """Run provisioning and say how it went, whatever happened (the admin always gets an answer)."""
        runtime = self.runtime
        try:
            result = provision_club(runtime.db, runtime.slack, runtime.settings, request)
        except UserError as error:
            return user_error(lang, error)
        except (SlackRefused, OutcomeUnknown, DBAPIError):
            log.exception("provisioning %s failed", request.name)
            return try_again(lang)
        finally:
            runtime.outbox.poke()
        return views.provision_summary(lang, result)

    def meeting_picked(self, ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        """In the new-club form, picking a meeting lists its attendees as members (all selected)."""
        ack()
        lang = self.runtime.language_of(body["user"]["id"])
        meeting = (action.get("selected_option") or {}).get("value")
        view = body["view"]
        self.runtime.slack.update_view(view["id"], self._new_club_form(lang, meeting), hash_=view.get("hash"))

    def submit_new_club(self, ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        runtime = self.runtime
        user_id = body["user"]["id"]
        lang = runtime.language_of(user_id)
        if not runtime.settings.is_admin(user_id):  # the form is for secretariat staff; check the submitter again
            ack(response_action="errors", errors={"name": user_error(lang, UserError("clubs.error.admins_only")).text})
            return
        form = FormValues.of_view(view)
        name, field = form.text("name"), form.option("field")
        problems: dict[str, tuple[str, dict[str, object]]] = {}
        if not name:
            problems["name"] = ("clubs.error.name_missing", {})
        elif len(name) > 120:
            problems["name"] = ("clubs.error.name_too_long", {"limit": 120})
        if not field:
            problems["field"] = ("clubs.error.field_required", {})
        emails, bad = _emails(form.text("emails"))
        if bad:
            problems["emails"] = ("clubs.error.bad_emails", {"emails": ", ".join(bad)})
        if problems:
            ack(**field_errors(lang, problems))
            return
        assert field  # checked above
        ack()
        with runtime.db.session() as session:
            attendee_refs = refs_for_participants(session, [int(v) for v in form.options("attendees")])
        members = [
            *attendee_refs,
            *(PersonRef(user_id=u) for u in form.users("members")),
            *(PersonRef(email=e) for e in emails),
        ]
        request = NewClub(
            name=name,
            field=FieldKey(field),
            meeting_code=form.option("meeting") or None,
            leaders=[PersonRef(user_id=u) for u in form.users("leaders")],
            members=members,
            private=form.option("visibility") == "private",
            language=Language(form.option("language") or "ko"),
            actor=user_id,
        )
        summary = self._provision(request, lang)
        with runtime.db.session() as session:
            outbox.enqueue_dm(session, user_id, summary)
        runtime.outbox.poke()

    # --- club subcommands ---------------------------------------------------------------------------------

    def invite(self, ctx: CommandContext, request: InviteRequest) -> None:
        runtime = self.runtime
        ctx.ack(views.simple(ctx.lang, "clubs.invite.working"))
        outcomes = invite_people(
            runtime.db, runtime.slack, runtime.settings, ctx.club_ref, request.people, actor=ctx.user_id
        )
        runtime.outbox.poke()
        ctx.respond(**views.invite_summary(ctx.lang, ctx.club_ref, outcomes).as_ack())

    def leader(self, ctx: CommandContext, request: LeaderRequest) -> None:
        runtime = self.runtime
        outcome = make_leader(
            runtime.db, runtime.slack, runtime.settings, ctx.club_ref, request.person, actor=ctx.user_id
        )
        if outcome.outcome == "failed":
            ctx.reply(
                views.simple(
                    ctx.lang,
                    "clubs.leader.failed",
                    who=str(request.person),
                    reason=views.reason_text(ctx.lang, outcome.reason or "other"),
                )
            )
            return
        ctx.reply(views.simple(ctx.lang, "clubs.leader.done", who=str(request.person), club=ctx.club_ref.name))

    def members(self, ctx: CommandContext, request: MembersRequest) -> None:
        with self.runtime.db.session() as session:
            listing = members_for_viewer(
                session, ctx.club_ref.id, ctx.user_id, is_admin=ctx.caller.is_admin, lang=ctx.lang
            )
        assert listing is not None  # the router checked membership
        ctx.ack(views.members_list(ctx.lang, listing.club, listing.members, emails_shown=listing.emails_shown))

    def language(self, ctx: CommandContext, request: LanguageRequest) -> None:
        if request.language is None:
            ctx.ack(views.simple(ctx.lang, "clubs.language.current", language=_language_name(ctx.club_ref.language)))
            return
        club = set_language(self.runtime.db, ctx.club_ref, request.language, actor=ctx.user_id)
        ctx.ack(views.simple(ctx.lang, "clubs.language.set", club=club.name, language=_language_name(club.language)))

    def archive(self, ctx: CommandContext, request: ArchiveRequest) -> None:
        if not ctx.club_ref.is_active:
            ctx.ack(user_error(ctx.lang, UserError("clubs.error.club_closed", name=ctx.club_ref.name)))
            return
        ctx.ack(views.archive_confirm(ctx.lang, ctx.club_ref))  # closing is for good: a button confirms it

    def archive_confirmed(self, ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond) -> None:
        ack()
        user_id = body["user"]["id"]
        lang = self.runtime.language_of(user_id)
        if not self.runtime.settings.is_admin(user_id):  # the rule of `/club archive`, checked again on the click
            respond(**refusal(lang, Rule.ADMIN).as_ack(), replace_original=False)
            return
        with self.runtime.db.session() as session:
            row = session.get(Club, int(action.get("value") or 0))
            club = ClubRef.of(row) if row is not None else None
        if club is None or not club.is_active:
            respond(**views.simple(lang, "clubs.archive.done", club=club.name if club else "").as_ack(),
                    replace_original=True)  # fmt: skip
            return
        closed = archive_club(self.runtime.db, self.runtime.slack, club, actor=user_id)
        respond(**views.simple(lang, "clubs.archive.done", club=closed.name).as_ack(), replace_original=True)

    def archive_cancelled(self, ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond) -> None:
        ack()
        lang = self.runtime.language_of(body["user"]["id"])
        with self.runtime.db.session() as session:
            row = session.get(Club, int(action.get("value") or 0))
            club = ClubRef.of(row) if row is not None else None
        name = club.name if club else ""
        respond(**views.simple(lang, "clubs.archive.cancelled", club=name).as_ack(), replace_original=True)

    def list_clubs(self, ctx: CommandContext, request: ClubsRequest) -> None:
        with self.runtime.db.session() as session:
            summaries = club_summaries(session, ctx.user_id, is_admin=ctx.caller.is_admin)
        ctx.ack(views.clubs_list(ctx.lang, summaries))

    # --- participant records ------------------------------------------------------------------------------

    def member_record(self, ctx: CommandContext, request: MemberRecordRequest) -> None:
        with self.runtime.db.session() as session:
            form = record_for_editing(session, editor=ctx.user_id, target=request.user_id, is_admin=ctx.caller.is_admin)
        ctx.ack()
        view = views.record_form(
            ctx.lang, form.values, show_email=form.show_email, metadata={"participant": form.participant_id}
        )
        if not open_modal(self.runtime, ctx.trigger_id, view):
            ctx.respond(**user_error(ctx.lang, UserError("error.modal_expired")).as_ack())

    def submit_record(self, ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        runtime = self.runtime
        user_id = body["user"]["id"]
        lang = runtime.language_of(user_id)
        form = FormValues.of_view(view)
        fields = ("name_ko", "name_en", "email", "affiliation", "country", "orcid", "overseas_association")
        changes: dict[str, str | bool | None] = {
            f: form.text(f) for f in fields if f in (view.get("state") or {}).get("values", {})
        }
        changes["career_stage"] = form.option("career_stage")
        changes["overseas_korean"] = form.option("overseas_korean") == "yes"
        try:
            with runtime.db.session() as session:
                save_record(
                    session,
                    editor=user_id,
                    participant_id=int(metadata(view).get("participant", 0)),
                    is_admin=runtime.settings.is_admin(user_id),
                    changes=changes,
                )
        except FieldErrors as errors:
            ack(**field_errors(lang, errors.errors))
            return
        except UserError as error:
            ack(response_action="errors", errors={"name_en": user_error(lang, error).text})
            return
        ack()

    # --- membership events --------------------------------------------------------------------------------

    def on_member_joined(self, body: dict[str, Any], event: dict[str, Any]) -> None:
        runtime = self.runtime
        user_id, channel_id = event["user"], event["channel"]
        with runtime.db.session() as session:
            if membership.club_id_for_channel(session, channel_id) is None:
                return
        if user_id == runtime.slack.bot_user_id():
            return
        profile = runtime.slack.profile(user_id)  # before the transaction: Slack calls never hold a database lock
        with runtime.db.session() as session:
            membership.member_joined(
                session, event_id=body.get("event_id"), channel_id=channel_id, user_id=user_id, profile=profile
            )

    def on_member_left(self, body: dict[str, Any], event: dict[str, Any]) -> None:
        with self.runtime.db.session() as session:
            membership.member_left(
                session, event_id=body.get("event_id"), channel_id=event["channel"], user_id=event["user"]
            )

    def on_renamed(self, body: dict[str, Any], event: dict[str, Any]) -> None:
        channel = event["channel"]
        with self.runtime.db.session() as session:
            membership.channel_renamed(
                session, event_id=body.get("event_id"), channel_id=channel["id"], name=channel["name"]
            )

    def on_archived(self, body: dict[str, Any], event: dict[str, Any]) -> None:
        self._archived(body, event, archived=True)

    def on_unarchived(self, body: dict[str, Any], event: dict[str, Any]) -> None:
        self._archived(body, event, archived=False)

    def _archived(self, body: dict[str, Any], event: dict[str, Any], *, archived: bool) -> None:
        with self.runtime.db.session() as session:
            membership.channel_archived(
                session,
                event_id=body.get("event_id"),
                channel_id=event["channel"],
                archived=archived,
                actor=event.get("user") or "slack",
            )

    def on_team_join(self, body: dict[str, Any], event: dict[str, Any]) -> None:
        runtime = self.runtime
        user = event["user"]
        profile = runtime.slack.profile(user["id"])
        if profile is None:
            return
        with runtime.db.session() as session:
            pending = membership.workspace_joined(session, event_id=body.get("event_id"), profile=profile)
        for invite_ in pending:  # they become active members when they join (member_joined_channel)
            failures = runtime.slack.invite(invite_.channel_id, [profile.user_id])
            if failures.get(profile.user_id) not in (None, "already_in_channel"):
                log.warning(
                    "could not invite %s to club %s: %s", profile.user_id, invite_.club_id, failures[profile.user_id]
                )

    # --- App Home -----------------------------------------------------------------------------------------

    def on_home_opened(self, event: dict[str, Any]) -> None:
        self.publish_home(event["user"])

    def publish_home(self, user_id: str) -> None:
        runtime = self.runtime
        lang = runtime.language_of(user_id)
        is_admin = runtime.settings.is_admin(user_id)
        with runtime.db.read() as session:  # reads only: no BEGIN and COMMIT round trips
            data = home_data(
                session, user_id, is_admin=is_admin, lang=lang, now=time.now(), tz=runtime.settings.tz
            )
        home = views.home(
            lang,
            data.clubs,
            data.due,
            is_admin=is_admin,
            name=data.name,
            away_until=data.away_until,
            has_record=data.has_record,
            orcid_nudge=data.orcid_nudge,
        )
        runtime.slack.publish_home(user_id, home)
        if data.orcid_nudge:  # shown: not again
            with runtime.db.session() as session:
                mark_orcid_nudged(session, user_id, time.now())

    def home_new_club(self, ack: Ack, body: dict[str, Any]) -> None:
        ack()
        user_id = body["user"]["id"]
        lang = self.runtime.language_of(user_id)
        if not self.runtime.settings.is_admin(user_id):
            return
        form = partial(self._new_club_form, lang)
        open_modal_loading(self.runtime, body.get("trigger_id"), lang, views.form_title(lang), form)

    def home_members(self, ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        """The members of a club, from the Home tab (for its members, and for the secretariat)."""
        ack()
        runtime = self.runtime
        user_id = body["user"]["id"]
        lang = runtime.language_of(user_id)
        with runtime.db.session() as session:
            listing = members_for_viewer(
                session, int(action.get("value") or 0), user_id, is_admin=runtime.settings.is_admin(user_id), lang=lang
            )
        if listing is None:  # not their club: nothing to show
            return
        view = views.members_modal(lang, listing.club, listing.members, listing.emails_shown)
        open_modal(runtime, body.get("trigger_id"), view)

    def home_my_record(self, ack: Ack, body: dict[str, Any]) -> None:
        ack()
        runtime = self.runtime
        user_id = body["user"]["id"]
        lang = runtime.language_of(user_id)
        try:
            with runtime.db.session() as session:
                form = record_for_editing(
                    session, editor=user_id, target=None, is_admin=runtime.settings.is_admin(user_id)
                )
        except UserError:
            return
        view = views.record_form(lang, form.values, show_email=True, metadata={"participant": form.participant_id})
        open_modal(runtime, body.get("trigger_id"), view)
