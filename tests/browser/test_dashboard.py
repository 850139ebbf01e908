"""The dashboard in a real browser: a person tracks skills and sees readiness and history move."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.roadmap import save_row
from tests.factories import UserFactory
from tests.test_dashboard import make_world, set_profile

pytestmark = pytest.mark.browser

PASSWORD = "correct-horse-battery"


def sign_in(page, email: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label(re.compile("email", re.I)).fill(email)
    page.get_by_label(re.compile("password", re.I)).fill(PASSWORD)
    page.get_by_role("button", name=re.compile("sign in", re.I)).click()
    page.wait_for_load_state()


def set_skill(page, name: str, status: str, proficiency: str) -> None:
    """Change a skill's status and then its proficiency on the roadmap, as a person does:
    its status chip opens the section's controls; each change saves at once (htmx) and
    swaps the row; wait for each swap."""
    save_row(page, name, "status", status)
    row = page.locator(".skill-row", has=page.get_by_label(f"Status of {name}", exact=True))
    expect(row.locator(f"select.status-{status}")).to_have_count(1)
    save_row(page, name, "proficiency", proficiency)
    expect(row.locator(f"option[value='{proficiency}'][selected]")).to_have_count(1)


def history_table(page) -> list[str]:
    """The history chart's text twin, one line per point."""
    page.get_by_text("The chart as a table").click()
    rows = page.locator("details", has_text="The chart as a table").locator("tbody tr")
    return [re.sub(r"\s+", " ", rows.nth(i).inner_text()) for i in range(rows.count())]


def test_tracking_skills_moves_readiness_and_the_chart(page):
    world = make_world()
    person = UserFactory(username="learner", email="learner@example.com")
    set_profile(person, world)  # backend, current Junior: the next level is Middle

    sign_in(page, "learner@example.com")
    page.goto("/dashboard/")
    assert page.get_by_role("heading", name="Track your first skills").is_visible()
    assert page.get_by_text("Your next step is Middle.").is_visible()
    assert page.locator("figure.chart").count() == 0

    # On the roadmap: Git done at practitioner (3) meets Middle's Git ≥ 3.
    page.get_by_role("link", name="Open the Crafted roadmap").click()
    set_skill(page, "Git", "done", "3")

    page.goto("/dashboard/")
    # Middle asks for 6 skills; Git is met: 1 of 6 = 17%.
    assert page.locator("p.answer").inner_text() == "17% ready for Middle"
    assert page.get_by_text("1 of 6 expectations met").first.is_visible()
    chart = page.locator("figure.chart")
    assert chart.count() == 1
    assert chart.get_attribute("tabindex") == "0"
    first_line = chart.locator("path.chart-line").first.get_attribute("d")
    suggestions = page.locator("ol.next-skills li")
    assert "HTTP — Middle expects working; you have not started it." in (
        suggestions.all_inner_texts()
    )
    before = history_table(page)
    assert before[-1].endswith("1 1 17%")  # done, met, ready

    # HTTP at working (2) and SQL at working: 3 of 6 = 50%.
    page.goto("/roadmaps/crafted/")
    set_skill(page, "HTTP", "done", "2")
    set_skill(page, "SQL", "learning", "2")

    page.goto("/dashboard/")
    assert page.locator("p.answer").inner_text() == "50% ready for Middle"
    assert page.locator("table.missing-skills").get_by_role("link", name="HTTP").count() == 0
    chart = page.locator("figure.chart")
    assert chart.locator("path.chart-line").first.get_attribute("d") != first_line
    after = history_table(page)
    assert after[-1].endswith("2 3 50%")
    # Each save of a status or a proficiency is one change: 3 skills, 2 each, all today.
    assert page.locator(".activity-summary").inner_text() == (
        "6 changes in the last 52 weeks. Days with at least one change: 1. "
        "Current streak: 1 week in a row with a change."
    )
    assert page.locator(".heatmap rect.l4").count() == 1  # today, the busiest day
    assert page.locator(".heatmap rect.l4 title").text_content().startswith("6 changes on ")


def test_dashboard_fits_a_phone_and_the_chart_is_keyboard_reachable(page):
    world = make_world()
    person = UserFactory(username="phone", email="phone@example.com")
    set_profile(person, world)
    sign_in(page, "phone@example.com")
    page.goto("/roadmaps/crafted/")
    set_skill(page, "Git", "done", "3")

    page.set_viewport_size({"width": 360, "height": 740})
    page.goto("/dashboard/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.locator("figure.chart").focus()
    assert page.evaluate("document.activeElement.tagName") == "FIGURE"
    # The year of activity scrolls inside its frame, reachable by keyboard, and opens on
    # the latest weeks: today's square is in view.
    frame = page.locator("div.heatmap")
    assert frame.evaluate("e => e.scrollWidth > e.clientWidth")
    frame.focus()
    assert page.evaluate("document.activeElement.className") == "heatmap"
    today = frame.locator("rect.l4")
    assert today.count() == 1
    box, view = today.bounding_box(), frame.bounding_box()
    assert view["x"] <= box["x"] and box["x"] + box["width"] <= view["x"] + view["width"]

    # Dark: the squares take the dark scheme's colours (axe checks the page again).
    empty = frame.locator("rect.l0").first
    light = empty.evaluate("e => getComputedStyle(e).fill")
    page.emulate_media(color_scheme="dark")
    page.reload()
    assert page.locator("div.heatmap rect.l0").first.evaluate(
        "e => getComputedStyle(e).fill"
    ) not in (light, "")

    page.goto("/dashboard/compare/?level=backend/middle")
    assert page.locator("p.answer").inner_text() == "17% ready for Middle (Backend)"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
