"""Salary statistics: the numbers come from salaries.stats.salary_stats, never from here.

The salaries page and this endpoint share that one function, so both show the same
count, percentiles and k-anonymity suppression for the same filters.
"""

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.decorators import decorate_view
from ninja.errors import ValidationError
from pydantic import ValidationInfo, field_validator

from api.auth import PUBLIC, PUBLIC_OPENAPI
from api.conditional import etag
from api.schemas import MarketOut, SalaryStatsOut, responses
from careers.models import Track
from salaries.iso import is_country, is_currency
from salaries.market import NATION, is_area, market_figures
from salaries.models import FIRST_YEAR
from salaries.stats import BASE, BASE_CURRENCY, PAY_KINDS, salary_stats

router = Router(tags=["salaries"], auth=PUBLIC)

LAST_YEAR = 2100
SLUG = r"^[-a-zA-Z0-9_]+$"


class StatsFilters(Schema):
    track: str | None = Field(
        None, max_length=60, pattern=SLUG, description="A track's slug, e.g. backend."
    )
    level: str | None = Field(
        None, max_length=60, pattern=SLUG, description="A level's slug, e.g. senior."
    )
    country: str | None = Field(None, description="ISO 3166-1 alpha-2 (US), or XX for worldwide.")
    year_from: int | None = Field(None, ge=FIRST_YEAR, le=LAST_YEAR)
    year_to: int | None = Field(None, ge=FIRST_YEAR, le=LAST_YEAR)
    currency: str = Field(BASE_CURRENCY, description="ISO 4217 code of the answer.")
    source: str | None = Field(None, max_length=200, description="A source's name.")
    pay: str = Field(
        BASE,
        description="base (the default), or total: base + bonus + equity per year, over "
        "the points that state both.",
    )

    @field_validator("pay")
    @classmethod
    def known_pay(cls, value: str) -> str:
        if value not in PAY_KINDS:
            raise ValueError("Either base or total.")
        return value

    @field_validator("source")
    @classmethod
    def no_null_characters(cls, value: str | None) -> str | None:
        if value is not None and "\x00" in value:
            raise ValueError("Null characters are not allowed.")
        return value

    @field_validator("country")
    @classmethod
    def known_country(cls, value: str | None) -> str | None:
        if value is None:
            return None
        code = value.strip().upper()
        if not is_country(code):
            raise ValueError("Not an ISO 3166-1 alpha-2 country code (or XX for worldwide).")
        return code

    @field_validator("currency")
    @classmethod
    def known_currency(cls, value: str) -> str:
        code = value.strip().upper()
        if not is_currency(code):
            raise ValueError("Not an ISO 4217 currency code.")
        return code

    @field_validator("year_to")
    @classmethod
    def years_in_order(cls, value: int | None, info: ValidationInfo) -> int | None:
        start = info.data.get("year_from")
        if value is not None and start is not None and start > value:
            raise ValueError("year_to is before year_from.")
        return value


@router.get(
    "/stats",
    response=responses(SalaryStatsOut, 401, 422),
    openapi_extra=PUBLIC_OPENAPI,
    summary="Salary percentiles over approved individual data points",
    description=(
        "Every given filter must match. Percentiles are continuous (linear "
        "interpolation), computed in the database. Fewer than 5 matching points: "
        "`suppressed` is true and the figures are null; `count` is always given."
    ),
)
@decorate_view(etag)
def salary_statistics(request: HttpRequest, filters: Query[StatsFilters]):
    return salary_stats(
        track=filters.track or None,
        level=filters.level or None,
        country=filters.country,
        year_from=filters.year_from,
        year_to=filters.year_to,
        source=filters.source or None,
        currency=filters.currency,
        pay=filters.pay,
    ).as_dict()


class MarketFilters(Schema):
    track: str = Field(..., max_length=60, pattern=SLUG, description="A track's slug.")
    area: str = Field(
        NATION,
        description="US (the nation), a state's postal code (CA), or a metropolitan area's "
        "BLS code (41860).",
    )

    @field_validator("area")
    @classmethod
    def area_code(cls, value: str) -> str:
        code = value.strip()
        code = code.upper() if code.isascii() else code
        if not is_area(code):
            raise ValueError(
                "Not an area: US, a state's postal code, or a BLS area code (5 or 7 digits)."
            )
        return code


@router.get(
    "/market",
    response=responses(MarketOut, 401, 422),
    openapi_extra=PUBLIC_OPENAPI,
    summary="Official market wages (BLS OEWS) for a track's occupations in an area",
    description=(
        "Published estimates of the whole occupations mapped to the track (all levels "
        "together), from the newest release imported: annual US dollars as BLS published "
        "them, null where BLS withheld a figure. An unknown track is a 422; an area "
        "without data gives no items."
    ),
)
@decorate_view(etag)
def market(request: HttpRequest, filters: Query[MarketFilters]):
    if not Track.objects.filter(slug=filters.track).exists():
        raise ValidationError(
            [
                {
                    "loc": ("query", "track"),
                    "msg": "No track has this slug.",
                    "type": "unknown_track",
                }
            ]
        )
    return market_figures(filters.track, filters.area).as_dict()
