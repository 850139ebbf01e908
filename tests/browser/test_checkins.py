"""A check-in through its three steps in a real browser, without JavaScript on our part:
the person rates themselves, the reviewer rates blind, both agree and it is frozen."""

import pytest
from django.test import Client

from careers.models import Competency
from tests.factories import (
    CompetencyFactory,
    LevelFactory,
    MembershipFactory,
    RequirementFactory,
    SkillFactory,
    TeamFactory,
    UserFactory,
)

pytestmark = pytest.mark.browser

SELF_NOTE = "I ran the migration end to end"


def sign_in(page, live_server, user) -> None:
    page.context.clear_cookies()
    client = Client()
    client.force_login(user)
    cookie = client.cookies["sessionid"]
    page.context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])


def test_a_check_in_in_three_steps(page, live_server):
    level = LevelFactory(slug="senior", name="Senior")
    RequirementFactory(level=level, skill=SkillFactory(slug="python", name="Python"), proficiency=3)
    criterion = CompetencyFactory(level=level, criterion="Explains trade-offs clearly.")
    team = TeamFactory(slug="crew")
    ada = UserFactory(username="ada", email="ada@example.com")
    bo = UserFactory(username="bo", email="bo@example.com")
    MembershipFactory(team=team, user=ada)
    MembershipFactory(team=team, user=bo, role="manager")

    sign_in(page, live_server, ada)
    page.goto("/checkins/")
    page.get_by_label("Level").select_option(label=str(level))
    page.get_by_role("button", name="Start").click()
    page.get_by_label("Rating").first.select_option("2")
    page.get_by_label("Rating").nth(1).select_option("met")
    page.get_by_label("My notes").fill(SELF_NOTE)
    page.get_by_role("button", name="Save my ratings").click()
    assert page.get_by_text("Your ratings are saved.").is_visible()
    page.get_by_label("Reviewer").select_option(str(bo.pk))
    page.get_by_role("button", name="Send for review").click()
    assert page.get_by_text("Sent for review.").is_visible()
    url = page.url

    sign_in(page, live_server, bo)
    page.goto(url)
    assert page.get_by_role("heading", name="Step 2: your review").is_visible()
    assert SELF_NOTE not in page.content()
    page.set_viewport_size({"width": 360, "height": 740})
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.get_by_label("Rating").first.select_option("3")
    page.get_by_label("Rating").nth(1).select_option("not_yet")
    page.get_by_role("button", name="Submit my review").click()
    assert SELF_NOTE in page.content()
    assert page.get_by_text("differs").first.is_visible()
    page.get_by_label("Agreed").nth(1).select_option("met")
    page.get_by_role("button", name="Agree and close").click()
    assert page.get_by_text("2 of 2 expectations met").is_visible()

    Competency.objects.filter(pk=criterion.pk).update(criterion="A new wording.")
    sign_in(page, live_server, ada)
    page.goto(url)
    assert page.get_by_text("Explains trade-offs clearly.").is_visible()
    assert "A new wording." not in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_the_evidence_log_fits_a_phone(page, live_server):
    SkillFactory(slug="python", name="Python")
    ada = UserFactory(username="ada", email="ada@example.com")
    sign_in(page, live_server, ada)
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto("/evidence/")
    page.get_by_label("What happened").fill("Led the incident review for the payments outage")
    page.get_by_label("Link").fill("javascript:alert(1)")
    page.get_by_role("button", name="Add").click()
    assert page.get_by_text("Please correct the errors below.").is_visible()
    page.get_by_label("Link").fill("https://example.org/review")
    page.get_by_label("Skills").select_option(label="Python")
    page.get_by_role("button", name="Add").click()
    assert page.get_by_text("Evidence recorded.").is_visible()
    assert page.get_by_text("Led the incident review for the payments outage").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
