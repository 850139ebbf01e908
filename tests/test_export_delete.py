"""/me/export/ (all my data as JSON) and account deletion."""

import json

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.test import Client

from accounts import deletion
from accounts.models import Profile
from checkins.models import CheckIn, Evidence
from teams.models import Membership, Team
from tests.conftest import PASSWORD
from tests.factories import (
    CheckInFactory,
    EvidenceFactory,
    LevelFactory,
    MembershipFactory,
    SkillFactory,
    TeamFactory,
)
from tracking.models import ProgressEvent, SkillProgress

User = get_user_model()


@pytest.fixture
def tracked(owner, other_user):
    python, sql = SkillFactory(slug="python"), SkillFactory(slug="sql")
    SkillProgress.objects.record(owner, python, {"status": "learning", "proficiency": 1})
    SkillProgress.objects.record(
        owner, python, {"status": "done", "notes": "Done it", "evidence_url": "https://e.org/p"}
    )
    SkillProgress.objects.record(owner, sql, {"status": "skipped"})
    SkillProgress.objects.record(other_user, python, {"status": "done", "notes": "OTHER-SECRET"})
    level = LevelFactory(slug="middle")
    Profile.objects.filter(user=owner).update(
        display_name="Ada", bio="Engines", country="GB", current_level=level
    )
    Profile.objects.filter(user=other_user).update(display_name="OTHER-NAME")
    EmailAddress.objects.create(user=owner, email="owner@example.com", primary=True, verified=True)
    team = TeamFactory(slug="crew", name="Crew")
    MembershipFactory(team=team, user=other_user, role="admin")
    MembershipFactory(team=team, user=owner, role="manager", share_readiness=True)
    EvidenceFactory(user=owner, text="Led the outage review").skills.add(python)
    EvidenceFactory(user=other_user, text="OTHER-SECRET evidence")
    CheckInFactory(person=owner, level=level, self_notes="My own view")
    # A check-in the owner reviewed: it stays with its person, without them.
    CheckInFactory(
        person=other_user,
        level=level,
        reviewer=owner,
        state="discuss",
        self_notes="OTHER-SECRET self",
        review_ratings={"skill:python": {"value": 2, "note": ""}},
        review_notes="Reviewed by the owner",
        reviewed_at="2026-01-02T00:00:00Z",
    )


