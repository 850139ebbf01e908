"""Issue 19's walk, as a newcomer takes it, with JavaScript and without: sign up, choose
backend middle → senior, focus the roadmap on the target, mark a section in bulk and undo
it, set a pace and a goal, and see the forecast move when a skill of the plan is done.

With JavaScript the `page` fixture checks every page it opens with axe and watches the
console (tests/browser/conftest.py); the walk also opts in to the weekly digest and
follows its unsubscribe link, and ends on the dashboard. Without JavaScript the same
walk runs on plain forms (the pages are the same ones axe checked).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from careers.demo import load as load_tracks
from careers.models import Level
from planning.digests import unsubscribe_token
from planning.models import DigestSubscription, Goal
from skills import demo
from skills.models import Roadmap, SkillPlacement
from tests.browser.roadmap import save_row, settled
from tracking.models import SkillProgress

pytestmark = pytest.mark.browser

PASSWORD = "compiler-Navy-1952"


@pytest.fixture
def backend_roadmap(transactional_db) -> Roadmap:
    demo.load()  # the roadmaps
    load_tracks()  # the ladders: backend middle and senior
    return Roadmap.objects.get(slug="backend")


def hours_left(page) -> int:
    """The plan's remaining effort: "About N hours of learning left, at P hours a week."."""
    text = page.get_by_text(re.compile(r"^About [\d,]+ hours of learning left")).inner_text()
    return int(re.search(r"About ([\d,]+) hours", text).group(1).replace(",", ""))


def sign_up(page, email: str) -> None:
    page.goto("/")
    page.get_by_role("link", name="Create your free account").click()
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign Up").click()
    expect(page).to_have_url(re.compile(r"/profile/$"))


def choose_levels(page, *, javascript: bool) -> tuple[Level, Level]:
    middle = Level.objects.get(track__slug="backend", slug="middle")
    senior = Level.objects.get(track__slug="backend", slug="senior")
    track = page.get_by_label("Track")
    if javascript:  # htmx brings the form again with that track's levels
        with page.expect_response(lambda r: "track=" in r.url):
            track.select_option(label=middle.track.name)
        settled(page)
    else:
        track.select_option(label=middle.track.name)
    page.get_by_label("Current level").select_option(str(middle.pk))
    page.get_by_label("Target level").select_option(str(senior.pk))
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_text("Your profile is saved.")).to_be_visible()
    assert page.get_by_label("Target level").locator("option:checked").inner_text() == senior.name
    return middle, senior


def focus_and_bulk_mark(page, roadmap: Roadmap, senior: Level, email: str) -> None:
    """The roadmap focused on what Senior needs; its first section marked done in bulk,
    then undone."""
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Roadmaps").click()
    page.get_by_role("link", name=roadmap.title).first.click()
    page.get_by_role("link", name="What my target level needs").click()
    expect(page).to_have_url(re.compile(r"\?focus=target$"))
    expect(page.get_by_role("link", name=f"What {senior.name} needs")).to_have_attribute(
        "aria-current", "page"
    )
    expect(page.locator(".focus-answer")).to_contain_text(f"what {senior.name} expects.")

    page.get_by_role("link", name="Mark a whole section at once…").click()
    section_title = page.get_by_label("Section").locator("option:checked").inner_text()
    page.get_by_label("Done").check()
    page.get_by_role("button", name="See what changes").click()
    expect(page.get_by_role("heading", name=f"Mark {section_title} as done?")).to_be_visible()
    page.get_by_role("button", name="Mark them done").click()
    marked = page.get_by_text(
        re.compile(rf"^Marked (\d+) skills? of {re.escape(section_title)} as done\.")
    )
    expect(marked).to_be_visible()
    count = int(re.search(r"Marked (\d+)", marked.inner_text()).group(1))
    mine = SkillProgress.objects.filter(user__email=email)
    assert count > 0 and mine.filter(status="done").count() == count
    expect(page).to_have_url(re.compile(r"focus=target"))  # back on the focused roadmap

    page.get_by_role("button", name="Undo").click()
    expect(page.get_by_text(f"Undone: {count} skills are back as they were.")).to_be_visible()
    assert not mine.exclude(status="not_started").exists()


def set_pace_and_goal(page, senior: Level) -> int:
    """A pace of 6 hours a week and a goal of Senior by 2030; the hours left."""
    page.goto("/plan/")
    expect(page.get_by_role("heading", name=f"Steps to {senior.name}")).to_be_visible()
    page.get_by_label("Hours a week").fill("6")
    page.get_by_role("button", name="Save pace").click()
    expect(page.get_by_text("Your pace is saved; the forecast follows it.")).to_be_visible()
    expect(page.locator("p.answer")).to_have_text(
        re.compile(rf"^{re.escape(senior.name)}: between .+ and .+$")
    )
    page.get_by_label("Reach a level").select_option(senior.key)
    page.get_by_label("By").fill("2030-01-31")
    page.get_by_role("button", name="Set the goal").click()
    expect(page.get_by_text("Your goal is set.")).to_be_visible()
    expect(page.get_by_role("heading", name=f"{senior.name} by Jan. 31, 2030")).to_be_visible()
    return hours_left(page)


