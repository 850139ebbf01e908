"""My data through the API: progress and profile, by token or session, mine only."""

import json

import pytest
from django.test import Client

from skills.models import Skill
from tests.api_helpers import token_client
from tests.factories import UserFactory
from tracking.models import ProgressEvent, SkillProgress

pytestmark = pytest.mark.django_db

PROGRESS = "/api/v1/me/progress"


@pytest.fixture
def skills():
    return [
        Skill.objects.create(slug="python", name="Python"),
        Skill.objects.create(slug="sql", name="SQL"),
    ]


def put(client: Client, slug: str, body, **extra):
    content = body if isinstance(body, str) else json.dumps(body)
    return client.put(f"{PROGRESS}/{slug}", content, content_type="application/json", **extra)


@pytest.mark.parametrize("url", [PROGRESS, "/api/v1/me/profile"], ids=["progress", "profile"])
def test_personal_reads_need_a_token_or_a_session(url):
    response = Client().get(url)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert "Authentication required" in response.json()["detail"]


def test_personal_writes_need_a_token_or_a_session(skills):
    assert put(Client(), "python", {"status": "done"}).status_code == 401
    assert not SkillProgress.objects.exists()


def test_put_then_get_my_progress_with_a_token(owner, skills):
    api, _, _ = token_client(owner)
    response = put(api, "python", {"status": "learning", "proficiency": 2})
    assert response.status_code == 200
    entry = response.json()
    assert entry["skill"] == "python"
    assert entry["status"] == "learning"
    assert entry["proficiency"] == 2
    assert entry["notes"] == ""
    assert entry["evidence_url"] == ""
    assert entry["updated_at"]

    listing = api.get(PROGRESS)
    assert listing.status_code == 200
    assert listing["Cache-Control"].startswith("max-age=0")
    assert listing.json() == {"items": [entry], "count": 1}


def test_omitted_fields_keep_their_value(owner, skills):
    api, _, _ = token_client(owner)
    put(api, "python", {"status": "learning", "proficiency": 3, "notes": "Read the docs"})
    entry = put(api, "python", {"evidence_url": "https://github.com/owner/project"}).json()
    assert entry["status"] == "learning"
    assert entry["proficiency"] == 3
    assert entry["notes"] == "Read the docs"
    assert entry["evidence_url"] == "https://github.com/owner/project"
    entry = put(api, "python", {"evidence_url": "", "notes": "  trimmed\r\nlines  "}).json()
    assert entry["evidence_url"] == ""
    assert entry["notes"] == "trimmed\nlines"


def test_a_put_records_progress_events_exactly_as_the_html_tracking_does(owner, other_user, skills):
    """The same changes through the site's form and through the API leave the same
    history: one event per change of status or proficiency, none for notes."""
    site = Client()
    site.force_login(other_user)
    api, _, _ = token_client(owner)
    steps = [
        {"status": "learning"},
        {"proficiency": 2},
        {"notes": "only notes"},
        {"status": "done", "proficiency": 3},
        {"status": "done"},  # no change at all
    ]
    for step in steps:
        assert site.post("/track/python/", step).status_code == 302
        assert put(api, "python", step).status_code == 200

    def history(user):
        return list(
            ProgressEvent.objects.for_user(user)
            .order_by("id")
            .values_list("from_status", "to_status", "from_proficiency", "to_proficiency")
        )

    assert history(owner) == history(other_user)
    assert history(owner) == [
        ("not_started", "learning", 0, 0),
        ("learning", "learning", 0, 2),
        ("learning", "done", 2, 3),
    ]


@pytest.mark.parametrize(
    "body,field",
    [
        ({"status": None}, "status"),
        ({"status": "finished"}, "status"),
        ({"proficiency": 5}, "proficiency"),
        ({"proficiency": -1}, "proficiency"),
        ({"proficiency": "2"}, "proficiency"),
        ({"proficiency": True}, "proficiency"),
        ({"proficiency": None}, "proficiency"),
        ({"notes": None}, "notes"),
        ({"notes": "x" * 5001}, "notes"),
        ({"evidence_url": "javascript:alert(1)"}, "evidence_url"),
        ({"evidence_url": "ftp://example.com/file"}, "evidence_url"),
        ({"evidence_url": None}, "evidence_url"),
        ({"stauts": "done"}, "stauts"),
        ({}, ""),
        ([], ""),
    ],
)
def test_invalid_values_are_a_422_naming_the_field_and_change_nothing(owner, skills, body, field):
    api, _, _ = token_client(owner)
    put(api, "python", {"status": "learning", "proficiency": 1, "notes": "keep"})
    response = put(api, "python", body)
    assert response.status_code == 422, response.content
    errors = response.json()["errors"]
    assert field in [e["field"] for e in errors]
    assert all(e["message"] for e in errors)
    progress = SkillProgress.objects.get(user=owner)
    assert (progress.status, progress.proficiency, progress.notes) == ("learning", 1, "keep")
    assert ProgressEvent.objects.for_user(owner).count() == 1


