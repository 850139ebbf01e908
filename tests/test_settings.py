"""Configuration from the environment: production refuses bad or missing settings."""

import pytest

from tests.helpers import manage

PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "a-very-long-production-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
    "ALLOWED_HOSTS": "careers.example.com",
    "DATABASE_URL": "sqlite:///:memory:",
}


def test_production_refuses_to_start_without_secret_key():
    result = manage("check", env={**PRODUCTION, "SECRET_KEY": ""})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_debug_runs_without_secret_key():
    result = manage("check", env={**PRODUCTION, "DEBUG": "1", "SECRET_KEY": ""})
    assert result.returncode == 0, result.stderr


def test_check_deploy_is_clean_in_production():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("name", "value", "words"),
    [
        ("DATABASE_URL", "not a url at all", "DATABASE_URL"),
        ("DATABASE_URL", "nosuchdb://host/name", "DATABASE_URL"),
        ("DEBUG", "maybe", "DEBUG"),
        ("SECURE_SSL_REDIRECT", "sometimes", "SECURE_SSL_REDIRECT"),
        ("SECURE_HSTS_SECONDS", "a year", "SECURE_HSTS_SECONDS"),
        ("CACHE_URL", "nosuchcache://x", "CACHE_URL"),
        ("ALLAUTH_TRUSTED_CLIENT_IP_HEADER", "X-Real-IP: 1.2.3.4", "X-Real-IP"),
        ("TASKS_BACKEND", "celery", "TASKS_BACKEND"),
    ],
)
def test_bad_configuration_stops_with_one_clear_line(name, value, words):
    result = manage("check", env={**PRODUCTION, name: value})
    assert result.returncode != 0
    assert words in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_plain_http_self_hosting_can_switch_https_off():
    env = {
        **PRODUCTION,
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "no",
    }
    code = (
        "from django.conf import settings as s;"
        "print(s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE)"
    )
    result = manage("shell", "-v", "0", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "False", "False"]


def test_production_is_secure_by_default():
    code = (
        "from django.conf import settings as s;"
        "print(s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE,"
        " s.SECURE_HSTS_SECONDS, s.SECURE_PROXY_SSL_HEADER)"
    )
    result = manage("shell", "-v", "0", "-c", code, env=PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True True True 31536000 ('HTTP_X_FORWARDED_PROTO', 'https')"


def test_the_trusted_client_ip_header_is_read_from_the_environment():
    code = "from allauth import app_settings as a; print(a.TRUSTED_CLIENT_IP_HEADER)"
    for value, expected in (("X-Real-IP", "X-Real-IP"), ("", "None")):
        env = {**PRODUCTION, "ALLAUTH_TRUSTED_CLIENT_IP_HEADER": value}
        result = manage("shell", "-v", "0", "-c", code, env=env)
        assert result.returncode == 0, result.stderr
        assert result.stdout.split() == [expected]
