"""Who may call: anyone on public reads, but bad credentials are refused everywhere."""

import base64
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from api.models import ApiToken
from tests.api_helpers import token_client

pytestmark = pytest.mark.django_db

PUBLIC = "/api/v1/tracks/"


def assert_401(response) -> None:
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["detail"]


def test_public_reads_need_no_credentials():
    assert Client().get(PUBLIC).status_code == 200


def test_a_valid_token_is_accepted_and_its_use_recorded(owner):
    api, token, _ = token_client(owner)
    assert token.last_used_at is None
    assert api.get(PUBLIC).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_last_use_is_written_at_most_once_a_minute(owner):
    api, token, _ = token_client(owner)
    api.get(PUBLIC)
    token.refresh_from_db()
    first = token.last_used_at
    api.get(PUBLIC)
    token.refresh_from_db()
    assert token.last_used_at == first
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - timedelta(minutes=2))
    api.get(PUBLIC)
    token.refresh_from_db()
    assert token.last_used_at > first - timedelta(minutes=2)


@pytest.mark.parametrize(
    "header",
    ["Bearer cp_not-a-real-token", "Bearer ", "Bearer nonsense", "bearer cp_" + "x" * 43],
)
def test_an_unknown_token_is_refused_even_on_public_reads(header):
    assert_401(Client(headers={"Authorization": header}).get(PUBLIC))


def test_a_revoked_token_is_refused(owner):
    api, token, _ = token_client(owner)
    token.revoke()
    assert_401(api.get(PUBLIC))


def test_the_token_of_a_deactivated_person_is_refused(owner):
    api, _, _ = token_client(owner)
    owner.is_active = False
    owner.save()
    assert_401(api.get(PUBLIC))


def test_other_schemes_are_left_alone(owner):
    """A proxy's Basic auth in front of the site must not break the API."""
    basic = base64.b64encode(b"proxy:secret").decode()
    assert Client(headers={"Authorization": f"Basic {basic}"}).get(PUBLIC).status_code == 200


def test_tokens_are_only_found_by_their_full_key(owner):
    _, token, key = token_client(owner)
    assert ApiToken.objects.authenticate(key) == token
    assert ApiToken.objects.authenticate(key[:-1]) is None
    assert ApiToken.objects.authenticate(token.prefix) is None
    assert ApiToken.objects.authenticate(token.key_hash) is None
    token.revoked_at = timezone.now()
    token.save()
    assert ApiToken.objects.authenticate(key) is None
