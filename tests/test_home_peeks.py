"""The home page's peeks: the backend ladder and its pay (salaries.stats), in two queries."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from salaries.models import SalaryDataPoint
from tests.salary_support import add_points, level

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def peek(response) -> str:
    body = text(response)
    return body[body.index("What it pays") :]


def test_home_shows_senior_backend_pay_worldwide_with_a_chart_of_the_levels(client, salary_tracks):
    add_points(level("backend", "senior"), [100_000, 110_000, 120_000], country="US", year=2023)
    add_points(level("backend", "senior"), [130_000, 140_000], country="DE", year=2025)
    add_points(level("backend", "junior"), [40_000, 50_000, 60_000, 70_000, 80_000])
    add_points(level("backend", "middle"), [70_000, 75_000])  # too few for figures

    response = client.get("/")

    html = response.content.decode()
    pay = peek(response)
    assert "Senior backend engineer, worldwide" in pay
    assert "$120,000" in pay
    assert "half earn between $110,000 and $130,000. 5 data points · 2023–2025." in pay
    assert 'href="/salaries/?track=backend&amp;level=senior"' in html
    # The chart: a row per level with data, the headline's row marked, a table twin.
    chart = html[html.index('id="home-chart-title"') : html.index("</svg>")]
    assert "Junior backend engineer" in chart and "Backend engineer" in chart
    assert re.findall(r'class="chart-label current"[^>]*>([^<]+)<', chart) == [
        "Senior backend engineer"
    ]
    assert "2 data points: too few to show" in chart
    assert "$60K · 5" in chart
    assert chart.count('class="chart-box"') == 2
    assert "3 levels without data points yet are left out." in pay
    table = html[html.index('class="chart-twin"') :]
    assert '<td class="num"><strong>$60,000</strong></td>' in table
    assert "Too few data points (fewer than 5)" in table
    assert "Principal backend engineer" not in table


def test_home_headline_falls_back_to_the_level_with_most_points(client, salary_tracks):
    add_points(level("backend", "lead"), [150_000] * 6)
    add_points(level("backend", "junior"), [50_000] * 9)
    add_points(level("backend", "senior"), [100_000] * 4)  # suppressed: not the headline

    pay = peek(client.get("/"))

    assert "Junior backend engineer, worldwide" in pay
    assert "$50,000" in pay


def test_home_without_enough_salary_data_shows_the_ladder_only(client, salary_tracks):
    add_points(level("backend", "senior"), [100_000] * 4)
    add_points(level("management", "cto"), [300_000] * 9)  # another track

    body = text(client.get("/"))

    assert "A peek at a real ladder" in body
    assert "Principal backend engineer" in body
    assert "What it pays" not in body


def test_pending_points_never_reach_the_home_page(client, salary_tracks):
    add_points(level("backend", "senior"), [100_000] * 5)
    add_points(level("backend", "senior"), [1_000_000] * 5, status="pending")

    pay = peek(client.get("/"))

    assert "$100,000" in pay
    assert "5 data points" in pay


def count(client) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/")
    assert "What it pays" in response.content.decode()
    return len(queries)


def test_home_runs_two_queries_whatever_the_amount_of_salary_data(
    client, salary_tracks, django_assert_max_num_queries
):
    levels = [level("backend", slug) for slug in ("junior", "middle", "senior", "principal")]
    for step in levels:
        add_points(step, range(50_000, 51_000, 100))
    small = count(client)
    SalaryDataPoint.objects.all().delete()
    for step in levels:
        add_points(step, range(50_000, 80_000, 100), country="DE")
        add_points(step, range(60_000, 90_000, 100), country="US", year=2023)

    # The ladder, the salary data's version, the statistics of every level.
    assert count(client) == small == 3
    cache.clear()
    with django_assert_max_num_queries(3):
        assert "600 data points" in peek(client.get("/"))
    with django_assert_max_num_queries(2):  # the statistics come from the cache
        client.get("/")
