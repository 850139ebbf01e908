"""Pages and the signed-in user served from the cache, and every change visible at once.

Each test runs twice: with the local-memory cache (the suite's default) and with Redis
(Django's built-in backend, as in production; skipped locally without Redis).
"""

import re
import uuid
import zlib
from datetime import date

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from careerpath.auth import user_key
from careerpath.pagecache import CSRF_PLACEHOLDER
from skills.models import Skill
from skills.roadmap_io import export_roadmap, import_roadmap
from tests.conftest import PASSWORD
from tests.content_data import build_content
from tests.helpers import need, port_open
from tests.salary_support import add_points, level
from tests.test_admin_content import form_of

pytestmark = pytest.mark.django_db

REDIS = "redis://127.0.0.1:6379/4"


@pytest.fixture(params=["locmem", "redis"])
def page_cache(request, settings):
    """Page and user caching on, over the local-memory cache or over Redis."""
    if request.param == "redis":
        need(port_open("127.0.0.1", 6379), "Redis on 127.0.0.1:6379")
        settings.CACHES = {
            "default": {
                "BACKEND": "careerpath.cache.RedisCache",
                "LOCATION": REDIS,
                "KEY_PREFIX": f"test-{uuid.uuid4().hex[:12]}",  # a fresh, empty cache
            }
        }
    settings.PAGE_CACHE = True
    settings.CACHE_USERS = True
    return request.param


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def queries_for(client: Client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in queries.captured_queries]


def test_an_admin_edit_of_a_skill_shows_on_the_roadmap_page_at_once(
    page_cache, client, owner_client, staff_client
):
    url = build_content(12).roadmap.get_absolute_url()
    for who in (client, owner_client):
        assert "Grown skill 000" in text(who.get(url))
    assert queries_for(client, url) == []  # served from the cache

    skill = Skill.objects.get(slug="grown-0")
    change = f"/admin/skills/skill/{skill.pk}/change/"
    data = form_of(staff_client, change)
    data["name"] = "Renamed by the curator"
    assert staff_client.post(change, data).status_code == 302

    for who in (client, owner_client):
        page = text(who.get(url))
        assert "Renamed by the curator" in page and "Grown skill 000" not in page


def test_a_roadmap_import_shows_on_the_roadmap_page_at_once(page_cache, client):
    roadmap = build_content(12).roadmap
    url = roadmap.get_absolute_url()
    assert "Grown roadmap" in text(client.get(url))
    data = export_roadmap(roadmap)
    data["title"] = "Imported anew"
    import_roadmap(data)
    assert "Imported anew" in text(client.get(url))


def test_tracking_a_skill_shows_on_the_dashboard_and_roadmap_at_once(
    page_cache, owner_client, other_client
):
    url = build_content(12).roadmap.get_absolute_url()
    assert "0 of 3 requirements met" in text(owner_client.get("/dashboard/"))
    assert "0 of 12 done" in text(owner_client.get(url))
    assert "0 of 3 requirements met" in text(other_client.get("/dashboard/"))

    response = owner_client.post(
        "/track/grown-0/", {"status": "done", "proficiency": "3", "next": url}
    )
    assert response.status_code == 302

    assert "1 of 3 requirements met" in text(owner_client.get("/dashboard/"))
    assert "1 of 12 done" in text(owner_client.get(url))
    # Someone else's pages never show it.
    assert "0 of 3 requirements met" in text(other_client.get("/dashboard/"))
    assert "0 of 12 done" in text(other_client.get(url))


def test_an_approval_shows_on_the_salaries_page_at_once(
    page_cache, client, owner_client, staff_client, salary_tracks
):
    add_points(level("backend", "senior"), [80_000, 82_000, 84_000, 86_000])
    url = "/salaries/?track=backend&level=senior"
    assert "$84,000" not in text(client.get(url))  # four points: too few to show
    contribution = {
        "level": "backend/senior",
        "country": "US",
        "currency": "USD",
        "amount": "85000",
        "year": str(date.today().year),
    }
    assert owner_client.post("/salaries/contribute/", contribution).status_code == 302
    assert "$84,000" not in text(client.get(url))  # pending: not counted

    from salaries.models import SalaryDataPoint, Status

    point = SalaryDataPoint.objects.get(status=Status.PENDING)
    staff_client.post(
        "/admin/salaries/pendingcontribution/",
        {"action": "approve_points", "_selected_action": [point.pk]},
    )
    assert "$84,000" in text(client.get(url))


