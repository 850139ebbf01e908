"""Issue 22, measured in a real browser at a phone's width and a desktop's: skill rows
keep their proficiency meters in one place whatever the label, every select of a row
has one width and the status comes before the proficiency; the missing-skills tables
show "Required" on a phone without a sideways scroll."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_dashboard import sign_in
from tests.factories import UserFactory
from tests.test_dashboard import make_world, set_profile, track

pytestmark = pytest.mark.browser

WIDTHS = [360, 1280]


@pytest.fixture
def person(transactional_db):
    """At junior, aiming at middle: git done (practitioner), http learning (aware), the
    rest not started; middle expects git practitioner, http working, kubernetes aware."""
    world = make_world()
    user = UserFactory(username="rowan", email="rowan@example.com")
    set_profile(user, world, current="junior", target="middle")
    track(user, world)
    return user


def boxes(page, selector: str) -> list[dict]:
    """The bounding box of every element `selector` matches, in page order."""
    return [element.bounding_box() for element in page.locator(selector).all()]


def fits(page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("width", WIDTHS)
def test_level_page_meters_start_in_one_place_whatever_their_label(page, person, width):
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, "rowan@example.com")
    page.goto("/careers/backend/middle/")
    rows = page.locator(".requirement-group .skill-row")
    expect(rows).to_have_count(6)
    labels = rows.locator(".proficiency-label").all_inner_texts()
    assert {"aware", "working", "practitioner"} <= set(labels)
    meters = boxes(page, ".requirement-group .skill-row .proficiency")
    assert max(m["x"] for m in meters) - min(m["x"] for m in meters) < 1, meters
    # My standing comes before the expectation: in the markup and on the screen.
    for i in range(rows.count()):
        row = rows.nth(i)
        status, level = row.locator(".skill-status").bounding_box(), meters[i]
        assert before(status, level), (status, level)
        assert row.evaluate(
            "r => r.querySelector('.skill-status').compareDocumentPosition("
            "r.querySelector('.skill-level')) === Node.DOCUMENT_POSITION_FOLLOWING"
        )
    fits(page, width)


def before(first: dict, second: dict) -> bool:
    """`first` is left of `second` on the same line, or above it."""
    left_of = first["x"] + first["width"] <= second["x"] + 0.5
    above = first["y"] + first["height"] <= second["y"] + 0.5
    return left_of or above


@pytest.mark.parametrize("width", WIDTHS)
def test_roadmap_meters_start_in_one_place_after_the_status(page, person, width):
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, "rowan@example.com")
    page.goto("/roadmaps/crafted/")
    levels = boxes(page, "#section-a .skill-level")  # practitioner, aware
    assert len(levels) == 2
    assert abs(levels[0]["x"] - levels[1]["x"]) < 1, levels
    for chip, level in zip(boxes(page, "#section-a .chip"), levels, strict=False):
        assert before(chip, level), (chip, level)
    fits(page, width)


@pytest.mark.parametrize("width", WIDTHS)
def test_roadmap_editing_puts_the_status_first_and_gives_every_select_one_width(
    page, person, width
):
    """Done (bold, a thicker border) is no wider than Learning or Not started, nor than
    the proficiency selects; each row's status select comes first."""
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, "rowan@example.com")
    page.goto("/roadmaps/crafted/?edit=git")
    section = page.locator("#section-a")
    expect(section.locator("select.status-done")).to_have_count(1)
    selects = boxes(page, "#section-a select")
    assert len(selects) == 6
    widths = {round(box["width"]) for box in selects}
    assert len(widths) == 1, widths
    for name in ["Git", "HTTP", "SQL"]:
        status = page.get_by_label(f"Status of {name}", exact=True)
        proficiency = page.get_by_label(f"Proficiency in {name}", exact=True)
        assert before(status.bounding_box(), proficiency.bounding_box()), name
        assert status.evaluate(
            "(s, p) => s.compareDocumentPosition(p) === Node.DOCUMENT_POSITION_FOLLOWING",
            proficiency.element_handle(),
        )
    fits(page, width)


def required_cells_in_sight(wrap, width: int) -> None:
    """Every row's "Required" cell, in the table `wrap` holds, lies inside the page, and
    the table does not scroll sideways."""
    assert wrap.evaluate("w => w.scrollWidth <= w.clientWidth"), "the table scrolls sideways"
    column = wrap.locator("thead th").all_inner_texts().index("Required") + 1
    cells = wrap.locator(f"tbody tr > :nth-child({column})")
    assert cells.count() >= 4
    for i in range(cells.count()):
        cell = cells.nth(i)
        expect(cell).to_be_visible()
        box = cell.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, (i, box)


@pytest.mark.parametrize("width", WIDTHS)
def test_missing_skills_show_what_is_required_without_scrolling(page, person, width):
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, "rowan@example.com")
    page.goto("/dashboard/")
    missing = page.get_by_role("region", name="Missing skills for the next level")
    expect(missing.locator("tbody tr")).to_have_count(5)
    required_cells_in_sight(missing, width)
    fits(page, width)

    page.goto("/dashboard/compare/")
    every = page.locator(".table-wrap[aria-label='Every requirement']")
    expect(every.locator("tbody tr")).to_have_count(6)
    required_cells_in_sight(every, width)
    fits(page, width)
