"""Salary statistics, computed in the database: the one implementation.

The salaries page, the API (`/api/v1/salaries/stats`), the level pages and the
dashboard all call these functions:

- `salary_stats(...)`: count, p25, median, p75 and mean over approved individual points
  matching any filter, in any currency (each point converted with its year's rate).
- `stats_by_level(track, ...)`: the same per level of a track, in one grouped query.
- `stats_by_country(level, ...)`: the same per country for one level, in one query.
- `level_pay(level, country=None)`: a level's pay for a person in a country, along
  the fallback chain country → region (salaries/regions.py) → worldwide, labelled
  with the place its figures come from.
- `pay_pair(current, next, country)`: two levels' pay from one place (the narrowest
  both have figures for), so that an uplift compares like with like.
- `pay_sources(pay)`: the names of the sources behind a `level_pay` figure.
- `display_currency(chosen, country)`: the currency a person's figures are shown in.
- `published_figures(...)`: statistics a source published (means, medians): shown
  beside the percentiles as reference markers, never mixed into them.

`pay="total"` (salary_stats, stats_by_level, stats_by_country) gives total compensation,
base + bonus + equity per year, over the points that state both bonus and equity
(zero counts as stated; empty is unknown, never taken as zero); the others are counted
in `without_total`. The default, `pay="base"`, is the base amount over every point.

Percentiles are continuous (linear interpolation between the two nearest points:
PostgreSQL's `percentile_cont`, NumPy's default). SQLite has no such function, so each
SQLite connection gets `careerpath_percentile_cont`, an aggregate with the same
definition, registered when the connection opens (as Django registers its own SQLite
functions). Groups with fewer than `MIN_GROUP_SIZE` points are suppressed: a count,
but no figures.
"""

import json
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from django.db import models
from django.db.models import (
    Aggregate,
    Avg,
    Case,
    Count,
    Expression,
    F,
    Field,
    FloatField,
    Func,
    Max,
    Min,
    OuterRef,
    Q,
    Subquery,
    When,
)
from django.db.models.functions import Cast
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from careers.models import Level, Track
from core import versions
from core.cache import cached
from salaries.iso import WORLDWIDE, country_currency, country_name
from salaries.models import (
    MIN_GROUP_SIZE,
    ExchangeRate,
    SalaryDataPoint,
    SalaryDataPointQuerySet,
    Source,
)
from salaries.regions import Region, region_of

SQLITE_PERCENTILE = "careerpath_percentile_cont"
SQLITE_PERCENTILES = "careerpath_percentiles_cont"
QUARTILES = (0.25, 0.5, 0.75)
T = TypeVar("T")
BASE_CURRENCY = "USD"
BASE, TOTAL = "base", "total"
PAY_KINDS = (BASE, TOTAL)


# --- the percentile aggregate ------------------------------------------------------


def interpolate(sorted_values: list[float], fraction: float) -> float:
    """Continuous percentile of sorted values: NumPy's 'linear' method."""
    position = (len(sorted_values) - 1) * fraction
    low = math.floor(position)
    high = math.ceil(position)
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (position - low)


class _SQLitePercentileCont:
    """SQLite aggregate `careerpath_percentile_cont(value, fraction)`; NULLs are ignored."""

    def __init__(self) -> None:
        self.values: list[float] = []
        self.fraction = 0.5

    def step(self, value: float | None, fraction: float) -> None:
        if value is not None:
            self.values.append(float(value))
        self.fraction = float(fraction)

    def finalize(self) -> float | None:
        if not self.values:
            return None
        self.values.sort()
        return interpolate(self.values, self.fraction)


class _SQLitePercentilesCont(_SQLitePercentileCont):
    """SQLite aggregate `careerpath_percentiles_cont(value, '[f1, f2, ...]')`: a JSON list."""

    def step(self, value: float | None, fractions: str) -> None:  # type: ignore[override]
        if value is not None:
            self.values.append(float(value))
        self.fractions = fractions

    def finalize(self) -> str | None:
        if not self.values:
            return None
        self.values.sort()
        return json.dumps([interpolate(self.values, f) for f in json.loads(self.fractions)])