def test_a_salary_import_shows_on_the_salaries_page_at_once(
    page_cache, client, salary_tracks, tmp_path
):
    from django.core.management import call_command

    url = "/salaries/?track=backend&level=junior"
    assert "$51,000" not in text(client.get(url))
    csv = tmp_path / "points.csv"
    rows = "".join(f"backend,junior,US,USD,{50_000 + 500 * n},2024\n" for n in range(5))
    csv.write_text("role,level,country,currency,amount,year\n" + rows)
    call_command("import_salaries", str(csv), "--source", "Survey")
    assert "$51,000" in text(client.get(url))


def test_the_signed_in_user_comes_from_the_cache(page_cache, owner_client):
    url = build_content(12).roadmap.get_absolute_url()
    owner_client.get(url)
    again = queries_for(owner_client, url)
    assert not [sql for sql in again if '"auth_user"' in sql]
    assert len(again) <= 1  # the session, when sessions live in the database


def test_a_deactivated_user_is_signed_out_at_once(page_cache, owner, owner_client):
    assert owner_client.get("/dashboard/").status_code == 200
    owner.is_active = False
    owner.save()
    assert owner_client.get("/dashboard/").status_code == 302


def test_the_cached_dashboard_sends_visitors_to_sign_in(page_cache, client, owner_client):
    assert owner_client.get("/dashboard/").status_code == 200  # now in the cache
    response = client.get("/dashboard/?tab=1")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/dashboard/%3Ftab%3D1"


def test_a_password_change_still_signs_out_other_sessions(page_cache, owner):
    here, elsewhere = Client(), Client()
    for browser in (here, elsewhere):
        assert (
            browser.post(
                "/accounts/login/", {"login": "owner@example.com", "password": PASSWORD}
            ).status_code
            == 302
        )
        assert browser.get("/dashboard/").status_code == 200  # the user is now cached
    response = here.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": "a-new-Passw0rd!", "password2": "a-new-Passw0rd!"},
    )
    assert response.status_code == 302
    assert here.get("/dashboard/").status_code == 200
    assert elsewhere.get("/dashboard/")["Location"].startswith("/accounts/login/")


def test_a_cached_page_is_not_shown_to_a_session_that_no_longer_holds(page_cache, owner):
    """The user's cached copy comes with the page, and goes through the same checks."""
    url = build_content(12).roadmap.get_absolute_url()
    here, elsewhere = Client(), Client()
    for browser in (here, elsewhere):
        browser.post("/accounts/login/", {"login": "owner@example.com", "password": PASSWORD})
        browser.post("/track/grown-1/", {"status": "learning", "proficiency": "1", "next": url})
        for _ in "ab":  # the second is served from the cache, with the user
            assert "Sign out" in text(browser.get(url))
    here.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": "a-new-Passw0rd!", "password2": "a-new-Passw0rd!"},
    )
    assert "1 learning" in text(here.get(url))
    page = text(elsewhere.get(url))
    assert "Sign out" not in page and "1 learning" not in page and "Sign in" in page
    owner.is_active = False
    owner.save()
    page = text(here.get(url))
    assert "Sign out" not in page and "1 learning" not in page


def test_a_cached_page_reads_the_user_in_the_pages_round_trip(
    page_cache, owner, owner_client, monkeypatch
):
    url = build_content(12).roadmap.get_absolute_url()
    owner_client.get(url)
    owner_client.get(url)
    backend, calls, depth = type(caches["default"]), [], [0]
    for name in ("get", "get_many"):
        original = getattr(backend, name)

        def counted(self, keys, *args, _original=original, **kwargs):
            if not depth[0]:  # a call from outside (local memory's get_many calls get)
                calls.append(keys)
            depth[0] += 1
            try:
                return _original(self, keys, *args, **kwargs)
            finally:
                depth[0] -= 1

        monkeypatch.setattr(backend, name, counted)
    assert "Sign out" in text(owner_client.get(url))
    # One read: the versions, the page and the user (sessions are in the database here).
    assert len(calls) == 1 and user_key(owner.pk) in calls[0]


