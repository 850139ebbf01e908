"""The DevOps and Cloud Architect roadmaps in a real browser: they fit a phone, pass axe,
and a skill row leads to its skill page."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(transactional_db):
    from skills.demo import load

    load()


@pytest.mark.parametrize("url", ["/roadmaps/devops/", "/roadmaps/cloud-architect/"])
def test_roadmap_fits_a_phone(page, demo, url):
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(url)
    assert page.locator(".skill-row").count() >= 60
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_a_cloud_architect_skill_opens_its_page(page, demo):
    page.goto("/roadmaps/cloud-architect/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Cloud Architect")
    page.locator("#skill-landing-zones .skill-name").click()
    expect(page).to_have_url(re.compile(r"/skills/landing-zones/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Landing zones")
    expect(page.get_by_role("heading", name="Where to learn it")).to_be_visible()
