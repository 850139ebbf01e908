"""The compose file's reverse proxy (docker/nginx.conf) is valid and passes what the app
needs: the Host with its port (CSRF compares the Origin with it) and the client's scheme.

Docker's DNS does not exist here, so the test points the upstream variable at a local
gunicorn instead of `web:8000`; the rest of the configuration is the file as shipped.
"""

import http.client
import subprocess

import pytest

from tests.helpers import ROOT, free_port, manage, need, which
from tests.servers import Browser, Instance, production_env

# docker/entrypoint.sh runs collectstatic into the checkout's staticfiles/, so the tests
# that start it share one xdist worker ("servers") rather than write those files at once.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("servers")]

SITE = (ROOT / "docker" / "nginx.conf").read_text()
PASSWORD = "a-long-enough-password-for-the-admin"


def nginx_config(site: str, tmp_path) -> str:
    """The shipped server block inside a minimal nginx.conf writing only under tmp_path."""
    temp = tmp_path / "nginx-temp"
    temp.mkdir(exist_ok=True)
    (tmp_path / "site.conf").write_text(site)
    config = tmp_path / "nginx.conf"
    config.write_text(f"""
worker_processes 1;
pid {tmp_path}/nginx.pid;
error_log {tmp_path}/error.log;
events {{ worker_connections 64; }}
http {{
    access_log {tmp_path}/access.log;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    include {tmp_path}/site.conf;
}}
""")
    return str(config)


def nginx() -> str:
    binary = which("nginx") or "/usr/sbin/nginx"
    need(which(binary) is not None, "nginx (Debian's nginx-light)")
    return binary


def test_the_shipped_nginx_config_is_valid(tmp_path):
    config = nginx_config(SITE, tmp_path)
    result = subprocess.run(
        [nginx(), "-t", "-p", str(tmp_path), "-c", config],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
    assert "syntax is ok" in result.stderr
    # Replicas are found through Docker's DNS at request time, not once at start-up.
    assert "resolver 127.0.0.11" in SITE
    assert "set $web http://web:8000;" in SITE
    assert "proxy_pass $web;" in SITE


@pytest.fixture(scope="module")
def proxied(tmp_path_factory):
    """nginx with the shipped site in front of one instance, for the module's tests."""
    tmp_path = tmp_path_factory.mktemp("proxy")
    binary = nginx()
    env = production_env(
        f"sqlite:///{tmp_path / 'proxy.sqlite3'}",
        SECURE_HSTS_SECONDS="3600",
        # As docker-compose.yml sets it for web; a low API limit to see it count.
        ALLAUTH_TRUSTED_CLIENT_IP_HEADER="X-Real-IP",
        API_RATE_LIMIT="3",
    )
    instance = Instance(env, tmp_path / "web.log")
    port = free_port()
    site = SITE.replace("listen 80;", f"listen 127.0.0.1:{port};").replace(
        "http://web:8000", f"http://127.0.0.1:{instance.port}"
    )
    config = nginx_config(site, tmp_path)
    proxy = subprocess.Popen(
        [binary, "-p", str(tmp_path), "-c", config, "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
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
        yield port
    finally:
        proxy.terminate()
        proxy.wait(timeout=10)
        instance.stop()


def get(port: int, path: str, headers: dict[str, str]) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


def test_sign_in_through_the_proxy_passes_host_and_scheme(proxied):
    port = proxied
    # The scheme: plain HTTP stays plain; a TLS terminator's X-Forwarded-Proto reaches
    # the app (HSTS is only sent on a secure request).
    plain = get(port, "/healthz", {})
    assert plain.status == 200
    assert plain.getheader("Strict-Transport-Security") is None
    secure = get(port, "/healthz", {"X-Forwarded-Proto": "https"})
    assert secure.status == 200
    assert secure.getheader("Strict-Transport-Security").startswith("max-age=3600;")

    # The Host with its port: the browser's Origin matches it, so the CSRF check passes.
    browser = Browser()
    signed_in = browser.admin_login(f"http://127.0.0.1:{port}", "boss", PASSWORD)
    assert signed_in.status == 200
    assert signed_in.url == f"http://127.0.0.1:{port}/admin/"
    assert "Site administration" in signed_in.text


def test_a_client_cannot_pick_its_own_address_through_the_proxy(proxied):
    """nginx overwrites X-Real-IP with the address it saw, so a client sending its own
    (a new one each time) is still counted as itself by the API's rate limit."""
    port = proxied
    statuses = [
        get(port, "/api/v1/tracks/", {"X-Real-IP": f"203.0.113.{n}"}).status for n in range(4)
    ]
    assert statuses == [200, 200, 200, 429]
