"""Under /api/ every error is JSON, whatever produced it; never an HTML page."""

import logging

import pytest
from django.db import connection
from django.http import HttpRequest
from django.test import Client, override_settings
from django.urls import include, path
from ninja import NinjaAPI, Schema

from api.errors import install_handlers
from skills.models import Skill
from tests.api_helpers import token_client

pytestmark = pytest.mark.django_db


# A second, real API with the same handlers, for errors the real endpoints cannot make
# on demand: an unexpected bug, and a body that is not JSON.
boom_api = NinjaAPI(urls_namespace="api-test-errors", docs_url=None)
install_handlers(boom_api)


class Echo(Schema):
    name: str


@boom_api.get("/boom")
def boom(request: HttpRequest):
    raise RuntimeError("a bug")


@boom_api.post("/echo")
def echo(request: HttpRequest, payload: Echo):
    return {"name": payload.name}


def plain_view_that_fails(request: HttpRequest):
    raise RuntimeError("a bug outside ninja")


urlpatterns = [
    path("api/test/", boom_api.urls),
    path("api/plain-boom", plain_view_that_fails),
    path("", include("careerpath.urls")),
]


def assert_json_error(response, status: int) -> dict:
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert isinstance(body["detail"], str)
    assert body["detail"]
    return body


def test_unknown_api_path_is_a_json_404():
    body = assert_json_error(Client().get("/api/v1/no-such-thing/"), 404)
    assert "/api/v1/docs" in body["detail"]
    assert_json_error(Client().get("/api/v2/"), 404)


def test_missing_trailing_slash_redirects_to_the_endpoint():
    response = Client().get("/api/v1/roadmaps")
    assert response.status_code == 301
    assert response["Location"] == "/api/v1/roadmaps/"


def test_wrong_method_is_a_json_405_with_allow():
    response = Client().delete("/api/v1/roadmaps/")
    assert_json_error(response, 405)
    assert response["Allow"] == "GET"


def test_a_disallowed_host_is_a_json_400():
    assert_json_error(Client().get("/api/v1/roadmaps/", HTTP_HOST="evil.example"), 400)


def test_database_failure_is_a_json_503_with_retry_after():
    with connection.cursor() as cursor:
        # Undone with the test's transaction (DDL is transactional in both databases).
        cascade = " CASCADE" if connection.vendor == "postgresql" else ""
        cursor.execute(f"DROP TABLE skills_roadmap{cascade}")
    response = Client().get("/api/v1/roadmaps/")
    assert_json_error(response, 503)
    assert response["Retry-After"] == "30"


@override_settings(ROOT_URLCONF=__name__)
def test_an_unexpected_error_in_an_endpoint_is_a_logged_json_500(caplog):
    with caplog.at_level(logging.ERROR, logger="api"):
        response = Client().get("/api/test/boom")
    body = assert_json_error(response, 500)
    assert "a bug" not in body["detail"]  # no internals leak
    assert "RuntimeError: a bug" in caplog.text


@override_settings(ROOT_URLCONF=__name__)
def test_an_unexpected_error_outside_ninja_under_api_is_json_too():
    client = Client(raise_request_exception=False)
    assert_json_error(client.get("/api/plain-boom"), 500)


@override_settings(ROOT_URLCONF=__name__)
def test_malformed_json_is_a_400_and_invalid_fields_a_422():
    client = Client()
    body = assert_json_error(
        client.post("/api/test/echo", "{not json", content_type="application/json"), 400
    )
    assert body["detail"] == "The request body is not valid JSON."
    body = assert_json_error(
        client.post("/api/test/echo", {"name": None}, content_type="application/json"), 422
    )
    assert body["errors"] == [
        {
            "field": "name",
            "location": "body",
            "message": "Input should be a valid string",
            "type": "string_type",
        }
    ]
    assert client.post("/api/test/echo", {"name": "x"}, content_type="application/json").json() == {
        "name": "x"
    }


def test_pages_outside_the_api_keep_their_html_errors():
    response = Client().get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize(
    "url,status",
    [
        ("/api/v1/roadmaps/a%00b/", 404),
        ("/api/v1/tracks/%00/", 404),
        ("/api/v1/salaries/stats?track=%00", 422),
        ("/api/v1/salaries/stats?level=a%00", 422),
        ("/api/v1/salaries/stats?source=a%00", 422),
    ],
)
def test_null_characters_are_refused_before_the_database(url, status):
    """PostgreSQL cannot store or compare NUL; it must be a 4xx, never a 5xx."""
    assert_json_error(Client().get(url), status)


def test_null_characters_in_a_put_are_refused(owner):
    Skill.objects.create(slug="python", name="Python")
    api, _, _ = token_client(owner)
    body = '{"notes": "a\\u0000b"}'
    assert_json_error(api.put("/api/v1/me/progress/a%00", body, "application/json"), 404)
    response = api.put("/api/v1/me/progress/python", body, "application/json")
    assert assert_json_error(response, 422)["errors"][0]["field"] == "notes"
