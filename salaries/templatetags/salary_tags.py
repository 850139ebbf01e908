"""Money for people: `{{ value|money:currency }}` → $178,360; `money_short` → $178k;
`{{ estimate|market:"median" }}` a published market figure."""

from typing import Any

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext

register = template.Library()

SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "INR": "₹"}


def _with_currency(number: str, currency: str) -> str:
    symbol = SYMBOLS.get(currency)
    return f"{symbol}{number}" if symbol else f"{currency}\u00a0{number}"


@register.filter
def money(value: float | int | None, currency: str = "USD") -> str:
    """A whole amount with the locale's grouping and the currency's symbol or code."""
    if value is None:
        return "—"
    number = number_format(round(float(value)), decimal_pos=0, force_grouping=True)
    return _with_currency(number, currency)


@register.filter
def money_short(value: float | int | None, currency: str = "USD") -> str:
    """Compact: $178k, €1.2M; for axis labels and tight places."""
    if value is None:
        return "—"
    value = float(value)
    if abs(value) >= 1_000_000:
        number = number_format(round(value / 1_000_000, 1), decimal_pos=None) + "M"
    elif abs(value) >= 1_000:
        thousands = round(value / 1_000, 1)
        places = 0 if thousands == int(thousands) else 1
        number = number_format(thousands, decimal_pos=places, force_grouping=True) + "k"
    else:
        number = number_format(round(value), decimal_pos=0)
    return _with_currency(number, currency)


@register.filter
def market(estimate: Any, name: str) -> str:
    """A published market figure (salaries.models.MarketEstimate) in US dollars: "—" where
    BLS withheld it, "top-coded" where BLS published only its cap or more."""
    if name in (estimate.top_coded or []):
        return gettext("top-coded")
    return money(getattr(estimate, name), "USD")
