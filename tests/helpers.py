"""Helpers shared by tests that run the project as a separate process."""

import os
import random
import re
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


def worker_id() -> str:
    """This pytest-xdist worker's name (`gw0`, `gw1`, ...), or `main` without xdist."""
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


# Ports for servers a test starts (gunicorn, nginx): each xdist worker takes its own block
# below the kernel's ephemeral range (32768 and up), so a port one worker picked cannot be
# handed to another worker, or to any outgoing connection, before its server binds it.
PORT_BLOCKS = range(20000, 32000, 1000)


def free_port() -> int:
    """A loopback port free now, from this worker's block."""
    number = re.fullmatch(r"gw(\d+)", worker_id())
    block = PORT_BLOCKS[int(number[1]) % len(PORT_BLOCKS) if number else -1]
    start = random.randrange(PORT_BLOCKS.step)
    for offset in range(PORT_BLOCKS.step):
        port = block + (start + offset) % PORT_BLOCKS.step
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {block}..{block + PORT_BLOCKS.step - 1}")


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
