"""Hostile input to every HTML form and page: any text in any field, any query string.

No 5xx: a bad value gets a form error (or a 4xx), and whatever a form accepts is
stored valid (no NUL, within its length, numbers within their range).
"""

import json
from html.parser import HTMLParser
from urllib.parse import quote, urlencode

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from accounts.forms import ProfileForm
from accounts.models import BIO_MAX_LENGTH, YEARS_MAX, Profile
from api.models import ApiToken
from careers.models import Level
from salaries.models import Contribution, OwnPay, SalaryDataPoint
from tests.factories import (
    PlacementFactory,
    RoadmapFactory,
    SectionFactory,
    SkillFactory,
)
from tests.hostile import FAST, SPECIAL, TEXT, assert_clean_rows, rolled_back
from tracking.models import NOTES_MAX_LENGTH, ProgressEvent, SkillProgress

pytestmark = pytest.mark.django_db

# A value a browser never sends: bytes that are not UTF-8 (a surrogate's encoding, 0xFF).
RAW_BODIES = [b"notes=%ED%A0%80", b"notes=%FF%FE&status=done", b"%00=%00", b"a" * 10 + b"=%"]


def fields(*names: str) -> st.SearchStrategy[dict]:
    """Some of the form's fields, each with hostile text."""
    return st.dictionaries(st.sampled_from(names), TEXT, max_size=len(names))


def assert_not_5xx(response) -> None:
    assert response.status_code < 500, response.status_code


@pytest.fixture
def content(salary_tracks):
    """The demo tracks and levels, and a roadmap with one skill: python."""
    roadmap = RoadmapFactory(slug="backend", published=True)
    section = SectionFactory(roadmap=roadmap, slug="basics", position=1)
    skill = SkillFactory(slug="python", name="Python")
    PlacementFactory(section=section, skill=skill, position=1)
    return skill


# Signing up, signing in, deleting the account ---------------------------------------------


@given(data=fields("email", "password1", "username", "password2"))
@FAST
def test_signup_with_any_text_never_fails(db, data):
    with rolled_back():
        assert_not_5xx(Client().post("/accounts/signup/", data))
        assert_clean_rows(get_user_model().objects.all(), ["username", "email", "first_name"])
        assert_clean_rows(Profile.objects.all())


@given(data=fields("login", "password", "remember", "next"))
@FAST
def test_login_with_any_text_never_fails(owner, data):
    assert_not_5xx(Client().post("/accounts/login/", data))


@given(password=TEXT)
@FAST
def test_account_deletion_with_any_password_keeps_the_account(owner_client, owner, password):
    response = owner_client.post("/profile/delete/", {"password": password})
    assert_not_5xx(response)
    assert get_user_model().objects.filter(pk=owner.pk).exists()


# Profile ---------------------------------------------------------------------------------

PROFILE_FIELDS = tuple(ProfileForm.Meta.fields)


@given(data=fields(*PROFILE_FIELDS))
@FAST
def test_the_profile_form_refuses_or_stores_valid_values(owner_client, content, data):
    base = {"display_name": "Ada", "handle": "ada", "visibility": "private"}
    with rolled_back():
        response = owner_client.post("/profile/", {**base, **data})
        assert_not_5xx(response)
        assert_clean_rows(Profile.objects.all())
        for profile in Profile.objects.all():
            assert profile.years_experience is None or 0 <= profile.years_experience <= YEARS_MAX
            assert len(profile.bio) <= BIO_MAX_LENGTH


# Tracking --------------------------------------------------------------------------------


@given(
    data=fields("status", "proficiency", "notes", "evidence_url", "next"),
    htmx=st.booleans(),
)
@FAST
def test_tracking_refuses_or_stores_valid_values(owner_client, content, data, htmx):
    headers = {"HX-Request": "true"} if htmx else {}
    with rolled_back():
        response = owner_client.post("/track/python/", data, headers=headers)
        assert_not_5xx(response)
        if response.status_code == 302:
            assert response.url.startswith("/")  # never off the site
        assert_clean_rows(SkillProgress.objects.all())
        assert_clean_rows(ProgressEvent.objects.all())
        for progress in SkillProgress.objects.all():
            assert 0 <= progress.proficiency <= 4
            assert len(progress.notes) <= NOTES_MAX_LENGTH


ROADMAP_ROW = st.fixed_dictionaries(
    {},
    optional={
        "skill": st.just("python") | TEXT,
        "status": st.sampled_from(["done", "learning"]) | TEXT,
        "proficiency": st.sampled_from(["0", "4"]) | TEXT,
    },
)


