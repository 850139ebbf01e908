"""Public reads: roadmaps and tracks, their shapes, pagination, ETag and query counts."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from skills.models import Roadmap
from tests.api_helpers import make_roadmap, make_track

pytestmark = pytest.mark.django_db


@pytest.fixture
def client() -> Client:
    return Client()


def test_roadmap_list_has_published_roadmaps_only(client):
    make_roadmap("backend", sections=2, skills_per_section=3)
    make_roadmap("draft", published=False)
    response = client.get("/api/v1/roadmaps/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["count"] == 1
    [item] = body["items"]
    assert item["slug"] == "backend"
    assert item["title"] == "Backend Developer"
    assert item["skill_count"] == 6


def test_roadmap_detail_has_sections_skills_kinds_and_prerequisites(client):
    make_roadmap("backend", sections=2, skills_per_section=3)
    response = client.get("/api/v1/roadmaps/backend/")
    assert response.status_code == 200
    body = response.json()
    assert body["slug"] == "backend"
    assert body["title"] == "Backend Developer"
    assert [s["title"] for s in body["sections"]] == ["Section 0", "Section 1"]
    first, second = body["sections"]
    assert first["skills"][0] == {
        "slug": "backend-s0-k0",
        "name": "Skill 0.0",
        "kind": "core",
        "prerequisites": [],
    }
    assert [s["kind"] for s in first["skills"]] == ["core", "optional", "alternative"]
    # The first skill of section 1 requires the last of section 0.
    assert second["skills"][0]["prerequisites"] == ["backend-s0-k2"]
    assert "Last-Modified" in response


def test_unpublished_or_unknown_roadmap_is_a_json_404(client):
    make_roadmap("draft", published=False)
    for url in ("/api/v1/roadmaps/draft/", "/api/v1/roadmaps/nope/"):
        response = client.get(url)
        assert response.status_code == 404
        assert response.json() == {"detail": "Not found."}


def test_track_list_and_detail_with_levels_in_rank_order(client):
    make_track("backend", levels=3, skills_per_level=2)
    make_track("devops", levels=1)
    listing = client.get("/api/v1/tracks/").json()
    assert listing["count"] == 2
    assert {t["slug"]: t["level_count"] for t in listing["items"]} == {"backend": 3, "devops": 1}

    response = client.get("/api/v1/tracks/backend/")
    assert response.status_code == 200
    body = response.json()
    assert body["slug"] == "backend"
    assert body["name"] == "Backend Developer"
    assert [(lv["slug"], lv["rank"]) for lv in body["levels"]] == [
        ("l1", 1),
        ("l2", 2),
        ("l3", 3),
    ]
    assert body["levels"][0]["name"] == "Level 1"
    assert body["levels"][0]["requirements"] == [
        {"skill": "backend-l1-k0", "proficiency": 1},
        {"skill": "backend-l1-k1", "proficiency": 2},
    ]


def test_unknown_track_is_a_json_404(client):
    response = client.get("/api/v1/tracks/nope/")
    assert response.status_code == 404
    assert response.json()["detail"]


def test_lists_are_paginated_with_limit_and_offset(client):
    for n in range(7):
        Roadmap.objects.create(slug=f"r{n}", title=f"R{n}", position=n, published=True)
    page = client.get("/api/v1/roadmaps/?limit=3&offset=5").json()
    assert page["count"] == 7
    assert [r["slug"] for r in page["items"]] == ["r5", "r6"]
    assert len(client.get("/api/v1/roadmaps/").json()["items"]) == 7


@pytest.mark.parametrize(
    "query,field",
    [("limit=0", "limit"), ("limit=101", "limit"), ("offset=-1", "offset"), ("limit=x", "limit")],
)
def test_bad_pagination_is_a_422_naming_the_field(client, query, field):
    response = client.get(f"/api/v1/roadmaps/?{query}")
    assert response.status_code == 422
    body = response.json()
    assert body["detail"]
    assert [(e["field"], e["location"]) for e in body["errors"]] == [(field, "query")]
    assert body["errors"][0]["message"]


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/roadmaps/",
        "/api/v1/roadmaps/backend/",
        "/api/v1/tracks/",
        "/api/v1/tracks/backend/",
    ],
)
def test_public_reads_send_an_etag_and_answer_304_when_it_matches(client, url):
    make_roadmap("backend")
    make_track("backend")
    first = client.get(url)
    assert first.status_code == 200
    etag = first["ETag"]
    assert etag.startswith('"')
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    other = client.get(url, headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200


def test_etag_changes_when_the_content_changes(client):
    make_roadmap("backend")
    etag = client.get("/api/v1/roadmaps/backend/")["ETag"]
    Roadmap.objects.filter(slug="backend").update(title="Backend Engineer")
    response = client.get("/api/v1/roadmaps/backend/", headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert response.json()["title"] == "Backend Engineer"
    assert response["ETag"] != etag


def count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_roadmap_detail_query_count_does_not_grow_with_skills(
    client, django_assert_max_num_queries
):
    make_roadmap("small", sections=2, skills_per_section=5)  # 10 skills
    make_roadmap("large", sections=10, skills_per_section=30)  # 300 skills
    # The roadmap, the content's version, then (kept until content changes) its sections,
    # their placements with skills, the prerequisites.
    for _ in "ab":
        with django_assert_max_num_queries(5):
            small = client.get("/api/v1/roadmaps/small/")
        with django_assert_max_num_queries(5):
            large = client.get("/api/v1/roadmaps/large/")
    with django_assert_max_num_queries(2):
        client.get("/api/v1/roadmaps/large/")
    assert sum(len(s["skills"]) for s in small.json()["sections"]) == 10
    assert sum(len(s["skills"]) for s in large.json()["sections"]) == 300


def test_list_query_counts_do_not_grow_with_the_list(client, django_assert_max_num_queries):
    for n in range(3):
        make_roadmap(f"r{n}", sections=1, skills_per_section=2)
        make_track(f"t{n}", levels=2)
    few = {url: count_queries(client, url) for url in ("/api/v1/roadmaps/", "/api/v1/tracks/")}
    assert max(few.values()) <= 2  # the page and its count
    for n in range(3, 60):
        make_roadmap(f"r{n}", sections=1, skills_per_section=2)
        make_track(f"t{n}", levels=2)
    for url, baseline in few.items():
        with django_assert_max_num_queries(baseline):
            response = client.get(url)
        assert response.json()["count"] == 60


def test_track_detail_query_count_does_not_grow_with_levels(client, django_assert_max_num_queries):
    make_track("small", levels=2, skills_per_level=2)
    make_track("large", levels=12, skills_per_level=25)
    # The track, its levels, their requirements with skills, groups, groups' skills and
    # competencies with their themes.
    with django_assert_max_num_queries(6):
        client.get("/api/v1/tracks/small/")
    with django_assert_max_num_queries(6):
        response = client.get("/api/v1/tracks/large/")
    assert sum(len(lv["requirements"]) for lv in response.json()["levels"]) == 300
