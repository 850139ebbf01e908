"""The home page, the health check and the error pages."""

from tests.helpers import manage

DOWN = "postgres://nobody@127.0.0.1:9/nowhere"  # nothing listens on port 9


def test_home_page_says_what_careerpath_does(client, db):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Careerpath" in html
    for link in ('href="/roadmaps/"', 'href="/careers/"', 'href="/salaries/"'):
        assert link in html
    assert 'href="/accounts/signup/"' in html


def test_home_page_has_a_strict_content_security_policy(client, db):
    response = client.get("/")
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_healthz_answers_ok_when_the_database_answers(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response.headers["Cache-Control"]


def test_healthz_answers_503_when_the_database_does_not():
    code = (
        "from django.test import Client;"
        "r = Client().get('/healthz');"
        "print(r.status_code, r.json()['status'])"
    )
    env = {"DEBUG": "1", "ALLOWED_HOSTS": "testserver", "DATABASE_URL": DOWN}
    result = manage("shell", "-v", "0", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["503", "unavailable"]


def test_a_page_needing_the_database_answers_a_friendly_503_when_it_is_down():
    code = (
        "from django.test import Client;"
        "c = Client(raise_request_exception=False);"
        "c.cookies['sessionid'] = 'a-session-to-look-up';"
        "r = c.get('/admin/login/');"
        "print(r.status_code, 'briefly unavailable' in r.content.decode())"
    )
    env = {"DEBUG": "0", "SECRET_KEY": "x" * 60, "SECURE_SSL_REDIRECT": "0"}
    env |= {"ALLOWED_HOSTS": "testserver", "DATABASE_URL": DOWN}
    result = manage("shell", "-v", "0", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["503", "True"]


def test_unknown_page_gets_a_helpful_404(client, db):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert 'href="/roadmaps/"' in html
    assert 'href="/"' in html


def test_the_error_handler_answers_even_when_its_template_cannot_render(rf, tmp_path, settings):
    """Without collected static files the manifest is missing and {% static %} raises."""
    from django.db import OperationalError

    from careerpath.views import server_error

    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    request = rf.get("/roadmaps/")
    try:
        raise OperationalError("the database is not answering")
    except OperationalError:
        outage = server_error(request)
    try:
        raise RuntimeError("a bug")
    except RuntimeError:
        bug = server_error(request)
    assert outage.status_code == 503
    assert "briefly unavailable" in outage.content.decode()
    assert outage["Retry-After"] == "30"
    assert bug.status_code == 500
    assert "Something went wrong" in bug.content.decode()
