"""Geometry for every server-rendered SVG chart: numbers in, coordinates out.

Pure functions and plain data: no models, no queries. The dashboard's line and bar
charts and the public profile's weekly columns use a fixed viewBox (640 wide, the width
site.css expects); the salary range charts (salaries/charts.py) place their marks in
percent of the width with `scale` and `nice_step`; the activity heatmap (`heatmap`) is
a year of days, a square each, in its own viewBox. Templates draw the shapes with the
`.chart-*` classes, so colours follow the colour scheme; every chart has a text twin in
its template (a table or a sentence).
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.formats import date_format

from core.l10n import percent, short_day

WIDTH = 640


@dataclass(frozen=True)
class Tick:
    """A gridline or axis label: its position along the axis and its text."""

    at: float
    label: str


@dataclass(frozen=True)
class Series:
    """One line of a line chart, in viewBox coordinates."""

    name: str
    css: str  # extra class beside .chart-line, e.g. "secondary"
    points: list[tuple[float, float]]
    end_label: str

    @property
    def path(self) -> str:
        """An SVG path: a step after each point (values hold until the next change)."""
        if not self.points:
            return ""
        (x0, y0), *rest = self.points
        parts = [f"M{x0:.1f} {y0:.1f}"]
        last_y = y0
        for x, y in rest:
            parts.append(f"H{x:.1f}")
            if y != last_y:
                parts.append(f"V{y:.1f}")
            last_y = y
        return " ".join(parts)

    @property
    def last(self) -> tuple[float, float]:
        return self.points[-1]


@dataclass(frozen=True)
class LineChart:
    width: int
    height: int
    left: float
    right: float
    top: float
    bottom: float
    series: list[Series]
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    y2_ticks: list[Tick] = field(default_factory=list)

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width} {self.height}"


@dataclass(frozen=True)
class Bar:
    label: str
    value: float  # 0..100
    text: str  # what the bar says at its end, e.g. "4 of 6"
    y: float
    width: float
    label_y: float


@dataclass(frozen=True)
class Column:
    """One vertical bar of a column chart, in viewBox coordinates."""

    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    left: float
    right: float
    bar_height: float
    bars: list[Bar]
    x_ticks: list[Tick]

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width} {self.height}"

    @property
    def plot_bottom(self) -> float:
        return self.height - 24


def nice_step(
    value: float, ticks: int = 4, factors: Sequence[float] = (1, 2, 5), whole: bool = False
) -> float:
    """The smallest 'round' step that reaches `value` in `ticks` steps: a factor times a
    power of ten (at least 1 when `whole`, for counts). 1 when there is nothing to show.

    With factors (1, 2, 5): 13 → 5, 7 → 2; money axes add 2.5 (90,000 → 25,000).
    """
    raw = value / ticks
    if raw <= 0:
        return 1
    power = 10 ** math.floor(math.log10(raw))
    if whole:
        power = max(power, 1)
    for factor in (*factors, 10):
        if raw <= factor * power:
            return factor * power
    return 10 * power  # pragma: no cover - factor 10 always fits


def nice_ceiling(value: float, ticks: int = 4) -> tuple[int, int]:
    """The smallest 'round' axis maximum ≥ value for a count, and its whole step, for
    about `ticks` steps: 13 → (15, 5), 7 → (8, 2), 0 → (ticks, 1)."""
    if value <= 0:
        return ticks, 1
    step = int(nice_step(value, ticks, whole=True))
    return step * math.ceil(value / step), step


def scale(value: float, lo: float, hi: float, to_lo: float, to_hi: float, digits: int = 1) -> float:
    """Map value in [lo, hi] linearly onto [to_lo, to_hi], rounded to `digits` decimals;
    the middle when lo == hi."""
    if hi == lo:
        return round((to_lo + to_hi) / 2, digits)
    return round(to_lo + (value - lo) * (to_hi - to_lo) / (hi - lo), digits)


def date_ticks(start: datetime.date, end: datetime.date, most: int = 6) -> list[datetime.date]:
    """Up to `most` evenly spaced whole days from start to end, both included."""
    days = (end - start).days
    if days <= 0:
        return [start]
    count = min(most, days + 1)
    step = days / (count - 1)
    picked = sorted({start + datetime.timedelta(days=round(i * step)) for i in range(count)})
    return picked


def history_chart(
    rows: Sequence[tuple[datetime.date, int, int]],
    *,
    readiness_name: str | None,
    done_name: str,
    width: int = WIDTH,
    height: int = 260,
) -> LineChart | None:
    """Skills done (right axis) and readiness % (left axis) over dates.

    `rows` are (date, skills done, readiness percent) in date order, one per day,
    each the state at the end of that day. Without a `readiness_name` (no level to be
    ready for) only skills done are drawn. None when there is nothing to draw.
    """
    if not rows:
        return None
    left, right, top, bottom = 48.0, width - 56.0, 16.0, height - 32.0
    start, end = rows[0][0], rows[-1][0]
    span = (end - start).days
    done_max, done_step = nice_ceiling(max(r[1] for r in rows))

    def x_of(day: datetime.date) -> float:
        return scale((day - start).days, 0, span, left, right) if span else left

    def y_percent(value: float) -> float:
        return scale(value, 0, 100, bottom, top)

    def y_done(value: float) -> float:
        return scale(value, 0, done_max, bottom, top)

    readiness = Series(
        name=readiness_name,
        css="",
        points=[(x_of(d), y_percent(pct)) for d, _done, pct in rows],
        end_label=percent(rows[-1][2]),
    )
    done = Series(
        name=done_name,
        css="secondary",
        points=[(x_of(d), y_done(n)) for d, n, _pct in rows],
        end_label=str(rows[-1][1]),
    )
    if span == 0:  # one day: draw a short flat line so the value is visible
        readiness = Series(
            readiness.name,
            "",
            [*readiness.points, (right, readiness.points[0][1])],
            readiness.end_label,
        )
        done = Series(
            done.name, "secondary", [*done.points, (right, done.points[0][1])], done.end_label
        )
    x_ticks = [Tick(x_of(d), short_day(d)) for d in date_ticks(start, end)]
    if span == 0:
        x_ticks = [Tick(left, short_day(start))]
    y_ticks = [Tick(y_percent(p), percent(p)) for p in range(0, 101, 25)]
    y2_ticks = [Tick(y_done(n), str(n)) for n in range(0, done_max + 1, done_step)]
    series = [readiness, done]
    if readiness_name is None:
        series = [done]
        y_ticks = [Tick(t.at, "") for t in y_ticks]  # gridlines only
    return LineChart(width, height, left, right, top, bottom, series, x_ticks, y_ticks, y2_ticks)


def bar_chart(
    rows: Sequence[tuple[str, float, str]],
    *,
    width: int = WIDTH,
    row_height: int = 30,
    label_width: float = 220.0,
) -> BarChart | None:
    """Horizontal percentage bars, one per row: (label, percent 0..100, end text)."""
    if not rows:
        return None
    left, right = label_width, width - 72.0
    top = 8.0
    bar_height = row_height * 0.6
    bars = []
    for index, (label, value, text) in enumerate(rows):
        clamped = max(0.0, min(100.0, float(value)))
        y = top + index * row_height
        bars.append(
            Bar(
                label=label,
                value=clamped,
                text=text,
                y=y,
                width=scale(clamped, 0, 100, 0, right - left),
                label_y=y + bar_height / 2 + 4.5,  # 13-unit text, optically centred
            )
        )
    height = int(top + len(rows) * row_height + 24)
    ticks = [Tick(scale(p, 0, 100, left, right), percent(p)) for p in (0, 25, 50, 75, 100)]
    return BarChart(width, height, left, right, bar_height, bars, ticks)


def columns(
    values: Sequence[float],
    *,
    width: float,
    height: float,
    left: float = 0,
    top: float = 0,
    bottom: float = 0,
    fill: float = 0.7,
) -> list[Column]:
    """Vertical bars, one per value in equal slots from `left` to `width`, each `fill` of
    its slot wide and centred; the largest value reaches `top`, zero sits on the
    baseline `height - bottom`."""
    peak = max(values, default=0) or 1
    plot_height = height - top - bottom
    slot = (width - left) / max(len(values), 1)
    result = []
    for i, value in enumerate(values):
        bar_height = round(plot_height * value / peak, 1)
        result.append(
            Column(
                x=round(left + i * slot + slot * (1 - fill) / 2, 1),
                y=round(top + plot_height - bar_height, 1),
                width=round(slot * fill, 1),
                height=bar_height,
            )
        )
    return result


# The calendar heatmap: a year of days, weeks as columns, Monday at the top.
HEAT_CELL = 11  # a day's square
HEAT_STEP = 14  # from one square to the next (a 3-unit gap)
HEAT_LEFT = 30  # room for the weekday labels
HEAT_TOP = 16  # room for the month labels
HEAT_WEEKDAYS = (0, 2, 4)  # Monday, Wednesday, Friday are labelled, as calendars do


@dataclass(frozen=True)
class HeatCell:
    """One day's square: its top-left corner, its level (0..4) and its hover text."""

    x: int
    y: int
    level: int
    label: str


