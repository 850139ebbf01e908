"""Is a salary figure plausible? Asked of every contribution before it is queued, and of
every imported row.

A figure is implausible when, converted to US dollars at its year's rate, it is outside
fixed sanity bounds for a year's gross pay, or when it is more than `MAD_LIMIT` median
absolute deviations from the median of its group (the level in the country, else the
region, else worldwide: the first with enough points). The rate is the figure's year's,
else the nearest year's; a figure in a currency without any rate cannot be checked, and is
flagged so (without asking the person). An implausible contribution is only queued
after the person confirms it; either way it carries the reason (`implausible`) for the
moderators. Imports keep such rows and list them in their summary.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from careers.models import Level
from salaries.models import ExchangeRate
from salaries.stats import BASE_CURRENCY, nearest_rate, places_for, spread

# A year's gross pay in US dollars outside these bounds is not believable for a job in
# software (a part-time student job pays more than the first; no salary the second).
LOWEST_USD = 1_000
HIGHEST_USD = 2_000_000
MAD_LIMIT = 5
# A group of (nearly) equal figures has a MAD near 0, which would flag any other figure:
# the MAD counts as at least this share of the median.
MAD_FLOOR = 0.05


def sanity_problem(amount_usd: float | None, currency: str, year: int) -> str:
    """Why an amount (already in USD) fails the fixed bounds, or ""."""
    if amount_usd is None:
        return _("no exchange rate for %(currency)s, so it could not be checked") % {
            "currency": currency,
        }
    if amount_usd < LOWEST_USD:
        return _("below %(bound)s US dollars a year") % {"bound": f"{LOWEST_USD:,}"}
    if amount_usd > HIGHEST_USD:
        return _("above %(bound)s US dollars a year") % {"bound": f"{HIGHEST_USD:,}"}
    return ""


@dataclass(frozen=True, slots=True)
class Verdict:
    """Why a figure looks implausible ("" when it does not), and whether the person must
    confirm it (not when only the exchange rate is missing: not their doing)."""

    reason: str = ""
    ask: bool = False


def implausibility(
    amount: Decimal | float, *, currency: str, year: int, level: Level, country: str
) -> Verdict:
    """Is a contribution plausible? A few queries."""
    currency = currency.upper()
    if currency == BASE_CURRENCY:
        usd: float | None = float(amount)
    else:
        rates = {
            y: float(r)
            for y, r in ExchangeRate.objects.filter(currency=currency).values_list(
                "year", "rate_to_usd"
            )
        }
        rate = nearest_rate(rates, year)
        usd = None if rate is None else float(amount) * rate
    problem = sanity_problem(usd, currency, year)
    if problem or usd is None:
        return Verdict(problem, ask=usd is not None)
    for place in places_for(country):
        group = spread(usd, level=level, currency=BASE_CURRENCY, **place.filters)
        if group.median is None:
            continue
        spread_ = max(group.mad or 0.0, MAD_FLOOR * group.median)
        if spread_ and abs(usd - group.median) > MAD_LIMIT * spread_:
            reason = _(
                "more than %(limit)s median absolute deviations from the median of "
                "%(level)s (%(place)s)"
            ) % {"limit": MAD_LIMIT, "level": level.name, "place": place.name}
            return Verdict(reason, ask=True)
        return Verdict()
    return Verdict()
