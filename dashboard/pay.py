"""Pay at my level and the next, from the salaries app's statistics (never computed here).

`salaries.stats.pay_pair` gives both levels' median and p25-p75 from one place: my
country, else my region, else worldwide, the narrowest where both levels have enough
points, so that the difference compares like with like. Figures are in my currency.
This module only adds the sources behind each figure and the difference.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from careers.models import Level
from salaries.stats import BASE_CURRENCY, LevelPay, pay_pair, sources_for_levels


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
        return self.stats.years


@dataclass
class PayComparison:
    current: PayFigure | None
    next: PayFigure | None

    @property
    def comparable(self) -> bool:
        """Both figures shown, and from the same place (salaries.stats.pay_pair)."""
        return bool(
            self.current
            and self.next
            and self.current.shown
            and self.next.shown
            and self.current.pay.place == self.next.pay.place
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

    @property
    def place(self) -> str:
        """Where the compared figures come from (for the sentence with the difference)."""
        return self.next.pay.place.name if self.next else ""


def pay_for(
    country: str | None,
    current: Level | None,
    target: Level | None,
    currency: str = BASE_CURRENCY,
) -> PayComparison:
    """Pay at my current level and the next (target) one, from one place, in `currency`.

    One query per step of the chain tried (pay_pair), one for the sources (all cached
    with the salary statistics).
    """
    pair = pay_pair(current, target, country or None, currency=currency)
    figures = [PayFigure(pay) if pay is not None else None for pay in pair]
    shown = [f for f in figures if f is not None and f.shown]
    if shown:
        sources = sources_for_levels([f.level for f in shown], shown[0].pay.place)
        for figure in shown:
            figure.sources = sources.get(figure.level.pk, [])
    return PayComparison(*figures)
