"""My own pay (private): where it sits in my level's distribution. Read by the dashboard,
the level page and `GET /api/v1/me/pay`; never part of any statistic.

Everything is in the currency the person sees figures in: their pay is converted at its
year's rate (or the nearest year's), the level's points each at their own year's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser

from careers.models import Level
from salaries.models import OwnPay
from salaries.stats import LevelPay, Place, convert, spread


@dataclass(frozen=True, slots=True)
class MyPosition:
    """My pay against my level's figures in one place."""

    own: OwnPay
    amount: float | None  # in `currency`; None without an exchange rate
    currency: str
    rate_year: int | None  # the year of the rate used, when converted
    level: Level
    place: Place
    count: int
    median: float | None
    rank: float | None  # percentile rank, 0-100: the share of the level's points below mine

    @property
    def compa_ratio(self) -> float | None:
        """My pay divided by the level's median (1.00: exactly the median)."""
        if self.amount is None or not self.median:
            return None
        return round(self.amount / self.median, 2)

    @property
    def converted(self) -> bool:
        return self.own.currency != self.currency

    def as_dict(self) -> dict[str, Any]:
        return {
            "amount": float(self.own.amount),
            "currency": self.own.currency,
            "year": self.own.year,
            "converted": None if self.amount is None else round(self.amount, 2),
            "converted_currency": self.currency,
            "rate_year": self.rate_year,
            "percentile_rank": self.rank,
            "compa_ratio": self.compa_ratio,
        }


def own_pay(user: AbstractBaseUser) -> OwnPay | None:
    """The pay a person recorded, or None (one query)."""
    return OwnPay.objects.for_user(user).first()


def position(own: OwnPay | None, pay: LevelPay | None, currency: str) -> MyPosition | None:
    """Where `own` sits among `pay`'s points (its level, from its place), in `currency`.
    None without a recorded pay or a level. Up to three queries, not cached."""
    if own is None or pay is None:
        return None
    amount, rate_year = convert(float(own.amount), own.currency, currency, own.year)
    rank = median = None
    count = pay.stats.count
    if amount is not None:
        group = spread(amount, level=pay.level, currency=currency, **pay.place.filters)
        rank, median, count = group.rank, group.median, group.count
    return MyPosition(
        own=own,
        amount=amount,
        currency=currency,
        rate_year=rate_year,
        level=pay.level,
        place=pay.place,
        count=count,
        median=median if median is not None else pay.stats.median,
        rank=rank,
    )
