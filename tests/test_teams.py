"""Teams (issue 20): creating, inviting, joining, roles, consent, team pages and the API."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.utils import timezone

from accounts.models import Profile
from teams import actions
from teams.models import Invitation, Membership, Role, Team
from tests.factories import (
    CheckInFactory,
    LevelFactory,
    MembershipFactory,
    ProgressFactory,
    RequirementFactory,
    RequirementGroupFactory,
    SkillFactory,
    TrackFactory,
    UserFactory,
)

User = get_user_model()
NOTE = "Note-tq4: nobody but me reads this"
EVIDENCE = "https://example.com/evidence-tq4"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def handle(user) -> str:
    return Profile.objects.get(user=user).handle


@dataclass
class TeamWorld:
    team: Team
    admin: object
    sharer: object  # shares readiness and progress
    quiet: object  # shares nothing
    outsider: object
    junior: object
    senior: object
    skills: list


@pytest.fixture
def world(db) -> TeamWorld:
    track = TrackFactory(slug="eng", name="Engineering")
    junior = LevelFactory(track=track, slug="junior", name="Junior Tq4", rank=1)
    senior = LevelFactory(track=track, slug="senior", name="Senior Tq4", rank=2)
    skills = [SkillFactory(slug=f"tq-skill-{i}", name=f"Skill Tq{i}") for i in range(3)]
    for skill in skills:
        RequirementFactory(level=junior, skill=skill, proficiency=2)
        RequirementFactory(level=senior, skill=skill, proficiency=3)
    admin = UserFactory(username="boss", email="boss@example.com")
    sharer = UserFactory(username="sharer", email="sharer@example.com")
    quiet = UserFactory(username="quiet", email="quiet@example.com")
    outsider = UserFactory(username="outsider", email="outsider@example.com")
    team = actions.create_team(admin, "Platform", track)
    for person in (sharer, quiet):
        MembershipFactory(team=team, user=person)
        Profile.objects.filter(user=person).update(current_level=junior)
    Membership.objects.filter(user=sharer).update(share_readiness=True, share_progress=True)
    # The sharer meets everything for junior and one of three for senior.
    ProgressFactory(user=sharer, skill=skills[0], proficiency=4, notes=NOTE, evidence_url=EVIDENCE)
    ProgressFactory(user=sharer, skill=skills[1], proficiency=2, notes=NOTE)
    ProgressFactory(user=sharer, skill=skills[2], proficiency=2)
    ProgressFactory(user=quiet, skill=skills[0], proficiency=3, notes=NOTE)
    return TeamWorld(team, admin, sharer, quiet, outsider, junior, senior, skills)


# Creating and roles ------------------------------------------------------------------------


def test_creating_a_team_makes_me_its_admin(owner_client, owner):
    response = owner_client.post("/teams/", {"name": "  Data   Team ", "track": ""})
    team = Team.objects.get()
    assert response.status_code == 302 and response["Location"] == "/teams/data-team/"
    assert team.name == "Data Team" and team.created_by == owner
    membership = Membership.objects.get(team=team)
    assert membership.user == owner and membership.role == Role.ADMIN
    assert membership.is_admin and membership.is_manager
    assert membership.sharing == {
        "readiness": False,
        "progress": False,
        "checkins": False,
        "goals": False,
    }
    page = owner_client.get("/teams/").content.decode()
    assert "Data Team" in page


def test_a_blank_name_is_a_field_error_and_a_second_team_gets_its_own_slug(owner_client):
    response = owner_client.post("/teams/", {"name": "   "})
    assert response.status_code == 200
    assert response.context["form"].errors["name"]
    owner_client.post("/teams/", {"name": "Data"})
    owner_client.post("/teams/", {"name": "Data"})
    owner_client.post("/teams/", {"name": "Invitations"})
    assert sorted(Team.objects.values_list("slug", flat=True)) == [
        "data",
        "data-2",
        "invitations-team",
    ]


def test_teams_need_sign_in(client, world):
    for url in ("/teams/", f"/teams/{world.team.slug}/", f"/teams/{world.team.slug}/sharing/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def unmasked(html: bytes) -> bytes:
    """The page without its CSRF token (masked differently on every response)."""
    html = re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", html)
    return re.sub(rb'"X-CSRFToken": "[^"]+"', b"", html)


def test_an_outsider_gets_the_same_404_as_for_a_missing_team(world):
    outsider = signed_in(world.outsider)
    missing = unmasked(outsider.get("/teams/no-such-team/").content)
    for suffix in ("", "members/", "sharing/"):
        response = outsider.get(f"/teams/{world.team.slug}/{suffix}")
        assert response.status_code == 404
        assert unmasked(response.content) == missing.replace(
            b"no-such-team", world.team.slug.encode()
        )
    assert outsider.post(f"/teams/{world.team.slug}/leave/").status_code == 404


def test_the_header_links_to_teams_for_signed_in_people_only(client, owner_client):
    assert 'href="/teams/"' in owner_client.get("/roadmaps/").content.decode()
    assert 'href="/teams/"' not in client.get("/roadmaps/").content.decode()


def test_only_admins_manage_membership(world):
    quiet = signed_in(world.quiet)
    slug = world.team.slug
    assert (
        quiet.post(
            f"/teams/{slug}/members/", {"email": "x@example.com", "role": "admin"}
        ).status_code
        == 403
    )
    assert quiet.post(f"/teams/{slug}/members/{handle(world.sharer)}/remove/").status_code == 403
    assert (
        quiet.post(
            f"/teams/{slug}/members/{handle(world.quiet)}/role/", {"role": "admin"}
        ).status_code
        == 403
    )
    assert Membership.objects.get(user=world.quiet).role == Role.MEMBER
    assert Membership.objects.filter(team=world.team).count() == 3
    assert not Invitation.objects.exists()


def test_an_admin_changes_roles_and_removes_members_at_once(world):
    boss = signed_in(world.admin)
    slug = world.team.slug
    boss.post(f"/teams/{slug}/members/{handle(world.quiet)}/role/", {"role": "manager"})
    assert Membership.objects.get(user=world.quiet).role == Role.MANAGER
    response = boss.post(f"/teams/{slug}/members/{handle(world.quiet)}/role/", {"role": "owner"})
    assert response.status_code == 302
    assert Membership.objects.get(user=world.quiet).role == Role.MANAGER
    boss.post(f"/teams/{slug}/members/{handle(world.quiet)}/remove/")
    assert not Membership.objects.filter(user=world.quiet).exists()
    assert signed_in(world.quiet).get(f"/teams/{slug}/").status_code == 404


def test_the_last_admin_cannot_leave_or_step_down_while_others_remain(world):
    boss = signed_in(world.admin)
    slug = world.team.slug
    response = boss.post(f"/teams/{slug}/leave/", follow=True)
    assert "make another member admin first" in response.content.decode()
    boss.post(f"/teams/{slug}/members/{handle(world.admin)}/role/", {"role": "member"})
    assert Membership.objects.get(user=world.admin).role == Role.ADMIN
    boss.post(f"/teams/{slug}/members/{handle(world.sharer)}/role/", {"role": "admin"})
    assert boss.post(f"/teams/{slug}/leave/")["Location"] == "/teams/"
    assert not Membership.objects.filter(user=world.admin).exists()


def test_a_member_leaves_at_once_and_the_last_one_out_deletes_the_team(owner, owner_client):
    team = actions.create_team(owner, "Solo")
    owner_client.post(f"/teams/{team.slug}/leave/")
    assert not Team.objects.filter(pk=team.pk).exists()


def test_an_admin_adopts_a_track(world):
    other = TrackFactory(slug="data", name="Data")
    boss = signed_in(world.admin)
    page = boss.get(f"/teams/{world.team.slug}/members/").content.decode()
    assert '<option value="eng" selected>Engineering</option>' in page
    boss.post(f"/teams/{world.team.slug}/track/", {"track": "data"})
    world.team.refresh_from_db()
    assert world.team.track == other
    boss.post(f"/teams/{world.team.slug}/track/", {"track": "no-such-track"})
    world.team.refresh_from_db()
    assert world.team.track == other


# Invitations -------------------------------------------------------------------------------


def invite(world: TeamWorld, email: str = "new@example.com", role: str = "member") -> str:
    mail.outbox.clear()
    response = signed_in(world.admin).post(
        f"/teams/{world.team.slug}/members/", {"email": email, "role": role}
    )
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [email]
    url = re.search(r"https?://\S+/teams/invitations/\S+/", mail.outbox[0].body).group(0)
    return url.split("testserver", 1)[1]


def test_an_invitation_is_mailed_and_accepted_once(world):
    url = invite(world, "outsider@example.com", "manager")
    assert "Platform" in mail.outbox[0].subject
    outsider = signed_in(world.outsider)
    page = outsider.get(url).content.decode()
    assert "Join the team" in page and "<form" in page
    response = outsider.post(url)
    assert response["Location"] == f"/teams/{world.team.slug}/sharing/"
    membership = Membership.objects.get(user=world.outsider)
    assert membership.role == Role.MANAGER and not any(membership.sharing.values())
    # Single use: nobody else joins through it.
    fresh = UserFactory(username="fresh")
    signed_in(fresh).post(url)
    assert not Membership.objects.filter(user=fresh).exists()


def test_a_bad_email_re_renders_the_form_with_an_error(world):
    boss = signed_in(world.admin)
    response = boss.post(f"/teams/{world.team.slug}/members/", {"email": "nope", "role": "boss"})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"email", "role"}
    assert not Invitation.objects.exists()


def test_revoked_and_expired_invitations_do_not_work(world):
    url = invite(world)
    invitation = Invitation.objects.get()
    signed_in(world.admin).post(f"/teams/{world.team.slug}/invitations/{invitation.pk}/revoke/")
    outsider = signed_in(world.outsider)
    assert "revoked" in outsider.get(url).content.decode()
    outsider.post(url)
    assert not Membership.objects.filter(user=world.outsider).exists()

    url = invite(world)
    Invitation.objects.filter(revoked_at=None).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert "expired" in outsider.get(url).content.decode()
    outsider.post(url)
    assert not Membership.objects.filter(user=world.outsider).exists()
    assert outsider.get("/teams/invitations/not-a-token/").status_code == 404


def test_an_invitation_works_for_someone_who_signs_up_through_it(world, client):
    url = invite(world, "newcomer@example.com")
    page = client.get(url).content.decode()
    signup = f"/accounts/signup/?next={url.replace('/', '%2F')}"
    assert signup in page
    response = client.post(
        signup, {"email": "newcomer@example.com", "password1": "a-Long-pass-phrase-9"}
    )
    assert response.status_code == 302 and response["Location"] == url
    response = client.post(url)
    assert response["Location"] == f"/teams/{world.team.slug}/sharing/"
    assert Membership.objects.filter(team=world.team, user__email="newcomer@example.com").exists()


# Consent and what each role sees -------------------------------------------------------------


def test_joining_shares_nothing_and_the_sharing_form_saves_my_choice(world):
    quiet = signed_in(world.quiet)
    url = f"/teams/{world.team.slug}/sharing/"
    assert not any(Membership.objects.get(user=world.quiet).sharing.values())
    quiet.post(url, {"readiness": "on", "goals": "on"})
    assert Membership.objects.get(user=world.quiet).sharing == {
        "readiness": True,
        "progress": False,
        "checkins": False,
        "goals": True,
    }
    quiet.post(url, {})
    assert not any(Membership.objects.get(user=world.quiet).sharing.values())


def test_a_manager_sees_readiness_and_progress_of_those_who_share_only(world):
    page = signed_in(world.admin).get(f"/teams/{world.team.slug}/")
    html = page.content.decode()
    assert page["Cache-Control"].count("no-store") == 1 and "private" in page["Cache-Control"]
    rows = page.context["readiness_rows"]
    assert [h for h, _r in rows] == ["sharer"]
    assert rows[0][1].current.percent == 100 and rows[0][1].next.met == 1
    assert "100% ready for Junior Tq4" in html and "33% ready for Senior Tq4" in html
    assert page.context["matrix"] == [("sharer", [4, 2, 2])]
    assert NOTE not in html and EVIDENCE not in html
    assert "quiet" not in re.search(r'id="team-readiness".*?</table>', html, re.S).group(0)
    assert "quiet" not in re.search(r'id="team-matrix".*?</table>', html, re.S).group(0)
    # Skill 0 is held at practitioner+ by the sharer only (the quiet one does not count).
    assert [s.skill.slug for s in page.context["single_points"]] == ["tq-skill-0"]
    assert page.context["single_points"][0].holder_handle == "sharer"


def test_withdrawing_consent_hides_it_on_the_next_request(world):
    boss = signed_in(world.admin)
    url = f"/teams/{world.team.slug}/"
    assert "100% ready for Junior Tq4" in boss.get(url).content.decode()
    signed_in(world.sharer).post(f"/teams/{world.team.slug}/sharing/", {})
    html = boss.get(url).content.decode()
    assert "ready for Junior Tq4" not in html
    assert "Nobody shares their readiness" in html and "Nobody shares their skill progress" in html


def test_a_member_sees_their_own_view_and_counts_only(world):
    page = signed_in(world.quiet).get(f"/teams/{world.team.slug}/")
    html = page.content.decode()
    assert "readiness_rows" not in page.context and "matrix" not in page.context
    assert "ready for Junior Tq4" in html  # their own
    assert page.context["my_readiness"].current.met == 1  # skill 0 at 3 ≥ 2
    assert "sharer" not in html and NOTE not in html
    assert page.context["shape"].members == 3 and page.context["shape"].sharing["readiness"] == 1


def test_a_member_who_shares_a_kind_sees_that_kind_of_the_others_who_share_it(world):
    quiet = signed_in(world.quiet)
    quiet.post(f"/teams/{world.team.slug}/sharing/", {"readiness": "on"})
    page = quiet.get(f"/teams/{world.team.slug}/")
    html = page.content.decode()
    assert [h for h, _r in page.context["readiness_rows"]] == ["quiet", "sharer"]
    assert 'id="readiness-sharer"' in html
    assert "matrix" not in page.context and 'id="team-matrix"' not in html  # progress: no
    assert NOTE not in html and EVIDENCE not in html
    api_progress = quiet.get(f"/api/v1/teams/{world.team.slug}/members/sharer/progress")
    assert api_progress.status_code == 404


# Check-ins due ----------------------------------------------------------------------------


def closed_checkin(person, weeks_ago: int, level) -> None:
    CheckInFactory(
        person=person,
        level=level,
        state="closed",
        closed_at=timezone.now() - timedelta(weeks=weeks_ago),
    )


def dated_rows(html: str) -> list[str]:
    """The members the "Check-ins due" table gives dates for (others do not share theirs)."""
    rows = re.findall(r'<tr id="checkins-([^"]+)">(.*?)</tr>', html, re.S)
    return [handle for handle, row in rows if "Does not share check-ins" not in row]


def due_row(html: str, who: str) -> str:
    return re.search(rf'<tr id="checkins-{who}">.*?</tr>', html, re.S).group(0)


def test_a_manager_sees_check_ins_due_of_members_who_share_them_only(world):
    Membership.objects.filter(user=world.sharer).update(share_checkins=True)
    closed_checkin(world.sharer, 14, world.junior)  # 12-week cadence: overdue by two weeks
    CheckInFactory(person=world.sharer, level=world.senior)  # one under way
    closed_checkin(world.quiet, 30, world.junior)  # not shared: never shown to others
    last = timezone.localdate() - timedelta(weeks=14)
    url = f"/teams/{world.team.slug}/"

    page = signed_in(world.admin).get(url)
    html = page.content.decode()
    sharer = due_row(html, "sharer")
    assert f'datetime="{last:%Y-%m-%d}"' in sharer
    assert f'datetime="{last + timedelta(weeks=12):%Y-%m-%d}"' in sharer
    assert "Overdue" in sharer and "A check-in is under way." in sharer
    quiet = due_row(html, "quiet")
    assert "Does not share check-ins with the team." in quiet and "datetime" not in quiet
    quiet_date = timezone.localdate() - timedelta(weeks=30)
    assert f"{quiet_date:%Y-%m-%d}" not in html
    assert "1 member is due for a check-in." in html
    assert "The team has a check-in every 12 weeks." in html
    # The admin shares nothing and has had none: their own line says one is due.
    assert "You have no closed check-in yet: one is due." in html
    assert "Does not share check-ins with the team." in due_row(html, "boss")

    # Members, whether they share check-ins or not, see only their own.
    for person in (world.quiet, world.sharer):
        page = signed_in(person).get(url)
        html = page.content.decode()
        assert 'id="team-checkins"' not in html
        assert "Check-ins due" not in html
    html = signed_in(world.quiet).get(url).content.decode()
    assert f"{quiet_date + timedelta(weeks=12):%Y-%m-%d}" not in html  # a date, in words:
    assert "it is overdue" in html
    assert f"{last:%Y-%m-%d}" not in html


def test_the_cadence_decides_what_is_due_and_only_admins_change_it(world):
    Membership.objects.filter(user=world.sharer).update(share_checkins=True)
    closed_checkin(world.sharer, 11, world.junior)
    boss = signed_in(world.admin)
    url = f"/teams/{world.team.slug}/"
    assert "Due soon" in due_row(boss.get(url).content.decode(), "sharer")

    # A field error re-renders the members page with the form; nothing is saved.
    for bad in ("0", "105", "soon", ""):
        response = boss.post(f"/teams/{world.team.slug}/cadence/", {"checkin_weeks": bad})
        assert response.status_code == 200, bad
        assert response.context["cadence_form"].errors["checkin_weeks"], bad
        assert "Please correct the error below." in response.content.decode()
    world.team.refresh_from_db()
    assert world.team.checkin_weeks == 12

    response = boss.post(f"/teams/{world.team.slug}/cadence/", {"checkin_weeks": "26"})
    assert response["Location"] == f"/teams/{world.team.slug}/members/"
    world.team.refresh_from_db()
    assert world.team.checkin_weeks == 26
    html = boss.get(url).content.decode()
    assert "Not due yet" in due_row(html, "sharer") and "every 26 weeks" in html
    boss.post(f"/teams/{world.team.slug}/cadence/", {"checkin_weeks": "4"})
    assert "Overdue" in due_row(boss.get(url).content.decode(), "sharer")

    # A member (or a manager who is not an admin) may not.
    Membership.objects.filter(user=world.quiet).update(role=Role.MANAGER)
    for person in (world.sharer, world.quiet):
        response = signed_in(person).post(
            f"/teams/{world.team.slug}/cadence/", {"checkin_weeks": "1"}
        )
        assert response.status_code == 403
    response = signed_in(world.outsider).post(
        f"/teams/{world.team.slug}/cadence/", {"checkin_weeks": "1"}
    )
    assert response.status_code == 404
    world.team.refresh_from_db()
    assert world.team.checkin_weeks == 4


# Consent: per member, per team, per kind ---------------------------------------------------


def test_sharing_is_per_member_per_team_and_per_kind(world):
    """The sharer shares readiness with Platform only. Another team's manager, a member
    who shares other kinds, and a member who shares check-ins see nothing of it; a
    manager sees check-ins (and goals) only of members who share them, and members never
    see each other's check-ins or goals, whatever they share themselves."""
    other_team = actions.create_team(world.outsider, "Other")
    MembershipFactory(team=other_team, user=world.sharer)  # shares nothing there
    Membership.objects.filter(team=world.team, user=world.sharer).update(
        share_progress=False, share_checkins=True, share_goals=True
    )
    mine = Membership.objects.get(team=world.team, user=world.sharer)
    boss = Membership.objects.get(team=world.team, user=world.admin)
    quiet = Membership.objects.get(team=world.team, user=world.quiet)
    there = Membership.objects.get(team=other_team, user=world.sharer)
    other_boss = Membership.objects.get(team=other_team, user=world.outsider)

    assert boss.may_see("readiness", mine) and boss.may_see("checkins", mine)
    assert boss.may_see("goals", mine) and not boss.may_see("progress", mine)
    assert not other_boss.may_see("readiness", there)  # not shared with that team
    assert not other_boss.may_see("readiness", mine)  # another team's membership
    for kind in ("readiness", "progress", "checkins", "goals"):
        assert not quiet.may_see(kind, mine), kind  # shares nothing
        assert mine.may_see(kind, mine), kind  # always my own
    # A member sharing the same kind sees readiness and progress (give to get), never
    # check-ins or goals.
    actions.set_sharing(quiet, readiness=True, progress=True, checkins=True, goals=True)
    assert quiet.may_see("readiness", mine) and not quiet.may_see("progress", mine)
    assert not quiet.may_see("checkins", mine) and not quiet.may_see("goals", mine)
    seen = Membership.objects.seen_by(quiet, "readiness")
    assert set(seen.values_list("user__username", flat=True)) == {"quiet", "sharer"}
    seen = Membership.objects.seen_by(quiet, "checkins")
    assert set(seen.values_list("user__username", flat=True)) == {"quiet"}
    seen = Membership.objects.seen_by(other_boss, "readiness")
    assert set(seen.values_list("user__username", flat=True)) == {"outsider"}

    # The same through the pages and the API.
    page = signed_in(world.outsider).get(f"/teams/{other_team.slug}/")
    assert page.context["readiness_rows"] == []
    api = signed_in(world.outsider).get(f"/api/v1/teams/{other_team.slug}/members/").json()
    assert {i["handle"]: i["readiness"] for i in api["items"]}["sharer"] is None
    page = signed_in(world.quiet).get(f"/teams/{world.team.slug}/")
    assert 'id="team-checkins"' not in page.content.decode()
    assert [h for h, _r in page.context["readiness_rows"]] == ["quiet", "sharer"]
    page = signed_in(world.admin).get(f"/teams/{world.team.slug}/")
    assert [h for h, _cells in page.context["matrix"]] == ["quiet"]  # not the sharer's
    assert dated_rows(page.content.decode()) == ["quiet", "sharer"]


