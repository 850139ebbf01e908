"""An imported framework's track and level pages in a real browser: its source and
licence readable on a phone, in light and dark, and axe-clean (the page fixture runs it)."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

FT = Path(__file__).resolve().parents[1] / "data" / "frameworks" / "ft-small.yml"


@pytest.fixture
def imported(transactional_db):
    from careers.frameworks import import_framework

    import_framework(FT.read_bytes(), licence="CC-BY-4.0", source_version="v3")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_an_imported_track_shows_its_source_on_a_phone(page, imported, scheme):
    page.emulate_media(color_scheme=scheme)
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto("/careers/platform-engineering/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Platform engineering")
    source = page.locator(".source-line")
    expect(source).to_contain_text("FT engineering progression (v3)")
    expect(source.get_by_role("link", name="CC-BY-4.0")).to_be_visible()
    expect(page.get_by_role("heading", name="Behaviours each level expects")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    page.get_by_role("link", name="Senior platform engineer").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Senior platform engineer")
    expect(page.locator(".source-line")).to_contain_text("Licence: CC-BY-4.0")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
