"""ISO 3166-1 countries and ISO 4217 currencies (data from pycountry), with names."""

from functools import cache

import pycountry
from django.utils.translation import gettext_lazy as _

WORLDWIDE = "XX"


@cache
def _countries() -> dict[str, str]:
    return {c.alpha_2: getattr(c, "common_name", c.name) for c in pycountry.countries}


@cache
def _currencies() -> dict[str, str]:
    return {c.alpha_3: c.name for c in pycountry.currencies}


def is_country(code: str) -> bool:
    """An ISO 3166-1 alpha-2 code (upper case) or XX for worldwide."""
    return code == WORLDWIDE or code in _countries()


def is_currency(code: str) -> bool:
    """An ISO 4217 code (upper case)."""
    return code in _currencies()


def country_name(code: str) -> str:
    if code == WORLDWIDE:
        return str(_("Worldwide"))
    return _countries().get(code, code)


def country_choices() -> list[tuple[str, str]]:
    """Every country by name, with Worldwide first."""
    by_name = sorted(_countries().items(), key=lambda item: item[1])
    return [(WORLDWIDE, str(_("Worldwide"))), *by_name]


def currency_choices() -> list[tuple[str, str]]:
    return [(code, f"{code} · {name}") for code, name in sorted(_currencies().items())]
