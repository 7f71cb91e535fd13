"""How report values read in each language: periods, numbers, percentages, labels from the catalogs.

Labels are cached: a workbook asks for the same few hundred thousand times."""

from __future__ import annotations

from functools import cache

from bot.domain import Language
from bot.i18n import format_date, format_number, format_percent, t
from bot.participants.values import country_name
from bot.reports.period import Period
from bot.reports.results import ScoreComponent


def period_label(period: Period, lang: Language | str) -> str:
    """`2026년 4분기` / `2026 Q4`; `2026년` / `2026` for a year; a date range as its two dates."""
    if period.year:
        return t(lang, "reports.period.year", year=period.year)
    if period.quarter:
        return t(lang, "reports.period.quarter", year=period.quarter.year, number=period.quarter.number)
    return t(lang, "reports.period.range", first=format_date(period.first, lang), last=format_date(period.last, lang))


def number(value: float, lang: Language | str, digits: int = 0) -> str:
    return format_number(value, lang, digits=digits)


def percent(value: float, lang: Language | str) -> str:
    return format_percent(value, lang)


def signed_change(current: float, previous: float, lang: Language | str) -> str:
    """`+3 (+50%)`, `-1 (-25%)`, `+2 (new)`, `0`."""
    delta = current - previous
    if delta == 0:
        return "0"
    sign = "+" if delta > 0 else "-"
    text = f"{sign}{format_number(abs(delta), lang)}"
    if previous:
        text += f" ({sign}{format_percent(abs(delta) / previous, lang)})"
    else:
        text += f" ({t(lang, 'reports.doc.new_figure')})"
    return text


def point_change(current: float, previous: float, lang: Language | str) -> str:
    """A change of a share in percentage points: `+25%p` / `+25 pts`, `0`."""
    delta = round((current - previous) * 100)
    if delta == 0:
        return "0"
    return t(lang, "reports.doc.points_change", sign="+" if delta > 0 else "-", value=format_number(abs(delta), lang))


def display_width(value: str) -> int:
    """Columns a text takes in a grid: a wide (East Asian) character two, others one."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in value)


def score_text(value: float, lang: Language | str) -> str:
    return format_number(value, lang, digits=1)


@cache
def field_name(field: str, lang: Language | str) -> str:
    return t(lang, f"field.{field}")


@cache
def area_name(area: str, lang: Language | str) -> str:
    return t(lang, f"area.{area}")


@cache
def type_name(output_type: str, lang: Language | str) -> str:
    return t(lang, f"output.type.{output_type}")


@cache
def status_name(status: str, lang: Language | str) -> str:
    return t(lang, f"output.status.{status}")


@cache
def stage_name(stage: str, lang: Language | str) -> str:
    return t(lang, f"participants.career.{stage}") if stage else t(lang, "reports.doc.unknown")


@cache
def country(code: str, lang: Language | str) -> str:
    return country_name(code, lang) if code else t(lang, "reports.doc.unknown")


@cache
def role_name(role: str, lang: Language | str) -> str:
    return t(lang, f"reports.role.{role}")


@cache
def format_name(meeting_format: str, lang: Language | str) -> str:
    return t(lang, f"reports.format.{meeting_format}")


def component_name(component: ScoreComponent, lang: Language | str) -> str:
    return t(lang, f"reports.component.{component.name}")


def component_raw(component: ScoreComponent, lang: Language | str) -> str:
    if component.raw is None:
        return t(lang, "reports.doc.no_data")
    if component.name == "engagement":
        return percent(component.raw, lang)
    if component.name in ("outputs", "satisfaction"):
        return number(component.raw, lang, digits=2)
    return number(component.raw, lang)


@cache
def yes_no(value: bool, lang: Language | str) -> str:
    return t(lang, "reports.doc.yes" if value else "reports.doc.no")
