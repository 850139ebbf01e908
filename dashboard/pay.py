"""Pay at my level and the next, from the salaries app's statistics (never computed here).

`salaries.stats.level_pay` gives each level's median and p25-p75 in my country, or
worldwide (and says so) when my country has too few points. This module only adds the
sources behind each figure and the difference between the two levels.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q

from careers.models import Level
from salaries.models import SalaryDataPoint
from salaries.stats import LevelPay, cached_figures, level_pay


@dataclass
class PayFigure:
    pay: LevelPay
    sources: list[str] = field(default_factory=list)

    @property
    def level(self) -> Level:
        return self.pay.level

    @property
    def stats(self):  # salaries.stats.SalaryStats
        return self.pay.stats

    @property
    def shown(self) -> bool:
        """Figures exist (the group is not suppressed)."""
        return not self.pay.stats.suppressed

    @property
    def years(self) -> str:
        first, last = self.stats.year_min, self.stats.year_max
        if first is None:
            return ""
        return str(first) if first == last else f"{first}\u2013{last}"


@dataclass
class PayComparison:
    current: PayFigure | None
    next: PayFigure | None

    @property
    def comparable(self) -> bool:
        """Both figures shown, and from the same place (both my country or both worldwide)."""
        return bool(
            self.current
            and self.next
            and self.current.shown
            and self.next.shown
            and self.current.pay.scope == self.next.pay.scope
        )

    @property
    def difference(self) -> float | None:
        if not self.comparable:
            return None
        return self.next.stats.median - self.current.stats.median

    @property
    def difference_abs(self) -> float | None:
        return None if self.difference is None else abs(self.difference)

    @property
    def difference_percent(self) -> int | None:
        if not self.comparable or not self.current.stats.median:
            return None
        return round(100 * self.difference / self.current.stats.median)

    @property
    def rows(self) -> list[PayFigure]:
        return [figure for figure in (self.current, self.next) if figure is not None]

    @property
    def currency(self) -> str:
        figure = self.next or self.current
        return figure.stats.currency if figure else ""


def sources_by_level(levels: list[Level], country: str | None) -> dict[tuple[int, str], list[str]]:
    """{(level id, "country" | "worldwide"): source names}, in one query; cached with the
    salary statistics (it reads every point of the levels: docs/benchmarks.md)."""
    return cached_figures(
        "sources-by-level", (levels, country), lambda: _sources_by_level(levels, country)
    )


def _sources_by_level(levels: list[Level], country: str | None) -> dict[tuple[int, str], list[str]]:
    rows = (
        SalaryDataPoint.objects.approved()
        .individual()
        .filter(level__in=levels)
        .values("level_id", "source__name")
        .annotate(
            everywhere=Count("pk"),
            here=Count("pk", filter=Q(country=country)) if country else Count("pk"),
        )
        .order_by("source__name")
    )
    found: dict[tuple[int, str], list[str]] = defaultdict(list)
    for row in rows:
        found[(row["level_id"], "worldwide")].append(row["source__name"])
        if country and row["here"]:
            found[(row["level_id"], "country")].append(row["source__name"])
    return dict(found)


def pay_for(country: str | None, current: Level | None, target: Level | None) -> PayComparison:
    """Pay at my current level and the next (target) one, in my country or worldwide.

    One or two queries per level (level_pay), and one for the sources of the figures
    that are shown.
    """
    figures = [
        PayFigure(level_pay(level, country or None)) if level is not None else None
        for level in (current, target)
    ]
    shown = [f for f in figures if f is not None and f.shown]
    if shown:
        sources = sources_by_level([f.level for f in shown], country or None)
        for f in shown:
            f.sources = sources.get((f.level.pk, f.pay.scope), [])
    return PayComparison(*figures)
