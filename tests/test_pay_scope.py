"""Issue 18 (pay scope): my currency, one honest comparison (country → region →
worldwide), my own pay (private), plausibility, and the same filter rules on the page
and in the API."""

import json
import re
from datetime import date
from decimal import Decimal

import pycountry
import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts import deletion
from accounts.models import Profile
from salaries.importing.run import Importer
from salaries.iso import country_currency
from salaries.models import ExchangeRate, OwnPay, SalaryDataPoint, Status
from salaries.regions import COUNTRIES, Region, countries_in, region_of
from salaries.stats import salary_stats
from tests.salary_support import add_points, level, write_csv

pytestmark = pytest.mark.django_db

THIS_YEAR = date.today().year


def text(response) -> str:
    html = response.content.decode()
    html = re.sub(r"<(script|style|title)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# Regions and currencies -----------------------------------------------------------------


def test_every_iso_country_is_in_exactly_one_region():
    listed = [code for codes in COUNTRIES.values() for code in codes.split()]
    assert len(listed) == len(set(listed)), "a country in two regions"
    assert set(listed) == {c.alpha_2 for c in pycountry.countries}
    assert set(COUNTRIES) == set(Region)
    assert region_of("de") == Region.EU_EEA
    assert region_of("CH") == Region.EUROPE_OTHER
    assert region_of("XX") is None
    assert "NO" in countries_in("eu-eea")


def test_a_country_pays_in_its_own_currency():
    assert [country_currency(c) for c in ("DE", "at", "US", "JP", "CH", "LI", "GB")] == [
        "EUR",
        "EUR",
        "USD",
        "JPY",
        "CHF",
        "CHF",
        "GBP",
    ]
    assert country_currency("") is None


# The German middle developer ------------------------------------------------------------


@pytest.fixture
def german(owner, salary_tracks):
    """A middle backend engineer in Germany (no currency chosen), EUR rates for 2023 and
    2024; no middle points in Germany, plenty in the EU/EEA; seniors in Germany too."""
    Profile.objects.filter(user=owner).update(
        country="DE",
        track=salary_tracks["backend"],
        current_level=level("backend", "middle"),
        target_level=level("backend", "senior"),
    )
    ExchangeRate.objects.create(currency="EUR", year=2023, rate_to_usd=Decimal("1.10"))
    ExchangeRate.objects.create(currency="EUR", year=2024, rate_to_usd=Decimal("1.00"))
    middle, senior = level("backend", "middle"), level("backend", "senior")
    # EU/EEA middle: 60..100k EUR (FR, AT). Senior: 12 points in Germany, 8 in FR.
    add_points(middle, [60_000, 70_000, 80_000], country="FR", currency="EUR")
    add_points(middle, [90_000, 100_000], country="AT", currency="EUR")
    add_points(senior, [100_000] * 12, country="DE", currency="EUR")
    add_points(senior, [110_000] * 8, country="FR", currency="EUR")
    # Worldwide pool: US middle at 158,200 USD, not to be mixed in.
    add_points(middle, [158_200] * 10, country="US")
    return owner


def test_the_german_middle_developer_sees_euros_and_an_uplift_from_one_place(owner_client, german):
    response = owner_client.get("/dashboard/")
    pay = response.context["pay"]
    assert response.context["pay_currency"] == "EUR"
    assert pay.current.pay.scope == pay.next.pay.scope == "region"
    assert pay.current.stats.median == 80_000
    assert pay.next.stats.median == 100_000  # the EU/EEA's 20 points: 12 at 100k, 8 at 110k
    assert pay.difference == 20_000
    page = text(response)
    assert "€80,000" in page
    assert "EU/EEA (too few data points for Germany)" in page
    assert "Backend engineer" in page
    assert (
        "Senior backend engineer pays €20,000 more at the median (+25%), both figures for "
        "EU/EEA." in page
    )
    assert "each data point converted from its own currency at the average rate" in page
    # The headline card: the place, the sample size and the years.
    assert (
        "Median for Senior backend engineer · EU/EEA (too few data points for Germany) · "
        "20 data points · 2024" in page
    )
    assert "$" not in page.split("Pay at the next level")[1].split("Roadmap completion")[0]
    assert "158,200" not in page


def test_the_level_page_and_the_salaries_page_speak_euros_too(owner_client, german):
    card = text(owner_client.get("/careers/backend/senior/"))
    assert "€100,000" in card
    assert "Germany · 2024" in card  # Germany has 12: its own figure
    page = text(owner_client.get("/salaries/?track=backend&level=senior&country=de"))
    assert "Median €100,000 · 12 data points" in page  # lowercase `de` is Germany
    assert "Some filters were not applied" not in page
    anonymous = text(Client().get("/careers/backend/senior/"))
    assert "$100,000" in anonymous  # anonymous: US dollars, worldwide (20 points)
    assert "20 data points" in anonymous


def test_points_without_a_rate_are_named_at_the_figure(owner_client, german):
    add_points(level("backend", "senior"), [9_000_000] * 3, country="JP", currency="JPY")
    page = text(owner_client.get("/salaries/?track=backend&level=senior&currency=EUR"))
    head = page.split("Filter salaries")[0] if "Filter salaries" in page else page[:3000]
    assert "3 data points left out: no exchange rate for JPY 2024 (3)." in head


def test_worldwide_means_every_country_pooled_everywhere(client, german):
    everywhere = salary_stats(level="senior", track="backend")
    assert salary_stats(level="senior", track="backend", country="XX") == everywhere
    assert everywhere.count == 20
    page = text(client.get("/salaries/?track=backend&level=senior&country=XX"))
    assert "20 data points" in page
    body = client.get("/api/v1/salaries/stats?track=backend&level=senior&country=xx").json()
    assert (body["count"], body["scope"]) == (20, "worldwide")


def test_the_api_labels_scope_and_region_and_falls_back_like_the_pages(client, german):
    body = client.get("/api/v1/salaries/stats?track=backend&level=middle&country=de").json()
    assert (body["count"], body["scope"], body["region"]) == (0, "country", "eu-eea")
    query = "track=backend&level=middle&country=DE&fallback=true&currency=EUR"
    body = client.get(f"/api/v1/salaries/stats?{query}").json()
    assert (body["count"], body["median"], body["scope"], body["region"]) == (
        5,
        80_000,
        "region",
        "eu-eea",
    )
    body = client.get("/api/v1/salaries/stats?region=EU-EEA&level=senior").json()
    assert (body["count"], body["scope"]) == (20, "region")


def test_the_api_answers_in_my_currency_when_signed_in(owner_client, german):
    assert owner_client.get("/api/v1/salaries/stats").json()["currency"] == "EUR"
    assert Client().get("/api/v1/salaries/stats").json()["currency"] == "USD"
    assert owner_client.get("/api/v1/salaries/stats?currency=usd").json()["currency"] == "USD"


def test_a_chosen_currency_wins_over_the_country(owner_client, owner, german):
    response = owner_client.post(
        "/profile/",
        {
            "handle": "owner",
            "track": level("backend", "middle").track_id,
            "current_level": level("backend", "middle").pk,
            "target_level": level("backend", "senior").pk,
            "country": "DE",
            "currency": "USD",
            "visibility": "private",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Profile.objects.get(user=owner).currency == "USD"
    assert owner_client.get("/dashboard/").context["pay_currency"] == "USD"
    bad = owner_client.post("/profile/", {"handle": "owner", "currency": "XYZ"})
    assert bad.status_code == 200
    assert Profile.objects.get(user=owner).currency == "USD"


# My pay ------------------------------------------------------------------------------------


def test_my_pay_is_placed_in_my_levels_distribution_and_only_i_see_it(
    owner_client, other_client, german
):
    before = salary_stats(level=level("backend", "middle"))
    response = owner_client.post(
        "/salaries/my-pay/", {"amount": "85000", "currency": "EUR", "year": "2024"}
    )
    assert response.status_code == 302
    assert OwnPay.objects.count() == 1
    assert salary_stats(level=level("backend", "middle")) == before  # in no statistic

    dashboard = owner_client.get("/dashboard/")
    mine = dashboard.context["my_pay"]
    assert mine.amount == 85_000
    assert mine.rank == 60.0  # 3 of 5 EU/EEA points below 85k
    assert mine.compa_ratio == pytest.approx(1.06)
    page = text(dashboard)
    assert "You earn more than 60% of the 5 data points for Backend engineer (EU/EEA)." in page
    assert "Compa-ratio 1.06" in page
    assert "€85,000" in text(owner_client.get("/careers/backend/middle/"))
    assert "€85,000" not in text(owner_client.get("/careers/backend/senior/"))

    api = owner_client.get("/api/v1/me/pay").json()
    assert api["currency"] == "EUR"
    assert (api["current"]["scope"], api["next"]["scope"]) == ("region", "region")
    assert api["uplift"] == 20_000
    assert api["mine"]["percentile_rank"] == 60.0
    assert api["mine"]["compa_ratio"] == pytest.approx(1.06)

    other = other_client.get("/api/v1/me/pay").json()
    assert other["mine"] is None
    assert "85,000" not in text(other_client.get("/dashboard/"))
    assert Client().get("/api/v1/me/pay").status_code == 401


def test_my_pay_is_exported_and_goes_with_the_account(owner_client, owner, german):
    OwnPay.objects.create(user=owner, amount=Decimal("70000"), currency="EUR", year=2024)
    data = json.loads(owner_client.get("/me/export/").content)
    assert data["own_pay"]["currency"] == "EUR"
    assert Decimal(str(data["own_pay"]["amount"])) == Decimal("70000")
    assert data["profile"]["currency"] is None
    deletion.delete_account(owner)
    assert not OwnPay.objects.exists()


def test_my_pay_form_refuses_bad_values_and_deletes(owner_client, owner, german):
    response = owner_client.post(
        "/salaries/my-pay/", {"amount": "-5", "currency": "EURO", "year": "1800"}
    )
    assert response.status_code == 200
    assert not OwnPay.objects.exists()
    OwnPay.objects.create(user=owner, amount=Decimal("70000"), currency="EUR", year=2024)
    owner_client.post("/salaries/my-pay/", {"delete": "1"})
    assert not OwnPay.objects.exists()


# Plausibility -------------------------------------------------------------------------------

CONTRIBUTION = {"level": "backend/senior", "country": "DE", "currency": "EUR", "year": "2024"}


def test_an_absurd_contribution_asks_to_confirm_and_is_flagged(owner_client, german):
    response = owner_client.post(
        "/salaries/contribute/", {**CONTRIBUTION, "amount": "999999999999"}
    )
    assert response.status_code == 200
    page = text(response)
    assert "This amount looks unusual: above 2,000,000 US dollars a year." in page
    assert 'name="confirm"' in response.content.decode()
    assert not SalaryDataPoint.objects.filter(status=Status.PENDING).exists()

    response = owner_client.post(
        "/salaries/contribute/", {**CONTRIBUTION, "amount": "999999999999", "confirm": "on"}
    )
    assert response.status_code == 302
    point = SalaryDataPoint.objects.get(status=Status.PENDING)
    assert point.implausible == "above 2,000,000 US dollars a year"
    # Pending: in no statistic until a moderator approves it, with the reason in view.
    assert salary_stats(level=level("backend", "senior")).count == 20


def test_a_contribution_far_from_its_group_is_flagged_by_mad(owner_client, german):
    senior = level("backend", "senior")
    add_points(senior, [95_000, 105_000, 98_000, 102_000], country="DE", currency="EUR")
    response = owner_client.post("/salaries/contribute/", {**CONTRIBUTION, "amount": "400000"})
    assert "median absolute deviations from the median of Senior backend engineer" in text(response)
    ok = owner_client.post("/salaries/contribute/", {**CONTRIBUTION, "amount": "101000"})
    assert ok.status_code == 302
    assert SalaryDataPoint.objects.get(status=Status.PENDING).implausible == ""


def test_the_admin_lists_flagged_points(staff_client, german):
    points = add_points(level("backend", "senior"), [5], country="DE")
    SalaryDataPoint.objects.filter(pk=points[0].pk).update(implausible="below 1,000")
    page = staff_client.get("/admin/salaries/salarydatapoint/?implausible=yes").content.decode()
    assert "below 1,000" in page
    assert "1 salary data point" in page


def test_an_import_keeps_and_lists_implausible_rows(tmp_path, german):
    path = write_csv(
        tmp_path / "pay.csv",
        [
            ["backend", "senior", "DE", "EUR", "90000", "2024"],
            ["backend", "senior", "DE", "EUR", "999999999", "2024"],
            ["backend", "senior", "DE", "EUR", "12", "2024"],
        ],
    )
    with path.open("rb") as f:
        report = Importer(source_name="Odd survey").run(f, "pay.csv")
    assert report.ok
    assert report.written == 3
    assert report.implausible_count == 2
    summary = report.summary()
    assert "Flagged 2 row(s) as implausible" in summary
    assert "line 3: above 2,000,000 US dollars a year" in summary
    assert "line 4: below 1,000 US dollars a year" in summary
    flagged = SalaryDataPoint.objects.filter(source__name="Odd survey").exclude(implausible="")
    assert sorted(p.amount for p in flagged) == [Decimal("12"), Decimal("999999999")]


# Queries ------------------------------------------------------------------------------------


def counted(client, url: str) -> int:
    cache.clear()  # the statistics' queries included
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_dashboard_level_page_and_my_pay_take_a_constant_number_of_queries(
    owner_client, owner, german
):
    OwnPay.objects.create(user=owner, amount=Decimal("85000"), currency="EUR", year=2024)
    urls = ["/dashboard/", "/careers/backend/middle/", "/api/v1/me/pay", "/salaries/"]
    small = [counted(owner_client, url) for url in urls]
    middle = level("backend", "middle")
    add_points(middle, range(50_000, 53_000, 10), country="FR", currency="EUR")
    add_points(middle, range(50_000, 53_000, 10), country="US")
    large = [counted(owner_client, url) for url in urls]
    assert small == large
    assert large[0] <= 20, large  # the dashboard, uncached, own pay included


def test_the_contribution_form_starts_in_my_country_and_currency(owner_client, german):
    html = owner_client.get("/salaries/contribute/").content.decode()
    assert '<option value="DE" selected>' in html
    assert '<option value="EUR" selected>' in html