@pytest.mark.parametrize("count", [2, 200])
def test_team_pages_query_counts_do_not_grow(world, count, django_assert_max_num_queries):
    for i in range(count):
        person = UserFactory(username=f"crowd{count}-{i}")
        MembershipFactory(
            team=world.team,
            user=person,
            share_readiness=True,
            share_progress=True,
            share_checkins=True,
        )
        Profile.objects.filter(user=person).update(current_level=world.junior)
        closed_checkin(person, i % 20, world.junior)
        CheckInFactory(person=person, level=world.senior)
        for skill in world.skills:
            ProgressFactory(user=person, skill=skill, proficiency=3)
    boss = signed_in(world.admin)
    slug = world.team.slug
    for url, most in (
        (f"/teams/{slug}/", 13),
        (f"/teams/{slug}/members/", 9),
        (f"/teams/{slug}/sharing/", 7),
        ("/teams/", 7),
        (f"/api/v1/teams/{slug}/members/?limit=100", 10),
    ):
        with django_assert_max_num_queries(most):
            response = boss.get(url)
        assert response.status_code == 200, url
    page = boss.get(f"/teams/{slug}/")
    assert len(page.context["readiness_rows"]) == count + 1
    assert len(dated_rows(page.content.decode())) == count


# The API ---------------------------------------------------------------------------------------


