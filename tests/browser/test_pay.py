"""Issue 18 in a real browser: a backend developer in Germany sees euros, an uplift from
one place, and records their own pay; on a phone, in dark mode, with axe watching."""

import re
from decimal import Decimal

import pytest

from accounts.models import Profile
from salaries.models import ExchangeRate
from tests.browser.test_dashboard import sign_in
from tests.factories import UserFactory
from tests.salary_support import add_points, level, make_tracks

pytestmark = pytest.mark.browser


def test_a_german_developer_sees_euros_and_records_their_pay(page):
    tracks = make_tracks()
    person = UserFactory(username="jonas", email="jonas@example.com")
    Profile.objects.filter(user=person).update(
        country="DE",
        track=tracks["backend"],
        current_level=level("backend", "middle"),
        target_level=level("backend", "senior"),
    )
    ExchangeRate.objects.create(currency="EUR", year=2024, rate_to_usd=Decimal("1.00"))
    add_points(
        level("backend", "middle"),
        [60_000, 70_000, 80_000, 90_000, 100_000],
        country="FR",
        currency="EUR",
    )
    add_points(level("backend", "senior"), [100_000] * 12, country="DE", currency="EUR")

    sign_in(page, "jonas@example.com")
    page.set_viewport_size({"width": 360, "height": 740})
    page.emulate_media(color_scheme="dark")
    page.goto("/dashboard/")
    pay = page.locator("section[aria-labelledby='pay-heading']")
    assert "€80,000" in pay.inner_text()
    assert "both figures for EU/EEA" in pay.inner_text()
    assert "$" not in pay.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    pay.get_by_role("link", name="Record your own pay").click()
    page.get_by_label("Gross annual pay").fill("85000")
    page.get_by_label("Currency").select_option("EUR")
    page.get_by_label("Year").fill("2024")
    page.get_by_role("button", name="Save my pay").click()
    page.wait_for_url(re.compile(r"/dashboard/$"))
    mine = page.locator("section.my-pay")
    assert "€85,000" in mine.inner_text()
    assert "more than 60% of the 5 data points" in mine.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
