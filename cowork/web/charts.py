"""Charts drawn on the server: the geometry of bar charts and heat maps, as plain data.

The templates (cowork/reports/_bar_chart.html, _heat_map.html) turn it into inline SVG, so
every label is escaped by the template engine and the page needs no JavaScript. Sizes are
in the SVG's own units; the SVG scales with its box. No chart is told by colour alone:
bars carry their value as text, heat-map cells their percentage, and every chart has a
table beside it.
"""

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.translation import gettext as _

# Heat-map levels: 0 is "nothing booked"; then one level per fifth of the open time.
HEAT_LEVELS = 5


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    label_x: float
    show_label: bool
    value_text: str
    value_y: float
    title: str


@dataclass(frozen=True)
class Tick:
    y: float
    text: str


@dataclass(frozen=True)
class BarChart:
    chart_id: str
    title: str
    description: str
    width: int
    height: int
    left: float
    right: float
    top: float
    baseline: float
    bars: list[Bar]
    ticks: list[Tick]
    show_values: bool
    label_y: float
    tick_x: float

    @property
    def empty(self) -> bool:
        return not self.bars


def _nice_step(maximum: float, most_ticks: int = 4) -> float:
    """A step of 1, 2 or 5 times a power of ten giving at most `most_ticks` steps."""
    if maximum <= 0:
        return 1
    raw = maximum / most_ticks
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if factor * power >= raw:
            return max(1, factor * power)
    return 10 * power


def bar_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    points: Sequence[tuple[str, float]],
    value_text: Callable[[float], str] = lambda value: number_format(value),
    width: int = 420,
    height: int = 220,
    show_values: bool = True,
    most_labels: int = 12,
) -> BarChart:
    """Vertical bars with a value axis, a label under each bar (or every nth), values on top."""
    left, right, top, bottom = 44, width - 20, 22, height - 30
    plot_height = bottom - top
    maximum = max((value for _label, value in points), default=0)
    step = _nice_step(maximum)
    axis_max = max(step, math.ceil(maximum / step) * step)
    ticks = [
        Tick(y=bottom - plot_height * (n * step) / axis_max, text=number_format(n * step))
        for n in range(int(axis_max / step) + 1)
    ]
    slot = (right - left) / max(1, len(points))
    bar_width = max(1.0, slot * (0.7 if len(points) < 20 else 0.85))
    every = max(1, math.ceil(len(points) / most_labels))
    bars = []
    for index, (label, value) in enumerate(points):
        bar_height = plot_height * value / axis_max
        x = left + index * slot + (slot - bar_width) / 2
        text = value_text(value)
        bars.append(
            Bar(
                x=round(x, 2),
                y=round(bottom - bar_height, 2),
                width=round(bar_width, 2),
                height=round(bar_height, 2),
                label=label,
                label_x=round(x + bar_width / 2, 2),
                show_label=index % every == 0,
                value_text=text,
                value_y=round(bottom - bar_height - 5, 2),
                title=_("%(label)s: %(value)s") % {"label": label, "value": text},
            )
        )
    return BarChart(
        chart_id=chart_id,
        title=title,
        description=description,
        width=width,
        height=height,
        left=left,
        right=right,
        top=top,
        baseline=bottom,
        bars=bars,
        ticks=ticks,
        show_values=show_values,
        label_y=bottom + 18,
        tick_x=left - 6,
    )


@dataclass(frozen=True)
class HeatCell:
    x: float
    y: float
    width: float
    height: float
    # 0 to HEAT_LEVELS, or None where nothing is open.
    level: int | None
    text: str
    text_x: float
    text_y: float
    title: str


@dataclass(frozen=True)
class LegendItem:
    x: float
    level: int | None
    text: str


@dataclass(frozen=True)
class HeatMapChart:
    chart_id: str
    title: str
    description: str
    width: int
    height: int
    cells: list[HeatCell]
    rows: list[tuple[float, str]]
    columns: list[tuple[float, str]]
    legend: list[LegendItem]
    legend_y: float
    cell_width: int
    cell_height: int


def heat_level(percent: float | None) -> int | None:
    if percent is None:
        return None
    if percent <= 0:
        return 0
    return min(HEAT_LEVELS, 1 + int(percent // (100 / HEAT_LEVELS)))


def heat_map_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    rows: Sequence[tuple[str, str]],
    hours: Sequence[int],
    value: Callable[[int, int], float | None],
    row_keys: Sequence[int],
    cell_text: Callable[[int, int], str] | None = None,
    cell_title: Callable[[str, str, int, int], str] | None = None,
) -> HeatMapChart:
    """A grid of rows (weekdays: short and long label) by hours; each cell a share in %.

    `value(row_key, hour)` gives the cell's percentage, or None where nothing is open.
    A cell shows its rounded percentage and is titled with its share of open time booked,
    unless `cell_text(row_key, hour)` and `cell_title(long day, hours, row_key, hour)` say
    otherwise (a count, and what it counts).
    """
    label_width, header, cell_width, cell_height = 48, 22, 44, 30
    cells = []
    for r, ((_short, long), key) in enumerate(zip(rows, row_keys, strict=True)):
        for c, hour in enumerate(hours):
            percent = value(key, hour)
            x, y = label_width + c * cell_width, header + r * cell_height
            span = f"{hour:02d}:00–{hour + 1:02d}:00"
            if percent is None:
                text = ""
                title_text = _("%(day)s %(hours)s: closed") % {"day": long, "hours": span}
            elif cell_text is not None and cell_title is not None:
                text, title_text = cell_text(key, hour), cell_title(long, span, key, hour)
            else:
                text = number_format(round(percent))
                title_text = _("%(day)s %(hours)s: %(percent)s%% of open time booked") % {
                    "day": long,
                    "hours": span,
                    "percent": number_format(percent, 1),
                }
            cells.append(
                HeatCell(
                    x=x,
                    y=y,
                    width=cell_width - 2,
                    height=cell_height - 2,
                    level=heat_level(percent),
                    text=text,
                    text_x=x + (cell_width - 2) / 2,
                    text_y=y + cell_height / 2 + 4,
                    title=title_text,
                )
            )
    grid_bottom = header + len(rows) * cell_height
    legend_texts = [(0, "0")] + [
        (
            level,
            f"{number_format((level - 1) * 100 // HEAT_LEVELS)}–"
            f"{number_format(level * 100 // HEAT_LEVELS)}",
        )
        for level in range(1, HEAT_LEVELS + 1)
    ]
    legend = [
        LegendItem(x=label_width + i * 64, level=level, text=text)
        for i, (level, text) in enumerate(legend_texts)
    ]
    legend.append(LegendItem(x=label_width + len(legend) * 64, level=None, text=_("closed")))
    width = max(label_width + len(hours) * cell_width, label_width + len(legend) * 64 + 40) + 4
    return HeatMapChart(
        chart_id=chart_id,
        title=title,
        description=description,
        width=width,
        height=grid_bottom + 44,
        cells=cells,
        rows=[
            (header + r * cell_height + cell_height / 2 + 4, short)
            for r, (short, _long) in enumerate(rows)
        ],
        columns=[
            (label_width + c * cell_width + cell_width / 2, f"{hour:02d}")
            for c, hour in enumerate(hours)
        ],
        legend=legend,
        legend_y=grid_bottom + 14,
        cell_width=cell_width,
        cell_height=cell_height,
    )