def register_sqlite_functions(sender, connection, **kwargs) -> None:
    """`connection_created` receiver: add the percentile aggregates to SQLite."""
    if connection.vendor == "sqlite":
        connection.connection.create_aggregate(SQLITE_PERCENTILE, 2, _SQLitePercentileCont)
        connection.connection.create_aggregate(SQLITE_PERCENTILES, 2, _SQLitePercentilesCont)


class PercentileCont(Aggregate):
    """`percentile_cont(fraction) WITHIN GROUP (ORDER BY expression)`."""

    function = "PERCENTILE_CONT"
    name = "PercentileCont"
    output_field = FloatField()
    window_compatible = False
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)%(filter)s"

    def __init__(self, expression: Any, fraction: float, **extra: Any) -> None:
        fraction = float(fraction)
        if not 0.0 <= fraction <= 1.0:
            raise ValueError("A percentile's fraction is between 0 and 1.")
        # A float's repr is a plain SQL number literal; never user input.
        super().__init__(expression, fraction=repr(fraction), **extra)

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            function=SQLITE_PERCENTILE,
            template="%(function)s(%(expressions)s, %(fraction)s)%(filter)s",
            **extra_context,
        )


class _FloatList(Field):
    """The output of PercentilesCont: a list of floats (a PostgreSQL array, SQLite JSON)."""

    def get_internal_type(self) -> str:
        return "TextField"

    def from_db_value(self, value, expression, connection) -> list[float | None] | None:
        if value is None:
            return None
        if isinstance(value, str):
            value = json.loads(value)
        return [None if v is None else float(v) for v in value]


class PercentilesCont(Aggregate):
    """Several continuous percentiles in one pass (one sort): a list in the order asked.

    PostgreSQL: `percentile_cont(ARRAY[...]) WITHIN GROUP (ORDER BY expression)`.
    """

    function = "PERCENTILE_CONT"
    name = "PercentilesCont"
    window_compatible = False
    template = (
        "%(function)s(ARRAY[%(fractions)s]::double precision[]) "
        "WITHIN GROUP (ORDER BY %(expressions)s)%(filter)s"
    )

    def __init__(self, expression: Any, fractions: tuple[float, ...], **extra: Any) -> None:
        values = [float(f) for f in fractions]
        if not values or not all(0.0 <= f <= 1.0 for f in values):
            raise ValueError("Percentile fractions are between 0 and 1.")
        super().__init__(
            expression,
            fractions=", ".join(repr(f) for f in values),  # plain number literals
            fractions_json=json.dumps(values),
            output_field=_FloatList(),
            **extra,
        )

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            function=SQLITE_PERCENTILES,
            template="%(function)s(%(expressions)s, '%(fractions_json)s')%(filter)s",
            **extra_context,
        )


# --- currency conversion -------------------------------------------------------------


def _rate(currency: Any) -> Expression:
    """The rate to USD of `currency` (an expression or a code) in the point's year."""
    rates = ExchangeRate.objects.filter(currency=currency, year=OuterRef("year")).order_by()
    return Cast(Subquery(rates.values("rate_to_usd")[:1]), FloatField())


def _pay(pay: str = BASE) -> Expression:
    """A point's base amount, or its total (NULL unless bonus and equity are both known)."""
    amount = Cast("amount", FloatField())
    if pay != TOTAL:
        return amount
    return Case(
        When(Q(bonus__isnull=True) | Q(equity__isnull=True), then=None),
        default=amount + Cast("bonus", FloatField()) + Cast("equity", FloatField()),
        output_field=FloatField(),
    )


def converted_amount(currency: str = BASE_CURRENCY, pay: str = BASE) -> Expression:
    """Each point's amount (`pay`: base or total) in `currency`, by the rate of the point's
    year; NULL without one."""
    currency = currency.upper()
    amount = _pay(pay)
    if currency == BASE_CURRENCY:
        return Case(
            When(currency=BASE_CURRENCY, then=amount),
            default=amount * _rate(OuterRef("currency")),
            output_field=FloatField(),
        )
    return Case(
        When(currency=currency, then=amount),
        When(currency=BASE_CURRENCY, then=amount / _rate(currency)),
        default=amount * _rate(OuterRef("currency")) / _rate(currency),
        output_field=FloatField(),
    )


