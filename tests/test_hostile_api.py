"""Hostile requests to the JSON API: any JSON in a PUT body, any query string.

The answer is JSON, never a 5xx: 200 with valid data, or a 4xx with `detail`. What a
PUT stores is valid (no NUL, no lone surrogate, within its limits).
"""

import json
from urllib.parse import quote, urlencode

import pytest
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from skills.models import Skill
from tests.api_helpers import make_roadmap, token_client
from tests.hostile import FAST, JSON_VALUE, SPECIAL, TEXT, assert_clean_rows, rolled_back
from tracking.models import NOTES_MAX_LENGTH, ProgressEvent, SkillProgress, Status

pytestmark = pytest.mark.django_db

FIELDS = ("status", "proficiency", "notes", "evidence_url")


@pytest.fixture
def api(owner):
    Skill.objects.create(slug="python", name="Python")
    return token_client(owner)[0]


def assert_json_answer(response, allowed: tuple[int, ...]) -> dict:
    assert response.status_code in allowed, (response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    if response.status_code >= 400:
        assert body["detail"]
    return body


def check_progress() -> None:
    assert_clean_rows(SkillProgress.objects.all())
    for progress in SkillProgress.objects.all():
        assert progress.status in Status.values
        assert 0 <= progress.proficiency <= 4
        assert len(progress.notes) <= NOTES_MAX_LENGTH
        assert progress.evidence_url == "" or progress.evidence_url.startswith(
            ("http://", "https://")
        )
    assert_clean_rows(ProgressEvent.objects.all())


BODY = st.one_of(
    st.dictionaries(st.sampled_from(FIELDS), JSON_VALUE, max_size=4),
    st.dictionaries(st.text(max_size=20), JSON_VALUE, max_size=3),
    JSON_VALUE,
)


@given(body=BODY)
@FAST
def test_put_progress_with_any_json_answers_json_and_stores_only_valid_values(api, body):
    with rolled_back():
        response = api.put(
            "/api/v1/me/progress/python", json.dumps(body), content_type="application/json"
        )
        answer = assert_json_answer(response, (200, 400, 422))
        if response.status_code == 200:
            assert answer["skill"] == "python"
        check_progress()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"notes": "\ud800"}, "notes"),
        ({"notes": "ok \udfff then"}, "notes"),
        ({"evidence_url": "https://example.com/\ud800"}, "evidence_url"),
        ({"notes": "a\x00b"}, "notes"),
        ({"evidence_url": "https://example.com/\x00"}, "evidence_url"),
    ],
)
def test_nul_and_lone_surrogates_are_refused_with_a_422(api, body, field):
    response = api.put(
        "/api/v1/me/progress/python", json.dumps(body), content_type="application/json"
    )
    answer = assert_json_answer(response, (422,))
    assert [error["field"] for error in answer["errors"]] == [field]
    assert not SkillProgress.objects.exists()


@pytest.mark.parametrize(
    "raw",
    [
        b"[" * 100_000,
        b'{"proficiency": ' + b"9" * 5_000 + b"}",
        b'{"proficiency": 1e999}',
        b'{"proficiency": NaN}',
        b'{"proficiency": Infinity}',
        b"\xff\xfe",
        b'{"notes": "\xed\xa0\x80"}',  # a surrogate as UTF-8 bytes: not UTF-8
        b"\x00",
    ],
)
def test_malformed_bodies_get_a_4xx_json_answer(api, raw):
    response = api.put("/api/v1/me/progress/python", raw, content_type="application/json")
    assert_json_answer(response, (400, 422))
    assert not SkillProgress.objects.exists()


@pytest.mark.parametrize(
    "slug", ["%00", "py%00thon", "%ED%A0%80", quote("ü" * 300), "x" * 5_000, "..%2F..%2F"]
)
def test_odd_skill_paths_are_404_json(api, slug):
    response = api.put(
        f"/api/v1/me/progress/{slug}", '{"status": "done"}', content_type="application/json"
    )
    assert response.status_code == 404
    assert not SkillProgress.objects.exists()


PARAMS = st.dictionaries(
    st.sampled_from(
        [
            "track",
            "level",
            "country",
            "region",
            "year_from",
            "year_to",
            "currency",
            "source",
            "fallback",
            "x",
        ]
    ),
    TEXT,
    max_size=4,
)


@given(params=PARAMS)
@FAST
def test_salary_stats_with_any_query_answers_json(db, params):
    response = Client().get("/api/v1/salaries/stats?" + urlencode(params))
    answer = assert_json_answer(response, (200, 422))
    if response.status_code == 200:
        assert answer["count"] >= 0


PAGING = st.dictionaries(
    st.sampled_from(["limit", "offset", "page", "page_size"]),
    st.sampled_from(["-1", "0", "1", str(10**9), str(10**30), "9" * 5_000, "NaN", "1.5", "\x00"])
    | TEXT,
    max_size=3,
)


@given(
    params=PAGING,
    url=st.sampled_from(["/api/v1/roadmaps/", "/api/v1/tracks/", "/api/v1/me/progress"]),
)
@FAST
def test_pagination_with_any_numbers_answers_json(api, params, url):
    response = api.get(url + "?" + urlencode(params))
    answer = assert_json_answer(response, (200, 422))
    if response.status_code == 200:
        assert 0 <= len(answer["items"]) <= 100
        assert answer["count"] >= 0


@pytest.mark.parametrize("value", ["-1", "0", "101", str(10**30), "9" * 5_000, "NaN", "Infinity"])
def test_an_out_of_range_limit_is_a_422(db, value):
    make_roadmap()
    response = Client().get("/api/v1/roadmaps/?" + urlencode({"limit": value}))
    answer = assert_json_answer(response, (422,))
    assert answer["errors"][0]["field"] == "limit"


@given(slug=st.sampled_from(SPECIAL) | st.text(max_size=50))
@FAST
def test_public_detail_paths_with_odd_slugs_never_fail(db, slug):
    client = Client()
    for prefix in ("/api/v1/roadmaps/", "/api/v1/tracks/"):
        response = client.get(prefix + quote(slug, safe="") + "/")
        assert response.status_code in (200, 404), response.status_code