def api(client: Client, method: str, url: str, data=None):
    if method == "get":
        return client.get(url)
    return getattr(client, method)(url, json.dumps(data or {}), content_type="application/json")


def test_api_creates_invites_accepts_and_shares(owner, owner_client, other_user, other_client):
    response = api(owner_client, "post", "/api/v1/teams/", {"name": "API Team"})
    assert response.status_code == 200, response.content
    team = response.json()
    assert team["slug"] == "api-team" and team["role"] == "admin"
    response = api(
        owner_client,
        "post",
        "/api/v1/teams/api-team/invitations",
        {"email": "Other@Example.com", "role": "member"},
    )
    assert response.status_code == 200, response.content
    invitation = response.json()
    assert invitation["email"] == "other@example.com"
    token = invitation["url"].rstrip("/").rsplit("/", 1)[1]
    assert api(other_client, "post", "/api/v1/invitations/not-a-token/accept").status_code == 404
    response = api(other_client, "post", f"/api/v1/invitations/{token}/accept")
    assert response.status_code == 200 and response.json()["role"] == "member"
    assert api(other_client, "post", f"/api/v1/invitations/{token}/accept").status_code == 404

    members = owner_client.get("/api/v1/teams/api-team/members/").json()
    assert {m["handle"]: m["readiness"] for m in members["items"]}["other"] is None
    other_handle = handle(other_user)
    progress_url = f"/api/v1/teams/api-team/members/{other_handle}/progress"
    assert owner_client.get(progress_url).status_code == 404
    sharing = {"readiness": True, "progress": True, "checkins": False, "goals": False}
    response = api(other_client, "put", "/api/v1/teams/api-team/sharing", sharing)
    assert response.status_code == 200 and response.json() == sharing
    ProgressFactory(user=other_user, notes=NOTE, evidence_url=EVIDENCE)
    response = owner_client.get(progress_url)
    assert response.status_code == 200 and len(response.json()) == 1
    assert NOTE not in response.content.decode() and EVIDENCE not in response.content.decode()
    readiness = {
        m["handle"]: m["readiness"]
        for m in owner_client.get("/api/v1/teams/api-team/members/").json()["items"]
    }
    assert readiness["other"] == {"current": None, "next": None}