# --- results ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SalaryStats:
    """Statistics over approved individual points. Figures are None when suppressed."""

    count: int
    p25: float | None
    median: float | None
    p75: float | None
    mean: float | None
    currency: str
    suppressed: bool
    excluded_without_rate: int = 0
    year_min: int | None = None
    year_max: int | None = None
    pay: str = BASE
    without_total: int = 0  # pay="total": points left out for an unknown bonus or equity
    # The points left out for want of a rate, by (currency, year, points): named beside
    # the figure. Filled by `salary_stats` (one more query, only when some are left out).
    excluded: tuple[tuple[str, int, int], ...] = ()

    @property
    def years(self) -> str:
        """The years of the figures: `2024`, or a range of years."""
        if self.year_min is None:
            return ""
        if self.year_min == self.year_max:
            return str(self.year_min)
        return f"{self.year_min}\u2013{self.year_max}"

    @property
    def excluded_names(self) -> str:
        """The left-out points named: `JPY 2021 (12), CHF 2022 (3)`."""
        return ", ".join(f"{c} {y} ({n:,})" for c, y, n in self.excluded)

    @property
    def iqr(self) -> float | None:
        if self.p25 is None or self.p75 is None:
            return None
        return self.p75 - self.p25

    def as_dict(self) -> dict[str, Any]:
        """The API's answer (docs/interface.md), plus how many points had no exchange rate."""
        return {
            "count": self.count,
            "p25": self.p25,
            "median": self.median,
            "p75": self.p75,
            "mean": self.mean,
            "currency": self.currency,
            "suppressed": self.suppressed,
            "excluded_without_rate": self.excluded_without_rate,
            "pay": self.pay,
            "without_total": self.without_total,
            "excluded": [{"currency": c, "year": y, "count": n} for c, y, n in self.excluded],
            "year_min": self.year_min,
            "year_max": self.year_max,
        }


@dataclass(frozen=True, slots=True)
class LevelStats:
    level: Level
    stats: SalaryStats


@dataclass(frozen=True, slots=True)
class CountryStats:
    country: str
    name: str
    stats: SalaryStats


class Scope(models.TextChoices):
    """Where a figure's data points come from: the fallback chain, narrowest first."""

    COUNTRY = "country", _l("country")
    REGION = "region", _l("region")
    WORLDWIDE = "worldwide", _l("worldwide")


@dataclass(frozen=True, slots=True)
class Place:
    """One step of the fallback chain: a country, a region, or worldwide (all pooled)."""

    scope: str
    country: str | None = None
    region: Region | None = None

    @property
    def name(self) -> str:
        if self.scope == Scope.COUNTRY:
            return country_name(self.country or "")
        if self.scope == Scope.REGION and self.region is not None:
            return str(self.region.label)
        return _("Worldwide")

    @property
    def filters(self) -> dict[str, str]:
        """This place as `salary_stats` keyword arguments."""
        if self.scope == Scope.COUNTRY:
            return {"country": self.country or ""}
        if self.scope == Scope.REGION and self.region is not None:
            return {"region": self.region.value}
        return {}


WORLD = Place(Scope.WORLDWIDE)


def places_for(country: str | None) -> list[Place]:
    """The fallback chain for a person in `country`: the country, its region, worldwide
    (just worldwide without a country, or for XX)."""
    code = (country or "").strip().upper()
    if not code or code == WORLDWIDE:
        return [WORLD]
    chain = [Place(Scope.COUNTRY, country=code)]
    region = region_of(code)
    if region is not None:
        chain.append(Place(Scope.REGION, region=region))
    return [*chain, WORLD]


@dataclass(frozen=True, slots=True)
class LevelPay:
    """A level's pay for a person in `country`, from `place`: the narrowest step of the
    chain country → region → worldwide with enough data points."""

    level: Level
    stats: SalaryStats
    country: str | None  # the country asked for
    place: Place = WORLD

    @property
    def scope(self) -> str:
        return self.place.scope

    @property
    def region(self) -> Region | None:
        return self.place.region or region_of(self.country)

    @property
    def fell_back(self) -> bool:
        """True: the figures are not the country's, which has too few points."""
        return bool(self.country) and self.country != WORLDWIDE and self.scope != Scope.COUNTRY

    @property
    def label(self) -> str:
        if self.fell_back:
            return _("%(place)s (too few data points for %(country)s)") % {
                "place": self.place.name,
                "country": country_name(self.country or ""),
            }
        return self.place.name


