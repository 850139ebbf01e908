"""The salary range charts (p25 to p75 box, median tick): statistics and money labels
placed with the shared geometry of `core.charts`.

Horizontal positions are percentages of the chart's width and vertical ones pixels, so
the chart stretches to any width (360 px phones included) while its text keeps its
size. The template `salaries/_range_chart.html` draws it; a table twin sits beside.
"""

import math
from dataclasses import dataclass, field

from django.utils.formats import number_format

from core.charts import nice_step, scale
from salaries.stats import SalaryStats
from salaries.templatetags.salary_tags import money, money_short

ROW_HEIGHT = 48
AXIS_GAP = 6
TICK_ROOM = 26
MARKER_ROOM = 18
PLOT_LEFT = 0.5  # percent
PLOT_WIDTH = 97.0  # percent


@dataclass(frozen=True, slots=True)
class ChartRow:
    label: str
    stats: SalaryStats
    current: bool = False
    top: int = 0
    x_p25: float | None = None
    x_median: float | None = None
    x_p75: float | None = None

    @property
    def text_y(self) -> int:
        return self.top + 15

    @property
    def bar_y(self) -> int:
        return self.top + 22

    @property
    def tick_top(self) -> int:
        return self.top + 19

    @property
    def tick_bottom(self) -> int:
        return self.top + 41

    @property
    def box_width(self) -> float | None:
        if self.x_p25 is None or self.x_p75 is None:
            return None
        return max(self.x_p75 - self.x_p25, 0.4)

    @property
    def summary(self) -> str:
        s = self.stats
        if s.suppressed:
            return ""
        return (
            f"{money_short(s.median, s.currency)} · {number_format(s.count, force_grouping=True)}"
        )


@dataclass(frozen=True, slots=True)
class ChartTick:
    x: float
    label: str
    anchor: str


@dataclass(frozen=True, slots=True)
class ChartMarker:
    x: float
    label: str
    anchor: str
    text_y: int


@dataclass(slots=True)
class RangeChart:
    rows: list[ChartRow]
    ticks: list[ChartTick]
    markers: list[ChartMarker]
    axis_y: int
    height: int
    currency: str
    empty: bool = field(default=False)


MONEY_STEPS = (1, 2, 2.5, 5)  # axis steps of money: 25,000 reads well, 20,000 too


def _anchor(x: float) -> str:
    if x < 15:
        return "start"
    if x > 85:
        return "end"
    return "middle"


def range_chart(
    rows: list[tuple[str, SalaryStats, bool]],
    currency: str,
    markers: list[tuple[str, float]] | None = None,
) -> RangeChart:
    """`rows`: (label, stats, is current); `markers`: (label, value) reference lines."""
    markers = markers or []
    values = [s.p75 for _, s, _ in rows if not s.suppressed and s.p75 is not None]
    values += [value for _, value in markers]
    top_value = max(values, default=0)
    step = nice_step(top_value, factors=MONEY_STEPS)
    domain = step * math.ceil(top_value / step) if top_value > 0 else 1

    def x(value: float) -> float:
        return scale(value, 0, domain, PLOT_LEFT, PLOT_LEFT + PLOT_WIDTH, digits=2)

    chart_rows = []
    for index, (label, stats, current) in enumerate(rows):
        top = index * ROW_HEIGHT
        if stats.suppressed or stats.p25 is None:
            chart_rows.append(ChartRow(label, stats, current, top))
        else:
            chart_rows.append(
                ChartRow(label, stats, current, top, x(stats.p25), x(stats.median), x(stats.p75))
            )
    axis_y = len(rows) * ROW_HEIGHT + AXIS_GAP
    ticks = []
    value = 0.0
    while value <= domain + step / 2:
        tick_x = x(value)
        ticks.append(ChartTick(tick_x, money_short(value, currency), _anchor(tick_x)))
        value += step
    chart_markers = []
    for index, (label, value) in enumerate(markers):
        marker_x = x(value)
        chart_markers.append(
            ChartMarker(
                marker_x,
                f"{label}: {money(value, currency)}",
                _anchor(marker_x),
                axis_y + TICK_ROOM + MARKER_ROOM * index + 12,
            )
        )
    height = axis_y + TICK_ROOM + MARKER_ROOM * len(markers) + 4
    empty = not values
    return RangeChart(chart_rows, ticks, chart_markers, axis_y, height, currency, empty)
