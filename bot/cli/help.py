"""Help texts for the `clubbot` subcommands that feature modules add (`bot.cli.participants`, `bot.cli.reports`)."""

from __future__ import annotations

from collections.abc import Callable

from bot.i18n import t
from bot.settings import SettingsError, load_settings


def help_texts() -> Callable[[str], str]:
    """A function from a catalog key to its `--help` text in the configured language (Korean while the settings
    cannot be read yet: `--help` must work before anything is configured), escaped for argparse."""
    try:
        lang = load_settings().language
    except SettingsError:
        lang = "ko"

    def h(key: str) -> str:
        return t(lang, key).replace("%", "%%")

    return h
