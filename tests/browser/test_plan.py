"""My plan in a real browser: set a pace, see the forecast range, set and delete a goal;
axe checks every page (tests/browser/conftest.py)."""

import re

import pytest
from playwright.sync_api import expect

from skills.models import Skill
from tests.browser.test_dashboard import sign_in
from tests.factories import UserFactory
from tests.test_dashboard import make_world, set_profile

pytestmark = pytest.mark.browser


def test_pace_forecast_and_a_goal(page):
    world = make_world()
    Skill.objects.filter(slug__in=["http", "sql", "docker"]).update(effort_hours=10)
    person = UserFactory(username="planner", email="planner@example.com")
    set_profile(person, world)  # backend, current Junior: the next level is Middle

    sign_in(page, "planner@example.com")
    page.goto("/plan/")
    expect(page.get_by_role("heading", name="Steps to Middle")).to_be_visible()
    steps = page.locator("ol.plan-steps li")
    expect(steps.first).to_contain_text("Middle expects practitioner; you have not started it.")
    expect(page.get_by_text("Set a weekly pace below")).to_be_visible()

    page.get_by_label("Hours a week").fill("0")
    page.get_by_role("button", name="Save pace").click()
    expect(page.get_by_role("alert")).to_contain_text("Hours a week")

    page.get_by_label("Hours a week").fill("5")
    page.get_by_role("button", name="Save pace").click()
    expect(page.locator("p.answer")).to_have_text(re.compile(r"^Middle: between .+ and .+$"))

    page.get_by_label("Reach a level").select_option("backend/middle")
    page.get_by_label("By").fill("2030-01-31")
    page.get_by_role("button", name="Set the goal").click()
    expect(page.get_by_role("heading", name="Middle by Jan. 31, 2030")).to_be_visible()
    expect(page.get_by_text("On track.")).to_be_visible()

    page.goto("/dashboard/")
    expect(page.get_by_text("On track.")).to_be_visible()
    page.get_by_role("link", name="Manage your goals").click()
    page.get_by_role("button", name="Delete the goal “Middle”").click()
    expect(page.get_by_text("The goal is deleted.")).to_be_visible()
    expect(page.get_by_role("heading", name="Middle by Jan. 31, 2030")).to_have_count(0)
