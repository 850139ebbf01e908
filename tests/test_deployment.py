"""Self-hosting: the compose file validates and the container's start-up script serves."""

import os
import signal
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest
from django.apps import apps

from careerpath.schedule import SCHEDULE
from tests.helpers import (
    ROOT,
    TEST_ONLY_ENV,
    free_port,
    manage,
    need,
    port_open,
    which,
    worker_id,
)

# docker/entrypoint.sh runs collectstatic into the checkout's staticfiles/, so the tests
# that start it share one xdist worker ("servers") rather than write those files at once.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("servers")]


def test_compose_file_validates(tmp_path):
    compose = which("docker-compose")
    need(compose is not None, "docker-compose (Debian's package)")
    # The compose file reads .env, as a self-hoster's copy of .env.example. The copy goes
    # in a project directory of its own: a .env in the checkout would be read by every
    # manage.py that other tests (and other xdist workers) start meanwhile.
    (tmp_path / ".env").write_text((ROOT / ".env.example").read_text())
    compose_file = str(ROOT / "docker-compose.yml")
    result = subprocess.run(
        [compose, "-f", compose_file, "--project-directory", str(tmp_path), "config"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "pg_isready" in result.stdout
    assert "service_healthy" in result.stdout

    services = service_blocks(result.stdout)
    assert set(services) == {"db", "redis", "migrate", "web", "worker", "scheduler", "proxy"}
    # Redis is health-checked; the one-off migrate service runs the entrypoint's migrate step.
    assert "redis-cli" in services["redis"]
    assert "healthcheck:" in services["redis"]
    assert "- migrate" in services["migrate"]
    assert 'restart: "no"' in services["migrate"]
    # web is scalable: no host port, no fixed name; it waits for the migration to finish,
    # and it shares Redis as its cache.
    web = services["web"]
    assert "ports:" not in web
    assert "container_name" not in web
    assert "migrate:\n        condition: service_completed_successfully" in web
    assert "redis:\n        condition: service_healthy" in web
    assert "CACHE_URL: redis://redis:6379/" in web
    assert "MIGRATE: '0'" in web
    # Rate limits count each client, not the proxy: web trusts the header nginx sets,
    # and nginx always overwrites it with the address the request came from.
    assert "ALLAUTH_TRUSTED_CLIENT_IP_HEADER: X-Real-IP" in web
    nginx = (ROOT / "docker" / "nginx.conf").read_text()
    assert "proxy_set_header X-Real-IP $remote_addr;" in nginx
    # The proxy is the only service with a host port, and it uses the config in the repo.
    assert [name for name, block in services.items() if "ports:" in block] == ["proxy"]
    assert "docker/nginx.conf:/etc/nginx/conf.d/default.conf" in services["proxy"]

    # Every app service queues background work in PostgreSQL for the workers.
    for name in ("migrate", "web", "worker", "scheduler"):
        assert "TASKS_BACKEND: database" in services[name], name
    # Workers and the scheduler run the same image in their entrypoint modes, start after
    # the migration, and restart; workers scale (no fixed name, no port) and may finish
    # a task when stopped; neither runs the image's HTTP health check.
    for name in ("worker", "scheduler"):
        block = services[name]
        assert "image: careerpath:latest" in block, name
        assert f"command:\n    - {name}" in block, name
        assert "migrate:\n        condition: service_completed_successfully" in block, name
        assert "restart: unless-stopped" in block, name
        assert "healthcheck:\n      test:\n      - NONE" in block, name
        assert "ports:" not in block and "container_name" not in block, name
    assert "stop_grace_period: 2m" in services["worker"]


def service_blocks(config: str) -> dict[str, str]:
    """Each service's part of `docker-compose config` output (two-space YAML), by name."""
    blocks: dict[str, list[str]] = {}
    current = None
    in_services = False
    for line in config.splitlines():
        if not line.startswith(" "):
            in_services = line == "services:"
            current = None
            continue
        if in_services and line.startswith("  ") and not line.startswith("   "):
            current = line.strip().rstrip(":")
            blocks[current] = []
        elif in_services and current:
            blocks[current].append(line)
    return {name: "\n".join(lines) for name, lines in blocks.items()}


def wait_for(url: str, seconds: float) -> int | None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.status
        except OSError:
            time.sleep(0.5)
    return None


def test_entrypoint_waits_migrates_and_serves_healthz_on_postgresql(tmp_path):
    need(port_open("127.0.0.1", 5432), "PostgreSQL on 127.0.0.1:5432")
    name = f"careerpath_entrypoint_{worker_id()}_{uuid.uuid4().hex[:8]}"
    admin_url = "postgres://postgres@127.0.0.1:5432/postgres"
    import psycopg

    with psycopg.connect(admin_url.replace("postgres://", "postgresql://"), autocommit=True) as c:
        c.execute(f'CREATE DATABASE "{name}"')
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"},
        "PYTHON": sys.executable,
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{name}",
        "DEBUG": "0",
        "SECRET_KEY": "entrypoint-test-secret-key-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "BIND": "127.0.0.1",
        "PORT": str(port),
        "WEB_CONCURRENCY": "1",
    }
    log = (tmp_path / "entrypoint.log").open("w")
    process = subprocess.Popen(
        [str(Path(ROOT) / "docker" / "entrypoint.sh")],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        status = wait_for(f"http://127.0.0.1:{port}/healthz", 120)
        assert status == 200, (tmp_path / "entrypoint.log").read_text()[-3000:]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
            assert response.status == 200
            assert b"Careerpath" in response.read()
        with psycopg.connect(f"postgresql://postgres@127.0.0.1:5432/{name}") as c:
            migrated = c.execute("SELECT count(*) FROM django_migrations").fetchone()[0]
        assert migrated > 0
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
        with psycopg.connect(
            admin_url.replace("postgres://", "postgresql://"), autocommit=True
        ) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_entrypoint_migrate_mode_migrates_and_exits(tmp_path):
    """The one-off `migrate` service: migrate, then exit 0 without serving."""
    database = tmp_path / "migrate.sqlite3"
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"},
        "PYTHON": sys.executable,
        "DATABASE_URL": f"sqlite:///{database}",
        "DEBUG": "0",
        "SECRET_KEY": "entrypoint-test-secret-key-" + "x" * 40,
        "MIGRATE": "0",  # the migrate mode migrates whatever the environment says
    }
    entrypoint = str(Path(ROOT) / "docker" / "entrypoint.sh")
    result = subprocess.run(
        [entrypoint, "migrate"], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    import sqlite3

    with sqlite3.connect(database) as connection:
        migrated = connection.execute("SELECT count(*) FROM django_migrations").fetchone()[0]
    assert migrated > 0

    wrong = subprocess.run([entrypoint, "serve-please"], env=env, capture_output=True, text=True)
    assert wrong.returncode == 2
    assert "usage" in wrong.stderr


def sqlite_env(database: Path, **extra: str) -> dict[str, str]:
    return {
        **{k: v for k, v in os.environ.items() if k not in TEST_ONLY_ENV},
        "PYTHON": sys.executable,
        "DATABASE_URL": f"sqlite:///{database}",
        "DEBUG": "0",
        "SECRET_KEY": "entrypoint-test-secret-key-" + "x" * 40,
        **extra,
    }


def test_wait_for_db_migrated_waits_for_the_migrations(tmp_path):
    """What web (MIGRATE=0), workers and the scheduler wait on before they start."""
    env = sqlite_env(tmp_path / "db.sqlite3")
    waiting = manage("wait_for_db", "--migrated", "--timeout", "1", env=env)
    assert waiting.returncode == 1
    assert "migration(s) not applied yet" in waiting.stdout + waiting.stderr
    assert manage("migrate", "--noinput", env=env).returncode == 0
    ready = manage("wait_for_db", "--migrated", "--timeout", "1", env=env)
    assert ready.returncode == 0, ready.stderr
    assert "The database is answering." in ready.stdout


def test_entrypoint_scheduler_mode_waits_lists_the_jobs_and_stops_on_sigterm(tmp_path):
    """The compose `scheduler` service: after the migration, it lists the schedule, sleeps
    until the next job, and ends at once (exit 0) when docker stops it."""
    database = tmp_path / "scheduler.sqlite3"
    entrypoint = str(Path(ROOT) / "docker" / "entrypoint.sh")
    env = sqlite_env(database, DB_WAIT_SECONDS="120")
    log_path = tmp_path / "scheduler.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [entrypoint, "scheduler"], env=env, stdout=log, stderr=subprocess.STDOUT
        )
        try:
            # It waits for a migration that another process (compose's `migrate`) runs.
            assert wait_until(lambda: "not applied yet" in log_path.read_text(), 60)
            migrated = subprocess.run(
                [entrypoint, "migrate"], env=env, capture_output=True, text=True, timeout=180
            )
            assert migrated.returncode == 0, migrated.stdout + migrated.stderr
            assert wait_until(lambda: "Next: " in log_path.read_text(), 60), log_path.read_text()
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=10) == 0
        finally:
            if process.poll() is None:
                process.kill()
    output = log_path.read_text()
    for job in SCHEDULE:
        assert f"manage.py {' '.join(job.command)}" in output
    assert "Received Terminated: stopping" in output


def test_entrypoint_worker_mode_runs_db_worker(tmp_path):
    """The compose `worker` service runs `manage.py db_worker` with the given options."""
    if not apps.is_installed("django_tasks_db"):
        pytest.skip("the task queue's app (django-tasks-db) is added later")
    database = tmp_path / "worker.sqlite3"
    entrypoint = str(Path(ROOT) / "docker" / "entrypoint.sh")
    env = sqlite_env(database, TASKS_BACKEND="database")
    migrated = subprocess.run([entrypoint, "migrate"], env=env, capture_output=True, timeout=180)
    assert migrated.returncode == 0
    result = subprocess.run(
        [entrypoint, "worker", "--batch"], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr


def wait_until(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.3)
    return False
