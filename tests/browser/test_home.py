"""The home page in a real browser."""

import pytest
from playwright.sync_api import expect

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


@pytest.mark.parametrize("width", [1280, 360])
def test_both_peeks_fit_the_width_with_every_level_in_view(page, width):
    """The six-step ladder used to sit in half the width, Principal scrolled out of view."""
    from tests.salary_support import add_points, level, make_tracks

    make_tracks()
    for slug in ("junior", "middle", "senior", "principal"):
        add_points(level("backend", slug), range(80_000, 180_000, 10_000))
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/")

    ladder = page.locator("ol.ladder")
    assert ladder.evaluate("el => el.scrollWidth <= el.clientWidth")
    principal = page.get_by_role("link", name="Principal backend engineer")
    box = principal.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width
    chart = page.locator("#home-chart-title").locator("xpath=ancestor::*[name()='svg']")
    chart_box = chart.bounding_box()
    assert chart_box["x"] >= 0 and chart_box["x"] + chart_box["width"] <= width
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.get_by_text("The same figures as a table").click()
    expect(page.get_by_role("cell", name="$102,500").first).to_be_visible()


def test_chart_labels_have_a_halo_so_crossing_lines_do_not_cut_the_text(page):
    """A published figure's dashed line and the grid ran through the level names."""
    from tests.salary_support import add_points, level, make_tracks

    make_tracks()
    add_points(level("backend", "senior"), range(80_000, 180_000, 10_000))
    page.goto("/")
    halo = page.locator("#home-chart-title >> xpath=ancestor::*[name()='svg']").evaluate(
        """svg => {
            const label = getComputedStyle(svg.querySelector("text.chart-label"));
            const behind = getComputedStyle(document.body).backgroundColor;
            return [label.paintOrder.startsWith("stroke"), label.stroke === behind,
                    parseFloat(label.strokeWidth) >= 3];
        }"""
    )
    assert halo == [True, True, True]