@given(
    rows=st.lists(ROADMAP_ROW, max_size=3),
    since=st.sampled_from(["", "2020-01-01T00:00:00+00:00", "9999-99-99", "NaN"]) | TEXT,
    htmx=st.booleans(),
)
@FAST
def test_a_roadmap_form_refuses_or_stores_valid_values(owner_client, content, rows, since, htmx):
    """Any rows (a field missing, any text in any field), any `since`, with or without htmx."""
    body = [("since", since)] + [(name, value) for row in rows for name, value in row.items()]
    headers = {"HX-Request": "true"} if htmx else {}
    with rolled_back():
        response = owner_client.post(
            "/roadmaps/backend/track/",
            urlencode(body),
            content_type="application/x-www-form-urlencoded",
            headers=headers,
        )
        assert_not_5xx(response)
        if response.status_code == 302:
            assert response.url.startswith("/roadmaps/backend/")
        assert_clean_rows(SkillProgress.objects.all())
        assert_clean_rows(ProgressEvent.objects.all())
        for progress in SkillProgress.objects.all():
            assert 0 <= progress.proficiency <= 4


@given(edit=TEXT, htmx=st.booleans())
@FAST
def test_a_roadmap_section_editor_answers_any_skill_named(owner_client, content, edit, htmx):
    headers = {"HX-Request": "true"} if htmx else {}
    response = owner_client.get(f"/roadmaps/backend/?{urlencode({'edit': edit})}", headers=headers)
    assert response.status_code in (200, 404)


@pytest.mark.parametrize("body", RAW_BODIES)
@pytest.mark.parametrize("url", ["/track/python/", "/roadmaps/backend/track/"])
def test_tracking_a_body_that_is_not_utf8_stores_no_garbage(owner_client, content, body, url):
    response = owner_client.post(url, body, content_type="application/x-www-form-urlencoded")
    assert_not_5xx(response)
    assert_clean_rows(SkillProgress.objects.all())


# Salary contributions, tokens ------------------------------------------------------------


@given(data=fields("level", "country", "currency", "amount", "year"))
@FAST
def test_a_pay_contribution_refuses_or_stores_valid_values(owner_client, salary_tracks, data):
    base = {"level": "backend/senior", "country": "DE", "currency": "EUR", "amount": "85000"}
    with rolled_back():
        response = owner_client.post("/salaries/contribute/", {**base, **data})
        assert_not_5xx(response)
        assert_clean_rows(SalaryDataPoint.objects.all())
        assert_clean_rows(Contribution.objects.all())
        for point in SalaryDataPoint.objects.all():
            assert 0 < point.amount < 10**12
            assert point.amount.is_finite()


@given(data=fields("amount", "currency", "year"))
@FAST
def test_my_own_pay_is_refused_or_stored_valid(owner_client, data):
    base = {"amount": "85000", "currency": "EUR", "year": "2024"}
    with rolled_back():
        assert_not_5xx(owner_client.post("/salaries/my-pay/", {**base, **data}))
        assert_clean_rows(OwnPay.objects.all())
        for own in OwnPay.objects.all():
            assert 0 < own.amount < 10**12


@given(name=TEXT)
@FAST
def test_a_token_name_is_refused_or_stored_clean(owner_client, name):
    with rolled_back():
        assert_not_5xx(owner_client.post("/profile/tokens/", {"name": name}))
        assert_clean_rows(ApiToken.objects.all(), ["name"])


# Pages with odd query strings -------------------------------------------------------------

PAGES = [
    "/",
    "/roadmaps/",
    "/roadmaps/backend/",
    "/skills/python/",
    "/careers/",
    "/careers/backend/",
    "/careers/backend/senior/",
    "/salaries/",
    "/salaries/contribute/",
    "/salaries/my-pay/",
    "/dashboard/",
    "/dashboard/compare/",
    "/profile/",
    "/profile/tokens/",
    "/me/export/",
    "/healthz",
]
QUERY_NAMES = [
    "track",
    "level",
    "country",
    "region",
    "year_from",
    "year_to",
    "source",
    "currency",
    "page",
    "q",
    "next",
    "format",
]


@given(
    page=st.sampled_from(PAGES),
    params=st.dictionaries(st.sampled_from(QUERY_NAMES), TEXT, max_size=4),
    signed_in=st.booleans(),
)
@FAST
def test_any_page_answers_any_query_string(owner_client, content, page, params, signed_in):
    client = owner_client if signed_in else Client()
    assert_not_5xx(client.get(f"{page}?{urlencode(params)}"))


NASTY_QUERY = "&".join(
    f"{name}={value}"
    for name, value in zip(
        QUERY_NAMES,
        ["%00", "9" * 5_000, "%ED%A0%80", "%00", "NaN", "-1", "%FF", "1e309", "x" * 10_000,
         "Infinity", "//evil.example", "%0d%0a"],
        strict=True,
    )
)  # fmt: skip


@pytest.mark.parametrize("page", PAGES)
def test_every_page_answers_a_nasty_query_string(owner_client, content, page):
    assert_not_5xx(owner_client.get(f"{page}?{NASTY_QUERY}"))
    assert_not_5xx(Client().get(f"{page}?{NASTY_QUERY}"))


