"""The annual report's charts (PNG, as `bot.reports.charts` draws them): small multiples, one small panel per
indicator with its four quarters and the plan's target, and one per club with its score over the year."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from bot.domain import Language
from bot.i18n import t
from bot.reports import text
from bot.reports.charts import COLOURS, TEXT_PT, _figure, render
from bot.reports.year import Indicator, YearFigures

TARGET_COLOUR = "#c0392b"
CLUB_PANELS = 12  # the best clubs of the year; the trajectory of every club is in the tables


def quarter_labels(lang: Language) -> list[str]:
    return [t(lang, "reports.year.q", number=n) for n in range(1, 5)]


def value_text(indicator: Indicator, value: float | None, lang: Language) -> str:
    if value is None:
        return "—"
    if indicator.kind == "share":
        return text.percent(value, lang)
    if indicator.kind == "mean":
        return text.number(value, lang, 2)
    return text.number(value, lang)


def indicators_chart(figures: YearFigures, lang: Language) -> bytes:
    """One panel per indicator: bars for the quarters, a dashed line at what a quarter aims at; the panel's
    title names the indicator and the year's value against the year's target."""
    from matplotlib.ticker import MaxNLocator

    indicators = figures.indicators
    columns = 3
    rows = (len(indicators) + columns - 1) // columns
    figure = _figure(7.2, 1.85 * rows + 0.25)
    labels = quarter_labels(lang)
    for index, indicator in enumerate(indicators):
        axes = figure.add_subplot(rows, columns, index + 1)
        scale = 100.0 if indicator.kind == "share" else 1.0
        values = [0.0 if v is None else v * scale for v in indicator.quarters]
        bars = axes.bar(range(4), values, color=COLOURS[0], width=0.62)
        axes.bar_label(
            bars,
            labels=[value_text(indicator, v, lang) for v in indicator.quarters],
            padding=1,
            fontsize=TEXT_PT - 3.5,
        )
        target = indicator.quarter_target * scale
        axes.axhline(target, color=TARGET_COLOUR, linestyle="--", linewidth=1.0)
        top = max([target, *values]) or 1.0
        axes.set_ylim(0, top * 1.25)
        if indicator.kind == "mean":
            axes.set_ylim(0, 5.4)
        if indicator.kind == "count":
            axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        axes.set_xticks(range(4), labels, fontsize=TEXT_PT - 3)
        axes.tick_params(axis="y", labelsize=TEXT_PT - 3.5)
        axes.spines[["top", "right"]].set_visible(False)
        axes.set_title(
            f"{t(lang, f'reports.year.ind.{indicator.key}')}\n"
            + t(
                lang,
                "reports.year.chart_year",
                value=value_text(indicator, indicator.year, lang),
                target=value_text(indicator, indicator.target, lang),
            ),
            fontsize=TEXT_PT - 2.5,
        )
    return render(figure)


def panel_title(name: str, width: int = 26) -> str:
    """A club's name over its panel: on at most two lines, the end kept (where names differ: "… Group 10");
    Hangul is twice as wide as Latin letters."""
    if text.display_width(name) > len(name):
        width //= 2
    lines = textwrap.wrap(name, width) or [""]
    if len(lines) <= 2:
        return "\n".join(lines)
    return lines[0] + "\n…" + name[-(width - 1) :].lstrip()


def trajectory_worth_drawing(figures: YearFigures) -> bool:
    return len(figures.clubs) >= 2 and any(s for c in figures.clubs for s in c.scores if s)


def trajectories_chart(figures: YearFigures, lang: Language) -> bytes:
    """One panel per club (the best of the year first): its score in each quarter it existed in, on 0-100."""
    clubs = figures.clubs[:CLUB_PANELS]
    columns = 4
    rows = (len(clubs) + columns - 1) // columns
    figure = _figure(7.2, 1.75 * rows + 0.3)
    labels = quarter_labels(lang)
    for index, club in enumerate(clubs):
        axes = figure.add_subplot(rows, columns, index + 1)
        points = [(i, s) for i, s in enumerate(club.scores) if s is not None]
        xs: Sequence[int] = [i for i, _ in points]
        ys: Sequence[float] = [s for _, s in points]
        axes.plot(xs, ys, color=COLOURS[0], marker="o", markersize=3, linewidth=1.4)
        axes.set_ylim(0, 105)
        axes.set_xlim(-0.4, 3.4)
        axes.set_xticks(range(4), labels, fontsize=TEXT_PT - 4)
        axes.tick_params(axis="y", labelsize=TEXT_PT - 4)
        axes.spines[["top", "right"]].set_visible(False)
        axes.set_title(panel_title(club.club.name), fontsize=TEXT_PT - 3)
    return render(figure)
