"""The `/club help` message and the error and refusal messages of the command."""

from __future__ import annotations

from collections.abc import Sequence

from bot.access import Rule
from bot.domain import Language
from bot.errors import UserError
from bot.i18n import has, t
from bot.slack.blocks import Message, context, escape, escaped, header, section
from bot.subcommands import CommandError, Subcommand

#: The order of the help's groups: what everyone may do first, the secretariat's commands last.
HELP_GROUPS: tuple[Rule, ...] = (Rule.ANYONE, Rule.MEMBER, Rule.LEADER, Rule.ADMIN)


def help_index(lang: Language, subcommands: Sequence[Subcommand]) -> Message:
    """Every listed subcommand with its form and one line on what it does, grouped by who may use it."""
    blocks = [header(t(lang, "help.title")), section(t(lang, "help.intro"))]
    for rule in HELP_GROUPS:
        lines = [
            f"`{t(lang, spec.usage_key)}`\n{t(lang, spec.summary_key)}" for spec in subcommands if spec.rule is rule
        ]
        if not lines:
            continue
        blocks.append(section(t(lang, f"help.group.{rule.value}")))
        # one section per few commands keeps each block under Slack's 3,000-character limit
        for start in range(0, len(lines), 6):
            blocks.append(section("\n\n".join(lines[start : start + 6])))
    blocks.append(context(t(lang, "help.more")))
    return Message(text=t(lang, "help.title"), blocks=blocks)


def help_topic(lang: Language, spec: Subcommand) -> Message:
    """One subcommand: its form, what it does, who may use it, and its detailed help if any."""
    detail_key = f"detail.{spec.name.replace(' ', '_')}"
    body = [f"`{t(lang, spec.usage_key)}`", t(lang, spec.summary_key)]
    if has(detail_key):
        body.append(t(lang, detail_key))
    body.append(t(lang, "help.who", role=t(lang, f"rule.{spec.rule.value}")))
    return Message(text=t(lang, spec.usage_key), blocks=[section("\n\n".join(body))])


def command_error(lang: Language, error: CommandError, spec: Subcommand | None) -> Message:
    """What was wrong with the command text, and the correct form."""
    problem = t(lang, error.key, **escaped(error.params))
    if spec is not None:
        problem += "\n" + t(lang, "error.correct_form", usage=t(lang, spec.usage_key))
    elif error.params.get("suggestion"):
        problem += "\n" + t(lang, "error.did_you_mean", suggestion=escape(str(error.params["suggestion"])))
    problem += "\n" + t(lang, "error.see_help")
    return Message(text=problem, blocks=[section(":warning: " + problem)])


def refusal(lang: Language, rule: Rule) -> Message:
    """The caller lacks the role a subcommand needs: say which."""
    text = t(lang, "error.not_allowed", role=t(lang, f"rule.{rule.value}"))
    return Message(text=text, blocks=[section(":no_entry: " + text)])


def user_error(lang: Language, error: UserError) -> Message:
    """Something the person should know or fix, said plainly."""
    text = t(lang, error.key, **escaped(error.params))
    return Message(text=text, blocks=[section(":warning: " + text)])


def try_again(lang: Language) -> Message:
    text = t(lang, "error.try_again")
    return Message(text=text, blocks=[section(":hourglass: " + text)])
