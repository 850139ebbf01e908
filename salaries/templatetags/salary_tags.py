"""Money for people: `{{ value|money:currency }}` → $178,360; `money_short` → $178K;
`{{ estimate|market:"median" }}` a published market figure."""

import re
from functools import cache
from typing import Any

from babel.numbers import NumberPattern, format_compact_currency, parse_pattern
from django import template
from django.utils.translation import gettext

from core.l10n import babel_locale

register = template.Library()


@cache
def _whole_currency_pattern(locale: str) -> NumberPattern:
    """The locale's currency pattern without decimals: whole amounts, as pay is quoted."""
    from babel import Locale

    pattern = parse_pattern(Locale.parse(locale).currency_formats["standard"].pattern)
    pattern.frac_prec = (0, 0)
    return pattern


# CLDR separates a currency code from the number ("CHF 90,000"); Babel leaves that out.
_CODE_BY_DIGIT = re.compile(r"(?<=[A-Z]{3})(?=[\d-])|(?<=\d)(?=[A-Z]{3})")


@register.filter
def money(value: float | int | None, currency: str = "USD") -> str:
    """A whole amount in the reader's locale: $178,360 in English, 178.360 $ in German,
    CHF 178,360 where a currency has no symbol of its own."""
    if value is None:
        return "—"
    locale = babel_locale()
    text = _whole_currency_pattern(locale).apply(
        round(float(value)), locale, currency=currency, currency_digits=False
    )
    return _CODE_BY_DIGIT.sub("\u00a0", text)


@register.filter
def money_short(value: float | int | None, currency: str = "USD") -> str:
    """Compact, in the reader's locale: $178K, €1.2M, 178.360 € (German has no short form
    for thousands); for axis labels and tight places."""
    if value is None:
        return "—"
    short = format_compact_currency(
        float(value), currency, locale=babel_locale(), fraction_digits=1
    )
    if re.sub(r"\D", "", short) == str(round(abs(float(value)))):
        return money(value, currency)  # no short form in this locale: grouped digits
    return _CODE_BY_DIGIT.sub("\u00a0", short)


@register.filter
def market(estimate: Any, name: str) -> str:
    """A published market figure (salaries.models.MarketEstimate) in US dollars: "—" where
    BLS withheld it, "top-coded" where BLS published only its cap or more."""
    if name in (estimate.top_coded or []):
        return gettext("top-coded")
    return money(getattr(estimate, name), "USD")
