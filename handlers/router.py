"""The `/club` slash command: parse, find the caller's language and standing, authorize, dispatch.

Each feature module registers its subcommand handlers with `router.on(name)`. A handler gets a
`CommandContext` and the typed request, calls one service and answers with a view. The router
guarantees exactly one ack, answers a bad command with its specific error and correct form, a
refused one with the role it needs, and a database outage with a polite "try again".
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from slack_bolt import Ack, App, BoltContext, BoltResponse, Respond
from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError

from bot.access import Caller, allowed
from bot.domain import Language
from bot.errors import UserError
from bot.help import command_error, refusal, try_again, user_error
from bot.refs import ClubRef
from bot.runtime import Runtime
from bot.slack.blocks import Message
from bot.standing import Prefetch as StandingPrefetch
from bot.standing import Standing, channel_standing, resolve_standing
from bot.subcommands import SUBCOMMANDS, CommandError, ParsedCommand, parse_command
from storage.db import database_unavailable, describe_database_error, once_more_on_disconnect

log = logging.getLogger(__name__)

#: Slack shows the person `operation_timeout` when a command is not acknowledged within 3 seconds. An answer
#: ready later than this after the request arrived is sent through the response URL instead, so a filing saved
#: on a slow day is still confirmed with its ID (and not filed again by a person who thought it failed).
ACK_BUDGET_SECONDS = 2.5


def stamp_arrival(context: BoltContext, next: Callable[[], BoltResponse]) -> BoltResponse:
    """Global middleware: when the request reached the app, before any listener queue."""
    context["received_at"] = time.monotonic()
    return next()


@dataclass
class CommandContext:
    """One `/club` invocation as a handler sees it."""

    runtime: Runtime
    user_id: str
    channel_id: str
    lang: Language
    caller: Caller
    trigger_id: str | None
    respond: Respond
    _ack: Ack
    #: The club a club subcommand acts on (None for the others).
    club: ClubRef | None = None
    acked: bool = field(default=False)
    #: `time.monotonic()` when the request reached the app.
    received_at: float = field(default_factory=time.monotonic)
    #: For a club subcommand run in its club's channel: the request's one connection (autocommit, `Database.quick`)
    #: and what was read on it with the caller's standing (the club, the caller's name, the subcommand's prefetch).
    connection: Connection | None = None
    standing: Standing | None = None

    @property
    def club_ref(self) -> ClubRef:
        """The club, for handlers of club subcommands (the router always resolves it for them)."""
        if self.club is None:
            raise RuntimeError("not a club subcommand")
        return self.club

    def ack(self, message: Message | None = None) -> None:
        """Acknowledge the command, optionally with the ephemeral answer the person sees."""
        if self.acked:
            raise RuntimeError("command acknowledged twice")
        self.acked = True
        if message is None:
            self._ack()
        elif self.elapsed > ACK_BUDGET_SECONDS:
            log.warning("answer ready %.1f s after the request: sent through the response URL", self.elapsed)
            self._ack()
            self.respond(**message.as_ack())
        else:
            self._ack(**message.as_ack())

    @property
    def elapsed(self) -> float:
        """Seconds since the request reached the app."""
        return time.monotonic() - self.received_at

    def reply(self, message: Message) -> None:
        """Answer the person privately: in the ack if it is still open, else through the response URL."""
        if not self.acked:
            self.ack(message)
        else:
            self.respond(**message.as_ack())


Handler = Callable[[CommandContext, Any], None]
#: What a subcommand needs read with the caller's standing, in the same query, from the parsed request.
Prefetch = Callable[[Any], StandingPrefetch | None]


class CommandRouter:
    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self._handlers: dict[str, Handler] = {}
        self._prefetch: dict[str, Prefetch] = {}

    def on(self, name: str, *, prefetch: Prefetch | None = None) -> Callable[[Handler], Handler]:
        if name not in SUBCOMMANDS:
            raise KeyError(f"no subcommand {name!r} in bot.subcommands")

        def decorate(handler: Handler) -> Handler:
            if name in self._handlers:
                raise ValueError(f"two handlers for {name!r}")
            self._handlers[name] = handler
            if prefetch is not None:
                self._prefetch[name] = prefetch
            return handler

        return decorate

    def verify(self) -> None:
        """Every subcommand in the table has a handler (called once all features are registered)."""
        missing = sorted(set(SUBCOMMANDS) - set(self._handlers))
        if missing:
            raise RuntimeError(f"subcommands without a handler: {', '.join(missing)}")

    # the Bolt listener
    def handle(self, ack: Ack, body: dict[str, Any], respond: Respond, context: BoltContext) -> None:
        received_at = context.get("received_at") or time.monotonic()
        user_id = body["user_id"]
        channel_id = body.get("channel_id", "")
        lang = self.runtime.language_of(user_id)
        try:
            parsed = parse_command(body.get("text") or "")
        except CommandError as error:
            spec = SUBCOMMANDS.get(error.usage) if error.usage else None
            ack(**command_error(lang, error, spec).as_ack())
            return
        caller = Caller(user_id=user_id, is_admin=self.runtime.settings.is_admin(user_id))
        command = CommandContext(
            runtime=self.runtime,
            user_id=user_id,
            channel_id=channel_id,
            lang=lang,
            caller=caller,
            trigger_id=body.get("trigger_id"),
            respond=respond,
            _ack=ack,
            received_at=received_at,
        )
        self._dispatch(command, parsed)

    def _dispatch(self, context: CommandContext, parsed: ParsedCommand) -> None:
        spec = parsed.spec
        try:
            if spec.club_scoped and not parsed.request.club:
                # the usual case: in the club's channel. One connection for the request; the standing and what the
                # subcommand needs read in one query
                with self.runtime.db.quick() as connection:
                    prefetch = self._prefetch.get(spec.name)
                    wanted = prefetch(parsed.request) if prefetch else None
                    context.standing = once_more_on_disconnect(
                        connection,
                        lambda: channel_standing(
                            connection, user_id=context.user_id, channel_id=context.channel_id, prefetch=wanted
                        ),
                    )
                    if context.standing is not None:
                        context.connection = connection
                        self._run(context, parsed)
                        return
            if spec.club_scoped:
                with self.runtime.db.read() as session:
                    context.club, participant_id, role = resolve_standing(
                        session, user_id=context.user_id, channel_id=context.channel_id, club_name=parsed.request.club
                    )
                context.caller = Caller(
                    context.user_id, is_admin=context.caller.is_admin, club_role=role, participant_id=participant_id
                )
            if not allowed(spec.rule, context.caller):
                context.reply(refusal(context.lang, spec.rule))
                return
            self._handlers[spec.name](context, parsed.request)
        except CommandError as error:
            context.reply(command_error(context.lang, error, SUBCOMMANDS.get(error.usage or spec.name)))
        except UserError as error:
            context.reply(user_error(context.lang, error))
        except DBAPIError as error:
            if database_unavailable(error):  # expected while the database restarts: one line, no traceback
                log.warning("database unavailable during /club %s (%s)", spec.name, describe_database_error(error))
            else:
                log.exception("/club %s failed in the database", spec.name)
            context.reply(try_again(context.lang))
        except Exception:
            log.exception("/club %s failed", spec.name)
            context.reply(try_again(context.lang))
            return
        if not context.acked:  # a handler that forgot to answer still gets the command acknowledged
            log.error("/club %s handler did not acknowledge", spec.name)
            context.ack()

    def _run(self, context: CommandContext, parsed: ParsedCommand) -> None:
        """Authorize and run a club subcommand whose standing was read with the request's connection."""
        standing = context.standing
        assert standing is not None
        context.club = standing.club
        context.caller = Caller(
            context.user_id,
            is_admin=context.caller.is_admin,
            club_role=standing.role,
            participant_id=standing.participant_id,
        )
        if not allowed(parsed.spec.rule, context.caller):
            context.reply(refusal(context.lang, parsed.spec.rule))
            return
        self._handlers[parsed.spec.name](context, parsed.request)


def register(app: App, router: CommandRouter, runtime: Runtime) -> None:
    """Register the arrival stamp and the `/club` listener. Called before the features register theirs: Bolt
    tries listeners in order, and commands are the most frequent requests."""
    app.use(stamp_arrival)
    app.command("/club")(router.handle)