def test_malformed_json_is_a_400(owner, skills):
    api, _, _ = token_client(owner)
    response = put(api, "python", '{"status": "done"')
    assert response.status_code == 400
    assert response.json() == {"detail": "The request body is not valid JSON."}
    assert not SkillProgress.objects.exists()


def test_a_body_over_the_size_limit_is_a_413(owner, skills):
    api, _, _ = token_client(owner)
    response = put(api, "python", {"notes": "x" * 3_000_000})  # > DATA_UPLOAD_MAX_MEMORY_SIZE
    assert response.status_code == 413
    assert response.json() == {"detail": "The request body is too large."}
    assert not SkillProgress.objects.exists()


def test_a_form_encoded_body_is_a_400(owner, skills):
    api, _, _ = token_client(owner)
    response = api.put(
        f"{PROGRESS}/python", "status=done", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400
    assert not SkillProgress.objects.exists()


def test_an_unknown_skill_is_a_404(owner, skills):
    api, _, _ = token_client(owner)
    response = put(api, "no-such-skill", {"status": "done"})
    assert response.status_code == 404
    assert response.json()["detail"]


def test_another_persons_token_reaches_only_their_own_data(owner, other_user, skills):
    mine, _, _ = token_client(owner)
    theirs, _, _ = token_client(other_user)
    put(mine, "python", {"status": "done", "notes": "private"})
    assert theirs.get(PROGRESS).json() == {"items": [], "count": 0}
    put(theirs, "python", {"status": "skipped"})
    mine_now = SkillProgress.objects.get(user=owner)
    assert (mine_now.status, mine_now.notes) == ("done", "private")
    assert [e["status"] for e in theirs.get(PROGRESS).json()["items"]] == ["skipped"]


def test_a_revoked_token_cannot_write(owner, skills):
    api, token, _ = token_client(owner)
    token.revoke()
    assert put(api, "python", {"status": "done"}).status_code == 401
    assert not SkillProgress.objects.exists()


def test_the_session_works_with_the_csrf_token_and_not_without(owner, skills):
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    assert client.get(PROGRESS).status_code == 200  # safe methods need no token

    refused = put(client, "python", {"status": "done"})
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    assert not SkillProgress.objects.exists()

    client.get("/profile/tokens/")  # any of our pages sets the CSRF cookie
    csrf = client.cookies["csrftoken"].value
    accepted = put(client, "python", {"status": "done"}, headers={"X-CSRFToken": csrf})
    assert accepted.status_code == 200
    assert SkillProgress.objects.get(user=owner).status == "done"


def test_a_token_needs_no_csrf(owner, skills):
    _, _, key = token_client(owner)
    client = Client(enforce_csrf_checks=True, headers={"Authorization": f"Bearer {key}"})
    assert put(client, "python", {"status": "done"}).status_code == 200


def test_my_progress_is_paginated_and_its_query_count_is_constant(
    owner, django_assert_max_num_queries
):
    api, _, _ = token_client(owner)
    api.get(PROGRESS)  # the token's first use is written once
    new = Skill.objects.bulk_create(Skill(slug=f"s{n:03}", name=f"S{n:03}") for n in range(300))
    SkillProgress.objects.bulk_create(SkillProgress(user=owner, skill=s) for s in new[:10])
    with django_assert_max_num_queries(3):  # the token, the count, the page
        small = api.get(PROGRESS)
    assert small.json()["count"] == 10
    SkillProgress.objects.bulk_create(SkillProgress(user=owner, skill=s) for s in new[10:])
    with django_assert_max_num_queries(3):
        large = api.get(f"{PROGRESS}?limit=100&offset=250")
    body = large.json()
    assert body["count"] == 300
    assert [e["skill"] for e in body["items"]][:2] == ["s250", "s251"]
    assert len(body["items"]) == 50


def test_my_profile(owner):
    api, _, _ = token_client(owner)
    response = api.get("/api/v1/me/profile")
    assert response.status_code == 200
    profile = response.json()
    assert profile["handle"]
    assert profile["visibility"] == "private"
    assert profile["track"] is None
    assert set(profile) >= {"display_name", "current_level", "target_level", "country"}
    other, _, _ = token_client(UserFactory(username="zed"))
    assert other.get("/api/v1/me/profile").json()["handle"] != profile["handle"]