@dataclass(frozen=True)
class Heatmap:
    width: int
    height: int
    cells: list[HeatCell]
    months: list[Tick]  # x of each month's first week, its short name
    weekdays: list[Tick]  # y of the middle of a labelled row, the day's short name
    cell: int = HEAT_CELL

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width} {self.height}"


def heatmap(days: Sequence[tuple[datetime.date, int, str]]) -> Heatmap | None:
    """Squares for (day, level, hover text), consecutive days from a Monday: one column
    per week, one row per weekday. A month is named above the first week whose Monday
    falls in it, unless the name would crowd the one before it."""
    if not days:
        return None
    start = days[0][0]
    cells = []
    for day, level, label in days:
        offset = (day - start).days
        x = HEAT_LEFT + (offset // 7) * HEAT_STEP
        y = HEAT_TOP + (offset % 7) * HEAT_STEP
        cells.append(HeatCell(x, y, level, label))
    columns_count = (len(days) + 6) // 7
    months: list[Tick] = []
    last_month = None
    for column in range(columns_count):
        monday = start + datetime.timedelta(weeks=column)
        if monday.month == last_month:
            continue
        last_month = monday.month
        x = HEAT_LEFT + column * HEAT_STEP
        if months and x - months[-1].at < 3 * HEAT_STEP:
            months.pop()  # a partial first month would crowd the next name: drop it
        months.append(Tick(x, date_format(monday, "M")))
    weekdays = [
        Tick(
            HEAT_TOP + row * HEAT_STEP + HEAT_CELL / 2,
            date_format(start + datetime.timedelta(days=row), "D"),
        )
        for row in HEAT_WEEKDAYS
    ]
    width = HEAT_LEFT + columns_count * HEAT_STEP
    height = HEAT_TOP + 7 * HEAT_STEP
    return Heatmap(width, height, cells, months, weekdays)
