"""/salaries/: statistics, filters, charts with table twins, sources, query counts."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext

from salaries.models import ExchangeRate, SalaryDataPoint, Source, Statistic
from salaries.stats import level_pay
from tests.salary_support import add_points, level


@pytest.fixture
def data(salary_tracks):
    add_points(level("backend", "junior"), [60_000, 70_000, 80_000, 90_000, 100_000])
    add_points(level("backend", "senior"), [150_000, 160_000, 170_000, 180_000, 190_000])
    add_points(level("backend", "senior"), [100_000] * 5, country="DE")
    add_points(level("backend", "lead"), [250_000, 260_000])  # too few
    add_points(level("devops", "devops-engineer"), [110_000] * 6)
    source = Source.objects.get(name="Test survey")
    source.publisher = "Test Institute"
    source.licence = "CC BY 4.0"
    source.licence_url = "https://creativecommons.org/licenses/by/4.0/"
    source.save()
    payscale = Source.objects.create(name="PayScale (March 2023)", url="https://example.com/ps")
    SalaryDataPoint.objects.create(
        source=payscale,
        track=salary_tracks["backend"],
        title="Back-end developer",
        country="US",
        currency="USD",
        amount=Decimal("90652"),
        year=2023,
        statistic=Statistic.MEAN,
    )
    return salary_tracks


def text(response) -> str:
    """The page's visible text, roughly: tags removed, spaces collapsed."""
    html = response.content.decode()
    html = re.sub(r"<(script|style|title)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_page_answers_first_with_the_median(client, data):
    response = client.get("/salaries/")

    assert response.status_code == 200
    page = text(response)
    # Backend (the first track), every country: 17 individual points; the mean is left out.
    assert "Median $100,000 · 17 data points · 2024" in page
    assert "Backend engineering · worldwide (all countries)" in page


def test_the_level_chart_has_a_table_twin(client, data):
    response = client.get("/salaries/?track=backend")
    html = response.content.decode()
    page = text(response)

    assert html.count('<figure class="chart salary-chart">') == 2  # levels and countries
    assert 'role="img"' in html and "<title id=" in html
    assert '<rect class="chart-box"' in html
    headings = "Data points 25th percentile Median 75th percentile Mean"
    assert f"Level {headings} Junior backend engineer 5 $70,000 $80,000 $90,000 $80,000" in page
    assert f"Country {headings}" in page
    assert "Senior backend engineer 10 $100,000 $125,000 $167,500 $135,000" in page
    assert "Lead backend engineer 2 Too few data points (fewer than 5)" in page
    assert "2 data points: too few to show" in html
    # The published mean is a reference marker and a row of its own, not a percentile.
    assert 'class="chart-marker"' in html
    assert "PayScale (March 2023) mean: $90,652" in html
    assert "Back-end developer Mean US 2023 $90,652" in page


def test_numbers_in_svg_coordinates_are_not_localised(client, salary_tracks):
    add_points(level("backend", "junior"), [1_000] * 5)
    for i in range(30):  # a tall chart: a y past 1,000 px must not be written "1,054"
        add_points(level("backend", "junior"), [2_000] * 5, country=["DE", "FR", "GB"][i % 3])

    html = client.get("/salaries/?track=backend&level=junior").content.decode()

    svg = "".join(re.findall(r"<svg.*?</svg>", html, flags=re.S))
    coordinates = re.findall(r'\b(?:x|y|x1|x2|y1|y2|width|height)="([^"]*)"', svg)
    assert coordinates and all(re.fullmatch(r"-?[\d.]+%?", c) for c in coordinates), coordinates


def test_filters_narrow_every_figure(client, data):
    response = client.get("/salaries/?track=backend&level=senior&country=DE")
    page = text(response)

    assert "Median $100,000 · 5 data points" in page
    assert "Senior backend engineer · Germany" in page
    assert "By country: Senior backend engineer" in page
    # The country comparison lists both countries for the level, whatever the country filter.
    assert "United States 5 $160,000 $170,000 $180,000" in page
    assert "Germany 5 $100,000 $100,000 $100,000" in page


def test_a_track_without_a_level_compares_countries_for_its_busiest_level(client, data):
    page = text(client.get("/salaries/?track=backend"))
    assert "By country: Senior backend engineer" in page
    assert "The level with the most data points" in page


def test_another_currency_converts_with_each_years_rate(client, data):
    ExchangeRate.objects.create(currency="EUR", year=2024, rate_to_usd=Decimal("1.25"))
    ExchangeRate.objects.create(currency="EUR", year=2023, rate_to_usd=Decimal("1.10"))

    page = text(client.get("/salaries/?track=backend&level=junior&currency=EUR"))

    assert "Median €64,000 · 5 data points" in page  # 80,000 / 1.25
    assert "Back-end developer Mean US 2023 €82,411 ($90,652)" in page


def test_points_without_a_rate_are_counted_in_the_method_note(client, data):
    add_points(level("backend", "junior"), [5_000_000] * 2, currency="JPY")

    page = text(client.get("/salaries/?track=backend&level=junior"))

    assert "Median $80,000 · 5 data points" in page
    assert "2 data points have no rate for their year and are left out." in page


def test_a_small_group_is_suppressed_on_the_page(client, data):
    page = text(client.get("/salaries/?track=backend&level=lead"))
    assert "Not enough data: 2 data points match." in page
    assert "$250,000" not in page and "$255,000" not in page


def test_bad_filters_are_explained_and_left_out(client, data):
    response = client.get(
        "/salaries/?track=backend&level=wizard&year_from=soon&country=QQ&currency=XYZ&source=Nope"
    )

    assert response.status_code == 200
    page = text(response)
    assert "Some filters were not applied:" in page
    for label in ("Level", "From year", "Source"):
        assert f"{label}: Select a valid choice" in page or f"{label}: Enter a whole" in page
    # Country and currency: the API's words for the same rule (salaries/filters.py).
    assert "Country: Not an ISO 3166-1 alpha-2 country code (or XX for worldwide)." in page
    assert "Currency: Not an ISO 4217 currency code." in page
    assert "Median $100,000 · 17 data points" in page


def test_a_level_from_another_track_is_refused(client, data):
    page = text(client.get("/salaries/?track=devops&level=senior"))
    assert "Level: This level is not in the chosen track." in page
    assert "Median $110,000 · 6 data points" in page


def test_years_in_the_wrong_order_are_refused(client, data):
    page = text(client.get("/salaries/?year_from=2025&year_to=2020"))
    assert "To year: The end year is before the start year." in page


def test_sources_are_listed_with_dates_licences_and_counts(client, data):
    html = client.get("/salaries/").content.decode()
    page = text(client.get("/salaries/"))

    assert "Test survey Test Institute — CC BY 4.0 23" in page
    assert 'href="https://creativecommons.org/licenses/by/4.0/"' in html
    assert "How the numbers are computed" in page
    assert "linear interpolation" in page


def test_the_page_has_no_inline_styles_or_scripts(client, data):
    html = client.get("/salaries/").content.decode()
    assert " style=" not in html and "<style" not in html
    assert re.findall(r"<script(?![^>]*\bsrc=)", html) == []
    assert not re.search(r"\son[a-z]+=", html)


def test_the_header_links_to_the_salaries_page(client, data):
    html = client.get("/salaries/").content.decode()
    assert '<a href="/salaries/" aria-current="page">' in html


def test_without_tracks_the_page_says_what_it_is_for(client, db):
    response = client.get("/salaries/")
    assert response.status_code == 200
    assert "appear here once career tracks and salary data are loaded" in text(response)


def test_the_query_count_does_not_grow_with_the_data(client, salary_tracks):
    url = "/salaries/?track=backend&level=senior&country=US&currency=EUR"
    ExchangeRate.objects.create(currency="EUR", year=2024, rate_to_usd=Decimal("1.1"))
    levels = [level("backend", slug) for slug in ("junior", "middle", "senior", "principal")]
    countries = ["US", "DE", "GB", "FR", "PL"]

    def grow(per_group: int) -> None:
        for lv in levels:
            for country in countries:
                add_points(lv, range(50_000, 50_000 + per_group), country=country)

    grow(1)  # 20 points
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    grow(500)  # 10,020 points
    assert SalaryDataPoint.objects.count() > 10_000
    with CaptureQueriesContext(connection) as large:
        response = client.get(url)

    assert response.status_code == 200
    assert "Median €45,681 · 501 data points" in text(response)  # US senior only
    # 11: the page's 10 and the U.S. market figures of the track's occupations.
    assert len(large) == len(small) <= 11, [q["sql"][:80] for q in large]


def test_the_level_pay_card_renders_for_level_pages(data):
    html = render_to_string(
        "salaries/_level_pay.html", {"pay": level_pay(level("backend", "senior"), "JP")}
    )
    page = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))

    assert "$125,000" in page  # the worldwide median of 10 points (none in Asia-Pacific)
    assert "Worldwide (too few data points for Japan)" in page
    assert "?track=backend&amp;level=senior" in html