def page_of(response) -> str:
    """The page as a browser reads it: inflated when it came compressed."""
    assert response.status_code == 200, response.status_code
    if response.get("Content-Encoding") == "deflate":
        assert "Accept-Encoding" in response["Vary"]
        return zlib.decompress(response.content).decode()
    assert not response.has_header("Content-Encoding")
    return response.content.decode()


TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.mark.parametrize("accept", ["gzip, deflate, br, zstd", ""])
def test_a_cached_page_carries_each_browsers_own_csrf_token(page_cache, owner, accept):
    url = build_content(12).roadmap.get_absolute_url()
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.force_login(owner)
    second.force_login(owner)
    first.get(url)  # renders the page into the cache
    response = second.get(url, headers={"Accept-Encoding": accept})
    assert response.has_header("Content-Encoding") == bool(accept)
    assert "Accept-Encoding" in response["Vary"]  # for caches between us and the browser
    page = page_of(response)
    assert CSRF_PLACEHOLDER not in page
    tokens = set(TOKEN.findall(page))
    assert len(tokens) == 1 and len(TOKEN.findall(page)) == 13  # sign out and 12 rows
    token = tokens.pop()
    response = second.post(
        "/track/grown-1/",
        {"csrfmiddlewaretoken": token, "status": "learning", "proficiency": "1", "next": url},
    )
    assert response.status_code == 302
    assert "1 learning" in text(second.get(url))


def test_a_browser_accepting_deflate_gets_the_kept_page_compressed(page_cache, owner_client):
    url = build_content(60).roadmap.get_absolute_url()
    plain = owner_client.get(url)  # renders the page into the cache
    compressed = [owner_client.get(url, headers={"Accept-Encoding": "deflate"}) for _ in "ab"]
    assert all(r["Content-Encoding"] == "deflate" for r in compressed)
    pages = [page_of(r) for r in compressed]
    # Each response masks the token afresh; apart from the tokens the pages are the same.
    assert TOKEN.findall(pages[0])[0] != TOKEN.findall(pages[1])[0]
    tokens_out = [re.sub(r"\b[A-Za-z0-9]{64}\b", "", page) for page in (page_of(plain), *pages)]
    assert tokens_out[0] == tokens_out[1] == tokens_out[2]
    assert "Grown skill 059" in pages[0]
    assert len(compressed[0].content) * 5 < len(plain.content)


def test_a_page_holding_control_bytes_is_served_right(page_cache, owner_client):
    url = build_content(12).roadmap.get_absolute_url()
    Skill.objects.filter(slug="grown-3").update(name="Odd \x01\x03\x04\x03\x04\x05 name")
    for _ in "ab":
        page = page_of(owner_client.get(url, headers={"Accept-Encoding": "deflate"}))
        assert "Odd \x01\x03\x04\x03\x04\x05 name" in page
        assert len(TOKEN.findall(page)) == 13 and CSRF_PLACEHOLDER not in page


def test_a_page_with_a_message_is_not_compressed(page_cache, owner_client):
    url = build_content(12).roadmap.get_absolute_url()
    owner_client.get(url)
    owner_client.post("/track/grown-2/", {"status": "learning", "proficiency": "1", "next": url})
    response = owner_client.get(url, headers={"Accept-Encoding": "deflate"})
    assert not response.has_header("Content-Encoding")
    assert "Saved: Grown skill 002 is learning" in text(response)
    assert owner_client.get(url, headers={"Accept-Encoding": "deflate"})["Content-Encoding"]


def test_a_message_shows_once_on_a_cached_page(page_cache, owner_client):
    url = build_content(12).roadmap.get_absolute_url()
    owner_client.get(url)
    owner_client.get(url)  # the whole page is cached now
    response = owner_client.post(
        "/track/grown-2/", {"status": "learning", "proficiency": "1", "next": url}, follow=True
    )
    assert "Saved: Grown skill 002 is learning" in text(response)
    assert "1 learning" in text(response)
    assert "Saved:" not in text(owner_client.get(url))
