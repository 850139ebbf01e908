"""Helpers shared by tests that run the project as a separate process."""

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# In CI every service-backed test must run; locally it may skip when a service is absent.
REQUIRE_SERVICES = os.environ.get("CAREERPATH_REQUIRE_SERVICES", "") == "1"


# Set by careerpath.settings_test for this process; a child process starts clean of them.
TEST_ONLY_ENV = {
    "DJANGO_SETTINGS_MODULE",
    "SECRET_KEY",
    "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_HSTS_SECONDS",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
}


def manage(*args: str, env: dict[str, str] | None = None, timeout: float = 120):
    """Run manage.py in a fresh process with exactly the given configuration."""
    base = {k: v for k, v in os.environ.items() if k not in TEST_ONLY_ENV}
    base["DJANGO_SETTINGS_MODULE"] = "careerpath.settings"
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_open(host: str, port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex((host, port)) == 0


def need(condition: bool, what: str) -> None:
    """Skip when a local service or tool is missing, but fail in CI."""
    import pytest

    if condition:
        return
    if REQUIRE_SERVICES:
        pytest.fail(f"{what} is required in CI", pytrace=False)
    pytest.skip(f"{what} is not available here")


def which(name: str) -> str | None:
    return shutil.which(name)
