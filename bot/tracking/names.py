"""The names of tracking's values in a language: output types, statuses, meeting formats, days.

Pure functions of a value and a language, used by the views and by the value checks' error messages
(which name the statuses a type can have).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from bot.domain import Language, MeetingFormat, OutputStatus, OutputType
from bot.i18n import format_date, t


def type_name(lang: Language | str, output_type: OutputType) -> str:
    return t(lang, f"output.type.{output_type.value}")


def status_name(lang: Language | str, status: OutputStatus) -> str:
    return t(lang, f"output.status.{status.value}")


def status_names(lang: Language | str, statuses: Sequence[OutputStatus]) -> str:
    """`submitted` (제출), `published` (게재)... as a person types them, with their names."""
    if not statuses:
        return t(lang, "tracking.no_further_status")
    return ", ".join(_status_with_name(lang, s) for s in statuses)


def _status_with_name(lang: Language | str, status: OutputStatus) -> str:
    name = status_name(lang, status)
    return f"`{status.value}`" if name == status.value.replace("-", " ") else f"`{status.value}` ({name})"


def output_type_lines(lang: Language | str) -> str:
    """Every output type, one a line: `key` — name: what it covers."""
    return "\n".join(
        f"• `{o.value}` — *{type_name(lang, o)}*: {t(lang, f'output.type_help.{o.value}')}" for o in OutputType
    )


def format_name(lang: Language | str, meeting_format: MeetingFormat) -> str:
    return t(lang, f"tracking.format.{meeting_format.value}")


def format_day(lang: Language | str, day: date) -> str:
    return format_date(day, lang)
