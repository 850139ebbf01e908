"""Each demo roadmap's map in a real browser: on a desktop and a 360 px phone, by keyboard,
in print (issue 17). The harness runs axe on every page it opens."""

import json
import re

import pytest
from playwright.sync_api import expect

from skills import demo
from skills.models import Roadmap, SkillPlacement
from tests.factories import UserFactory
from tracking.models import SkillProgress

pytestmark = pytest.mark.browser

PASSWORD = "correct-horse-battery"
SLUGS = [json.loads((demo.DEMO_DIR / name).read_text())["slug"] for name in demo.ROADMAP_FILES]


@pytest.fixture
def learner(transactional_db):
    """The demo roadmaps, and a person who has done the first skill of each."""
    demo.load()
    person = UserFactory(username="learner", email="learner@example.com")
    for roadmap in Roadmap.objects.all():
        first = (
            SkillPlacement.objects.filter(section__roadmap=roadmap)
            .order_by("section__position", "position")
            .select_related("skill")
            .first()
        )
        SkillProgress.objects.record(person, first.skill, {"status": "done"})
    return person


def sign_in(page, email: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label(re.compile("email", re.I)).fill(email)
    page.get_by_label(re.compile("password", re.I)).fill(PASSWORD)
    page.get_by_role("button", name=re.compile("sign in", re.I)).click()
    page.wait_for_load_state()


def fits(page, width: int) -> None:
    """The page never scrolls sideways; on a narrow screen the map scrolls inside its frame."""
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    frame = page.locator("figure.map-wrap")
    expect(frame).to_be_visible()
    scrolls = frame.evaluate("el => el.scrollWidth > el.clientWidth")
    assert scrolls == (width < 700)


@pytest.mark.parametrize("slug", SLUGS)
def test_the_map_fits_every_screen_and_leads_to_each_skill(page, learner, slug):
    roadmap = Roadmap.objects.get(slug=slug)
    first = (
        SkillPlacement.objects.filter(section__roadmap=roadmap)
        .order_by("section__position", "position")
        .select_related("skill")
        .first()
        .skill
    )
    sign_in(page, learner.email)

    # From the roadmap page, its map: my first skill is done, in words too.
    page.goto(f"/roadmaps/{slug}/")
    page.get_by_role("link", name="Map", exact=True).click()
    expect(page).to_have_url(re.compile(rf"/roadmaps/{slug}/map/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{roadmap.title}: map")
    done = page.get_by_role("link", name=f"{first.name} — done", exact=True)
    expect(done).to_be_visible()
    nodes = page.locator("a.map-node")
    assert nodes.count() == SkillPlacement.objects.filter(section__roadmap=roadmap).count()
    fits(page, 1280)

    page.set_viewport_size({"width": 360, "height": 740})
    page.reload()
    fits(page, 360)

    # By keyboard: from the "Download SVG" link, Tab reaches the map and its first node;
    # Enter opens that skill's page.
    page.get_by_role("link", name="Download SVG").focus()
    for _ in range(4):
        page.keyboard.press("Tab")
        if done.evaluate("el => el === document.activeElement"):
            break
    expect(done).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/skills/{first.slug}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(first.name)


def test_the_map_prints_without_the_sites_chrome(page, learner):
    page.goto(f"/roadmaps/{SLUGS[0]}/map/")
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator(".breadcrumbs")).to_be_hidden()
    expect(page.get_by_role("link", name="Download SVG")).to_be_hidden()
    width = page.evaluate("document.documentElement.clientWidth")
    box = page.locator("figure.map-wrap svg").bounding_box()
    assert box["width"] <= width
    assert page.evaluate("document.documentElement.scrollWidth") <= width
