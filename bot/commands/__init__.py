"""Pure parsing of `/club` command text into typed requests.

`core` holds the tokenizer, the subcommand table and `parse_command`; each feature module registers
its subcommands (with the role each needs) when imported below, so `SUBCOMMANDS` is the one table of
every subcommand and its rule.
"""

from bot.commands.core import (
    COMMON_OPTIONS,
    SUBCOMMANDS,
    Args,
    ChannelRef,
    CommandError,
    Email,
    HelpRequest,
    Link,
    Mention,
    Option,
    ParsedCommand,
    Quoted,
    Request,
    Rule,
    Subcommand,
    Token,
    Word,
    listed_subcommands,
    parse_command,
    readable_text,
    register,
    suggest,
    token_text,
    tokenize,
    unescape,
)

__all__ = [
    "COMMON_OPTIONS",
    "SUBCOMMANDS",
    "Args",
    "ChannelRef",
    "CommandError",
    "Email",
    "HelpRequest",
    "Link",
    "Mention",
    "Option",
    "ParsedCommand",
    "Quoted",
    "Request",
    "Rule",
    "Subcommand",
    "Token",
    "Word",
    "listed_subcommands",
    "parse_command",
    "readable_text",
    "register",
    "suggest",
    "token_text",
    "tokenize",
    "unescape",
]

# Feature modules register their subcommands (with their rules) when imported.
from bot.commands import clubs, digests, reports, tracking  # noqa: F401
