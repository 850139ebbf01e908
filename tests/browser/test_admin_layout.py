"""The admin at 1280 px (issue 22): the tabular inlines of the roadmap, section and skill
pages fit the page (a resource's kind, a section's summary and delete box were cut off
behind a sideways scroll), and a new skill's slug follows its name."""

import pytest
from playwright.sync_api import expect

from skills.models import Resource, Roadmap, Section, Skill, SkillPlacement
from tests.factories import UserFactory

pytestmark = pytest.mark.browser

LONG_URL = "https://developer.mozilla.org/en-US/docs/Web/HTTP/Guides/Overview-of-the-protocol"


@pytest.fixture
def content(transactional_db) -> dict:
    roadmap = Roadmap.objects.create(slug="backend", title="Backend", published=True)
    section = Section.objects.create(
        roadmap=roadmap,
        slug="internet",
        title="Internet",
        position=1,
        summary="How data travels between machines and how the web is layered on top of it.",
    )
    skill = Skill.objects.create(slug="http", name="HTTP")
    SkillPlacement.objects.create(section=section, skill=skill, position=1)
    Resource.objects.create(skill=skill, position=1, title="An overview of HTTP", url=LONG_URL)
    return {"roadmap": roadmap, "section": section, "skill": skill}


def sign_in_to_admin(page) -> None:
    UserFactory(username="curator", is_staff=True, is_superuser=True)
    page.goto("/admin/login/")
    page.get_by_label("Username").fill("curator")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("link", name="Log out").or_(page.get_by_text("Log out"))).to_have_count(
        1
    )


def assert_inlines_fit(page) -> None:
    """Every tabular inline's columns lie within it: nothing to scroll to."""
    inlines = page.locator(".inline-related.tabular .wrapper")
    assert inlines.count() >= 1
    for i in range(inlines.count()):
        wrapper = inlines.nth(i)
        box = wrapper.bounding_box()
        assert wrapper.evaluate("w => w.scrollWidth <= w.clientWidth"), "the inline scrolls"
        for header in wrapper.locator("thead th").all():
            cell = header.bounding_box()
            if cell["width"] == 0:
                continue  # the column of each row's title (empty)
            assert cell["x"] + cell["width"] <= box["x"] + box["width"] + 0.5, (
                header.inner_text(),
                cell,
                box,
            )


def test_inlines_fit_the_change_pages_at_1280(page, content):
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in_to_admin(page)

    page.goto(f"/admin/skills/roadmap/{content['roadmap'].pk}/change/")
    sections = page.locator("#sections-group")
    for column in ["Summary", "Delete?"]:
        expect(sections.locator("thead th", has_text=column)).to_be_visible()
    assert_inlines_fit(page)

    page.goto(f"/admin/skills/section/{content['section'].pk}/change/")
    expect(page.locator(".inline-related.tabular thead th", has_text="Kind")).to_be_visible()
    assert_inlines_fit(page)

    page.goto(f"/admin/skills/skill/{content['skill'].pk}/change/")
    resources = page.locator("#resources-group")
    for column in ["URL", "Kind", "Delete?"]:
        expect(resources.locator("thead th", has_text=column)).to_be_visible()
    expect(resources.get_by_role("link", name=LONG_URL)).to_be_visible()
    assert_inlines_fit(page)


def test_a_new_skills_slug_follows_its_name(page, content):
    sign_in_to_admin(page)
    page.goto("/admin/skills/skill/add/")
    # The English name (one field per language), keys as typed.
    page.locator("#id_name_en").press_sequentially("Message queues")
    expect(page.locator("#id_slug")).to_have_value("message-queues")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    assert Skill.objects.get(name="Message queues").slug == "message-queues"
