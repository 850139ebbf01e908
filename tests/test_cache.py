"""The cache and sessions: local memory by default, Redis shared between processes."""

import json
import uuid

from tests.helpers import manage, need, port_open

REDIS = "redis://127.0.0.1:6379/0"


def settings_in_process(env: dict[str, str]) -> dict:
    code = (
        "import json; from django.conf import settings as s;"
        "print(json.dumps({'cache': s.CACHES['default'], 'sessions': s.SESSION_ENGINE}))"
    )
    result = manage("shell", "-v", "0", "-c", code, env={"DEBUG": "1", **env})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_default_is_local_memory_cache_and_database_sessions():
    found = settings_in_process({"CACHE_URL": "", "REDIS_URL": ""})
    assert found["cache"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    # A per-process cache must not hold sessions: a sign-out elsewhere would not reach it.
    assert found["sessions"] == "django.contrib.sessions.backends.db"


def test_redis_url_selects_djangos_redis_backend_and_cached_sessions():
    found = settings_in_process({"CACHE_URL": "", "REDIS_URL": REDIS})
    # Django's built-in backend, keeping one client per pool (careerpath/cache.py).
    assert found["cache"]["BACKEND"] == "careerpath.cache.RedisCache"
    assert found["cache"]["LOCATION"] == REDIS
    assert found["sessions"] == "django.contrib.sessions.backends.cached_db"


def test_cache_url_options_reach_django_upper_case():
    url = f"{REDIS}?key_prefix=cp&timeout=600&socket_connect_timeout=2"
    found = settings_in_process({"CACHE_URL": url})
    assert found["cache"]["KEY_PREFIX"] == "cp"
    assert found["cache"]["TIMEOUT"] == 600
    assert found["cache"]["OPTIONS"] == {"socket_connect_timeout": 2}
    assert "key_prefix" not in found["cache"]


def test_a_local_memory_cache_url_keeps_sessions_in_the_database():
    found = settings_in_process({"CACHE_URL": "locmemcache://"})
    assert found["sessions"] == "django.contrib.sessions.backends.db"


def test_redis_cache_and_sessions_are_shared_between_processes(tmp_path):
    need(port_open("127.0.0.1", 6379), "Redis on 127.0.0.1:6379")
    prefix = f"test-{uuid.uuid4().hex[:8]}"
    database = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    redis_env = {"DATABASE_URL": database, "CACHE_URL": f"{REDIS}?key_prefix={prefix}"}
    result = manage("migrate", "--noinput", env={"DEBUG": "1", **redis_env})
    assert result.returncode == 0, result.stderr

    # One process writes a cache entry and starts a session...
    write = (
        "from django.core.cache import cache;"
        "from django.contrib.sessions.backends.cached_db import SessionStore;"
        "cache.set('greeting', {'hello': 'world'}, 60);"
        "s = SessionStore(); s['cart'] = [1, 2, 3]; s.create(); s.save(); print(s.session_key)"
    )
    result = manage("shell", "-v", "0", "-c", write, env={"DEBUG": "1", **redis_env})
    assert result.returncode == 0, result.stderr
    session_key = result.stdout.strip()

    try:
        # ...another process sees both, through Redis.
        read = (
            "import json; from django.core.cache import cache;"
            "from django.contrib.sessions.backends.cached_db import SessionStore;"
            f"s = SessionStore({session_key!r});"
            "print(json.dumps([cache.get('greeting'), s.get('cart'),"
            f" cache.has_key(s.cache_key)]))"
        )
        result = manage("shell", "-v", "0", "-c", read, env={"DEBUG": "1", **redis_env})
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout) == [{"hello": "world"}, [1, 2, 3], True]

        # The session was written through to the database: without the cache it is there.
        read_db = (
            "from django.contrib.sessions.backends.db import SessionStore;"
            f"print(SessionStore({session_key!r}).get('cart'))"
        )
        no_cache = {"DATABASE_URL": database, "CACHE_URL": "", "REDIS_URL": ""}
        result = manage("shell", "-v", "0", "-c", read_db, env={"DEBUG": "1", **no_cache})
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == "[1, 2, 3]"
    finally:
        import redis

        client = redis.Redis.from_url(REDIS)
        for key in client.scan_iter(f"{prefix}:*"):
            client.delete(key)