def test_export_is_a_json_download_of_everything_mine(owner_client, tracked, owner):
    response = owner_client.get("/me/export/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith('attachment; filename="careerpath-owner-')
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    data = json.loads(response.content)
    assert data["format"] == "careerpath-export/1"
    assert set(data) == {
        "format",
        "exported_at",
        "account",
        "profile",
        "progress",
        "events",
        "assessments",
        "goals",
        "weekly_digest",
        "salary_contributions",
        "own_pay",
        "api_tokens",
        "teams",
        "checkins",
    }
    assert data["account"]["email"] == "owner@example.com"
    assert data["account"]["email_addresses"] == [
        {"email": "owner@example.com", "verified": True, "primary": True}
    ]
    assert data["profile"]["handle"] == "owner"
    assert data["profile"]["display_name"] == "Ada"
    assert data["profile"]["country"] == "GB"
    assert data["profile"]["current_level"].endswith("/middle")
    assert data["profile"]["visibility"] == "private"
    progress = {row["skill"]: row for row in data["progress"]}
    assert set(progress) == {"python", "sql"}
    assert progress["python"]["status"] == "done"
    assert progress["python"]["proficiency"] == 1
    assert progress["python"]["notes"] == "Done it"
    assert progress["python"]["evidence_url"] == "https://e.org/p"
    assert set(progress["python"]) >= {
        "skill",
        "status",
        "proficiency",
        "notes",
        "evidence_url",
        "updated_at",
    }
    assert [(e["skill"], e["from_status"], e["to_status"]) for e in data["events"]] == [
        ("python", "not_started", "learning"),
        ("python", "learning", "done"),
        ("sql", "not_started", "skipped"),
    ]
    assert data["salary_contributions"] == []
    [membership] = data["teams"]["memberships"]
    assert membership["team"] == "crew" and membership["role"] == "manager"
    assert membership["sharing"] == {
        "readiness": True,
        "progress": False,
        "checkins": False,
        "goals": False,
    }


def test_export_has_my_evidence_check_ins_and_reviews(owner_client, tracked):
    data = json.loads(owner_client.get("/me/export/").content)["checkins"]
    [entry] = data["evidence"]
    assert entry["text"] == "Led the outage review" and entry["skills"] == ["python"]
    [checkin] = data["checkins"]
    assert checkin["self_notes"] == "My own view" and checkin["level"].endswith("/middle")
    [review] = data["reviews_written"]
    assert review["notes"] == "Reviewed by the owner"
    assert review["ratings"] == {"skill:python": {"value": 2, "note": ""}}


def test_export_contains_nothing_of_anyone_else(owner_client, tracked):
    body = owner_client.get("/me/export/").content.decode()
    assert "OTHER-SECRET" not in body
    assert "OTHER-NAME" not in body
    assert "other@example.com" not in body


def test_another_user_exports_only_their_own(other_client, tracked):
    data = json.loads(other_client.get("/me/export/").content)
    assert data["profile"]["handle"] == "other"
    assert [row["notes"] for row in data["progress"]] == ["OTHER-SECRET"]


def test_export_needs_sign_in(client, db):
    response = client.get("/me/export/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


# Deletion ------------------------------------------------------------------------


def test_delete_page_says_what_goes_and_what_stays(owner_client, tracked):
    body = owner_client.get("/profile/delete/").content.decode()
    assert "your progress on 2 skills" in body
    assert "3 entries of progress history" in body
    assert "already approved stay in the statistics" in body
    assert 'type="password"' in body


def test_delete_needs_the_password(owner_client, owner, tracked):
    response = owner_client.post("/profile/delete/", {"password": "wrong"})
    assert response.status_code == 200
    assert "That is not your password." in response.content.decode()
    assert User.objects.filter(pk=owner.pk).exists()


def test_delete_removes_everything_of_mine_and_nothing_else(
    owner_client, owner, other_user, tracked
):
    response = owner_client.post("/profile/delete/", {"password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1] == ("/", 302)
    assert "Your account and all its data are deleted." in response.content.decode()
    assert not User.objects.filter(pk=owner.pk).exists()
    assert not Profile.objects.filter(user_id=owner.pk).exists()
    assert not SkillProgress.objects.filter(user_id=owner.pk).exists()
    assert not ProgressEvent.objects.filter(user_id=owner.pk).exists()
    assert not EmailAddress.objects.filter(user_id=owner.pk).exists()
    assert not Membership.objects.filter(user_id=owner.pk).exists()
    assert not Evidence.objects.filter(user_id=owner.pk).exists()
    assert not CheckIn.objects.filter(person_id=owner.pk).exists()
    # A check-in the owner reviewed stays with its person, without a reviewer.
    assert CheckIn.objects.get(person=other_user).reviewer is None
    assert Evidence.objects.filter(user=other_user).exists()
    # The team stays for its other member.
    assert Membership.objects.filter(team__slug="crew", user=other_user, role="admin").exists()
    assert Team.objects.filter(slug="crew").exists()
    # Signed out, and the other person's data is untouched.
    assert owner_client.get("/profile/").status_code == 302
    assert SkillProgress.objects.filter(user=other_user).count() == 1
    assert Profile.objects.filter(user=other_user).exists()
    # The address can sign up again, as a new person.
    again = Client().post(
        "/accounts/signup/", {"email": "owner@example.com", "password1": "lovely-Kettle-42"}
    )
    assert again.status_code == 302


def test_delete_runs_the_before_delete_hooks(owner, monkeypatch):
    seen = []
    monkeypatch.setattr(deletion, "BEFORE_DELETE", [lambda user: seen.append(user.pk)])
    pk = owner.pk
    deletion.delete_account(owner)
    assert seen == [pk]


def test_delete_needs_sign_in_and_cannot_touch_another_account(client, other_client, owner):
    response = client.post("/profile/delete/", {"password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    # Another person posting the owner's password deletes nothing of the owner's.
    response = other_client.post("/profile/delete/", {"password": "not-theirs"})
    assert response.status_code == 200
    assert User.objects.filter(pk=owner.pk).exists()


def test_other_sessions_of_a_deleted_account_are_signed_out(owner, tracked):
    first, second = Client(), Client()
    first.force_login(owner)
    second.force_login(owner)
    assert first.post("/profile/delete/", {"password": PASSWORD}).status_code == 302
    assert second.get("/profile/").status_code == 302
    assert second.get("/me/export/").status_code == 302


def test_export_query_count_does_not_grow(owner_client, owner, django_assert_max_num_queries):
    def grow(n):
        for _ in range(n):
            skill = SkillFactory()
            SkillProgress.objects.record(owner, skill, {"status": "learning"})
            SkillProgress.objects.record(owner, skill, {"status": "done", "proficiency": 3})
            EvidenceFactory(user=owner).skills.add(skill)
            CheckInFactory(person=owner)

    grow(3)
    # One query a part: the session and the person (2), e-mail addresses, profile,
    # progress, events, assessments, contributions, own pay, memberships, invitations
    # sent and API tokens (10), the check-ins' parts (5), goals (1) and the digest's
    # opt-in (1).
    with django_assert_max_num_queries(19) as small:
        assert owner_client.get("/me/export/").status_code == 200
    grow(100)
    with django_assert_max_num_queries(len(small.captured_queries)):
        data = json.loads(owner_client.get("/me/export/").content)
    assert len(data["progress"]) == 103
    assert len(data["events"]) == 206
    assert len(data["checkins"]["evidence"]) == len(data["checkins"]["checkins"]) == 103


def test_admin_lists_profiles_and_progress(staff_client, tracked):
    assert staff_client.get("/admin/accounts/profile/").status_code == 200
    assert staff_client.get("/admin/tracking/skillprogress/").status_code == 200
    assert staff_client.get("/admin/tracking/progressevent/").status_code == 200
