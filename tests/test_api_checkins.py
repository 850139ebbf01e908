"""The check-in API (issue 20): the three steps, blind review, the frozen snapshot."""

import json

import pytest
from django.core import mail
from django.test import Client

from careers.models import Competency
from tests.factories import (
    CompetencyFactory,
    LevelFactory,
    MembershipFactory,
    RequirementFactory,
    SkillFactory,
    TeamFactory,
    TrackFactory,
    UserFactory,
)

SELF_NOTE = "Api-self-q9: proud of the rollout"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def call(client: Client, method: str, url: str, data: dict | None = None):
    return getattr(client, method)(url, json.dumps(data or {}), content_type="application/json")


@pytest.fixture
def world(db, owner):
    track = TrackFactory(slug="eng")
    level = LevelFactory(track=track, slug="senior", name="Senior")
    RequirementFactory(level=level, skill=SkillFactory(slug="python"), proficiency=3)
    criterion = CompetencyFactory(level=level, criterion="Mentors others.")
    team = TeamFactory(slug="crew")
    MembershipFactory(team=team, user=owner)
    peer = UserFactory(username="peer", email="peer@example.com")
    MembershipFactory(team=team, user=peer)
    return {"criterion": criterion, "peer": peer, "team": team}


def test_a_check_in_through_the_api(owner_client, world):
    response = call(owner_client, "post", "/api/v1/me/checkins", {"level": "eng/senior"})
    assert response.status_code == 201
    checkin = response.json()
    pk, key = checkin["id"], f"competency:{world['criterion'].pk}"
    assert checkin["state"] == "self"
    assert [e["key"] for e in checkin["expectations"]] == ["skill:python", key]

    response = call(
        owner_client,
        "put",
        f"/api/v1/me/checkins/{pk}/self",
        {
            "ratings": [
                {"key": "skill:python", "value": 2, "note": "mostly"},
                {"key": key, "value": "met"},
            ],
            "notes": SELF_NOTE,
        },
    )
    assert response.status_code == 200, response.content
    assert response.json()["expectations"][0]["self"] == 2
    response = call(owner_client, "post", f"/api/v1/me/checkins/{pk}/reviewer", {"handle": "peer"})
    assert response.status_code == 200 and response.json()["state"] == "review"
    assert mail.outbox[-1].to == ["peer@example.com"]

    peer = client_for(world["peer"])
    seen = peer.get(f"/api/v1/checkins/{pk}")
    assert seen.status_code == 200
    assert SELF_NOTE not in seen.content.decode() and "mostly" not in seen.content.decode()
    assert {e["self"] for e in seen.json()["expectations"]} == {None}

    review = {"ratings": [{"key": "skill:python", "value": 3}, {"key": key, "value": "not_yet"}]}
    response = call(peer, "put", f"/api/v1/checkins/{pk}/review", review)
    assert response.status_code == 200 and response.json()["state"] == "discuss"
    assert response.json()["self_notes"] == SELF_NOTE  # now theirs to see

    agreed = {"agreed": [{"key": "skill:python", "value": 3}, {"key": key, "value": "met"}]}
    response = call(owner_client, "post", f"/api/v1/checkins/{pk}/close", agreed)
    assert response.status_code == 200
    closed = response.json()
    assert (closed["state"], closed["met"], closed["total"]) == ("closed", 2, 2)

    Competency.objects.filter(pk=world["criterion"].pk).update(criterion="Coaches others.")
    again = owner_client.get(f"/api/v1/checkins/{pk}").json()
    assert again["expectations"][1]["text"] == "Mentors others."
    assert again == closed


def test_outsiders_get_404_and_bad_input_422(owner_client, world):
    pk = call(owner_client, "post", "/api/v1/me/checkins", {"level": "eng/senior"}).json()["id"]
    outsider = client_for(UserFactory(username="outsider"))
    assert outsider.get(f"/api/v1/checkins/{pk}").status_code == 404
    response = call(outsider, "put", f"/api/v1/me/checkins/{pk}/self", {"ratings": []})
    assert response.status_code == 404
    response = call(outsider, "post", f"/api/v1/checkins/{pk}/close", {"agreed": []})
    assert response.status_code == 404
    # Off the scale, unknown expectations, a stranger as reviewer, an unknown level.
    bad = {"ratings": [{"key": "skill:python", "value": 7}]}
    assert call(owner_client, "put", f"/api/v1/me/checkins/{pk}/self", bad).status_code == 422
    bad = {"ratings": [{"key": "skill:nope", "value": 1}]}
    assert call(owner_client, "put", f"/api/v1/me/checkins/{pk}/self", bad).status_code == 422
    response = call(owner_client, "post", f"/api/v1/me/checkins/{pk}/reviewer", {"handle": "x"})
    assert response.status_code == 422
    response = call(owner_client, "post", "/api/v1/me/checkins", {"level": "eng/none"})
    assert response.status_code == 404
    response = call(owner_client, "post", "/api/v1/me/checkins", {"level": 3})
    assert response.status_code == 422


def test_a_manager_sees_a_shared_check_in_without_ratings_or_notes(owner, owner_client, world):
    pk = call(owner_client, "post", "/api/v1/me/checkins", {"level": "eng/senior"}).json()["id"]
    call(
        owner_client,
        "put",
        f"/api/v1/me/checkins/{pk}/self",
        {"ratings": [{"key": "skill:python", "value": 2}], "notes": SELF_NOTE},
    )
    boss = UserFactory(username="boss")
    MembershipFactory(team=world["team"], user=boss, role="manager")
    manager = client_for(boss)
    assert manager.get(f"/api/v1/checkins/{pk}").status_code == 404
    owner.team_memberships.update(share_checkins=True)
    response = manager.get(f"/api/v1/checkins/{pk}")
    assert response.status_code == 200
    assert SELF_NOTE not in response.content.decode()
    assert response.json()["expectations"] == []


@pytest.mark.parametrize("text", ["nul\x00here", "lone \ud800 surrogate", "bell\x07"])
def test_text_that_cannot_be_stored_is_a_422(owner_client, world, text):
    pk = call(owner_client, "post", "/api/v1/me/checkins", {"level": "eng/senior"}).json()["id"]
    body = json.dumps({"ratings": [], "notes": text})
    response = owner_client.put(
        f"/api/v1/me/checkins/{pk}/self", body, content_type="application/json"
    )
    assert response.status_code == 422
    response = call(owner_client, "post", "/api/v1/me/checkins", {"level": f"eng/{text}"})
    assert response.status_code == 422
