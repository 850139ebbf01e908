"""Personal API tokens: created on /profile/tokens/, shown once, stored hashed, revoked."""

import hashlib
import re

from django.test import Client
from django.utils import timezone

from api.models import MAX_ACTIVE_TOKENS, ApiToken
from tests.api_helpers import token_client

URL = "/profile/tokens/"
KEY_RE = re.compile(r"cp_[A-Za-z0-9_-]{43}")


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/profile/tokens/")


def test_creating_a_token_shows_the_key_once_and_stores_only_its_hash(owner_client, owner):
    response = owner_client.post(URL, {"name": "laptop script"})
    assert response.status_code == 302
    assert response["Location"] == URL

    page = owner_client.get(URL)
    html = page.content.decode()
    [key] = set(KEY_RE.findall(html))
    assert "Copy it now" in html
    assert "laptop script" in html

    token = ApiToken.objects.get(user=owner)
    assert token.name == "laptop script"
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert token.prefix == key[: len(token.prefix)]
    stored = [str(getattr(token, f.attname)) for f in ApiToken._meta.fields]
    assert not any(key in value for value in stored)

    # Shown once: the next visit lists the token by its prefix only.
    again = owner_client.get(URL).content.decode()
    assert not KEY_RE.search(again)
    assert f"{token.prefix}…" in again
    assert page["Cache-Control"].startswith("max-age=0")

    # And the key works on the API.
    api = Client(headers={"Authorization": f"Bearer {key}"})
    assert api.get("/api/v1/roadmaps/").status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_a_name_is_required_and_errors_keep_nothing(owner_client, owner):
    response = owner_client.post(URL, {"name": "   "})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not ApiToken.objects.exists()


def test_active_names_are_unique_per_person_but_reusable_after_revoking(
    owner_client, owner, other_user
):
    ApiToken.objects.create_for(other_user, "ci")  # someone else's name does not count
    assert owner_client.post(URL, {"name": "ci"}).status_code == 302
    response = owner_client.post(URL, {"name": "CI"})
    assert response.status_code == 200
    assert "already have a token with this name" in response.content.decode()
    assert ApiToken.objects.for_user(owner).count() == 1

    ApiToken.objects.for_user(owner).get().revoke()
    assert owner_client.post(URL, {"name": "ci"}).status_code == 302
    assert ApiToken.objects.for_user(owner).active().count() == 1


def test_a_person_may_hold_a_bounded_number_of_tokens(owner_client, owner):
    for n in range(MAX_ACTIVE_TOKENS):
        ApiToken.objects.create_for(owner, f"t{n}")
    response = owner_client.post(URL, {"name": "one more"})
    assert response.status_code == 200
    assert "revoke one first" in response.content.decode()
    assert ApiToken.objects.for_user(owner).count() == MAX_ACTIVE_TOKENS


def test_revoking_stops_the_token_at_once(owner_client, owner):
    api, token, _ = token_client(owner)
    assert api.get("/api/v1/tracks/").status_code == 200
    response = owner_client.post(f"{URL}{token.pk}/revoke/", follow=True)
    assert response.redirect_chain == [(URL, 302)]
    assert "revoked" in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is not None
    denied = api.get("/api/v1/tracks/")
    assert denied.status_code == 401
    assert denied.json()["detail"] == "The API token is not valid or has been revoked."


def test_revoking_needs_post(owner_client, owner):
    _, token, _ = token_client(owner)
    assert owner_client.get(f"{URL}{token.pk}/revoke/").status_code == 405
    token.refresh_from_db()
    assert token.is_active


def test_nobody_can_see_or_revoke_another_persons_token(other_client, owner):
    api, token, _ = token_client(owner, "mine")
    page = other_client.get(URL).content.decode()
    assert "mine" not in page
    assert other_client.post(f"{URL}{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.is_active
    assert api.get("/api/v1/tracks/").status_code == 200


def test_forms_need_the_csrf_token(owner):
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    assert client.post(URL, {"name": "x"}).status_code == 403
    _, token, _ = token_client(owner)
    assert client.post(f"{URL}{token.pk}/revoke/").status_code == 403
    assert not ApiToken.objects.filter(name="x").exists()
    token.refresh_from_db()
    assert token.revoked_at is None


def test_revoked_tokens_are_listed_apart(owner_client, owner):
    token, _ = ApiToken.objects.create_for(owner, "old laptop")
    token.revoked_at = timezone.now()
    token.save()
    html = owner_client.get(URL).content.decode()
    assert "Revoked tokens" in html
    assert "old laptop" in html
    assert f'action="{URL}{token.pk}/revoke/"' not in html


def test_the_profile_page_links_to_the_tokens_page_and_back(owner_client):
    assert 'href="/profile/tokens/"' in owner_client.get("/profile/").content.decode()
    assert 'href="/profile/"' in owner_client.get(URL).content.decode()


def test_my_export_lists_my_tokens_but_never_a_key(owner_client, owner, other_user):
    _, token, key = token_client(owner, "laptop")
    token_client(other_user, "someone else's")
    response = owner_client.get("/me/export/")
    text = response.content.decode()
    assert key not in text
    assert token.key_hash not in text
    [exported] = response.json()["api_tokens"]
    assert exported["name"] == "laptop"
    assert exported["prefix"] == token.prefix
    assert exported["revoked_at"] is None


def test_deleting_the_account_deletes_its_tokens(owner):
    _, token, key = token_client(owner)
    owner.delete()
    assert not ApiToken.objects.filter(pk=token.pk).exists()
    assert ApiToken.objects.authenticate(key) is None
