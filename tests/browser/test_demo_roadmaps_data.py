"""The Frontend Developer and Database Administrator roadmaps in a real browser: on a
phone they fit the screen, and (the harness checks every page) axe finds nothing serious."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


@pytest.fixture
def roadmaps(transactional_db):
    from skills.demo import load

    load()


@pytest.mark.parametrize(
    ("url", "heading"),
    [
        ("/roadmaps/frontend/", "Frontend Developer"),
        ("/roadmaps/dba/", "Database Administrator"),
        ("/skills/css-grid/", "CSS grid"),
        ("/skills/mvcc/", "Multi-version concurrency control (MVCC)"),
    ],
)
def test_frontend_and_dba_pages_fit_a_phone(page, roadmaps, url, heading):
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(url)
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
