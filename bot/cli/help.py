"""Help texts for the `clubbot` command and its subcommands, in ONE language: the configured one
(`CLUBBOT_LANGUAGE`; Korean while the settings cannot be read yet: `--help` must work before anything is
configured). argparse's own words ("usage:", "options", its error lines) come from the same catalog."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from bot.i18n import t
from bot.settings import SettingsError, load_settings

#: argparse's English words and the catalog key of each.
_ARGPARSE_WORDS = {
    "usage: ": "cli.argparse.usage",
    "positional arguments": "cli.argparse.positional",
    "options": "cli.argparse.options",
    "show this help message and exit": "cli.argparse.help",
    "the following arguments are required: %s": "cli.argparse.required",
    "invalid choice: %(value)r (choose from %(choices)s)": "cli.argparse.invalid_choice",
    "unrecognized arguments: %s": "cli.argparse.unrecognized",
    "%(prog)s: error: %(message)s\n": "cli.argparse.error",
    "expected one argument": "cli.argparse.expected_one",
    "invalid %(type)s value: %(value)r": "cli.argparse.invalid_value",
}


def cli_language() -> str:
    try:
        return load_settings().language
    except SettingsError:
        return "ko"


def help_texts() -> Callable[[str], str]:
    """A function from a catalog key to its `--help` text in the configured language, escaped for argparse."""
    lang = cli_language()

    def h(key: str) -> str:
        return t(lang, key).replace("%", "%%")

    return h


def speak_argparse(lang: str) -> None:
    """argparse's own words in `lang` (it looks them up through its module's `_` at the time it prints)."""

    def translate(text: str) -> str:
        key = _ARGPARSE_WORDS.get(text)
        return t(lang, key) if key else text

    argparse._ = translate  # type: ignore[attr-defined]
