"""Every `/club` subcommand, registered: the one table of subcommands and their rules.

`bot.parsing` holds the tokenizer, the subcommand table and `parse_command`; each feature's `parse` module
registers its subcommands (with the role each needs) when imported below. Import `parse_command` and
`SUBCOMMANDS` from here to be sure every feature's subcommands are in the table.
"""

from bot.parsing import (
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
from bot.casebook import parse as casebook  # noqa: F401
from bot.clubs import parse as clubs  # noqa: F401
from bot.digests import parse as digests  # noqa: F401
from bot.reports import parse as reports  # noqa: F401
from bot.tracking import parse as tracking  # noqa: F401
