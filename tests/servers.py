"""Run the app as real gunicorn processes on loopback and talk to them like a browser.

Used by the tests that need more than Django's test client: two instances sharing one
PostgreSQL and Redis, and the app surviving a database outage.
"""

import contextlib
import http.cookiejar
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tests.helpers import ROOT, TEST_ONLY_ENV, free_port, worker_id

POSTGRES = "postgres://postgres@127.0.0.1:5432"
SECRET_KEY = "two-instance-test-secret-key-shared-by-every-instance-0123456789"
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@contextlib.contextmanager
def fresh_postgres_database(
    prefix: str = "careerpath_test", server: str = POSTGRES
) -> Iterator[str]:
    """A new, empty PostgreSQL database for the duration; its DATABASE_URL.

    Named for the xdist worker too, so parallel workers never share one.
    """
    import psycopg

    name = f"{prefix}_{worker_id()}_{uuid.uuid4().hex[:8]}"
    admin = server.replace("postgres://", "postgresql://") + "/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{server}/{name}"
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def production_env(database_url: str, **extra: str) -> dict[str, str]:
    """The environment of a production instance serving plain HTTP on loopback."""
    base = {k: v for k, v in os.environ.items() if k not in TEST_ONLY_ENV}
    return {
        **base,
        "PYTHON": sys.executable,
        "DJANGO_SETTINGS_MODULE": "careerpath.settings",
        "DATABASE_URL": database_url,
        "DEBUG": "0",
        "SECRET_KEY": SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "SECURE_HSTS_SECONDS": "0",
        "BIND": "127.0.0.1",
        "WEB_CONCURRENCY": "1",
        **extra,
    }


@dataclass
class Instance:
    """One app instance started by the container's entrypoint (gunicorn)."""

    env: dict[str, str]
    log_path: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, wait_seconds: float = 120) -> "Instance":
        log = self.log_path.open("w")
        self.process = subprocess.Popen(
            [str(ROOT / "docker" / "entrypoint.sh")],
            env={**self.env, "PORT": str(self.port)},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + wait_seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"the instance exited:\n{self.log()}")
            # As if through a TLS proxy, so SECURE_SSL_REDIRECT=1 does not redirect it.
            if http_status(f"{self.url}/healthz", {"X-Forwarded-Proto": "https"}) == 200:
                return self
            time.sleep(0.3)
        raise AssertionError(f"the instance did not answer /healthz:\n{self.log()}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)

    def log(self) -> str:
        return self.log_path.read_text()[-4000:]


def http_status(url: str, headers: dict[str, str] | None = None) -> int | None:
    try:
        request = urllib.request.Request(url, headers=headers or {})
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return None


@dataclass
class Response:
    status: int
    url: str
    text: str
    headers: dict[str, str]


class Browser:
    """A cookie jar and form posts with the CSRF token, as a browser would send them.

    Cookies are per host, not per port, so one Browser carries the same session cookie
    to every instance on 127.0.0.1.
    """

    def __init__(self) -> None:
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def request(self, url: str, data: dict[str, str] | None = None) -> Response:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(url, data=body)
        if body is not None:
            parts = urllib.parse.urlsplit(url)
            request.add_header("Origin", f"{parts.scheme}://{parts.netloc}")
        try:
            with self.opener.open(request, timeout=10) as response:
                return Response(
                    response.status,
                    response.url,
                    response.read().decode(),
                    dict(response.headers),
                )
        except urllib.error.HTTPError as error:
            return Response(error.code, error.url, error.read().decode(), dict(error.headers))

    def get(self, url: str) -> Response:
        return self.request(url)

    def submit(self, url: str, fields: dict[str, str], form_page: str | None = None) -> Response:
        """GET the page with the form (url, or form_page), then POST fields to url with
        the form's CSRF token (and its cookie)."""
        form = self.get(form_page or url)
        assert form.status == 200, (form.status, form.text[:500])
        match = CSRF_FIELD.search(form.text)
        assert match, f"no CSRF token in the form at {form_page or url}"
        return self.request(url, {"csrfmiddlewaretoken": match.group(1), **fields})

    def upload(
        self, url: str, fields: dict[str, str], files: dict[str, tuple[str, bytes]]
    ) -> Response:
        """GET the form at url, then POST it as multipart/form-data with the CSRF token:
        `files` maps a field to (file name, content)."""
        form = self.get(url)
        assert form.status == 200, (form.status, form.text[:500])
        match = CSRF_FIELD.search(form.text)
        assert match, f"no CSRF token in the form at {url}"
        boundary = uuid.uuid4().hex
        parts = []
        for name, value in {"csrfmiddlewaretoken": match.group(1), **fields}.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                f"{value}\r\n".encode()
            )
        for name, (file_name, content) in files.items():
            head = (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{file_name}"\r\nContent-Type: text/csv\r\n\r\n'
            )
            parts.append(head.encode() + content + b"\r\n")
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        request = urllib.request.Request(url, data=body)
        request.add_header("Content-Type", f"multipart/form-data; boundary={boundary}")
        parsed = urllib.parse.urlsplit(url)
        request.add_header("Origin", f"{parsed.scheme}://{parsed.netloc}")
        try:
            with self.opener.open(request, timeout=30) as response:
                return Response(
                    response.status, response.url, response.read().decode(), dict(response.headers)
                )
        except urllib.error.HTTPError as error:
            return Response(error.code, error.url, error.read().decode(), dict(error.headers))

    def session_key(self) -> str | None:
        return next((c.value for c in self.cookies if c.name == "sessionid"), None)

    def admin_login(self, base_url: str, username: str, password: str) -> Response:
        return self.submit(
            f"{base_url}/admin/login/?next=/admin/",
            {"username": username, "password": password, "next": "/admin/"},
        )
