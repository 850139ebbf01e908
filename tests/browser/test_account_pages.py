"""allauth's pages, the profile pages and the skill page's tracking form in a real browser.

The harness fails a test on any console error (a CSP violation is one), any request
outside the server and any serious accessibility violation on each page opened.
"""

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from accounts.models import Profile
from skills import demo
from tracking.models import SkillProgress

pytestmark = pytest.mark.browser

PASSWORD = "compiler-Navy-1952"


@pytest.fixture
def person(transactional_db):
    user = get_user_model().objects.create_user("ada", "ada@example.com", PASSWORD)
    Profile.objects.filter(user=user).update(visibility="public", display_name="Ada")
    return user


def sign_in(page):
    page.goto("/accounts/login/?next=/profile/")
    page.get_by_label("Email").fill("ada@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page).to_have_url(re.compile(r"/profile/$"))


def test_anonymous_account_pages_load_cleanly(page, person):
    for path in ("/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"):
        response = page.goto(path)
        assert response.status == 200, path
        expect(page.locator("header.site-header")).to_be_visible()
        expect(page.locator("form.form")).to_be_visible()
    page.get_by_label("Email").fill("ada@example.com")
    page.get_by_role("button", name="Reset My Password").click()
    expect(page).to_have_url(re.compile(r"/accounts/password/reset/done/"))


def test_wrong_password_shows_the_error_in_our_style(page, person):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("ada@example.com")
    page.get_by_label("Password").fill("wrong-one")
    page.get_by_role("button", name="Sign In").click()
    expect(page.locator(".form-errors")).to_be_visible()
    expect(page.locator(".errorlist")).to_contain_text("not correct")


def test_signed_in_account_pages_load_cleanly(page, person):
    sign_in(page)
    for path in (
        "/profile/",
        "/accounts/email/",
        "/accounts/password/change/",
        "/accounts/logout/",
        "/profile/delete/",
        "/u/ada/",
    ):
        response = page.goto(path)
        assert response.status == 200, path
    # A destructive button looks destructive: not the accent of every primary button.
    page.goto("/profile/delete/")
    delete = page.get_by_role("button", name="Delete my account and all my data")
    danger = delete.evaluate("b => getComputedStyle(b).backgroundColor")
    page.goto("/profile/")
    save = page.get_by_role("button", name="Save profile")
    primary = save.evaluate("b => getComputedStyle(b).backgroundColor")
    assert danger != primary
    assert danger in ("rgb(179, 38, 30)", "rgb(255, 140, 130)")  # the error colour
    page.get_by_label("Handle").fill("Not OK!")
    page.get_by_role("button", name="Save profile").click()
    expect(page.locator(".form-errors")).to_be_visible()
    expect(page.get_by_label("Handle")).to_have_attribute("aria-invalid", "true")


def test_skill_page_form_saves_in_place(page, person):
    demo.load()
    sign_in(page)
    page.goto("/skills/http/")
    form = page.locator("#track-skill")
    form.get_by_label("Status").select_option("learning")
    form.get_by_label("Proficiency").select_option("2")
    form.get_by_label("Notes").fill("Read RFC 9110.")
    form.get_by_label("Evidence link").fill("not a link")
    page.evaluate("window.__samePage = true")
    with page.expect_response(lambda r: r.url.endswith("/track/http/")):
        form.get_by_role("button", name="Save my progress").click()
    expect(page.locator("#track-skill .errorlist")).to_contain_text("Enter a valid URL")
    expect(page.locator("#track-skill").get_by_label("Notes")).to_have_value("Read RFC 9110.")
    assert not SkillProgress.objects.filter(user=person).exists()
    page.locator("#track-skill").get_by_label("Evidence link").fill("https://example.com/http")
    with page.expect_response(lambda r: r.url.endswith("/track/http/")):
        page.locator("#track-skill").get_by_role("button", name="Save my progress").click()
    expect(page.locator("#track-skill")).to_contain_text("Saved.")
    assert page.evaluate("window.__samePage") is True
    progress = SkillProgress.objects.get(user=person, skill__slug="http")
    assert (progress.status, progress.proficiency, progress.notes) == (
        "learning",
        2,
        "Read RFC 9110.",
    )


def test_roadmap_with_controls_fits_a_phone(page, person):
    demo.load()
    sign_in(page)
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto("/roadmaps/backend/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.goto("/roadmaps/backend/?edit=http")  # a section's controls
    assert page.locator("select").count() >= 2
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.goto("/profile/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.goto("/u/ada/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_every_label_of_the_weekly_chart_is_inside_the_chart(page, person):
    """Issue 22: the public profile's last week label was cut ("30 No")."""
    for width in (360, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        page.goto("/u/ada/")
        labels = page.locator("figure.chart svg text.chart-label")
        assert labels.count() >= 3
        inside = page.evaluate(
            """() => {
                const svg = document.querySelector("figure.chart svg");
                const box = svg.viewBox.baseVal;
                return [...svg.querySelectorAll("text.chart-label")].map((t) => {
                    const b = t.getBBox();
                    return [t.textContent, b.x >= box.x && b.x + b.width <= box.x + box.width];
                });
            }"""
        )
        assert all(ok for _text, ok in inside), inside
