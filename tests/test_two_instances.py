"""Web processes are stateless: two instances on one PostgreSQL and Redis act as one site.

Sign in on instance A, act on instance B with the same session cookie, and see the same
person, session and data; sign out on B and A has forgotten the session too.
"""

import uuid

import pytest

from tests.helpers import manage, need, port_open
from tests.servers import Browser, Instance, fresh_postgres_database, production_env

# docker/entrypoint.sh runs collectstatic into the checkout's staticfiles/, so the tests
# that start it share one xdist worker ("servers") rather than write those files at once.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("servers")]

PASSWORD = "a-long-enough-password-for-the-admin"


@pytest.fixture
def two_instances(tmp_path):
    need(port_open("127.0.0.1", 5432), "PostgreSQL on 127.0.0.1:5432")
    need(port_open("127.0.0.1", 6379), "Redis on 127.0.0.1:6379")
    import redis

    prefix = f"two-instances-{uuid.uuid4().hex[:8]}"
    with fresh_postgres_database("careerpath_two") as database_url:
        env = production_env(
            database_url, CACHE_URL=f"redis://127.0.0.1:6379/0?key_prefix={prefix}"
        )
        first = Instance(env, tmp_path / "a.log")
        second = Instance({**env, "MIGRATE": "0"}, tmp_path / "b.log")
        try:
            first.start()  # migrates the fresh database
            created = manage(
                "createsuperuser",
                "--noinput",
                "--username",
                "boss",
                "--email",
                "boss@example.com",
                env={**env, "DJANGO_SUPERUSER_PASSWORD": PASSWORD},
            )
            assert created.returncode == 0, created.stderr
            second.start()
            yield first, second, redis.Redis.from_url("redis://127.0.0.1:6379/0"), prefix
        finally:
            first.stop()
            second.stop()
            client = redis.Redis.from_url("redis://127.0.0.1:6379/0")
            for key in client.scan_iter(f"{prefix}:*"):
                client.delete(key)


def test_session_and_data_are_shared_between_two_instances(two_instances):
    a, b, redis_client, prefix = two_instances
    assert a.port != b.port
    browser = Browser()

    # Signed out, B sends us to the login page.
    assert browser.get(f"{b.url}/admin/").url.startswith(f"{b.url}/admin/login/")

    # Sign in on A.
    signed_in = browser.admin_login(a.url, "boss", PASSWORD)
    assert signed_in.status == 200
    assert signed_in.url == f"{a.url}/admin/"
    assert "Site administration" in signed_in.text
    session_key = browser.session_key()
    assert session_key

    # The session lives in the shared cache (and the database), not in A's memory.
    cached = list(redis_client.scan_iter(f"{prefix}:*cached_db{session_key}"))
    assert len(cached) == 1

    # B knows the same person from the same cookie.
    on_b = browser.get(f"{b.url}/admin/")
    assert on_b.status == 200
    assert on_b.url == f"{b.url}/admin/"
    assert "<strong>boss</strong>" in on_b.text

    # What A creates, B shows.
    name = f"Reviewers {uuid.uuid4().hex[:6]}"
    added = browser.submit(f"{a.url}/admin/auth/group/add/", {"name": name, "_save": "Save"})
    assert added.status == 200
    assert added.url == f"{a.url}/admin/auth/group/"
    listed = browser.get(f"{b.url}/admin/auth/group/")
    assert listed.status == 200
    assert name in listed.text
    # ...and the change is in the audit log, seen from B.
    log = browser.get(f"{b.url}/admin/admin/logentry/")
    assert log.status == 200
    assert name in log.text

    # Sign out on B: A no longer knows the session either.
    signed_out = browser.submit(f"{b.url}/admin/logout/", {}, form_page=f"{b.url}/admin/")
    assert signed_out.status == 200
    assert not list(redis_client.scan_iter(f"{prefix}:*cached_db{session_key}"))
    again_on_a = browser.get(f"{a.url}/admin/")
    assert again_on_a.url.startswith(f"{a.url}/admin/login/")


def test_a_change_shows_at_once_on_every_instance_without_a_shared_cache(tmp_path):
    """The embedded default: each process keeps pages in its own memory. The versions the
    pages are kept under live in the database, so a change made by another process (here a
    third one, `manage.py shell`) shows on both instances at once."""
    need(port_open("127.0.0.1", 5432), "PostgreSQL on 127.0.0.1:5432")
    with fresh_postgres_database("careerpath_two_local") as database_url:
        env = production_env(database_url)
        env.pop("CACHE_URL", None)
        env.pop("REDIS_URL", None)
        first = Instance(env, tmp_path / "a.log")
        second = Instance({**env, "MIGRATE": "0"}, tmp_path / "b.log")
        try:
            first.start()  # migrates the fresh database
            second.start()
            create = (
                "from skills.models import Roadmap; "
                "Roadmap.objects.create(slug='kept', title='First title', published=True)"
            )
            assert manage("shell", "-c", create, env=env).returncode == 0
            browser = Browser()
            for instance in (first, second, first, second):  # each keeps its own copy
                page = browser.get(f"{instance.url}/roadmaps/kept/")
                assert page.status == 200 and "First title" in page.text
            rename = (
                "from skills.models import Roadmap; "
                "r = Roadmap.objects.get(slug='kept'); r.title = 'Second title'; r.save()"
            )
            assert manage("shell", "-c", rename, env=env).returncode == 0
            for instance in (first, second):
                page = browser.get(f"{instance.url}/roadmaps/kept/")
                assert "Second title" in page.text and "First title" not in page.text
        finally:
            first.stop()
            second.stop()
