"""Total compensation (base + bonus + equity): the CSV's optional columns, contributions,
the statistics, the API's ?pay=total and the salaries page's switch; and the official
market figures beside the level figures on the pages."""

import io
import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from salaries import demo
from salaries.models import SalaryDataPoint, Status
from salaries.stats import salary_stats, stats_by_level
from tests.salary_support import CONTRACT_HEADER, add_points, level, write_csv

pytestmark = pytest.mark.django_db

HEADER = [*CONTRACT_HEADER, "bonus", "equity"]


def text(response) -> str:
    html = response.content.decode()
    html = re.sub(r"<(script|style|title)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def with_extras(points: list[SalaryDataPoint], extras: list[tuple]) -> None:
    for point, (bonus, equity) in zip(points, extras, strict=True):
        point.bonus = None if bonus is None else Decimal(bonus)
        point.equity = None if equity is None else Decimal(equity)
        point.save()


@pytest.fixture
def senior_points(salary_tracks):
    """Seven US senior points: five state bonus and equity (one of them zero), two do not."""
    points = add_points(level("backend", "senior"), [100, 110, 120, 130, 140, 150, 160])
    with_extras(
        points,
        [
            ("10", "0"),
            ("10", "10"),
            ("20", "20"),
            ("30", "30"),
            ("0", "0"),
            ("5", None),
            (None, None),
        ],
    )
    return points


def test_the_contract_csv_takes_optional_bonus_and_equity(salary_tracks, tmp_path):
    rows = [
        ["backend", "senior", "US", "USD", "150000", "2024", "20000", "30000"],
        ["backend", "senior", "US", "USD", "140000", "2024", "0", ""],
    ]
    path = write_csv(tmp_path / "comp.csv", rows, HEADER)

    call_command("import_salaries", str(path), stdout=io.StringIO(), stderr=io.StringIO())

    stored = list(SalaryDataPoint.objects.order_by("-amount").values_list("bonus", "equity"))
    assert stored == [(Decimal("20000"), Decimal("30000")), (Decimal("0"), None)]


def test_a_bad_bonus_or_equity_is_reported_and_nothing_written(salary_tracks, tmp_path):
    rows = [
        ["backend", "senior", "US", "USD", "150000", "2024", "-1", "lots"],
        ["backend", "senior", "US", "USD", "150000", "2024", "1.234", "1e99"],
    ]
    path = write_csv(tmp_path / "comp.csv", rows, HEADER)
    err = io.StringIO()

    with pytest.raises(CommandError):
        call_command("import_salaries", str(path), stdout=io.StringIO(), stderr=err)

    assert "line 2, column bonus, value '-1': negative" in err.getvalue()
    assert "line 2, column equity, value 'lots': not a number" in err.getvalue()
    assert "line 3, column bonus, value '1.234': more than 2 decimal places" in err.getvalue()
    assert "line 3, column equity, value '1e99': not a number" in err.getvalue()
    assert not SalaryDataPoint.objects.exists()


def test_total_is_over_points_that_state_both_and_says_how_many_are_left_out(senior_points):
    base = salary_stats(level=level("backend", "senior"))
    total = salary_stats(level=level("backend", "senior"), pay="total")

    assert (base.count, base.median, base.pay, base.without_total) == (7, 130.0, "base", 0)
    # Totals: 110, 130, 160, 190, 140 (a stated zero counts; unknown never does).
    assert (total.count, total.without_total, total.pay) == (5, 2, "total")
    assert (total.p25, total.median, total.p75, total.mean) == (130.0, 140.0, 160.0, 146.0)
    by_level = {
        s.level.slug: s.stats for s in stats_by_level(level("backend", "senior").track, pay="total")
    }
    assert by_level["senior"] == total


def test_the_api_answers_total_compensation(senior_points):
    client = Client()
    body = client.get(
        "/api/v1/salaries/stats", {"level": "senior", "track": "backend", "pay": "total"}
    ).json()

    assert (body["count"], body["median"], body["pay"], body["without_total"]) == (
        5,
        140.0,
        "total",
        2,
    )
    assert client.get("/api/v1/salaries/stats", {"track": "backend"}).json()["pay"] == "base"
    bad = client.get("/api/v1/salaries/stats", {"pay": "net"})
    assert bad.status_code == 422
    assert [e["field"] for e in bad.json()["errors"]] == ["pay"]


def test_total_compensation_follows_the_region_and_the_fallback_chain(senior_points):
    # Canada has no points: with fallback, North America's (the US points) answer, total.
    client = Client()
    query = {"track": "backend", "level": "senior", "pay": "total"}
    fallback = client.get(
        "/api/v1/salaries/stats", {**query, "country": "ca", "fallback": "true"}
    ).json()
    region = client.get("/api/v1/salaries/stats", {**query, "region": "north-america"}).json()

    for body in (fallback, region):
        assert (body["scope"], body["region"], body["pay"]) == ("region", "north-america", "total")
        assert (body["count"], body["median"], body["without_total"]) == (5, 140.0, 2)


def test_points_without_a_total_are_not_named_as_points_without_a_rate(senior_points):
    # Two points in yen (no exchange rate): one states bonus and equity, one does not.
    yen = add_points(level("backend", "senior"), [9_000_000, 9_500_000], currency="JPY")
    with_extras(yen, [("1", "1"), (None, "1")])

    base = salary_stats(level=level("backend", "senior"))
    total = salary_stats(level=level("backend", "senior"), pay="total")

    assert (base.excluded_without_rate, base.excluded) == (2, (("JPY", 2024, 2),))
    assert (total.count, total.without_total) == (5, 3)
    assert (total.excluded_without_rate, total.excluded) == (1, (("JPY", 2024, 1),))


def test_the_salaries_page_switches_between_base_and_total(client, senior_points):
    base = text(client.get("/salaries/?track=backend&level=senior"))
    total = text(client.get("/salaries/?track=backend&level=senior&pay=total"))

    assert "Median $130 · 7 data points" in base
    assert "Total compensation: base pay + bonus + equity" not in base
    assert "Median $140 · 5 data points" in total
    assert "over the 5 data points that state both bonus and equity (2 more left out" in total
    refused = client.get("/salaries/?track=backend&pay=net")
    assert refused.status_code == 200
    assert "Some filters were not applied" in text(refused)


def test_a_contribution_keeps_its_bonus_and_equity(owner_client, salary_tracks):
    response = owner_client.post(
        "/salaries/contribute/",
        {
            "level": "backend/senior",
            "country": "DE",
            "currency": "EUR",
            "amount": "80000",
            "bonus": "8000",
            "equity": "",
            "year": "2024",
        },
    )

    assert response.status_code == 302
    point = SalaryDataPoint.objects.get()
    assert (point.status, point.bonus, point.equity) == (Status.PENDING, Decimal("8000"), None)
    page = text(owner_client.get("/salaries/contribute/"))
    assert "bonus €8,000" in page

    again = owner_client.post(
        "/salaries/contribute/",
        {
            "level": "backend/senior",
            "country": "DE",
            "currency": "EUR",
            "amount": "1",
            "bonus": "-5",
            "year": "2023",
        },
    )
    assert again.status_code == 200
    assert SalaryDataPoint.objects.count() == 1


# --- the official market figures on the pages ------------------------------------------


@pytest.fixture
def market(salary_tracks):
    demo.load_occupations()
    demo.load_oews()


def test_the_salaries_page_shows_the_us_market_apart_from_the_levels(client, market):
    add_points(level("backend", "senior"), [150_000] * 5)
    page = text(client.get("/salaries/?track=backend"))

    section = page.split("U.S. market, all levels of the occupation", 1)[1]
    assert "Software Developers (15-1252)" in section
    assert "1,687,890 $82,460 $105,210 $135,980 $171,980 $214,670 $148,100" in section
    assert "May 2025" in section
    # The level figures do not move: the market is not data points.
    assert salary_stats(track="backend").count == 5

    cloud = text(client.get("/salaries/?track=cloud-architect"))
    assert "Computer Network Architects (15-1241)" in cloud
    assert "not cloud architects alone" in cloud


def test_the_level_page_shows_the_market_line(client, market):
    page = text(client.get("/careers/backend/senior/"))

    assert "U.S. market, all levels of the occupation: Software Developers, median $135,980" in page
    assert "May 2025" in page


def test_the_salaries_page_query_count_stays_constant_with_market_data(client, market):
    url = "/salaries/?track=backend&level=senior&pay=total"
    add_points(level("backend", "senior"), [100_000] * 3)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    add_points(level("backend", "senior"), range(50_000, 52_000))
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200

    assert len(large) == len(small) <= 11, [q["sql"][:80] for q in large]
