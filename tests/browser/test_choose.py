"""A Python developer in a real browser: marking Python done completes the languages
section at once (htmx), and the roadmaps index shows the same figures, at 360 px too."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.roadmap import save_row
from tests.browser.test_dashboard import PASSWORD, sign_in
from tests.factories import UserFactory

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [360, 1280])
def test_marking_python_done_completes_the_languages_section(page, width):
    from careers.demo import load as load_tracks
    from skills.demo import load as load_roadmap

    load_roadmap()
    load_tracks()
    UserFactory(username="pythonista", email="py@example.com", password=PASSWORD)
    page.set_viewport_size({"width": width, "height": 800})
    sign_in(page, "py@example.com")

    page.goto("/roadmaps/backend/")
    languages = page.locator("details#section-languages")
    expect(languages.locator("summary")).to_contain_text("Choose 1 of 6")
    expect(languages.locator(".track-counts")).to_have_text("0 of 1 done")
    save_row(page, "Python", "status", "done")
    # The section's bar is swapped with the row: complete, without skipping the others.
    expect(languages.locator(".track-counts")).to_have_text("1 of 1 done · complete")
    expect(languages.locator("progress")).to_have_attribute("value", "100")
    expect(page.locator("#roadmap-progress .track-counts")).to_have_text("1 of 115 done")
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Roadmaps").click()
    expect(page).to_have_url(re.compile(r"/roadmaps/$"))
    card = page.locator("section.roadmap-card[aria-labelledby='roadmap-backend']")
    expect(card.locator(".figure")).to_have_text("1% done")
    expect(card).to_contain_text("1 of 115 done")
    expect(card).to_contain_text("For the tracks:")
    expect(card.get_by_role("link", name="Backend engineering")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    card.get_by_role("link", name="Backend engineering").click()
    expect(page).to_have_url(re.compile(r"/careers/backend/$"))
