"""A level's behaviours in a real browser: a person assesses themselves, by keyboard and
on a phone, in dark mode; a bad link is refused with one clear error; readiness moves."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_dashboard import sign_in
from tests.factories import UserFactory
from tests.test_readiness import aim_at_senior, knows, world  # noqa: F401 (the fixture)

pytestmark = pytest.mark.browser


def test_assessing_a_level_by_keyboard_on_a_phone_in_dark_mode(page, world):  # noqa: F811
    person = UserFactory(username="assessor", email="assessor@example.com")
    aim_at_senior(person, world)
    knows(person, world, python=4)
    sign_in(page, "assessor@example.com")

    page.set_viewport_size({"width": 360, "height": 740})
    page.emulate_media(color_scheme="dark")
    page.goto("/careers/backend/senior/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    summary = page.locator("p.readiness-summary")
    expect(summary).to_contain_text("You are 17% ready for Senior")
    expect(summary).to_contain_text("behaviours 0 of 3")

    first = page.get_by_role(
        "group", name=re.compile("Ships a feature end to end without close guidance")
    )
    first.get_by_label("Met", exact=True).check()
    first.get_by_label("Evidence link").fill("javascript:alert(1)")
    first.get_by_label("Evidence link").press("Enter")  # submits the form, as a keyboard user
    page.wait_for_load_state()
    error = "Enter a link that starts with http:// or https://."
    expect(page.locator(".form-errors")).to_contain_text(error)
    first = page.get_by_role(
        "group", name=re.compile("Ships a feature end to end without close guidance")
    )
    expect(first.locator(".errorlist")).to_have_text(error)
    assert first.get_by_label("Met", exact=True).is_checked()  # nothing typed is lost

    first.get_by_label("Evidence link").fill("https://example.com/pr/1")
    page.get_by_role("button", name="Save my assessment").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Your self-assessment of Senior is saved")).to_be_visible()
    expect(page.locator("p.readiness-summary")).to_contain_text("You are 33% ready for Senior")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