@dataclass(frozen=True, slots=True)
class PublishedFigure:
    point: SalaryDataPoint
    value: float | None  # in `currency`; None without an exchange rate
    currency: str


def _round(value: float | None) -> float | None:
    return None if value is None else round(float(value), 2)


def _aggregates(currency: str, pay: str = BASE) -> dict[str, Aggregate]:
    value = converted_amount(currency, pay)
    known = (
        Count("pk", filter=Q(bonus__isnull=False, equity__isnull=False))
        if pay == TOTAL
        else Count("pk")
    )
    return {
        "n": Count(value),
        "total": Count("pk"),
        "known": known,
        "quartiles": PercentilesCont(value, QUARTILES),
        "mean": Avg(value),
        "year_min": Min("year"),
        "year_max": Max("year"),
    }


def _to_stats(row: dict[str, Any], currency: str, pay: str = BASE) -> SalaryStats:
    count = row["n"] or 0
    known = row.get("known", row["total"]) or 0
    suppressed = count < MIN_GROUP_SIZE
    p25, median, p75 = row.get("quartiles") or (None, None, None)
    return SalaryStats(
        count=count,
        p25=None if suppressed else _round(p25),
        median=None if suppressed else _round(median),
        p75=None if suppressed else _round(p75),
        mean=None if suppressed else _round(row["mean"]),
        currency=currency,
        suppressed=suppressed,
        excluded_without_rate=known - count,
        year_min=row["year_min"],
        year_max=row["year_max"],
        pay=pay,
        without_total=(row["total"] or 0) - known,
    )


def _base(
    *,
    track: Track | str | None = None,
    level: Level | str | None = None,
    country: str | None = None,
    year_from: int | None = None,
    year_to: int | None = None,
    source: Source | str | None = None,
    region: str | None = None,
) -> SalaryDataPointQuerySet:
    return (
        SalaryDataPoint.objects.approved()
        .individual()
        .matching(
            track=track,
            level=level,
            country=country,
            year_from=year_from,
            year_to=year_to,
            source=source,
            region=region,
        )
        .order_by()
    )


# --- caching ------------------------------------------------------------------------------
# Results are cached (core/cache.py) under the version of the `salaries` scope, which every
# change to salary data, exchange rates, sources, tracks or levels replaces: save signals
# (salaries/apps.py), and `invalidate()` in bulk writes (imports, roll-backs, moderation,
# rate loading).


def invalidate() -> None:
    """Forget every cached statistic, as part of the current transaction. Call after
    changing salary data in bulk (writes that send no save signals)."""
    versions.bump(versions.SALARIES)


def _key_part(value: Any) -> Any:
    if isinstance(value, models.Model):
        return (value._meta.label, value.pk)
    if isinstance(value, dict):
        return tuple(sorted((k, _key_part(v)) for k, v in value.items()))
    if isinstance(value, list | tuple):
        return tuple(_key_part(v) for v in value)
    return value


def cached_figures(  # noqa: UP047
    kind: str, parts: Any, compute: Callable[[], T]
) -> T:
    """`compute()` cached until salary data changes. `parts` (model instances, filters)
    name what the result depends on besides the salary data."""
    return cached(f"salaries:{kind}", _key_part(parts), [versions.SALARIES], compute)


# --- the public functions ----------------------------------------------------------------


def salary_stats(
    *,
    track: Track | str | None = None,
    level: Level | str | None = None,
    country: str | None = None,
    year_from: int | None = None,
    year_to: int | None = None,
    source: Source | str | None = None,
    currency: str = BASE_CURRENCY,
    pay: str = BASE,
    region: str | None = None,
) -> SalaryStats:
    """Statistics over approved individual points matching every given filter (one query;
    two when some points have no exchange rate, to name them).

    `track` and `level` are instances or slugs (a level slug with its track), `source` an
    instance or a name, `country` an ISO code (`XX`, worldwide: every country pooled, as
    no country filter), `region` a salaries.regions.Region value.
    """
    currency = currency.upper()
    filters = {
        "track": track,
        "level": level,
        "country": None if (country or "").upper() == WORLDWIDE else country,
        "year_from": year_from,
        "year_to": year_to,
        "source": source,
        "region": region,
    }

    def compute() -> SalaryStats:
        stats = _to_stats(_base(**filters).aggregate(**_aggregates(currency, pay)), currency, pay)
        if not stats.excluded_without_rate:
            return stats
        rows = _base(**filters).annotate(converted=converted_amount(currency, pay))
        if pay == TOTAL:  # the points without a total are `without_total`, not these
            rows = rows.filter(bonus__isnull=False, equity__isnull=False)
        rows = (
            rows.filter(converted__isnull=True)
            .values("currency", "year")
            .annotate(points=Count("pk"))
            .order_by("-points", "currency", "year")
        )
        excluded = tuple((r["currency"], r["year"], r["points"]) for r in rows)
        return replace(stats, excluded=excluded)

    parts = (filters, currency) if pay == BASE else (filters, currency, pay)
    return cached_figures("stats", parts, compute)


