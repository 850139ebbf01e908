"""API_RATE_LIMIT: requests a minute per person or address; 429 with Retry-After."""

import uuid

import pytest
from django.core.cache import cache
from django.test import Client, override_settings

from tests.api_helpers import token_client
from tests.helpers import REQUIRE_SERVICES, manage, port_open

pytestmark = pytest.mark.django_db

URL = "/api/v1/roadmaps/"


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def hit(client: Client, times: int, **extra) -> list[int]:
    return [client.get(URL, **extra).status_code for _ in range(times)]


@override_settings(API_RATE_LIMIT=3)
def test_over_the_limit_is_a_json_429_with_retry_after():
    client = Client()
    assert hit(client, 3) == [200, 200, 200]
    response = client.get(URL)
    assert response.status_code == 429
    assert response["Content-Type"].startswith("application/json")
    assert "Too many requests" in response.json()["detail"]
    assert 1 <= int(response["Retry-After"]) <= 60


@override_settings(API_RATE_LIMIT=2)
def test_addresses_are_counted_apart():
    client = Client()
    assert hit(client, 3, REMOTE_ADDR="127.0.0.2") == [200, 200, 429]
    assert hit(client, 2, REMOTE_ADDR="127.0.0.3") == [200, 200]


@override_settings(API_RATE_LIMIT=2, ALLAUTH_TRUSTED_CLIENT_IP_HEADER="X-Real-IP")
def test_behind_a_proxy_the_trusted_header_names_the_address():
    """All requests come from the proxy's address; the proxy says who the client is."""
    proxy = Client(REMOTE_ADDR="127.0.0.9")
    assert hit(proxy, 3, HTTP_X_REAL_IP="127.0.0.5") == [200, 200, 429]
    assert hit(proxy, 2, HTTP_X_REAL_IP="127.0.0.6") == [200, 200]


@override_settings(API_RATE_LIMIT=2)
def test_a_spoofed_forwarded_header_is_ignored_without_a_trusted_proxy():
    client = Client(REMOTE_ADDR="127.0.0.7")
    assert hit(client, 1, HTTP_X_FORWARDED_FOR="127.0.1.1") == [200]
    assert hit(client, 2, HTTP_X_FORWARDED_FOR="127.0.1.2") == [200, 429]


@override_settings(API_RATE_LIMIT=2)
def test_a_person_is_counted_as_one_across_tokens_and_session(owner, other_user):
    first, _, _ = token_client(owner, "one")
    second, _, _ = token_client(owner, "two")
    session = Client()
    session.force_login(owner)
    assert hit(first, 1) == [200]
    assert hit(session, 1) == [200]
    assert hit(second, 1) == [429]
    # Someone else, and anonymous callers from the same address, have their own budget.
    others, _, _ = token_client(other_user)
    assert hit(others, 2) == [200, 200]
    assert hit(Client(), 2) == [200, 200]


@override_settings(API_RATE_LIMIT=0)
def test_zero_turns_the_limit_off():
    assert set(hit(Client(), 30)) == {200}


def test_the_limit_works_with_redis_shared_by_processes():
    if not port_open("127.0.0.1", 6379):
        if REQUIRE_SERVICES:
            pytest.fail("Redis is required in CI", pytrace=False)
        pytest.skip("Redis is not available here")
    redis_cache = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/15",
            "KEY_PREFIX": f"test-ratelimit-{uuid.uuid4().hex}",
        }
    }
    with override_settings(CACHES=redis_cache, API_RATE_LIMIT=2):
        try:
            assert hit(Client(), 3, REMOTE_ADDR="127.0.0.4") == [200, 200, 429]
        finally:
            cache.clear()


def test_rate_limit_setting_comes_from_the_environment():
    code = "from django.conf import settings; print(settings.API_RATE_LIMIT)"
    env = {"DEBUG": "1", "DATABASE_URL": "sqlite:///:memory:"}

    def value(**extra: str) -> str:
        return manage("shell", "-c", code, env={**env, **extra}).stdout.strip().splitlines()[-1]

    assert value() == "600"
    assert value(API_RATE_LIMIT="0") == "0"
    assert value(API_RATE_LIMIT="120") == "120"
    bad = manage("check", env={**env, "API_RATE_LIMIT": "lots"})
    assert bad.returncode != 0
    assert "API_RATE_LIMIT" in bad.stderr
    assert len(bad.stderr.strip().splitlines()) == 1
