"""The salaries pages in a real browser: phone width, dark mode, keyboard, axe."""

import re

import pytest
from django.test import Client

from salaries.models import Contribution, SalaryDataPoint, Status
from tests.factories import UserFactory
from tests.salary_support import add_points, level, make_tracks

pytestmark = pytest.mark.browser


def luminance(css_colour: str) -> float:
    """WCAG relative luminance of a computed `rgb(r, g, b)` colour."""
    channels = [int(c) / 255 for c in re.findall(r"\d+", css_colour)[:3]]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: float, b: float) -> float:
    return (max(a, b) + 0.05) / (min(a, b) + 0.05)


@pytest.fixture
def salary_data(transactional_db):
    make_tracks()
    add_points(level("backend", "junior"), [60_000, 70_000, 80_000, 90_000, 100_000])
    add_points(level("backend", "senior"), [150_000, 160_000, 170_000, 180_000, 190_000])
    add_points(level("backend", "senior"), [90_000, 95_000, 99_000, 101_000, 120_000], country="DE")
    add_points(level("backend", "lead"), [250_000])


def test_the_salaries_page_fits_a_phone_in_dark_mode(page, salary_data):
    page.set_viewport_size({"width": 360, "height": 740})
    page.emulate_media(color_scheme="dark")

    response = page.goto("/salaries/?track=backend&level=senior")

    assert response.status == 200
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    chart = page.locator("figure.salary-chart svg").first
    assert chart.is_visible()
    box = chart.bounding_box()
    assert box["width"] <= 360 and box["height"] > 200
    colours = page.evaluate(
        """() => {
          const bg = getComputedStyle(document.body).backgroundColor;
          const rect = document.querySelector('.chart-box');
          const label = document.querySelector('text.chart-label');
          return [bg, getComputedStyle(rect).fill, getComputedStyle(label).fill];
        }"""
    )
    background, box, label = (luminance(colour) for colour in colours)
    assert background < 0.05  # dark mode is dark
    assert contrast(label, background) >= 4.5  # WCAG AA for text
    assert contrast(box, background) >= 2  # the range box stands out from the page
    assert page.get_by_role("img", name="Pay by level, Backend engineering").is_visible()
    assert page.get_by_role("table").first.is_visible()


def test_filters_work_by_keyboard_without_javascript_help(page, salary_data):
    page.goto("/salaries/")
    page.get_by_label("Level:", exact=True).select_option("senior")
    page.get_by_label("Country:", exact=True).select_option("DE")
    page.get_by_role("button", name="Show").press("Enter")

    page.wait_for_url("**/salaries/?*country=DE*")
    assert "Median $99,000 · 5 data points" in page.locator(".answer").inner_text()


def test_a_person_shares_and_withdraws_their_pay(page, live_server, salary_data):
    user = UserFactory(username="earner")
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )

    page.goto("/salaries/contribute/")
    page.get_by_label("Your role and level").select_option("backend/senior")
    page.get_by_label("Country you work in").select_option("DE")
    page.get_by_label("Currency").select_option("EUR")
    page.get_by_label("Gross annual pay").fill("84000")
    page.get_by_role("button", name="Submit for review").click()

    assert "waits for a moderator" in page.locator(".messages").inner_text()
    assert SalaryDataPoint.objects.filter(status=Status.PENDING).count() == 1
    page.get_by_role("button", name="Withdraw").click()
    assert "was withdrawn" in page.locator(".messages").inner_text()
    assert Contribution.objects.count() == 0
