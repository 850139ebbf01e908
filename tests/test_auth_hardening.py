"""Authentication hardening (issue 8): password rules, session rotation, signing out elsewhere.

Lockout after repeated failures is in tests/test_accounts.py.
"""

import re

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.cache import cache
from django.test import Client

from tests.conftest import PASSWORD

User = get_user_model()
NEW_PASSWORD = "a-new-Password-2026"


@pytest.fixture(autouse=True)
def clean_cache():
    """allauth keeps rate limits in the cache: start clean."""
    cache.clear()
    yield
    cache.clear()


def sign_in(email: str = "owner@example.com", password: str = PASSWORD) -> Client:
    client = Client()
    response = client.post("/accounts/login/", {"login": email, "password": password})
    assert response.status_code == 302, response.content.decode()[:500]
    return client


def signed_in(client: Client) -> bool:
    """Whether the profile page opens for this client (it redirects strangers to login)."""
    return client.get("/profile/").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Sh0rt!", "too short"),
        ("password123", "too common"),
        ("80417263950172", "entirely numeric"),
        ("newcomer.example", "too similar"),
    ],
)
def test_signup_refuses_weak_passwords_and_stores_nobody(client, password, message):
    response = client.post(
        "/accounts/signup/", {"email": "newcomer.example@example.com", "password1": password}
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not User.objects.filter(email="newcomer.example@example.com").exists()


@pytest.mark.django_db
def test_password_change_applies_the_same_rules(owner, owner_client):
    response = owner_client.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": "12345678", "password2": "12345678"},
    )
    assert response.status_code == 200
    assert "too common" in response.content.decode()
    owner.refresh_from_db()
    assert owner.check_password(PASSWORD)


@pytest.mark.django_db
def test_signing_in_rotates_the_session_key(client, owner):
    client.get("/accounts/login/")  # the login form sets a CSRF cookie; give it a session too
    session = client.session
    session["before"] = "sign-in"
    session.save()
    before = client.cookies[settings.SESSION_COOKIE_NAME].value
    response = client.post("/accounts/login/", {"login": "owner@example.com", "password": PASSWORD})
    assert response.status_code == 302
    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after != before
    # The old key is dead: a client holding it is not signed in and has no session data.
    stale = Client()
    stale.cookies[settings.SESSION_COOKIE_NAME] = before
    assert not signed_in(stale)
    assert signed_in(client)


@pytest.mark.django_db
def test_signing_out_ends_the_session_on_the_server(owner):
    client = sign_in()
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert client.post("/accounts/logout/").status_code == 302
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = key
    assert not signed_in(replay)


@pytest.mark.django_db
def test_a_password_change_signs_out_every_other_session_but_this_one(owner):
    laptop, phone, tablet = sign_in(), sign_in(), sign_in()
    assert signed_in(laptop) and signed_in(phone) and signed_in(tablet)
    response = laptop.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert signed_in(laptop)
    assert not signed_in(phone)
    assert not signed_in(tablet)
    # Signing in again needs the new password.
    assert (
        Client()
        .post("/accounts/login/", {"login": "owner@example.com", "password": PASSWORD})
        .status_code
        == 200
    )
    assert signed_in(sign_in(password=NEW_PASSWORD))


@pytest.mark.django_db
def test_a_password_reset_signs_out_every_session(client, owner):
    phone = sign_in()
    assert signed_in(phone)
    client.post("/accounts/password/reset/", {"email": "owner@example.com"})
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+)", mail.outbox[0].body)
    assert link, mail.outbox[0].body
    page = client.get(link.group(1), follow=True)
    form_url = page.redirect_chain[-1][0] if page.redirect_chain else link.group(1)
    response = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert not signed_in(phone)


@pytest.mark.django_db
def test_an_admin_setting_a_password_signs_the_person_out(owner, staff_client):
    phone = sign_in()
    assert signed_in(phone)
    response = staff_client.post(
        f"/admin/auth/user/{owner.pk}/password/",
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    owner.refresh_from_db()
    assert owner.check_password(NEW_PASSWORD)
    assert not signed_in(phone)


@pytest.mark.django_db
def test_a_deactivated_person_is_signed_out_at_once(owner):
    phone = sign_in()
    assert signed_in(phone)
    owner.is_active = False
    owner.save()
    assert not signed_in(phone)


@pytest.mark.django_db
def test_a_person_deactivated_by_a_bulk_update_is_signed_out_at_once(owner):
    phone = sign_in()
    assert signed_in(phone)
    User.objects.filter(pk=owner.pk).update(is_active=False)
    assert not signed_in(phone)
