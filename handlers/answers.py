"""Answering a person privately after a form or a click, and the shapes a refusal takes: ephemeral in the
channel the person was in (else a direct message), in the modal being built, or as a command's error."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import Respond

from bot.domain import Language
from bot.errors import UserError
from bot.i18n import t
from bot.runtime import Runtime
from bot.slack import outbox
from bot.slack.blocks import Message, escaped
from bot.slack.forms import FieldErrors
from bot.slack.gateway import OutcomeUnknown, SlackRefused
from bot.slack.modals import notice
from bot.subcommands import CommandError

log = logging.getLogger(__name__)


def tell(runtime: Runtime, channel: str | None, user_id: str, message: Message) -> None:
    """A private answer after a form or a click: ephemeral in the channel, else a direct message."""
    if channel and not channel.startswith("D"):
        try:
            runtime.slack.post_ephemeral(channel, user_id, text=message.text, blocks=message.blocks)
            return
        except (SlackRefused, OutcomeUnknown) as error:
            log.info("could not answer %s in %s (%s); sending a direct message", user_id, channel, error)
    with runtime.db.session() as session:
        outbox.enqueue_dm(session, user_id, message)
    runtime.outbox.poke()


def answer_click(runtime: Runtime, body: dict[str, Any], respond: Respond, message: Message) -> None:
    """Answer a click privately: in the conversation it came from, or by direct message (the App Home)."""
    if body.get("response_url"):
        respond(**message.as_ack(), replace_original=False)
    else:
        tell(runtime, None, body["user"]["id"], message)


def refusal_view(lang: Language, error: UserError) -> dict[str, Any]:
    """A refusal as a modal's content (pushed on top of a form, or instead of the form being built)."""
    return notice(lang, t(lang, error.key, **escaped(error.params)))


def refusals_shown(lang: Language, build: Callable[[], dict[str, Any]]) -> Callable[[], dict[str, Any]]:
    """A form builder whose refusal (an item one may not edit...) shows in the modal instead."""

    def wrapped() -> dict[str, Any]:
        try:
            return build()
        except UserError as error:
            return refusal_view(lang, error)

    return wrapped


def command_error(errors: FieldErrors, usage: str) -> CommandError:
    """A service's field problems, for a command: the first one, with the subcommand's correct form."""
    _field, (key, params) = next(iter(errors.errors.items()))
    return CommandError(key, usage=usage, **params)
