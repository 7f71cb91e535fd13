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

COLOURS = ("#1d3557", "#457b9d", "#a8dadc", "#e63946")


def _figure(width: float, height: float) -> Figure:
    register_chart_fonts()
    from matplotlib.figure import Figure  # matplotlib is heavy: imported when a chart is drawn

    return Figure(figsize=(width, height), dpi=120, layout="constrained")


def render(figure: Figure, fmt: str = "png") -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format=fmt)
    return buffer.getvalue()


def bar_chart(
    title: str, labels: Sequence[str], values: Sequence[float], *, horizontal: bool = False, value_format: str = "{:g}"
) -> Figure:
    """One series of bars, each labelled with its value; a figure to `render`."""
    height = max(3.0, 0.35 * len(labels) + 1.2) if horizontal else 3.6
    figure = _figure(7.0, height)
    axes = figure.add_subplot()
    if horizontal:
        positions = list(range(len(labels)))[::-1]
        bars = axes.barh(positions, values, color=COLOURS[0])
        axes.set_yticks(positions, labels)
    else:
        from matplotlib.ticker import MaxNLocator

        bars = axes.bar(range(len(labels)), values, color=COLOURS[1])
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        axes.set_xticks(range(len(labels)), labels, rotation=30 if len(labels) > 4 else 0, ha="right")
    axes.bar_label(bars, labels=[value_format.format(v) for v in values], padding=2, fontsize=8)
    axes.set_title(title)
    axes.spines[["top", "right"]].set_visible(False)
    return figure


def scores_chart(program: ProgramFigures, lang: Language, *, top: int = 15) -> bytes:
    clubs = program.clubs[:top]
    return render(
        bar_chart(
            t(lang, "reports.chart.scores", count=len(clubs)),
            [c.club.name for c in clubs],
            [round(c.score.total, 1) for c in clubs],
            horizontal=True,
        )
    )


def outputs_chart(program: ProgramFigures, lang: Language) -> bytes:
    items = list(program.outputs_by_type.items())
    return render(
        bar_chart(
            t(lang, "reports.chart.outputs"),
            [text.type_name(k, lang) for k, _ in items],
            [v for _, v in items],
        )
    )


def fields_chart(program: ProgramFigures, lang: Language) -> bytes:
    return render(
        bar_chart(
            t(lang, "reports.chart.fields"),
            [text.field_name(f.field.value, lang) for f in program.fields],
            [round(100 * f.share_active) for f in program.fields],
            horizontal=True,
            value_format="{:g}%",
        )
    )


def engagement_chart(club: ClubFigures, period: Period, previous: Period, lang: Language) -> bytes:
    """This period against the one before: active members and messages, side by side."""
    from matplotlib.ticker import MaxNLocator

    figure = _figure(7.0, 3.4)
    names = [t(lang, "reports.doc.active_members"), t(lang, "reports.doc.messages")]
    before = [club.previous_engagement.active_members, club.previous_engagement.messages]
    now = [club.engagement.active_members, club.engagement.messages]
    for index, (name, old, new) in enumerate(zip(names, before, now, strict=True)):
        axes = figure.add_subplot(1, 2, index + 1)
        bars = axes.bar(
            [text.period_label(previous, lang), text.period_label(period, lang)], [old, new], color=COLOURS[1:3]
        )
        axes.bar_label(bars, padding=2, fontsize=8)
        locator = axes.yaxis.get_major_locator()
        if isinstance(locator, MaxNLocator):  # the default AutoLocator is one
            locator.set_params(integer=True)
        axes.set_title(name)
        axes.spines[["top", "right"]].set_visible(False)
    figure.suptitle(t(lang, "reports.chart.engagement", club=club.club.name))
    return render(figure)
