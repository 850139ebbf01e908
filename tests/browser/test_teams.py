"""A team in a real browser: a manager creates it and invites two engineers; one joins by
signing up through the invitation and shares readiness, the other signs in, joins and
shares nothing; the manager sees exactly one readiness, until it is withdrawn."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from playwright.sync_api import expect

from accounts.models import Profile
from tests.factories import LevelFactory, RequirementFactory, SkillFactory, TrackFactory

pytestmark = pytest.mark.browser

PASSWORD = "compiler-Navy-1952"


@pytest.fixture
def people(transactional_db):
    track = TrackFactory(slug="engineering", name="Engineering")
    level = LevelFactory(track=track, slug="engineer", name="Engineer", rank=1)
    for slug in ("git", "sql"):
        RequirementFactory(level=level, skill=SkillFactory(slug=slug, name=slug.upper()))
    User = get_user_model()
    User.objects.create_user("maya", "maya@example.com", PASSWORD)
    User.objects.create_user("lin", "lin@example.com", PASSWORD)
    return level


def sign_in(page, email: str) -> None:
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()


def sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/$"))


def invitation_path(email: str) -> str:
    message = next(m for m in mail.outbox if m.to == [email])
    return re.search(r"/teams/invitations/[^/\s]+/", message.body).group(0)


def test_a_manager_sees_only_the_readiness_shared_with_the_team(page, people):
    # The manager creates the team with its framework and invites two engineers.
    page.goto("/accounts/login/?next=/teams/")
    sign_in(page, "maya@example.com")
    expect(page).to_have_url(re.compile(r"/teams/$"))
    page.get_by_label("Team name").fill("Platform")
    page.get_by_label("Career framework").select_option("engineering")
    page.get_by_role("button", name="Create team").click()
    expect(page.get_by_role("heading", name="Platform", level=1)).to_be_visible()
    page.get_by_role("list", name="Team pages").get_by_role("link", name="Members").click()
    for email in ("ada@example.com", "lin@example.com"):
        page.get_by_label("Email address").fill(email)
        page.get_by_role("button", name="Send invitation").click()
        expect(page.locator(".messages")).to_contain_text(f"Invitation sent to {email}")
    sign_out(page)

    # Ada has no account: she signs up through the link and comes back to it.
    page.goto(invitation_path("ada@example.com"))
    page.get_by_role("link", name="Sign up").last.click()
    page.get_by_label("Email").fill("ada@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign Up").click()
    expect(page).to_have_url(re.compile(r"/teams/invitations/"))
    page.get_by_role("button", name="Join the team").click()
    expect(page).to_have_url(re.compile(r"/teams/platform/sharing/$"))
    expect(page.get_by_label("My readiness for my current and next level")).not_to_be_checked()
    page.get_by_label("My readiness for my current and next level").check()
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".messages")).to_contain_text("What you share with this team is saved")
    Profile.objects.filter(user__email="ada@example.com").update(current_level=people)
    sign_out(page)

    # Lin has an account: she signs in through the link, joins and shares nothing.
    page.goto(invitation_path("lin@example.com"))
    page.get_by_role("link", name="Sign in").last.click()
    sign_in(page, "lin@example.com")
    expect(page).to_have_url(re.compile(r"/teams/invitations/"))
    page.get_by_role("button", name="Join the team").click()
    expect(page).to_have_url(re.compile(r"/teams/platform/sharing/$"))
    sign_out(page)

    # The manager sees exactly one readiness: Ada's.
    page.goto("/accounts/login/?next=/teams/platform/")
    sign_in(page, "maya@example.com")
    readiness = page.locator("#team-readiness tbody tr")
    expect(readiness).to_have_count(1)
    expect(readiness.first).to_contain_text("ada")
    expect(readiness.first).to_contain_text("0% ready for Engineer")
    # Neither Lin nor the manager herself shares it.
    expect(page.get_by_text("2 members do not share readiness.")).to_be_visible()
    sign_out(page)

    # Ada withdraws her consent; on the manager's next request it is gone.
    page.goto("/accounts/login/?next=/teams/platform/sharing/")
    sign_in(page, "ada@example.com")
    page.get_by_label("My readiness for my current and next level").uncheck()
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".messages")).to_contain_text("saved")
    sign_out(page)
    page.goto("/accounts/login/?next=/teams/platform/")
    sign_in(page, "maya@example.com")
    expect(page.locator("#team-readiness")).to_have_count(0)
    expect(page.get_by_text("Nobody shares their readiness with this team yet.")).to_be_visible()
