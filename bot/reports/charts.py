"""Charts as PNG bytes, with Korean labels in NanumGothic (see `bot.reports.fonts`).

matplotlib's object-oriented API (a `Figure` with the Agg canvas, never `pyplot`), so charts can be
drawn in several threads of the web process at once.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot.domain import Language
from bot.i18n import t
from bot.reports import text
from bot.reports.fonts import register_chart_fonts
from bot.reports.period import Period
from bot.reports.results import ClubFigures, ProgramFigures

if TYPE_CHECKING:
    from matplotlib.figure import Figure

# One palette for every chart: the report's navy for this period, a lighter blue for the period before.
COLOURS = ("#1d3557", "#7fa7c9")
TEXT_PT = 10  # the figures are printed 15 cm wide: 10 pt in a 7-inch figure stays about 8 pt on paper


def _figure(width: float, height: float) -> Figure:
    register_chart_fonts()
    from matplotlib.figure import Figure  # matplotlib is heavy: imported when a chart is drawn

    figure = Figure(figsize=(width, height), dpi=120, layout="constrained")
    return figure


def render(figure: Figure, fmt: str = "png") -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format=fmt)
    return buffer.getvalue()


def says_something(values: Sequence[float]) -> bool:
    """A chart is drawn only to compare: at least two values, not all of them zero."""
    return len(values) >= 2 and sum(1 for v in values if v) >= 1 and len(set(values)) > 1


def bar_chart(
    labels: Sequence[str],
    values: Sequence[float],
    *,
    axis_label: str,
    horizontal: bool = False,
    value_format: str = "{:g}",
    limit: float | None = None,
) -> Figure:
    """One series of bars, each labelled with its value, the value axis named with its unit."""
    height = max(2.6, 0.32 * len(labels) + 1.0) if horizontal else 3.4
    figure = _figure(7.0, height)
    axes = figure.add_subplot()
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    ticks = FuncFormatter(lambda v, _: value_format.format(round(v, 1)))
    if horizontal:
        positions = list(range(len(labels)))[::-1]
        bars = axes.barh(positions, values, color=COLOURS[0], height=0.6)
        axes.set_yticks(positions, labels, fontsize=TEXT_PT - 1)
        axes.set_xlabel(axis_label, fontsize=TEXT_PT - 1)
        axes.xaxis.set_major_formatter(ticks)
        if limit is not None:
            axes.set_xlim(0, limit * 1.08)
    else:
        bars = axes.bar(range(len(labels)), values, color=COLOURS[0], width=0.6)
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        axes.set_xticks(range(len(labels)), labels, rotation=30 if len(labels) > 4 else 0,
                        ha="right" if len(labels) > 4 else "center", fontsize=TEXT_PT - 1)  # fmt: skip
        axes.set_ylabel(axis_label, fontsize=TEXT_PT - 1)
        axes.margins(y=0.15)
    axes.bar_label(bars, labels=[value_format.format(v) for v in values], padding=2, fontsize=TEXT_PT - 2)
    axes.tick_params(labelsize=TEXT_PT - 2)
    axes.spines[["top", "right"]].set_visible(False)
    return figure


def chart_titles(program: ProgramFigures, lang: Language) -> dict[str, str]:
    return {
        "scores": t(lang, "reports.chart.scores", count=min(15, len(program.clubs))),
        "outputs": t(lang, "reports.chart.outputs"),
        "fields": t(lang, "reports.chart.fields"),
    }


def program_charts(program: ProgramFigures, lang: Language) -> dict[str, bytes]:
    """The program's charts that say something (see `says_something`); the document writes a sentence for
    the others."""
    made = {}
    clubs = program.clubs[:15]
    if says_something([c.score.total for c in clubs]):
        made["scores"] = render(
            bar_chart(
                [c.club.name for c in clubs],
                [round(c.score.total, 1) for c in clubs],
                axis_label=t(lang, "reports.chart.axis_score"),
                horizontal=True,
                limit=100,
            )
        )
    outputs = [(k, v) for k, v in program.outputs_by_type.items() if v]
    if len(outputs) >= 2:
        made["outputs"] = render(
            bar_chart(
                [text.type_name(k, lang) for k, _ in outputs],
                [v for _, v in outputs],
                axis_label=t(lang, "reports.chart.axis_outputs"),
            )
        )
    if says_something([f.share_active for f in program.fields]):
        made["fields"] = render(
            bar_chart(
                [text.field_name(f.field.value, lang) for f in program.fields],
                [round(100 * f.share_active) for f in program.fields],
                axis_label=t(lang, "reports.chart.axis_share"),
                horizontal=True,
                value_format="{:g}%",
                limit=100,
            )
        )
    return made


def scores_chart(program: ProgramFigures, lang: Language, *, top: int = 15) -> bytes:
    clubs = program.clubs[:top]
    return render(
        bar_chart(
            [c.club.name for c in clubs],
            [round(c.score.total, 1) for c in clubs],
            axis_label=t(lang, "reports.chart.axis_score"),
            horizontal=True,
            limit=100,
        )
    )


def engagement_worth_drawing(club: ClubFigures) -> bool:
    now, before = club.engagement, club.previous_engagement
    return any((now.active_members, now.messages, before.active_members, before.messages))


def engagement_chart(club: ClubFigures, period: Period, previous: Period, lang: Language) -> bytes:
    """This period against the one before: active members and messages, side by side."""
    from matplotlib.ticker import MaxNLocator

    figure = _figure(7.0, 3.0)
    names = [t(lang, "reports.chart.axis_active"), t(lang, "reports.chart.axis_messages")]
    before = [club.previous_engagement.active_members, club.previous_engagement.messages]
    now = [club.engagement.active_members, club.engagement.messages]
    for index, (name, old, new) in enumerate(zip(names, before, now, strict=True)):
        axes = figure.add_subplot(1, 2, index + 1)
        bars = axes.bar(
            [text.period_label(previous, lang), text.period_label(period, lang)],
            [old, new],
            color=COLOURS[::-1],
            width=0.55,
        )
        axes.bar_label(bars, padding=2, fontsize=TEXT_PT - 2)
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        axes.set_ylabel(name, fontsize=TEXT_PT - 1)
        axes.tick_params(labelsize=TEXT_PT - 2)
        axes.margins(y=0.15)
        axes.spines[["top", "right"]].set_visible(False)
    return render(figure)
