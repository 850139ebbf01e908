"""Schemathesis explores every operation in /api/v1/openapi.json through Django's WSGI app.

It generates valid and invalid requests (bounded: a few dozen examples per operation)
and fails on any 5xx, any status code, content type or header the schema does not
declare, and any body that breaks its own schema.
"""

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.models import ApiToken
from skills.models import Skill
from tests.api_helpers import make_roadmap, make_track

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


# Loaded once at collection: producing the schema touches no database.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", WSGIHandler())


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """As Django's own test client does: the WSGI handler must not close the database
    connection at the end of a request, or the test's transaction (PostgreSQL) goes."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def content(db):
    make_roadmap("backend", sections=2, skills_per_section=3)
    make_roadmap("draft", published=False)
    make_track("backend", levels=3)
    Skill.objects.create(slug="python", name="Python")  # the PUT's example


@pytest.fixture(params=["anonymous", "token"])
def headers(request, content, owner) -> dict[str, str]:
    """Every operation as a stranger (401s on /me) and as a person with a token."""
    # Schemathesis' WSGI transport does not unpack gzip as an HTTP client would.
    plain = {"Accept-Encoding": "identity"}
    if request.param == "anonymous":
        return plain
    _, key = ApiToken.objects.create_for(owner, "schemathesis")
    return {**plain, "Authorization": f"Bearer {key}"}


@schema.parametrize()
@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_answers_as_its_schema_says(case, headers):
    case.call_and_validate(headers=headers, checks=CHECKS)
