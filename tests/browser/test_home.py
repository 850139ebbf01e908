"""The home page in a real browser."""

import pytest

pytestmark = pytest.mark.browser


def test_home_page_renders_without_errors_or_outside_requests(page):
    response = page.goto("/")
    assert response.status == 200
    assert "Careerpath" in page.title()
    assert page.get_by_role("link", name="Roadmaps").first.is_visible()
    page.get_by_role("link", name="Roadmaps").first.focus()
    assert page.evaluate("document.activeElement.textContent").strip() == "Roadmaps"


def test_home_page_fits_a_phone(page):
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto("/")
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 360
