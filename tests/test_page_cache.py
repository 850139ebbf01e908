"""Pages served from the cache, and every change visible at once.

Each test runs twice: with the local-memory cache (the default) and with Redis (skipped
locally without Redis). Versions live in the database (core/versions.py), so both are safe
with several processes: tests/test_two_instances.py checks that across real processes.
"""

import gzip
import re
import uuid
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

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
    """Page caching on, over the local-memory cache or over Redis."""
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
    return request.param


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page_of(response)))


def page_of(response) -> str:
    """The page as a browser reads it: unpacked when it came compressed."""
    if response.get("Content-Encoding") == "gzip":
        return gzip.decompress(response.content).decode()
    return response.content.decode()


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
    assert len(queries_for(client, url)) == 1  # served from the cache: only the versions

    skill = Skill.objects.get(slug="grown-0")
    change = f"/admin/skills/skill/{skill.pk}/change/"
    data = form_of(staff_client, change)
    data["name_en"] = "Renamed by the curator"  # the English name (one field per language)
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
    assert "0 of 3 expectations met" in text(owner_client.get("/dashboard/"))
    assert "0 of 12 done" in text(owner_client.get(url))
    assert "0 of 3 expectations met" in text(other_client.get("/dashboard/"))

    response = owner_client.post(
        "/track/grown-0/", {"status": "done", "proficiency": "3", "next": url}
    )
    assert response.status_code == 302

    assert "1 of 3 expectations met" in text(owner_client.get("/dashboard/"))
    assert "1 of 12 done" in text(owner_client.get(url))
    # Someone else's pages never show it.
    assert "0 of 3 expectations met" in text(other_client.get("/dashboard/"))
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


def test_a_person_deactivated_in_bulk_is_signed_out_at_once(page_cache, owner, owner_client):
    """`QuerySet.update()` sends no signal: the user is read with every request anyway."""
    url = build_content(12).roadmap.get_absolute_url()
    for _ in "ab":  # the second is served from the cache
        assert "Sign out" in text(owner_client.get(url))
    get_user_model().objects.filter(pk=owner.pk).update(is_active=False)
    page = text(owner_client.get(url))
    assert "Sign out" not in page and "Sign in" in page
    assert owner_client.get("/dashboard/").status_code == 302


def test_the_cached_dashboard_sends_visitors_to_sign_in(page_cache, client, owner_client):
    assert owner_client.get("/dashboard/").status_code == 200  # now in the cache
    response = client.get("/dashboard/?tab=1")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/dashboard/%3Ftab%3D1"


def test_a_password_change_still_signs_out_other_sessions(page_cache, owner):
    url = build_content(12).roadmap.get_absolute_url()
    here, elsewhere = Client(), Client()
    for browser in (here, elsewhere):
        browser.post("/accounts/login/", {"login": "owner@example.com", "password": PASSWORD})
        browser.post("/track/grown-1/", {"status": "learning", "proficiency": "1", "next": url})
        for _ in "ab":  # the second is served from the cache
            assert "Sign out" in text(browser.get(url))
    response = here.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": "a-new-Passw0rd!", "password2": "a-new-Passw0rd!"},
    )
    assert response.status_code == 302
    assert "1 learning" in text(here.get(url))
    page = text(elsewhere.get(url))
    assert "Sign out" not in page and "1 learning" not in page and "Sign in" in page
    assert elsewhere.get("/dashboard/")["Location"].startswith("/accounts/login/")


def test_a_cached_page_carries_each_browsers_own_csrf_token(page_cache, owner):
    url = build_content(12).roadmap.get_absolute_url()
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.force_login(owner)
    second.force_login(owner)
    tokens = []
    for browser in (first, second, second):  # the first renders the page into the cache
        page = page_of(browser.get(url))
        assert "csrf-token-placeholder" not in page
        tokens.append(set(TOKEN.findall(page)))
        assert len(tokens[-1]) == 1
    # Each response masks the token afresh (Django's defence against BREACH).
    assert tokens[1] != tokens[2]
    response = second.post(
        "/track/grown-1/",
        {"csrfmiddlewaretoken": tokens[2].pop(), "status": "learning", "proficiency": "1"},
    )
    assert response.status_code == 302
    assert "1 learning" in text(second.get(url))


TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.mark.parametrize("url", ["/roadmaps/grown/", "/dashboard/", "/", "/skills/grown-0/"])
def test_pages_go_out_compressed_to_browsers_that_accept_it(page_cache, owner_client, url):
    build_content(60)
    for _ in "ab":  # rendered, then from the cache where the page is cached
        packed = owner_client.get(url, headers={"Accept-Encoding": "gzip, deflate, br"})
        assert packed["Content-Encoding"] == "gzip"
        assert "Accept-Encoding" in packed["Vary"]
        plain = owner_client.get(url)
        assert not plain.has_header("Content-Encoding")
        assert len(packed.content) * 2 < len(plain.content)
        assert page_of(packed).count("</html>") == 1


@pytest.mark.parametrize(
    "url", ["/careers/", "/roadmaps/", "/accounts/login/", "/api/v1/openapi.json", "/healthz"]
)
def test_every_kind_of_response_goes_out_compressed_when_it_is_worth_it(client, url):
    """Cached or not, HTML or JSON: Django's GZipMiddleware compresses what the browser takes
    (responses under 200 bytes, such as /healthz, gain nothing and go out as they are)."""
    build_content(12)
    packed = client.get(url, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert packed.status_code == 200
    plain = client.get(url)
    if len(plain.content) < 200:
        assert not packed.has_header("Content-Encoding")
    else:
        assert packed["Content-Encoding"] == "gzip"
        assert gzip.decompress(packed.content)[:40] == plain.content[:40]


def test_pages_with_my_data_are_kept_out_of_shared_and_back_caches(
    page_cache, client, owner_client
):
    url = build_content(12).roadmap.get_absolute_url()
    for path in (url, "/dashboard/"):
        for _ in "ab":
            control = owner_client.get(path)["Cache-Control"]
            assert "private" in control and "no-store" in control
    assert "no-store" not in client.get(url).get("Cache-Control", "")


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