def test_api_errors_are_json(world):
    boss, quiet = signed_in(world.admin), signed_in(world.quiet)
    slug = world.team.slug
    assert api(boss, "post", "/api/v1/teams/", {"name": ""}).status_code == 422
    response = api(
        boss, "post", f"/api/v1/teams/{slug}/invitations", {"email": "nope", "role": "member"}
    )
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "email"
    assert (
        api(quiet, "post", f"/api/v1/teams/{slug}/invitations", {"email": "a@b.org"}).status_code
        == 403
    )
    assert (
        api(quiet, "put", f"/api/v1/teams/{slug}/sharing", {"readiness": "yes"}).status_code == 422
    )
    outsider = signed_in(world.outsider)
    for method, url in (
        ("get", f"/api/v1/teams/{slug}/members/"),
        ("get", f"/api/v1/teams/{slug}/members/sharer/progress"),
        ("put", f"/api/v1/teams/{slug}/sharing"),
    ):
        response = api(
            outsider,
            method,
            url,
            {"readiness": True, "progress": True, "checkins": True, "goals": True},
        )
        assert response.status_code == 404 and response.json() == {"detail": "Not found."}
    assert Client().get(f"/api/v1/teams/{slug}/members/").status_code == 401


def test_api_members_readiness_only_for_managers_and_sharers(world):
    slug = world.team.slug
    boss = signed_in(world.admin).get(f"/api/v1/teams/{slug}/members/").json()
    readiness = {m["handle"]: m["readiness"] for m in boss["items"]}
    assert readiness["quiet"] is None
    assert readiness["sharer"]["current"] == {
        "level": "eng/junior",
        "met": 3,
        "total": 3,
        "percent": 100,
    }
    assert readiness["sharer"]["next"]["level"] == "eng/senior"
    member_view = signed_in(world.quiet).get(f"/api/v1/teams/{slug}/members/").json()
    readiness = {m["handle"]: m["readiness"] for m in member_view["items"]}
    assert readiness["sharer"] is None and readiness["quiet"]["current"]["met"] == 1
    quiet = signed_in(world.quiet)
    assert quiet.get(f"/api/v1/teams/{slug}/members/sharer/progress").status_code == 404
    assert quiet.get(f"/api/v1/teams/{slug}/members/quiet/progress").status_code == 200


