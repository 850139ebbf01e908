"""The level page's pay card: salaries.stats.level_pay on /careers/<track>/<level>/."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Profile
from salaries.models import SalaryDataPoint, Status
from salaries.stats import invalidate
from tests.content_data import build_content, clear_content
from tests.salary_support import add_points, level

pytestmark = pytest.mark.django_db

SENIOR = "/careers/backend/senior/"


def text(response) -> str:
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def pay_card(response) -> str:
    """The text of the pay card only."""
    html = response.content.decode()
    start = html.index('class="card salary-pay"')
    card = html[start : html.index("</section>", start)]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", card))


def test_level_page_shows_the_median_range_count_years_and_sources(client, salary_tracks):
    senior = level("backend", "senior")
    add_points(senior, [100_000, 110_000, 120_000], country="US", year=2023)
    add_points(senior, [130_000, 140_000], country="DE", year=2024, source_name="Survey B")
    add_points(level("backend", "junior"), [10_000] * 5)  # another level: not counted

    response = client.get(SENIOR)

    assert response.status_code == 200
    card = pay_card(response)
    assert "Pay: Senior backend engineer" in card
    assert "$120,000" in card  # the median
    assert "half earn between $110,000 and $130,000" in card
    assert "5 data points" in card
    assert "Worldwide · 2023–2024 · Sources: Survey B, Test survey" in card
    html = response.content.decode()
    assert 'href="/salaries/?track=backend&amp;level=senior"' in html
    # Where the template's comment said: between the ladder and the responsibilities.
    assert html.index('class="ladder"') < html.index("salary-pay")


def test_pending_and_rejected_points_do_not_count(client, salary_tracks):
    senior = level("backend", "senior")
    add_points(senior, [100_000] * 4)
    add_points(senior, [900_000] * 3, status=Status.PENDING)
    add_points(senior, [900_000] * 3, status=Status.REJECTED)

    card = pay_card(client.get(SENIOR))

    assert "Not enough data yet: 4 data points (at least 5 are needed)." in card
    assert "$" not in card  # no figure for a suppressed group
    assert "Source" not in card


def test_a_level_without_any_data_says_so(client, salary_tracks):
    card = pay_card(client.get(SENIOR))
    assert "Not enough data yet: 0 data points" in card
    assert "Worldwide" in card


def set_country(user, code: str) -> None:
    profile = Profile.objects.get(user=user)
    profile.country = code
    profile.save()


def test_a_signed_in_person_sees_their_country_or_a_labelled_worldwide_figure(
    owner_client, owner, salary_tracks
):
    senior = level("backend", "senior")
    add_points(senior, [50_000, 60_000, 70_000, 80_000, 90_000], country="DE", year=2024)
    add_points(senior, [200_000] * 5, country="US", year=2025, source_name="US survey")
    set_country(owner, "DE")

    card = pay_card(owner_client.get(SENIOR))
    assert "$70,000" in card
    assert "Germany · 2024 · Source: Test survey" in card  # US figures and source left out

    set_country(owner, "LT")  # a save, as the profile form does: the cached page is renewed
    response = owner_client.get(SENIOR)
    card = pay_card(response)
    assert "EU/EEA (too few data points for Lithuania)" in card  # the region: Germany's 5
    assert "5 data points" in card
    assert "Source: Test survey" in card
    assert "country=" not in response.content.decode().split("salary-pay")[1].split("</section>")[0]

    set_country(owner, "JP")  # Asia-Pacific has none: worldwide
    card = pay_card(owner_client.get(SENIOR))
    assert "Worldwide (too few data points for Japan)" in card
    assert "10 data points" in card
    assert "Sources: Test survey, US survey" in card


def count(client, url: str) -> int:
    cache.clear()  # measure the uncached page: the statistics' queries included
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    assert "salary-pay" in response.content.decode()
    return len(queries)


def grow_salaries(n: int) -> None:
    SalaryDataPoint.objects.all().delete()
    for slug in ("step-1", "step-4"):
        step = level("grown-track", slug)
        add_points(step, range(50_000, 50_000 + n * 100, 100), country="DE")
        add_points(step, range(60_000, 60_000 + n * 100, 100), country="US", source_name="B")
    invalidate()


@pytest.mark.parametrize("signed_in", [False, True])
def test_level_page_queries_stay_constant_from_10_to_300_skills_and_points(
    client, owner_client, owner, django_assert_max_num_queries, signed_in
):
    browser = owner_client if signed_in else client
    Profile.objects.filter(user=owner).update(country="FR")  # too few: falls back
    urls = ["/careers/grown-track/step-4/", "/careers/grown-track/step-1/"]
    build_content(10)
    grow_salaries(10)
    small = [count(browser, url) for url in urls]
    SalaryDataPoint.objects.all().delete()
    clear_content()
    build_content(300)
    grow_salaries(300)
    large = [count(browser, url) for url in urls]

    assert small == large, (small, large)
    # The page's own 9 (8 on the first step; skill groups and behaviour criteria are 2),
    # the pay (1; 2 when the country falls back to its region, 3 to worldwide), its
    # sources (1), the U.S. market figures (1), the salary data's version (1) and, signed
    # in, my readiness (1), the profile (1), the currencies with rates (1), the own pay on
    # one's own level (3) and the session (2).
    limit = 13 if not signed_in else 19
    for url in urls:
        cache.clear()
        with django_assert_max_num_queries(limit):
            browser.get(url)
    # Signed in from France: the EU/EEA's 300 (Germany's); anonymous: all 600.
    expected = "300 data points" if signed_in else "600 data points"
    assert expected in pay_card(browser.get(urls[0]))
