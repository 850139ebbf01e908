"""Accounts through django-allauth: sign up, sign in and out, lockout, password reset."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.cache import cache
from django.test import Client

from accounts.models import Profile
from tests.conftest import PASSWORD

User = get_user_model()
NEW_PASSWORD = "a-new-Password-2026"


@pytest.fixture(autouse=True)
def clear_rate_limits():
    """allauth keeps its rate limits in the cache: start each test clean."""
    cache.clear()
    yield
    cache.clear()


SIGNUP_PASSWORD = "lovely-Kettle-42"


def sign_up(client: Client, email: str, password: str = SIGNUP_PASSWORD, **extra):
    return client.post("/accounts/signup/", {"email": email, "password1": password, **extra})


@pytest.mark.django_db
def test_signup_signs_in_at_once_and_leads_to_the_profile(client):
    response = sign_up(client, "Ada.Lovelace@example.com")
    assert response.status_code == 302
    assert response["Location"] == "/profile/"
    user = User.objects.get(email__iexact="ada.lovelace@example.com")
    assert user.profile.handle == "ada-lovelace"
    assert user.profile.visibility == "private"
    assert user.username  # derived by allauth, never asked for
    page = client.get("/profile/")
    assert page.status_code == 200
    assert "ada-lovelace" in page.content.decode()
    # Verification is optional by default: a message is sent, access is not blocked.
    assert EmailAddress.objects.get(user=user).verified is False
    assert len(mail.outbox) == 1
    assert "ada.lovelace@example.com" in mail.outbox[0].to[0].lower()


@pytest.mark.django_db
def test_signup_page_is_styled_in_our_layout_and_labelled(client):
    page = client.get("/accounts/signup/").content.decode()
    assert 'class="site-header"' in page
    assert '<form class="form"' in page
    assert re.search(r'<label for="id_email"', page)
    assert re.search(r'<label for="id_password1"', page)
    assert 'class="button primary"' in page
    assert "<style" not in page and "style=" not in page


@pytest.mark.django_db
def test_signup_with_a_taken_email_or_a_weak_password_shows_errors(client, owner):
    response = sign_up(client, "owner@example.com")
    assert response.status_code == 200
    assert "already registered" in response.content.decode()
    response = sign_up(client, "new@example.com", password="123")
    assert response.status_code == 200
    body = response.content.decode()
    assert "too short" in body or "too common" in body
    assert 'class="form-errors"' in body
    assert not User.objects.filter(email="new@example.com").exists()


@pytest.mark.django_db
def test_two_people_with_the_same_address_name_get_different_handles(client):
    sign_up(client, "sam@example.com")
    Client().post(
        "/accounts/signup/", {"email": "sam@example.org", "password1": "lovely-Kettle-42"}
    )
    handles = sorted(Profile.objects.values_list("handle", flat=True))
    assert handles == ["sam", "sam-2"]


@pytest.mark.django_db
def test_login_and_logout(client, owner):
    response = client.post("/accounts/login/", {"login": "owner@example.com", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/dashboard/"
    assert client.get("/profile/").status_code == 200
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert client.get("/profile/").status_code == 302


@pytest.mark.django_db
def test_login_with_a_wrong_password_says_so(client, owner):
    response = client.post("/accounts/login/", {"login": "owner@example.com", "password": "nope"})
    assert response.status_code == 200
    assert "not correct" in response.content.decode()
    assert client.get("/profile/").status_code == 302


@pytest.mark.django_db
def test_lockout_after_five_failures_refuses_even_the_right_password(client, owner):
    for _ in range(5):
        response = client.post(
            "/accounts/login/", {"login": "owner@example.com", "password": "guess"}
        )
        assert "not correct" in response.content.decode()
    response = client.post("/accounts/login/", {"login": "owner@example.com", "password": PASSWORD})
    assert response.status_code in (200, 429)
    assert "Too many failed login attempts" in response.content.decode()
    assert client.get("/profile/").status_code == 302
    # Another person's account is not locked by it.
    other = Client()
    User.objects.create_user("someone", "someone@example.com", PASSWORD)
    response = other.post(
        "/accounts/login/", {"login": "someone@example.com", "password": PASSWORD}
    )
    assert response.status_code == 302


@pytest.mark.django_db
def test_a_correct_password_within_the_limit_does_not_count_as_a_failure(client, owner):
    for _ in range(4):
        client.post("/accounts/login/", {"login": "owner@example.com", "password": "guess"})
    for _ in range(3):
        fresh = Client()
        response = fresh.post(
            "/accounts/login/", {"login": "owner@example.com", "password": PASSWORD}
        )
        assert response.status_code == 302


@pytest.mark.django_db
def test_password_reset_by_email(client, owner):
    response = client.post("/accounts/password/reset/", {"email": "owner@example.com"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+)", mail.outbox[0].body)
    assert link, mail.outbox[0].body
    page = client.get(link.group(1), follow=True)
    assert page.status_code == 200
    form_url = page.redirect_chain[-1][0] if page.redirect_chain else link.group(1)
    response = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    owner.refresh_from_db()
    assert owner.check_password(NEW_PASSWORD)


@pytest.mark.django_db
def test_password_reset_for_an_unknown_address_reveals_nothing(client, owner):
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.com"})
    assert response.status_code == 302
    known = Client().post("/accounts/password/reset/", {"email": "owner@example.com"})
    assert known["Location"] == response["Location"]


@pytest.mark.django_db
def test_change_password_page_needs_sign_in_and_works(owner_client, owner, client):
    assert client.get("/accounts/password/change/").status_code == 302
    response = owner_client.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    owner.refresh_from_db()
    assert owner.check_password(NEW_PASSWORD)


@pytest.mark.django_db
def test_header_links_follow_the_sign_in_state(client, owner_client):
    anonymous = client.get("/").content.decode()
    assert 'href="/accounts/login/"' in anonymous
    assert 'href="/accounts/signup/"' in anonymous
    signed_in = owner_client.get("/").content.decode()
    assert 'href="/profile/"' in signed_in
    assert 'action="/accounts/logout/"' in signed_in


@pytest.mark.django_db
def test_mandatory_verification_blocks_sign_in_until_confirmed(client, settings):
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
    response = sign_up(client, "careful@example.com")
    assert response.status_code == 302
    assert "confirm-email" in response["Location"]
    assert client.get("/profile/").status_code == 302
    key_link = re.search(r"(/accounts/confirm-email/\S+)", mail.outbox[0].body)
    assert key_link
    client.post(key_link.group(1).rstrip("/") + "/")
    assert EmailAddress.objects.get(email="careful@example.com").verified


def test_unknown_email_verification_setting_stops_start_up():
    from tests.helpers import manage

    result = manage(
        "check",
        env={
            "DEBUG": "1",
            "DATABASE_URL": "sqlite:///:memory:",
            "ACCOUNT_EMAIL_VERIFICATION": "sometimes",
        },
    )
    assert result.returncode != 0
    assert "ACCOUNT_EMAIL_VERIFICATION" in result.stderr
    assert "Traceback" not in result.stderr
    ok = manage(
        "check",
        env={
            "DEBUG": "1",
            "DATABASE_URL": "sqlite:///:memory:",
            "ACCOUNT_EMAIL_VERIFICATION": "Mandatory",
        },
    )
    assert ok.returncode == 0, ok.stderr
