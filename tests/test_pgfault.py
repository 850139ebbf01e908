"""Database faults: stop the real PostgreSQL cluster under a running gunicorn, then start it.

While the database is down, /healthz answers 503 and pages that need it a friendly 503
(not a traceback); when it returns, the same processes recover without a restart.

This stops the machine's shared PostgreSQL cluster, so it never runs by default:
pyproject.toml deselects the `pgfault` marker unless CAREERPATH_PGFAULT=1 (CI runs it
last, alone), and the test skips itself without that variable even when selected.
"""

import json
import os
import subprocess
import time
from pathlib import Path

import pytest

from tests.helpers import manage, need, port_open, which
from tests.servers import Browser, Instance, fresh_postgres_database, production_env

pytestmark = pytest.mark.pgfault

PASSWORD = "a-long-enough-password-for-the-admin"
# The cluster to stop: the machine's `main` on 5432 unless told otherwise (a throwaway
# cluster made with pg_createcluster lets the test be tried without disturbing anyone).
CLUSTER = os.environ.get("CAREERPATH_PGFAULT_CLUSTER", "main")
PORT = int(os.environ.get("CAREERPATH_PGFAULT_PORT", "5432"))


def cluster(action: str) -> None:
    versions = sorted(p.name for p in Path("/etc/postgresql").iterdir())
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", versions[-1], CLUSTER, action],
        check=True,
        capture_output=True,
        timeout=120,
    )


def wait_until(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.5)
    return False


@pytest.fixture
def signed_in_instance(tmp_path):
    if os.environ.get("CAREERPATH_PGFAULT") != "1":
        pytest.skip("stops the shared PostgreSQL cluster; run with CAREERPATH_PGFAULT=1")
    need(port_open("127.0.0.1", PORT), f"PostgreSQL on 127.0.0.1:{PORT}")
    need(which("pg_ctlcluster") is not None, "pg_ctlcluster (Debian's PostgreSQL)")
    server = f"postgres://postgres@127.0.0.1:{PORT}"
    with fresh_postgres_database("careerpath_pgfault", server) as database_url:
        # Two workers, sessions in the database (no shared cache): every signed-in page
        # needs PostgreSQL.
        env = production_env(database_url, WEB_CONCURRENCY="2", CACHE_URL="", REDIS_URL="")
        instance = Instance(env, tmp_path / "web.log")
        try:
            instance.start()
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
            browser = Browser()
            assert browser.admin_login(instance.url, "boss", PASSWORD).url.endswith("/admin/")
            yield instance, browser
        finally:
            instance.stop()


def test_outage_answers_503_and_the_app_recovers_without_a_restart(signed_in_instance):
    instance, browser = signed_in_instance
    master = instance.process.pid
    try:
        cluster("stop")
        assert wait_until(lambda: not port_open("127.0.0.1", PORT), 30)

        # Several requests, so both workers (and their pooled connections) are hit.
        for _ in range(6):
            health = browser.get(f"{instance.url}/healthz")
            assert health.status == 503
            assert json.loads(health.text)["status"] == "unavailable"

            page = browser.get(f"{instance.url}/admin/")
            assert page.status == 503
            assert page.headers.get("Retry-After") == "30"
            assert "Careerpath is briefly unavailable." in page.text
            assert "Traceback" not in page.text
            assert "OperationalError" not in page.text

        # A form post that needs the database is a 503 too, not a 500, and writes nothing.
        token = next(c.value for c in browser.cookies if c.name == "csrftoken")
        post = browser.request(
            f"{instance.url}/admin/auth/group/add/",
            {"csrfmiddlewaretoken": token, "name": "Written during the outage"},
        )
        assert post.status == 503
        assert "Traceback" not in post.text
    finally:
        cluster("start")
    assert wait_until(lambda: port_open("127.0.0.1", PORT), 60)
    back = time.monotonic()

    # The same processes recover by themselves.
    assert wait_until(lambda: browser.get(f"{instance.url}/healthz").status == 200, 30)
    print(f"/healthz answered 200 {time.monotonic() - back:.1f} s after PostgreSQL was back")
    assert instance.process.poll() is None
    assert instance.process.pid == master
    for _ in range(6):
        page = browser.get(f"{instance.url}/admin/")
        assert page.status == 200
        assert "Site administration" in page.text  # still signed in: the session survived
    groups = browser.get(f"{instance.url}/admin/auth/group/")
    assert groups.status == 200
    assert "Written during the outage" not in groups.text
