"""The salary filters' rules, one set for the salaries page (SalaryFilterForm) and the API
(`/api/v1/salaries/...`): the same values are accepted, normalised and refused alike.

- `country`: an ISO 3166-1 alpha-2 code in any case (`de` is Germany), or `XX` for
  worldwide: every country pooled, the same as no country at all.
- `region`: a salaries.regions.Region value (`eu-eea`, ...), any case.
- `currency`: an ISO 4217 code in any case. A currency without exchange rates is
  accepted: the figures then name the points they leave out.
- `track`, `level` (a slug of the track's levels), `source` (a name): must exist.
- `year_from` <= `year_to`.
Each function returns the normalised value or raises ValidationError with the message
both the page (next to the field) and the API (a 422 naming the field) show.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from salaries.iso import WORLDWIDE, is_country, is_currency
from salaries.regions import Region, region_of


def clean_country(value: str | None) -> str | None:
    code = (value or "").strip().upper()
    if not code:
        return None
    if not is_country(code):
        raise ValidationError(
            _("Not an ISO 3166-1 alpha-2 country code (or XX for worldwide)."), code="country"
        )
    return code


def country_filter(code: str | None) -> str | None:
    """The country to filter by: none for worldwide (XX), every country pooled."""
    return None if code in (None, "", WORLDWIDE) else code


def clean_region(value: str | None) -> str | None:
    code = (value or "").strip().lower()
    if not code:
        return None
    if code not in Region.values:
        raise ValidationError(
            _("Not a region; one of: %(regions)s.") % {"regions": ", ".join(Region.values)},
            code="region",
        )
    return code


def clean_currency(value: str | None, default: str) -> str:
    code = (value or "").strip().upper()
    if not code:
        return default
    if not is_currency(code):
        raise ValidationError(_("Not an ISO 4217 currency code."), code="currency")
    return code


def check_years(year_from: int | None, year_to: int | None) -> None:
    if year_from is not None and year_to is not None and year_from > year_to:
        raise ValidationError(_("The end year is before the start year."), code="years")


def check_place(country: str | None, region: str | None) -> None:
    """A country and a region together must agree (or the answer is empty by design)."""
    if country and region and country != WORLDWIDE and region_of(country) != region:
        raise ValidationError(
            _("%(country)s is not in the region %(region)s.")
            % {"country": country, "region": region},
            code="region",
        )