# Export and deletion ----------------------------------------------------------------------------


def test_export_lists_my_memberships_and_sharing(world):
    data = json.loads(signed_in(world.sharer).get("/me/export/").content)
    assert data["teams"]["memberships"] == [
        {
            "team": world.team.slug,
            "team_name": "Platform",
            "role": "member",
            "joined_at": data["teams"]["memberships"][0]["joined_at"],
            "sharing": {"readiness": True, "progress": True, "checkins": False, "goals": False},
        }
    ]


def test_deleting_an_account_removes_its_memberships_and_keeps_the_team_managed(world):
    from accounts.deletion import delete_account

    delete_account(world.admin)
    assert Membership.objects.filter(team=world.team).count() == 2
    assert Membership.objects.get(user=world.sharer).role == Role.ADMIN  # longest-standing
    delete_account(world.sharer)
    delete_account(world.quiet)
    assert not Team.objects.filter(pk=world.team.pk).exists()


@pytest.mark.parametrize("name", ["a\x00b", "\ud800", "x" * 101, "\t\n "])
def test_hostile_team_names_are_refused_without_a_server_error(owner_client, name):
    body = '{"name": ' + json.dumps(name) + "}"
    response = owner_client.post("/api/v1/teams/", body, content_type="application/json")
    assert 400 <= response.status_code < 500, response.content
    if "\ud800" not in name:  # no browser sends a lone surrogate in a form
        response = owner_client.post("/teams/", {"name": name})
        assert response.status_code == 200 and response.context["form"].errors
    assert not Team.objects.exists()