@pytest.mark.parametrize(
    "query",
    [
        "year_from=" + "9" * 5_000,
        "year_from=1e309&year_to=NaN",
        "year_to=-1&year_from=" + "1" + "0" * 30,
        "track=%00&level=%00",
        "currency=%ED%A0%80",
        "level=%FF",
        "country=" + quote("🙂" * 1000),
        "track=backend&track=backend&track=x",
        "region=%00&country=de",
        "country=us&region=eu-eea",
        "country=XX&currency=jpy",
        "source=" + "x" * 100_000,
    ],
)
def test_salaries_and_compare_answer_hostile_filters_with_form_errors(
    owner_client, salary_tracks, query
):
    for page in ("/salaries/", "/dashboard/compare/", "/api/v1/salaries/stats"):
        response = owner_client.get(f"{page}?{query}")
        assert response.status_code in (200, 422), (page, response.status_code)


@given(slug=st.sampled_from(SPECIAL) | st.text(max_size=40))
@FAST
def test_pages_with_odd_slugs_are_found_or_404(content, slug):
    client = Client()
    part = quote(slug, safe="")
    for url in (
        f"/roadmaps/{part}/",
        f"/skills/{part}/",
        f"/careers/{part}/",
        f"/careers/backend/{part}/",
        f"/u/{part}/",
    ):
        assert client.get(url).status_code in (200, 404)


# Markdown and text from people and staff, on real pages -----------------------------------

ATTACKS = "\n\n".join(
    [
        "<script>alert(1)</script>",
        "[x](javascript:alert(1))",
        "[y](JaVaScRiPt:alert(1))",
        "[z](&#106;avascript:alert(1))",
        "<img src=x onerror=alert(1)>",
        '<a href="javascript:alert(1)">a</a>',
        "<svg onload=alert(1)></svg>",
        "<iframe src=javascript:alert(1)></iframe>",
        '<p style="x" onclick="alert(1)">p</p>',
    ]
)


class Tags(HTMLParser):
    """The page's real elements: (tag, attributes), and the text inside <script>s."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.scripts: list[str] = []
        self._in_script = False
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {name: value or "" for name, value in attrs}))
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts.append(data)


def assert_inert(page: str) -> None:
    """None of ATTACKS is active: no script, element or handler of theirs, no
    javascript: link. (Their text may show, escaped.)"""
    parsed = Tags(page)
    assert not any("alert(1)" in script for script in parsed.scripts)
    for tag, attrs in parsed.tags:
        assert tag != "iframe"
        assert not (tag == "svg" and attrs.get("role") != "img"), attrs  # not our charts
        assert not (tag == "img" and attrs.get("src") == "x"), attrs
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name)
            if name in {"href", "src", "action", "formaction"}:
                assert not value.strip().lower().startswith("javascript:"), (tag, value)


def test_a_skill_description_and_resources_imported_by_staff_render_inert(staff_client, db):
    roadmap = {
        "format": "careerpath.roadmap/1",
        "slug": "web",
        "title": "<script>alert(1)</script>",
        "summary": ATTACKS,
        "published": True,
        "sections": [
            {
                "slug": "s",
                "title": "<img src=x onerror=alert(1)>",
                "skills": [
                    {
                        "slug": "xss",
                        "name": "<script>alert(1)</script>",
                        "kind": "core",
                        "description": ATTACKS,
                        "resources": [
                            {
                                "title": "<img src=x onerror=alert(1)>",
                                "url": "https://example.com/?q=<script>alert(1)</script>",
                                "kind": "docs",
                            }
                        ],
                    }
                ],
            }
        ],
    }
    upload = SimpleUploadedFile("r.json", json.dumps(roadmap).encode(), "application/json")
    assert staff_client.post("/admin/skills/roadmap/import/", {"file": upload}).status_code == 302
    for url in ("/skills/xss/", "/roadmaps/web/", "/roadmaps/"):
        response = Client().get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert_inert(page)
    page = Client().get("/skills/xss/").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # the name, shown as text
    assert "alert(1)" in page  # the text is kept; only its markup is gone


def test_a_resource_with_a_javascript_link_is_refused_by_the_admin(staff_client, content):
    response = staff_client.post(
        "/admin/skills/resource/add/",
        {
            "skill": content.pk,
            "title": "Docs",
            "url": "javascript:alert(1)",
            "kind": "docs",
            "position": 1,
        },
    )
    assert response.status_code == 200
    assert "Enter a valid URL." in response.content.decode()
    assert not content.resources.exists()


def test_level_responsibilities_render_inert(content):
    level = Level.objects.get(track__slug="backend", slug="senior")
    level.responsibilities = ATTACKS
    level.save()
    response = Client().get("/careers/backend/senior/")
    assert response.status_code == 200
    assert_inert(response.content.decode())


def test_a_public_bio_and_name_render_inert(owner_client, owner, content):
    response = owner_client.post(
        "/profile/",
        {
            "display_name": "<script>alert(1)</script>",
            "handle": "ada",
            "bio": ATTACKS,
            "visibility": "public",
        },
    )
    assert response.status_code == 302
    for client in (Client(), owner_client):
        page = client.get("/u/ada/")
        assert page.status_code == 200
        assert_inert(page.content.decode())
    assert_inert(owner_client.get("/profile/").content.decode())
    assert_inert(owner_client.get("/dashboard/").content.decode())
