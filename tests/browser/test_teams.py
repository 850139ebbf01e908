"""Issue 20's whole story in a real browser: a manager creates a team and invites two
engineers; one joins by signing up through the invitation and shares readiness (and her
check-ins), the other signs in, joins and shares nothing; the manager sees exactly one
readiness; a check-in runs its three steps, the reviewer rating blind; the framework is
then edited and the closed check-in is unchanged; withdrawn consent hides the data on
the manager's next request. Mails are read from the outbox the live server delivers to
(it runs in this process, with the local-memory mailer)."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from playwright.sync_api import expect

from accounts.models import Profile
from careers.models import Competency, LevelRequirement
from checkins.models import CheckIn
from skills.models import Skill
from tests.factories import (
    CompetencyFactory,
    LevelFactory,
    RequirementFactory,
    SkillFactory,
    TrackFactory,
)

pytestmark = pytest.mark.browser

PASSWORD = "compiler-Navy-1952"
CRITERION = "Explains trade-offs to the team."
SELF_NOTE = "Ada's note: I moved our CI to merge queues"
EVIDENCE = "Rewrote the release branching guide"


@pytest.fixture
def people(transactional_db):
    track = TrackFactory(slug="engineering", name="Engineering")
    level = LevelFactory(track=track, slug="engineer", name="Engineer", rank=1)
    for slug in ("git", "sql"):
        RequirementFactory(level=level, skill=SkillFactory(slug=slug, name=slug.upper()))
    CompetencyFactory(level=level, criterion=CRITERION)
    User = get_user_model()
    User.objects.create_user("maya", "maya@example.com", PASSWORD)
    User.objects.create_user("lin", "lin@example.com", PASSWORD)
    return level


def sign_in(page, email: str) -> None:
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()


def sign_in_at(page, email: str, path: str) -> None:
    page.goto(f"/accounts/login/?next={path}")
    sign_in(page, email)
    expect(page).to_have_url(re.compile(re.escape(path) + "$"))


def sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/$"))


def link_in_mail(email: str, subject: str, pattern: str) -> str:
    """The path of the link in the latest mail to `email` whose subject has `subject`."""
    message = [m for m in mail.outbox if m.to == [email] and subject in m.subject][-1]
    return re.search(pattern, message.body).group(0)


def rate(page, expectation: str, value: str, label: str = "Rating") -> None:
    page.locator("fieldset", has_text=expectation).get_by_label(label).select_option(value)


def test_a_team_from_invitation_to_a_closed_check_in_and_withdrawn_consent(page, people):
    # The manager creates the team with its framework and invites two engineers.
    sign_in_at(page, "maya@example.com", "/teams/")
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

    # Ada has no account: she signs up through the link, joins and shares her readiness
    # and her check-ins.
    page.goto(link_in_mail("ada@example.com", "invited", r"/teams/invitations/[^/\s]+/"))
    page.get_by_role("link", name="Sign up").last.click()
    page.get_by_label("Email").fill("ada@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign Up").click()
    expect(page).to_have_url(re.compile(r"/teams/invitations/"))
    page.get_by_role("button", name="Join the team").click()
    expect(page).to_have_url(re.compile(r"/teams/platform/sharing/$"))
    readiness = page.get_by_label("My readiness for my current and next level")
    expect(readiness).not_to_be_checked()
    readiness.check()
    page.get_by_label("My check-ins").check()
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".messages")).to_contain_text("What you share with this team is saved")
    Profile.objects.filter(user__email="ada@example.com").update(current_level=people)
    sign_out(page)

    # Lin has an account: she signs in through the link, joins and shares nothing.
    page.goto(link_in_mail("lin@example.com", "invited", r"/teams/invitations/[^/\s]+/"))
    page.get_by_role("link", name="Sign in").last.click()
    sign_in(page, "lin@example.com")
    expect(page).to_have_url(re.compile(r"/teams/invitations/"))
    page.get_by_role("button", name="Join the team").click()
    expect(page).to_have_url(re.compile(r"/teams/platform/sharing/$"))
    sign_out(page)
    ada = Profile.objects.get(user__email="ada@example.com").handle
    lin = Profile.objects.get(user__email="lin@example.com").handle
    maya = Profile.objects.get(user__email="maya@example.com").handle

    # The manager sees exactly one readiness, Ada's, and that Ada is due a check-in.
    sign_in_at(page, "maya@example.com", "/teams/platform/")
    rows = page.locator("#team-readiness tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(ada)
    expect(rows.first).to_contain_text("0% ready for Engineer")
    expect(page.get_by_text("2 members do not share readiness.")).to_be_visible()
    expect(page.locator(f"#checkins-{ada}")).to_contain_text("Due now")
    expect(page.locator(f"#checkins-{lin}")).to_contain_text("Does not share check-ins")
    sign_out(page)

    # Step 1: Ada logs evidence, rates herself and asks Maya for a review.
    sign_in_at(page, "ada@example.com", "/evidence/")
    page.get_by_label("What happened").fill(EVIDENCE)
    page.get_by_label("Skills").select_option(label="GIT")
    page.get_by_role("button", name="Add").click()
    expect(page.get_by_text("Evidence recorded.")).to_be_visible()
    page.goto("/checkins/")
    page.get_by_label("Level").select_option(label=str(people))
    page.get_by_role("button", name="Start").click()
    expect(page.get_by_role("heading", name="Step 1: rate yourself")).to_be_visible()
    expect(page.locator("fieldset", has_text="GIT")).to_contain_text("1 piece of evidence")
    rate(page, "GIT", "3")
    rate(page, "SQL", "1")
    rate(page, CRITERION, "met")
    page.get_by_label("My notes").fill(SELF_NOTE)
    page.get_by_role("button", name="Save my ratings").click()
    expect(page.get_by_text("Your ratings are saved.")).to_be_visible()
    page.get_by_label("Reviewer").select_option(label=maya)
    page.get_by_role("button", name="Send for review").click()
    expect(page.get_by_text("Sent for review.")).to_be_visible()
    sign_out(page)

    # Step 2: Maya follows the mailed link and rates without seeing Ada's side.
    review = link_in_mail("maya@example.com", "review", r"/checkins/\d+/")
    sign_in_at(page, "maya@example.com", review)
    expect(page.get_by_role("heading", name="Step 2: your review")).to_be_visible()
    for hidden in (SELF_NOTE, EVIDENCE):
        expect(page.get_by_text(hidden)).to_have_count(0)
    rate(page, "GIT", "3")
    rate(page, "SQL", "2")
    rate(page, CRITERION, "not_yet")
    page.get_by_role("button", name="Submit my review").click()

    # Step 3: both sides, the differences and the evidence; they agree and close.
    expect(page.get_by_role("heading", name="Step 3: compare and agree")).to_be_visible()
    expect(page.get_by_text(SELF_NOTE)).to_be_visible()
    expect(page.locator("fieldset", has_text="SQL")).to_contain_text("differs")
    git = page.locator("fieldset", has_text="GIT")
    git.get_by_text("1 piece of evidence").click()
    expect(git.get_by_text(EVIDENCE)).to_be_visible()
    rate(page, CRITERION, "met", label="Agreed")
    page.get_by_role("button", name="Agree and close").click()
    expect(page.get_by_text("3 of 3 expectations met")).to_be_visible()
    closed = [m for m in mail.outbox if "Check-in closed" in m.subject]
    assert sorted(m.to[0] for m in closed[-2:]) == ["ada@example.com", "maya@example.com"]

    # The framework changes afterwards; the closed check-in does not.
    Competency.objects.filter(criterion=CRITERION).update(criterion="A new wording.")
    Skill.objects.filter(slug="git").update(name="Git and GitHub")
    LevelRequirement.objects.filter(level=people).update(proficiency=4)
    page.reload()
    expect(page.get_by_text(CRITERION)).to_be_visible()
    expect(page.get_by_text("3 of 3 expectations met")).to_be_visible()
    for changed in ("A new wording.", "Git and GitHub"):
        expect(page.get_by_text(changed)).to_have_count(0)
    assert CheckIn.objects.get().snapshot["expectations"][0]["required"] == "working"

    # On the team page the check-in shows as Ada's last, and none is due yet.
    page.goto("/teams/platform/")
    expect(page.locator(f"#checkins-{ada}")).to_contain_text("Not due yet")
    expect(page.locator("#team-readiness tbody tr")).to_have_count(1)
    sign_out(page)

    # Ada withdraws her consent; on the manager's next request it is all gone.
    sign_in_at(page, "ada@example.com", "/teams/platform/sharing/")
    page.get_by_label("My readiness for my current and next level").uncheck()
    page.get_by_label("My check-ins").uncheck()
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".messages")).to_contain_text("saved")
    sign_out(page)
    sign_in_at(page, "maya@example.com", "/teams/platform/")
    expect(page.locator("#team-readiness")).to_have_count(0)
    expect(page.get_by_text("Nobody shares their readiness with this team yet.")).to_be_visible()
    expect(page.locator(f"#checkins-{ada}")).to_contain_text("Does not share check-ins")
    expect(page.locator(f"#checkins-{ada} time")).to_have_count(0)
    # Her check-in stays Maya's to see as its reviewer, never through the team.
    page.goto(review)
    expect(page.get_by_text("3 of 3 expectations met")).to_be_visible()