@pytest.mark.parametrize(
    "email", ["a\x00@example.com", "\ud800@example.com", "a@" + "b" * 300 + ".com"]
)
def test_hostile_invitation_addresses_are_refused_without_a_server_error(world, email):
    boss = signed_in(world.admin)
    body = json.dumps({"email": email})
    url = f"/api/v1/teams/{world.team.slug}/invitations"
    assert 400 <= boss.post(url, body, content_type="application/json").status_code < 500
    if "\ud800" not in email:  # no browser sends a lone surrogate in a form
        form = {"email": email, "role": "member"}
        response = boss.post(f"/teams/{world.team.slug}/members/", form)
        assert response.status_code == 200 and response.context["form"].errors
    assert not Invitation.objects.exists()


def test_any_change_to_a_team_gives_its_cache_scope_a_new_version(world):
    from core.versions import current
    from teams.models import team_scope

    scope = [team_scope(world.team.pk)]
    seen = [current(scope)]
    actions.set_sharing(Membership.objects.get(user=world.quiet), goals=True)
    seen.append(current(scope))
    actions.set_role(Membership.objects.get(user=world.quiet), Role.MANAGER)
    seen.append(current(scope))
    actions.remove(Membership.objects.get(user=world.quiet))
    seen.append(current(scope))
    assert len(set(seen)) == 4


