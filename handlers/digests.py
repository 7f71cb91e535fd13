"""The news digest's `/club` subcommands and its settings form.

Quick answers (the feed list, keywords) go in the ack. Work that uses the network (checking a feed a
leader adds, reading stale feeds for a preview, reading a shared page's title) acks first and answers
through `respond`; a shared link is saved before the person is told it is queued.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App

from bot import time
from bot.access import Caller, Rule, register_form
from bot.digests import service, sharing, views
from bot.digests.parse import (
    AddFeedRequest,
    DigestNowRequest,
    DigestSettingsRequest,
    FeedsRequest,
    KeywordsRequest,
    RemoveFeedRequest,
    ShareRequest,
)
from bot.domain import Language
from bot.errors import UserError
from bot.help import user_error
from bot.i18n import t
from bot.runtime import Runtime
from bot.slack.blocks import Message, section
from bot.slack.forms import FieldErrors, FormValues, metadata
from bot.slack.modals import field_errors, modal
from bot.time import zone
from handlers.modals import open_modal_loading
from handlers.router import CommandContext, CommandRouter

log = logging.getLogger(__name__)


# Who may submit this feature's forms (checked by handlers.forms before any listener runs).
register_form(views.SETTINGS_CALLBACK, Rule.LEADER, club_scoped=True)


class DigestListeners:
    """The digest feature's listeners: the `/club` subcommands (each gets the command's context and its
    parsed request) and the settings form's submission."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    def list_feeds(self, ctx: CommandContext, request: FeedsRequest) -> None:
        club = ctx.club_ref
        with ctx.runtime.db.session() as session:
            feeds = service.club_feeds(session, club.id)
        tz = zone(club.timezone, ctx.runtime.settings.timezone)
        ctx.ack(views.feed_list(ctx.lang, club.name, feeds, tz, time.now()))

    def add_feed(self, ctx: CommandContext, request: AddFeedRequest) -> None:
        ctx.ack(views.feed_checking(ctx.lang, request.url))  # reading the feed may take a while
        result = service.add_club_feed(
            ctx.runtime.db,
            ctx.club_ref.id,
            request.url,
            keywords=request.keywords,
            actor=ctx.user_id,
            now=time.now(),
            allow_private=ctx.runtime.settings.allow_private_feeds,
        )
        ctx.reply(views.feed_added(ctx.lang, request.url, result))

    def remove_feed(self, ctx: CommandContext, request: RemoveFeedRequest) -> None:
        with ctx.runtime.db.session() as session:
            removed = service.remove_club_feed(session, ctx.club_ref.id, request.feed_id, actor=ctx.user_id)
        ctx.ack(views.feed_removed(ctx.lang, removed))

    def keywords(self, ctx: CommandContext, request: KeywordsRequest) -> None:
        club = ctx.club_ref
        with ctx.runtime.db.session() as session:
            if request.keywords is None:
                ctx.ack(views.keywords_shown(ctx.lang, club.name, service.club_keywords(session, club.id)))
                return
            saved = service.set_club_keywords(session, club.id, request.keywords, actor=ctx.user_id)
        ctx.ack(views.keywords_saved(ctx.lang, club.name, saved))

    def digest_settings(self, ctx: CommandContext, request: DigestSettingsRequest) -> None:
        ctx.ack()
        club_id, default_tz = ctx.club_ref.id, ctx.runtime.settings.timezone

        def build() -> dict[str, Any]:
            with ctx.runtime.db.session() as session:
                return views.settings_modal(ctx.lang, service.digest_schedule(session, club_id, default_tz))

        if not open_modal_loading(ctx.runtime, ctx.trigger_id, ctx.lang, views.settings_title(ctx.lang), build):
            text = t(ctx.lang, "error.modal_expired")
            ctx.reply(Message(text=text, blocks=[section(":warning: " + text)]))

    def save_settings(self, ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        runtime = self.runtime
        user_id = body["user"]["id"]
        lang = runtime.language_of(user_id)
        club_id = metadata(view).get("club")
        values = FormValues.of_view(view)
        caller = Caller(user_id, is_admin=runtime.settings.is_admin(user_id))
        try:
            if not isinstance(club_id, int):
                raise UserError("digests.error.not_leader_any_more")
            with runtime.db.session() as session:
                schedule = service.save_digest_settings(
                    session,
                    club_id,
                    caller,
                    weekday=values.option("weekday"),
                    time=values.time("time"),
                    max_items=values.number("max_items"),
                    default_tz=runtime.settings.timezone,
                )
        except FieldErrors as errors:
            ack(**field_errors(lang, errors.errors))
            return
        except UserError as error:
            ack(response_action="update", view=_notice_view(lang, user_error(lang, error)))
            return
        ack(response_action="update", view=views.settings_saved_modal(lang, schedule, time.now()))

    def digest_now(self, ctx: CommandContext, request: DigestNowRequest) -> None:
        club = ctx.club_ref
        ctx.ack(views.preview_preparing(ctx.lang, club.name))
        now = time.now()
        preview = service.preview_digest(
            ctx.runtime.db,
            club.id,
            now,
            default_tz=ctx.runtime.settings.timezone,
            allow_private=ctx.runtime.settings.allow_private_feeds,
            language_of=ctx.runtime.language_of,
        )
        ctx.reply(views.digest_preview(ctx.lang, preview, now))

    def share(self, ctx: CommandContext, request: ShareRequest) -> None:
        settings = ctx.runtime.settings
        with ctx.runtime.db.session() as session:
            shared = sharing.share_link(
                session,
                ctx.club_ref.id,
                ctx.user_id,
                request.url,
                request.note,
                time.now(),
                default_tz=settings.timezone,
            )
        ctx.ack(views.share_queued(ctx.lang, shared))  # told once it is saved
        if shared.created:
            sharing.read_shared_title(ctx.runtime.db, shared.shared_id, allow_private=settings.allow_private_feeds)


def _notice_view(lang: Language, message: Message) -> dict[str, Any]:
    return modal("digest_settings_refused", views.settings_title(lang), message.blocks, close=t(lang, "modal.close"))


def register(app: App, router: CommandRouter, runtime: Runtime) -> None:
    listeners = DigestListeners(runtime)
    router.on("feeds")(listeners.list_feeds)
    router.on("feeds add")(listeners.add_feed)
    router.on("feeds remove")(listeners.remove_feed)
    router.on("keywords")(listeners.keywords)
    router.on("digest settings")(listeners.digest_settings)
    router.on("digest now")(listeners.digest_now)
    router.on("share")(listeners.share)
    app.view(views.SETTINGS_CALLBACK)(listeners.save_settings)
