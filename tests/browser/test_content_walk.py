"""A visitor walks the content in a real browser: roadmaps → a roadmap → a skill → a level."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(transactional_db):
    from careers.demo import load as load_tracks
    from skills.demo import load as load_roadmap

    load_roadmap()
    load_tracks()


def test_walk_from_the_roadmaps_to_a_skill_and_a_level(page, demo):
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Roadmaps").click()
    expect(page).to_have_url(re.compile(r"/roadmaps/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Roadmaps")

    page.get_by_role("link", name="Open the Backend Developer roadmap").click()
    expect(page).to_have_url(re.compile(r"/roadmaps/backend/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Backend Developer")
    expect(page.locator(".answer")).to_contain_text("skills in")
    assert page.locator("details.section-group").count() >= 12
    assert page.locator(".skill-row").count() >= 80

    # A section folds away and opens again.
    internet = page.locator("details#section-internet")
    internet.locator("summary").click()
    expect(internet).not_to_have_attribute("open", "")
    expect(internet.locator(".skill-row").first).to_be_hidden()
    internet.locator("summary").click()
    expect(internet.locator(".skill-row").first).to_be_visible()

    # A prerequisite link jumps to that skill's row on the same page.
    rest_row = page.locator("#skill-rest-apis")
    rest_row.locator(".skill-prereqs a", has_text="HTTP").click()
    expect(page).to_have_url(re.compile(r"/roadmaps/backend/#skill-http$"))

    page.locator("#skill-http .skill-name").click()
    expect(page).to_have_url(re.compile(r"/skills/http/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("HTTP")
    expect(page.get_by_role("heading", name="Where to learn it")).to_be_visible()
    levels = page.get_by_role("table")
    expect(levels).to_contain_text("Senior backend engineer")

    levels.get_by_role("link", name="Senior backend engineer").click()
    expect(page).to_have_url(re.compile(r"/careers/backend/senior/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Senior backend engineer")
    expect(page.locator(".answer")).to_contain_text("Expects")
    expect(page.locator(".ladder .step-item.current")).to_contain_text("This level")
    assert page.locator(".skill-row.new").count() >= 1

    # Up the ladder to the next level.
    page.locator(".ladder").get_by_role("link", name="Lead backend engineer").click()
    expect(page).to_have_url(re.compile(r"/careers/backend/lead/$"))


def test_the_careers_pages_draw_the_ladder(page, demo):
    page.goto("/careers/")
    page.get_by_role("link", name="See the Backend engineering ladder").click()
    expect(page).to_have_url(re.compile(r"/careers/backend/$"))
    steps = page.locator("ol.ladder > li.step-item")
    expect(steps).to_have_count(6)
    expect(steps.first).to_contain_text("Junior")


@pytest.mark.parametrize(
    "url", ["/roadmaps/backend/", "/skills/http/", "/careers/", "/careers/backend/senior/"]
)
def test_content_pages_fit_a_phone(page, demo, url):
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(url)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