def stats_by_level(
    track: Track,
    *,
    country: str | None = None,
    year_from: int | None = None,
    year_to: int | None = None,
    source: Source | str | None = None,
    currency: str = BASE_CURRENCY,
    levels: list[Level] | None = None,
    pay: str = BASE,
    region: str | None = None,
) -> list[LevelStats]:
    """Statistics for every level of `track` in rank order: one grouped query (plus one
    for the levels unless given)."""
    currency = currency.upper()
    if levels is None:
        levels = list(track.levels.order_by("rank"))
    filters = {
        "track": track,
        "country": None if (country or "").upper() == WORLDWIDE else country,
        "year_from": year_from,
        "year_to": year_to,
        "source": source,
        "region": region,
    }

    def compute() -> dict[int, SalaryStats]:
        rows = _base(**filters).values("level_id").annotate(**_aggregates(currency, pay))
        return {row["level_id"]: _to_stats(row, currency, pay) for row in rows}

    parts = (filters, currency) if pay == BASE else (filters, currency, pay)
    by_level = cached_figures("by-level", parts, compute)
    empty = _to_stats({"n": 0, "total": 0, "year_min": None, "year_max": None}, currency, pay)
    return [LevelStats(level, by_level.get(level.pk, empty)) for level in levels]


def stats_by_country(
    level: Level,
    *,
    year_from: int | None = None,
    year_to: int | None = None,
    source: Source | str | None = None,
    currency: str = BASE_CURRENCY,
    pay: str = BASE,
) -> list[CountryStats]:
    """Statistics per country for one level (one grouped query), highest median first;
    countries under the threshold come last, with their count only."""
    currency = currency.upper()
    filters = {"level": level, "year_from": year_from, "year_to": year_to, "source": source}

    def compute() -> list[CountryStats]:
        rows = _base(**filters).values("country").annotate(**_aggregates(currency, pay))
        result = [
            CountryStats(
                row["country"], country_name(row["country"]), _to_stats(row, currency, pay)
            )
            for row in rows
        ]
        result.sort(key=lambda c: (c.stats.suppressed, -(c.stats.median or 0), c.name))
        return result

    parts = (filters, currency) if pay == BASE else (filters, currency, pay)
    return cached_figures("by-country", parts, compute)


def level_pay(
    level: Level,
    country: str | None = None,
    *,
    currency: str = BASE_CURRENCY,
    year_from: int | None = None,
    year_to: int | None = None,
    pay: str = BASE,
) -> LevelPay:
    """A level's pay (`pay`: base or total) for a person in `country`: the country's
    figures, else its region's, else worldwide (labelled so). One query per step of the
    chain tried."""
    chain = places_for(country)
    code = (country or "").strip().upper() or None
    stats = None
    for place in chain:
        stats = salary_stats(
            level=level,
            currency=currency,
            year_from=year_from,
            year_to=year_to,
            pay=pay,
            **place.filters,
        )
        if not stats.suppressed:
            return LevelPay(level, stats, code, place)
    return LevelPay(level, stats, code, chain[-1])


def stats_for_levels(
    levels: list[Level], *, currency: str = BASE_CURRENCY, **place: str
) -> dict[int, SalaryStats]:
    """Statistics of several levels in one place (`country=` or `region=`; none:
    worldwide), by level id: one grouped query, cached."""
    currency = currency.upper()
    ids = sorted(level.pk for level in levels)

    def compute() -> dict[int, SalaryStats]:
        rows = (
            _base(**place)
            .filter(level__in=ids)
            .values("level_id")
            .annotate(**_aggregates(currency))
        )
        return {row["level_id"]: _to_stats(row, currency) for row in rows}

    found = cached_figures("levels", (ids, currency, place), compute)
    empty = _to_stats({"n": 0, "total": 0, "year_min": None, "year_max": None}, currency)
    return {pk: found.get(pk, empty) for pk in ids}


