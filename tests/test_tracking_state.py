"""Status and proficiency never contradict each other (issue 19): "not started" with
"4 · expert" was accepted. One rule (tracking.forms.state_error) for the skill page, the
roadmap's rows (with and without JavaScript) and the API's PUT."""

import json

import pytest

from tests.api_helpers import token_client
from tests.factories import PlacementFactory, RoadmapFactory, SectionFactory, SkillFactory
from tracking.models import ProgressEvent, SkillProgress

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def roadmap(db):
    roadmap = RoadmapFactory(slug="backend", title="Backend")
    basics = SectionFactory(roadmap=roadmap, slug="basics", title="Basics", position=1)
    for slug in ("python", "git"):
        PlacementFactory(section=basics, skill=SkillFactory(slug=slug, name=slug.title()))
    return roadmap


def state(user, slug):
    progress = SkillProgress.objects.filter(user=user, skill__slug=slug).first()
    return (progress.status, progress.proficiency) if progress else None


def put(client, slug, body):
    return client.put(
        f"/api/v1/me/progress/{slug}", json.dumps(body), content_type="application/json"
    )


def test_not_started_as_expert_is_refused_when_chosen(owner_client, owner, roadmap):
    owner_client.post("/track/python/", {"status": "learning", "proficiency": "4"})
    response = owner_client.post("/track/python/", {"status": "not_started", "proficiency": "4"})
    assert response.status_code == 200  # the form again, with the reason
    assert "A skill not started can be at most “aware”" in response.content.decode()
    assert state(owner, "python") == ("learning", 4)
    assert ProgressEvent.objects.filter(user=owner).count() == 1


def test_raising_the_proficiency_of_a_skill_not_started_starts_it(owner_client, owner, roadmap):
    owner_client.post("/track/python/", {"status": "not_started", "proficiency": "4"})
    assert state(owner, "python") == ("learning", 4)
    event = ProgressEvent.objects.get(user=owner)
    assert (event.from_status, event.to_status, event.to_proficiency) == (
        "not_started",
        "learning",
        4,
    )


def test_not_started_and_aware_agree(owner_client, owner, roadmap):
    owner_client.post("/track/python/", {"status": "not_started", "proficiency": "1"})
    assert state(owner, "python") == ("not_started", 1)


def test_roadmap_row_without_javascript_refuses_the_contradiction(owner_client, owner, roadmap):
    owner_client.post("/track/git/", {"status": "done", "proficiency": "3"})
    data = {"skill": ["python", "git"], "status": ["done", "not_started"]}
    data["proficiency"] = ["2", "3"]
    page = owner_client.post("/roadmaps/backend/track/", data).content.decode()
    assert "These 2 skills were not saved" not in page
    assert "This skill was not saved" in page
    assert "A skill not started can be at most" in page
    assert state(owner, "git") == ("done", 3)
    assert state(owner, "python") == ("done", 2)


def test_roadmap_row_with_htmx_refuses_the_contradiction(owner_client, owner, roadmap):
    owner_client.post("/track/git/", {"status": "learning", "proficiency": "3"})
    data = {"skill": "git", "status": "not_started", "proficiency": "3"}
    response = owner_client.post("/roadmaps/backend/track/", data, **HTMX)
    body = response.content.decode()
    assert 'aria-invalid="true"' in body
    assert "Git was not saved." in body
    assert state(owner, "git") == ("learning", 3)


def test_api_put_follows_the_same_rule(owner, roadmap):
    api, _, _ = token_client(owner)
    assert put(api, "python", {"status": "learning", "proficiency": 4}).status_code == 200
    refused = put(api, "python", {"status": "not_started"})
    assert refused.status_code == 422
    errors = refused.json()["errors"]
    assert [e["field"] for e in errors] == ["status"]
    assert "at most “aware”" in errors[0]["message"]
    assert state(owner, "python") == ("learning", 4)
    # Only the proficiency of a skill not started: it becomes "learning".
    assert put(api, "git", {"proficiency": 3}).json()["status"] == "learning"
