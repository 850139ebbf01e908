"""Issue 19 in a real browser: the no-JavaScript save lands on the saved row below the
sticky progress bar, with its confirmation in sight; a section marked in bulk and undone."""

import re

import pytest
from playwright.sync_api import expect

from skills import demo
from skills.models import Roadmap
from tests.browser.test_newcomer import first_skills, signed_in_as_ada
from tracking.models import SkillProgress

pytestmark = pytest.mark.browser


@pytest.fixture
def backend_roadmap(transactional_db):
    demo.load()
    return Roadmap.objects.get(slug="backend")


def below_the_bar(page, slug: str) -> bool:
    """The row is in the viewport, not covered by the sticky progress bar."""
    row_top, row_bottom, bar_bottom, height = page.evaluate(
        """(slug) => {
          const row = document.getElementById("skill-" + slug).getBoundingClientRect();
          const bar = document.querySelector(".track-summary").getBoundingClientRect();
          return [row.top, row.bottom, bar.bottom, window.innerHeight];
        }""",
        slug,
    )
    return row_top >= bar_bottom - 1 and row_bottom <= height


@pytest.mark.parametrize("width", [1280, 800])
def test_no_javascript_save_lands_below_the_bar_with_a_confirmation(
    browser, live_server, backend_roadmap, width
):
    context, page = signed_in_as_ada(browser, live_server, javascript=False)
    page.set_viewport_size({"width": width, "height": 800})
    section = backend_roadmap.sections.order_by("position")[2]  # well down the page
    placement = section.placements.select_related("skill").order_by("position").first()
    slug, name = placement.skill.slug, placement.skill.name
    page.goto(f"/roadmaps/backend/?edit={slug}")
    page.get_by_label(f"Status of {name}", exact=True).select_option("done")
    page.locator(f"#skill-{slug}").locator("xpath=ancestor::details").get_by_role(
        "button", name="Save changes"
    ).click()
    expect(page).to_have_url(re.compile(rf"/roadmaps/backend/#skill-{slug}$"))
    confirmation = page.locator(".track-summary").get_by_text(f"Saved: {name} is done")
    expect(confirmation).to_be_in_viewport()
    assert below_the_bar(page, slug)
    assert SkillProgress.objects.get(user__username="ada", skill__slug=slug).status == "done"
    context.close()


@pytest.mark.parametrize("javascript", [True, False])
def test_mark_a_section_in_bulk_and_undo_it(browser, live_server, backend_roadmap, javascript):
    context, page = signed_in_as_ada(browser, live_server, javascript=javascript)
    page.goto("/roadmaps/backend/")
    section = backend_roadmap.sections.order_by("position").first()
    count = section.placements.count()
    page.get_by_role("link", name="Mark a whole section at once…").click()
    page.get_by_label("Section").select_option(section.slug)
    page.get_by_label("Skipped").check()
    page.get_by_role("button", name="See what changes").click()
    expect(page.get_by_role("heading", name=f"Mark {section.title} as skipped?")).to_be_visible()
    page.get_by_role("button", name="Mark them skipped").click()
    expect(
        page.get_by_text(f"Marked {count} skills of {section.title} as skipped.")
    ).to_be_visible()
    mine = SkillProgress.objects.filter(user__username="ada")
    assert mine.filter(status="skipped").count() == count
    page.get_by_role("button", name="Undo").click()
    expect(page.get_by_text(f"Undone: {count} skills are back as they were.")).to_be_visible()
    assert not mine.exclude(status="not_started").exists()
    (_slug, name), *_rest = first_skills(backend_roadmap, 1)
    expect(page.get_by_role("link", name=f"Status of {name}: Not started")).to_be_visible()
    context.close()


def test_focused_roadmap_and_bulk_pages_pass_axe(page, backend_roadmap):
    """The `page` fixture checks each page with axe and the console: the focused roadmap
    (with a target level) and the bulk mark's choice and preview."""
    from django.contrib.auth import get_user_model

    from accounts.models import profile_of
    from tests.factories import LevelFactory, RequirementFactory

    user = get_user_model().objects.create_user("lin", "lin@example.com", "compiler-Navy-1952")
    first = backend_roadmap.sections.order_by("position").first()
    skill = first.placements.order_by("position").first().skill
    requirement = RequirementFactory(level=LevelFactory(name="Senior"), skill=skill)
    profile = profile_of(user)
    profile.target_level = requirement.level
    profile.save()
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("lin@example.com")
    page.get_by_label("Password").fill("compiler-Navy-1952")
    page.get_by_role("button", name="Sign In").click()
    page.goto("/roadmaps/backend/?focus=missing")
    level = profile.target_level.name
    expect(page.get_by_role("link", name=f"Still missing for {level}")).to_have_attribute(
        "aria-current", "page"
    )
    expect(page.locator(f"#skill-{requirement.skill.slug}")).to_be_visible()
    page.get_by_role("link", name="Mark a whole section at once…").click()
    page.get_by_label("Done").check()
    page.get_by_role("button", name="See what changes").click()
    expect(page.get_by_role("button", name="Mark them done")).to_be_visible()