def pay_pair(
    current: Level | None,
    target: Level | None,
    country: str | None = None,
    *,
    currency: str = BASE_CURRENCY,
) -> tuple[LevelPay | None, LevelPay | None]:
    """Pay at two levels from one place: the narrowest step of the chain where both have
    figures, so that they can be compared; the last step tried (worldwide) when none has.
    One query per step of the chain tried."""
    code = (country or "").strip().upper() or None
    levels = [level for level in (current, target) if level is not None]
    if not levels:
        return None, None
    chain = places_for(country)
    for place in chain:
        found = stats_for_levels(levels, currency=currency, **place.filters)
        if not any(found[level.pk].suppressed for level in levels) or place == chain[-1]:
            break
    pays = {level.pk: LevelPay(level, found[level.pk], code, place) for level in levels}
    return (
        pays[current.pk] if current is not None else None,
        pays[target.pk] if target is not None else None,
    )


def pay_sources(pay: LevelPay) -> list[str]:
    """The names of the sources whose approved individual points make up `pay`'s figures
    (from its place), alphabetical. One query, cached."""
    place = pay.place

    def compute() -> list[str]:
        names = (
            _base(level=pay.level, **place.filters)
            .values_list("source__name", flat=True)
            .distinct()
            .order_by("source__name")
        )
        return list(names)

    return cached_figures("sources", (pay.level, place.scope, place.filters), compute)


def sources_for_levels(levels: list[Level], place: Place) -> dict[int, list[str]]:
    """The names of the sources behind several levels' figures in one place, by level
    id, alphabetical: one query, cached."""
    ids = sorted(level.pk for level in levels)

    def compute() -> dict[int, list[str]]:
        rows = (
            _base(**place.filters)
            .filter(level__in=ids)
            .values_list("level_id", "source__name")
            .distinct()
            .order_by("source__name")
        )
        found: dict[int, list[str]] = {}
        for level_id, name in rows:
            found.setdefault(level_id, []).append(name)
        return found

    return cached_figures("sources-by-level", (ids, place.scope, place.filters), compute)


def rated_currencies() -> list[str]:
    """The currencies figures can be shown in: those with an exchange rate, and USD.
    One query, cached."""

    def compute() -> list[str]:
        codes = set(ExchangeRate.objects.order_by().values_list("currency", flat=True).distinct())
        return sorted(codes | {BASE_CURRENCY})

    return cached_figures("currencies", (), compute)


def display_currency(chosen: str | None, country: str | None) -> str:
    """The currency to show a person's figures in: the one they chose, else their
    country's when exchange rates for it exist, else USD."""
    if chosen:
        return chosen.upper()
    code = country_currency(country)
    if code and code in rated_currencies():
        return code
    return BASE_CURRENCY


def published_figures(
    *,
    track: Track | str | None = None,
    level: Level | str | None = None,
    country: str | None = None,
    year_from: int | None = None,
    year_to: int | None = None,
    source: Source | str | None = None,
    currency: str = BASE_CURRENCY,
    include_untracked: bool = False,
) -> list[PublishedFigure]:
    """Approved published statistics matching the filters, converted (one query).

    With a `level`, figures for its whole track (no level) are included too; with
    `include_untracked`, figures for roles without a track in Careerpath as well.
    """
    currency = currency.upper()
    parts = (track, level, country, year_from, year_to, source, currency, include_untracked)
    return cached_figures(
        "published",
        parts,
        lambda: _published_figures(
            track, level, country, year_from, year_to, source, currency, include_untracked
        ),
    )


