"""Hostile input to every HTML form and page: any text in any field, any query string.

No 5xx: a bad value gets a form error (or a 4xx), and whatever a form accepts is
stored valid (no NUL, within its length, numbers within their range).
"""

from urllib.parse import quote, urlencode

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from accounts.models import BIO_MAX_LENGTH, YEARS_MAX, Profile
from api.models import ApiToken
from salaries.models import Contribution, SalaryDataPoint
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

PROFILE_FIELDS = (
    "display_name",
    "handle",
    "track",
    "current_level",
    "target_level",
    "country",
    "years_experience",
    "bio",
    "visibility",
)


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


@pytest.mark.parametrize("body", RAW_BODIES)
def test_tracking_a_body_that_is_not_utf8_stores_no_garbage(owner_client, content, body):
    response = owner_client.post(
        "/track/python/", body, content_type="application/x-www-form-urlencoded"
    )
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
        ["%00", "9" * 5_000, "%ED%A0%80", "NaN", "-1", "%FF", "1e309", "x" * 10_000,
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
