"""`/club help [TOPIC]`."""

from __future__ import annotations

from slack_bolt import App

from bot.help import help_index, help_topic
from bot.runtime import Runtime
from bot.subcommands import SUBCOMMANDS, CommandError, HelpRequest, listed_subcommands, suggest
from handlers.router import CommandContext, CommandRouter


class HelpListeners:
    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    def show_help(self, ctx: CommandContext, request: HelpRequest) -> None:
        if request.topic is None:
            ctx.ack(help_index(ctx.lang, listed_subcommands()))
            return
        spec = SUBCOMMANDS.get(request.topic)
        if spec is None:
            raise CommandError(
                "error.unknown_help_topic", usage="help", topic=request.topic, suggestion=suggest(request.topic)
            )
        ctx.ack(help_topic(ctx.lang, spec))


def register(app: App, router: CommandRouter, runtime: Runtime) -> None:
    listeners = HelpListeners(runtime)
    router.on("help")(listeners.show_help)
