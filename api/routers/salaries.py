"""Salary statistics: the numbers come from salaries.stats.salary_stats, never from here.

The salaries page and this endpoint share that one function, so both show the same
count, percentiles and k-anonymity suppression for the same filters.
"""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.decorators import decorate_view
from ninja.errors import ValidationError
from pydantic import field_validator

from accounts.models import Profile
from api.auth import PUBLIC, PUBLIC_OPENAPI
from api.conditional import etag
from api.schemas import MarketOut, SalaryStatsOut, responses
from careers.models import Level, Track
from salaries import filters as rules
from salaries.iso import WORLDWIDE
from salaries.market import NATION, is_area, market_figures
from salaries.models import FIRST_YEAR, Source
from salaries.regions import Region, region_of
from salaries.stats import (
    BASE,
    BASE_CURRENCY,
    PAY_KINDS,
    WORLD,
    Place,
    Scope,
    display_currency,
    level_pay,
    salary_stats,
)

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
    country: str | None = Field(
        None,
        max_length=10,
        description="ISO 3166-1 alpha-2, any case (de), or XX for worldwide: every country "
        "pooled, as no country at all.",
    )
    region: str | None = Field(
        None, max_length=40, description="A region: " + ", ".join(Region.values) + "."
    )
    year_from: int | None = Field(None, ge=FIRST_YEAR, le=LAST_YEAR)
    year_to: int | None = Field(None, ge=FIRST_YEAR, le=LAST_YEAR)
    currency: str | None = Field(
        None,
        max_length=10,
        description="ISO 4217 code of the answer; default: the signed-in person's "
        "currency, else USD.",
    )
    source: str | None = Field(None, max_length=200, description="A source's name.")
    pay: str = Field(
        BASE,
        description="base (the default), or total: base + bonus + equity per year, over "
        "the points that state both.",
    )
    fallback: bool = Field(
        False,
        description="With a level and a country: the narrowest of country, its region and "
        "worldwide with enough data points (as the dashboard and level pages).",
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


def _refuse(errors: list[tuple[str, str]]) -> None:
    if errors:
        raise ValidationError(
            [{"loc": ("query", name), "msg": msg, "type": "value_error"} for name, msg in errors]
        )


def checked_filters(request: HttpRequest, filters: StatsFilters) -> dict[str, Any]:
    """The filters as `salary_stats` arguments, checked by the rules the salaries page
    follows (salaries.filters), or a 422 naming each bad one. One query per named track,
    level or source."""
    errors: list[tuple[str, str]] = []
    values: dict[str, Any] = {}

    def check(name: str, clean: Any, *args: Any) -> None:
        """Keep what `clean` returns under `name`, or its error (a check returns None)."""
        try:
            value = clean(*args)
        except DjangoValidationError as error:
            errors.append((name, error.messages[0]))
        else:
            if value is not None or name not in values:
                values[name] = value

    check("country", rules.clean_country, filters.country)
    check("region", rules.clean_region, filters.region)
    check("currency", rules.clean_currency, filters.currency, person_currency(request))
    if filters.track and not Track.objects.filter(slug=filters.track).exists():
        errors.append(("track", _("No track has this slug.")))
    if filters.level:
        levels = Level.objects.filter(slug=filters.level)
        if filters.track:
            levels = levels.filter(track__slug=filters.track)
        if not any(name == "track" for name, _m in errors) and not levels.exists():
            errors.append(("level", _("No level has this slug (in this track).")))
    if filters.source and not Source.objects.filter(name=filters.source).exists():
        errors.append(("source", _("No source has this name.")))
    check("year_to", rules.check_years, filters.year_from, filters.year_to)
    if not errors:
        check("region", rules.check_place, values["country"], values["region"])
    _refuse(errors)
    return {
        "track": filters.track or None,
        "level": filters.level or None,
        "country": values["country"],
        "region": values["region"],
        "year_from": filters.year_from,
        "year_to": filters.year_to,
        "source": filters.source or None,
        "currency": values["currency"],
    }


def person_currency(request: HttpRequest) -> str:
    """The signed-in person's currency (profile, else country), else USD."""
    user = getattr(request, "auth", None)
    if not getattr(user, "is_authenticated", False):
        user = request.user  # a public endpoint: the session counts too
    if not getattr(user, "is_authenticated", False):
        return BASE_CURRENCY
    row = Profile.objects.for_user(user).values_list("currency", "country").first()
    if row is None:
        return BASE_CURRENCY
    return display_currency(row[0], row[1] or None)


@router.get(
    "/stats",
    response=responses(SalaryStatsOut, 401, 422),
    openapi_extra=PUBLIC_OPENAPI,
    summary="Salary percentiles over approved individual data points",
    description=(
        "Every given filter must match; a bad one is a 422 naming it (the salaries "
        "page's rules). Percentiles are continuous (linear interpolation), computed in "
        "the database. Fewer than 5 matching points: `suppressed` is true and the "
        "figures are null; `count` is always given. `scope` says where the points come "
        "from (`country`, `region` or `worldwide`) and `region` the region."
    ),
)
@decorate_view(etag)
def salary_statistics(request: HttpRequest, filters: Query[StatsFilters]):
    args = checked_filters(request, filters)
    country, region = args["country"], args["region"]
    if filters.fallback and args["level"] and country and country != WORLDWIDE:
        level = Level.objects.select_related("track").filter(slug=args["level"])
        if args["track"]:
            level = level.filter(track__slug=args["track"])
        found = level_pay(
            level.first(),
            country,
            currency=args["currency"],
            year_from=args["year_from"],
            year_to=args["year_to"],
            pay=filters.pay,
        )
        place = found.place
        stats = found.stats
    else:
        stats = salary_stats(**args, pay=filters.pay)
        if country and country != WORLDWIDE:
            place = Place(Scope.COUNTRY, country=country, region=region_of(country))
        elif region:
            place = Place(Scope.REGION, region=Region(region))
        else:
            place = WORLD
    region_ = place.region or region_of(country)
    return {
        **stats.as_dict(),
        "scope": place.scope,
        "region": region_.value if region_ else None,
    }


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
