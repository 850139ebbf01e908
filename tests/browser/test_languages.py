"""Choosing a language in a real browser: the footer's switch, by keyboard, at phone
width, with and without JavaScript (docs/translations.md)."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_a_keyboard_user_switches_to_german_on_a_phone(page):
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto("/careers/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    switch = page.get_by_role("group", name="Language")
    expect(switch.get_by_role("button", name="English")).to_have_attribute("aria-current", "true")
    german = switch.get_by_role("button", name="Deutsch")
    german.focus()
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    expect(page).to_have_url(re.compile(r"/careers/$"))  # back where the person was
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page.get_by_role("group", name="Sprache")).to_be_visible()
    expect(page.get_by_role("navigation", name="Fußzeile")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_the_switch_works_without_javascript(browser, live_server, transactional_db):
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, locale="fr-FR"
    )
    page = context.new_page()
    page.goto("/roadmaps/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")  # the browser's language
    page.get_by_role("button", name="Русский").click()
    expect(page).to_have_url(f"{live_server.url}/roadmaps/")
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.get_by_role("button", name="Русский")).to_have_attribute("aria-current", "true")
    context.close()