def _published_figures(
    track: Track | str | None,
    level: Level | str | None,
    country: str | None,
    year_from: int | None,
    year_to: int | None,
    source: Source | str | None,
    currency: str,
    include_untracked: bool,
) -> list[PublishedFigure]:
    qs = SalaryDataPoint.objects.approved().published()
    if country and country.upper() != WORLDWIDE:
        qs = qs.filter(country=country.upper())
    if year_from is not None:
        qs = qs.filter(year__gte=year_from)
    if year_to is not None:
        qs = qs.filter(year__lte=year_to)
    if isinstance(source, Source):
        qs = qs.filter(source=source)
    elif source:
        qs = qs.filter(source__name=source)
    scope = Q()
    if track is not None:
        scope = Q(track=track) if isinstance(track, Track) else Q(track__slug=track)
        if level is not None:
            level_q = Q(level=level) if isinstance(level, Level) else Q(level__slug=level)
            scope &= level_q | Q(level__isnull=True)
    if include_untracked and track is not None:
        scope |= Q(track__isnull=True)
    qs = (
        qs.filter(scope)
        .select_related("source", "track", "level")
        .annotate(converted=converted_amount(currency))
        .order_by("track__position", "level__rank", "-year", "pk")
    )
    return [PublishedFigure(point, _round(point.converted), currency) for point in qs]


def sources_with_counts() -> list[Source]:
    """Every source with its approved points counted (`/salaries/`' source list), cached:
    counting a million points takes longer than the rest of the page (docs/benchmarks.md)."""
    return cached_figures("sources", (), lambda: list(Source.objects.with_point_counts()))


# --- one amount against a distribution (my pay; plausibility) ------------------------------


def nearest_year(years: Iterable[int], year: int) -> int | None:
    """Of the years a currency has rates for: `year`, else the closest earlier, else the
    closest later one (this year's average is not known until it ends)."""
    known = set(years)
    if year in known:
        return year
    earlier = [y for y in known if y < year]
    if earlier:
        return max(earlier)
    return min(known) if known else None


def nearest_rate(rates: dict[int, float], year: int) -> float | None:
    """A currency's rate (by year) for `year` or the nearest year (`nearest_year`)."""
    used = nearest_year(rates, year)
    return None if used is None else rates[used]


def convert(amount: float, currency: str, to: str, year: int) -> tuple[float | None, int | None]:
    """`amount` in `currency` expressed in `to`, at `year`'s rates or the nearest year's,
    with the year of the rate used (None when no rate was needed); (None, None) without
    a rate. One query (none when the currencies are the same)."""
    currency, to = currency.upper(), to.upper()
    if currency == to:
        return float(amount), None
    rates: dict[str, dict[int, float]] = {}
    rows = ExchangeRate.objects.filter(currency__in=[currency, to]).values_list(
        "currency", "year", "rate_to_usd"
    )
    for code, rate_year, rate in rows:
        rates.setdefault(code, {})[rate_year] = float(rate)
    value = float(amount)
    used: int | None = None
    for code, to_usd in ((currency, True), (to, False)):
        if code == BASE_CURRENCY:
            continue
        rate_year = nearest_year(rates.get(code, {}), year)
        if rate_year is None:
            return None, None
        rate = rates[code][rate_year]
        value = value * rate if to_usd else value / rate
        used = rate_year if used is None else max(used, rate_year)
    return value, used


@dataclass(frozen=True, slots=True)
class Spread:
    """Where one value sits in a group: its percentile rank (0-100), and the group's
    median and median absolute deviation (MAD)."""

    count: int
    median: float | None
    mad: float | None
    rank: float | None  # percent of the group below the value (ties count half)


def spread(value: float, *, level: Level, currency: str, **place: str) -> Spread:
    """`value` (in `currency`) against the approved individual points of `level` in a
    place (`country=` or `region=`; none: worldwide). Two queries, not cached (the value
    is one person's). Figures are None when the group is suppressed."""
    points = _base(level=level, **place).annotate(value=converted_amount(currency))
    row = points.aggregate(
        n=Count("value"),
        below=Count("pk", filter=Q(value__lt=value)),
        equal=Count("pk", filter=Q(value=value)),
        median=PercentileCont("value", 0.5),
    )
    count = row["n"] or 0
    if count < MIN_GROUP_SIZE or row["median"] is None:
        return Spread(count, None, None, None)
    median = float(row["median"])
    deviation = Func(F("value") - median, function="ABS", output_field=FloatField())
    mad = points.filter(value__isnull=False).aggregate(mad=PercentileCont(deviation, 0.5))["mad"]
    rank = 100 * (row["below"] + row["equal"] / 2) / count
    return Spread(count, _round(median), _round(mad), round(rank, 1))