def first_step_on_the_roadmap(page, roadmap: Roadmap) -> tuple[str, str]:
    """The plan's first step that the roadmap holds: (slug, name)."""
    placed = set(
        SkillPlacement.objects.filter(section__roadmap=roadmap).values_list(
            "skill__slug", flat=True
        )
    )
    links = page.locator("ol.plan-steps li > a")
    for i in range(links.count()):
        slug = links.nth(i).get_attribute("href").rstrip("/").rsplit("/", 1)[-1]
        if slug in placed:
            return slug, links.nth(i).inner_text()
    raise AssertionError("no step of the plan is on the roadmap")


def mark_done(page, roadmap: Roadmap, slug: str, name: str, *, javascript: bool) -> None:
    """Mark the skill done at expert on the roadmap focused on what is missing."""
    page.goto(f"/roadmaps/{roadmap.slug}/?focus=missing")
    if javascript:
        # The bars toward the target follow each save, without a reload.
        toward = page.locator("#target-progress .track-counts")
        met, total = map(int, re.search(r"(\d+) of (\d+) met", toward.inner_text()).groups())
        section_bar = page.locator(f"#skill-{slug}").locator(
            "xpath=ancestor::details//*[starts-with(@id, 'section-target-')]"
        )
        section_before = section_bar.locator(".track-counts").inner_text()
        page.evaluate("window.__samePage = true")
        save_row(page, name, "status", "done")
        settled(page)
        save_row(page, name, "proficiency", "4")
        expect(toward).to_have_text(re.compile(rf": {met + 1} of {total} met$"))
        expect(section_bar.locator(".track-counts")).not_to_have_text(section_before)
        assert page.evaluate("window.__samePage") is True
    else:
        page.get_by_role("link", name=re.compile(rf"^Status of {re.escape(name)}: ")).click()
        page.get_by_label(f"Status of {name}", exact=True).select_option("done")
        page.get_by_label(f"Proficiency in {name}", exact=True).select_option("4")
        page.locator(f"#skill-{slug}").locator("xpath=ancestor::details").get_by_role(
            "button", name="Save changes"
        ).click()
        expect(page.get_by_text(re.compile(rf"Saved.*{re.escape(name)}"))).to_be_visible()


def walk(page, roadmap: Roadmap, email: str, *, javascript: bool) -> None:
    sign_up(page, email)
    _middle, senior = choose_levels(page, javascript=javascript)
    focus_and_bulk_mark(page, roadmap, senior, email)
    before = set_pace_and_goal(page, senior)
    forecast_before = page.locator("p.answer").inner_text()
    assert Goal.objects.filter(user__email=email, level=senior).count() == 1

    slug, name = first_step_on_the_roadmap(page, roadmap)
    mark_done(page, roadmap, slug, name, javascript=javascript)
    progress = SkillProgress.objects.get(user__email=email, skill__slug=slug)
    assert (progress.status, progress.proficiency) == ("done", 4)

    page.goto("/plan/")
    after = hours_left(page)
    assert after < before, (before, after)
    assert page.locator("p.answer").inner_text() != forecast_before
    expect(page.locator("ol.plan-steps")).not_to_contain_text(name)


def test_walk_through_with_javascript(page, backend_roadmap):
    email = "walker@example.com"
    walk(page, backend_roadmap, email, javascript=True)

    # The weekly digest: opted in on the plan, stopped by its link.
    page.get_by_label("Email me a weekly digest").check()
    page.get_by_role("button", name="Save the email choice").click()
    expect(page.get_by_text("You will get the weekly digest, each Monday.")).to_be_visible()
    expect(page.get_by_label("Email me a weekly digest")).to_be_checked()
    subscription = DigestSubscription.objects.get(user__email=email)
    assert subscription.subscribed
    page.goto(f"/plan/digest/unsubscribe/{unsubscribe_token(subscription.user)}/")
    expect(page.get_by_role("heading", name="Stop the weekly digest?")).to_be_visible()
    page.get_by_role("button", name="Unsubscribe").click()
    expect(page.get_by_role("heading", name="You are unsubscribed")).to_be_visible()
    subscription.refresh_from_db()
    assert not subscription.subscribed

    # The dashboard: the goal, and today's changes in the year of activity.
    page.goto("/dashboard/")
    expect(page.locator(".activity-summary")).to_contain_text(
        "Current streak: 1 week in a row with a change."
    )
    expect(page.locator("div.heatmap rect.l4")).to_have_count(1)


def test_walk_through_without_javascript(browser, live_server, backend_roadmap):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    walk(page, backend_roadmap, "plain@example.com", javascript=False)

    # The digest's switch is a plain form too.
    page.get_by_label("Email me a weekly digest").check()
    page.get_by_role("button", name="Save the email choice").click()
    expect(page.get_by_text("You will get the weekly digest, each Monday.")).to_be_visible()
    assert DigestSubscription.objects.get(user__email="plain@example.com").subscribed
    context.close()