def test_an_invitation_never_demotes_a_member_already_in_the_team(world):
    invitation = actions.invite(world.team, world.admin, "boss@example.com", "member", str)
    membership = actions.accept(invitation.token, world.admin)
    assert membership.role == Role.ADMIN
    invitation.refresh_from_db()
    assert invitation.accepted_by == world.admin and not invitation.is_pending


def test_a_members_readiness_counts_a_skill_group_once_as_their_own_page_does(world):
    """The team's figure is the technical readiness of the person's own pages: plain
    requirements plus each requirement group once (behaviours stay private)."""
    languages = [SkillFactory(slug=f"tq-lang-{i}", name=f"Lang Tq{i}") for i in range(3)]
    junior = world.team.track.levels.get(slug="junior")
    RequirementGroupFactory(level=junior, skills=languages, at_least=1, proficiency=2)
    ProgressFactory(user=world.sharer, skill=languages[1], proficiency=3)
    boss = signed_in(world.admin).get(f"/api/v1/teams/{world.team.slug}/members/").json()
    sharer = {m["handle"]: m["readiness"] for m in boss["items"]}["sharer"]
    assert sharer["current"] == {"level": "eng/junior", "met": 4, "total": 4, "percent": 100}
    own = signed_in(world.sharer).get("/api/v1/me/readiness?level=eng/junior").json()
    assert own["technical"] == {"met": 4, "total": 4, "percent": 100}
