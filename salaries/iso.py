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


# Currencies shared by several countries, or not named after the country's code; every
# other country's currency is the one whose code starts with the country's (DE is not
# one of those: it uses the euro). ISO 4217 fund codes (CHE, USN, ...) are never chosen.
_SHARED = {
    "EUR": "AD AT AX BE BG BL CY DE EE ES FI FR GF GP GR HR IE IT LT LU LV MC ME MF MQ MT NL "
    "PM PT RE SI SK SM TF VA YT",
    "USD": "AS BQ EC FM GU IO MH MP PR PW SV TC TL UM US VG VI",
    "XOF": "BF BJ CI GW ML NE SN TG",
    "XAF": "CF CG CM GA GQ TD",
    "XCD": "AG AI DM GD KN LC MS VC",
    "XPF": "NC PF WF",
    "AUD": "AU CC CX HM KI NF NR TV",
    "NZD": "CK NU NZ PN TK",
    "GBP": "GB GG GS IM JE",
    "DKK": "DK FO GL",
    "NOK": "BV NO SJ",
    "CHF": "CH LI",
    "XCG": "CW SX",
    "MAD": "EH MA",
    "ILS": "IL PS",
    "CLP": "CL",
    "COP": "CO",
    "MXN": "MX",
    "UYU": "UY",
    "BOB": "BO",
    "VES": "VE",
    "BMD": "BM",
}


@cache
def _country_currencies() -> dict[str, str]:
    shared = {country: code for code, codes in _SHARED.items() for country in codes.split()}
    result: dict[str, str] = {}
    for country in _countries():
        if country in shared:
            code = shared[country]
        else:
            code = next((c for c in sorted(_currencies()) if c[:2] == country), "")
        if code and code in _currencies():
            result[country] = code
    return result


def country_currency(country: str | None) -> str | None:
    """The ISO 4217 code of the currency a country pays in (any case), or None."""
    if not country:
        return None
    return _country_currencies().get(country.strip().upper())
