"""GET /api/v1/salaries/stats: the numbers of salaries.stats.salary_stats, as JSON."""

from decimal import Decimal

import pytest
from django.test import Client

from careers.models import Level
from salaries.models import ExchangeRate, SalaryDataPoint, Source, Statistic, Status
from salaries.stats import salary_stats
from tests.api_helpers import make_track

pytestmark = pytest.mark.django_db

URL = "/api/v1/salaries/stats"


@pytest.fixture
def points():
    """Backend l1: 100k…500k USD in the US in 2024 (5 points), 2 more in DE in 2023 (EUR),
    one pending and one published mean that must never count."""
    make_track("backend", levels=2)
    level = Level.objects.get(track__slug="backend", slug="l1")
    survey = Source.objects.create(name="Survey 2024")
    other = Source.objects.create(name="Other")
    rows = [
        SalaryDataPoint(
            source=survey,
            track=level.track,
            level=level,
            country="US",
            currency="USD",
            amount=Decimal(amount),
            year=2024,
        )
        for amount in (100_000, 200_000, 300_000, 400_000, 500_000)
    ]
    rows += [
        SalaryDataPoint(
            source=other,
            track=level.track,
            level=level,
            country="DE",
            currency="EUR",
            amount=Decimal(amount),
            year=2023,
        )
        for amount in (50_000, 60_000)
    ]
    rows += [
        SalaryDataPoint(
            source=survey,
            track=level.track,
            level=level,
            country="US",
            currency="USD",
            amount=Decimal(9_000_000),
            year=2024,
            status=Status.PENDING,
        ),
        SalaryDataPoint(
            source=survey,
            track=level.track,
            level=level,
            country="US",
            currency="USD",
            amount=Decimal(1_000_000),
            year=2024,
            statistic=Statistic.MEAN,
            sample_size=100,
        ),
    ]
    SalaryDataPoint.objects.bulk_create(rows)
    ExchangeRate.objects.create(currency="EUR", year=2023, rate_to_usd=Decimal("1.10"))
    ExchangeRate.objects.create(currency="EUR", year=2024, rate_to_usd=Decimal("1.08"))
    return level


def stats(**query) -> dict:
    response = Client().get(URL, query)
    assert response.status_code == 200, response.content
    return response.json()


def test_percentiles_over_approved_individual_points(points):
    body = stats(track="backend", level="l1", country="US", year_from=2024, year_to=2024)
    assert body == {
        "count": 5,
        "p25": 200_000.0,
        "median": 300_000.0,
        "p75": 400_000.0,
        "mean": 300_000.0,
        "currency": "USD",
        "suppressed": False,
        "excluded_without_rate": 0,
        "pay": "base",
        "without_total": 0,
        "excluded": [],
        "year_min": 2024,
        "year_max": 2024,
        "scope": "country",
        "region": "north-america",
    }


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"track": "backend"},
        {"track": "backend", "level": "l1", "country": "us"},
        {"country": "DE"},
        {"source": "Survey 2024"},
        {"source": "Other", "currency": "eur"},
        {"year_from": 2023, "year_to": 2023},
        {"currency": "EUR"},
        {"currency": "GBP"},
    ],
)
def test_the_api_answers_what_the_one_statistics_function_computes(points, query):
    expected = salary_stats(
        track=query.get("track"),
        level=query.get("level"),
        country=query.get("country"),
        year_from=query.get("year_from"),
        year_to=query.get("year_to"),
        source=query.get("source"),
        currency=query.get("currency", "USD"),
    ).as_dict()
    body = stats(**query)
    assert {k: body[k] for k in expected} == expected


def test_fewer_than_five_points_are_suppressed_but_counted(points):
    body = stats(country="DE")
    assert body["count"] == 2
    assert body["suppressed"] is True
    assert [body[k] for k in ("p25", "median", "p75", "mean")] == [None] * 4


def test_currency_defaults_to_usd_and_converts(points):
    assert stats()["currency"] == "USD"
    body = stats(currency="eur", track="backend")
    assert body["currency"] == "EUR"
    assert body["count"] == 7


@pytest.mark.parametrize(
    "query,field",
    [
        ({"country": "ZZ"}, "country"),
        ({"country": "USA"}, "country"),
        ({"currency": "EURO"}, "currency"),
        ({"currency": "ABC"}, "currency"),
        ({"year_from": "last year"}, "year_from"),
        ({"year_from": 1800}, "year_from"),
        ({"year_to": 3000}, "year_to"),
        ({"track": "x" * 61}, "track"),
        ({"track": "nope"}, "track"),
        ({"level": "nope"}, "level"),
        ({"source": "Nobody's survey"}, "source"),
        ({"region": "atlantis"}, "region"),
        ({"country": "US", "region": "eu-eea"}, "region"),
    ],
)
def test_bad_filters_are_a_422_naming_the_filter(query, field):
    response = Client().get(URL, query)
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == [field]


def test_years_out_of_order_are_a_422():
    response = Client().get(URL, {"year_from": 2024, "year_to": 2020})
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert (error["field"], error["message"]) == (
        "year_to",
        "The end year is before the start year.",
    )


def test_stats_send_an_etag_and_answer_304(points):
    first = Client().get(URL, {"track": "backend"})
    again = Client().get(URL, {"track": "backend"}, headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304
    other = Client().get(URL, {"track": "backend", "country": "US"})
    assert other["ETag"] != first["ETag"]


def test_stats_take_a_constant_number_of_queries(points, django_assert_max_num_queries):
    # The track named exists (1), the salary data's version, the figures.
    with django_assert_max_num_queries(3):
        stats(track="backend", currency="EUR")
