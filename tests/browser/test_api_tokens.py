"""Creating, copying and revoking an API token in a real browser."""

import pytest
from django.test import Client

from api.models import ApiToken
from tests.factories import UserFactory

pytestmark = pytest.mark.browser


def sign_in(page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies["sessionid"]
    page.context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])


def test_create_see_once_and_revoke_a_token(page, live_server):
    person = UserFactory(username="ada", email="ada@example.com")
    sign_in(page, live_server, person)
    page.goto("/profile/tokens/")
    assert page.get_by_text("You have no API tokens").is_visible()

    page.get_by_label("Name").fill("laptop script")
    page.get_by_role("button", name="Create token").click()
    key_field = page.get_by_label("Token (shown only this once)")
    key = key_field.input_value()
    assert key.startswith("cp_")
    assert len(key) == 46
    assert ApiToken.objects.authenticate(key).user == person

    page.reload()
    assert page.get_by_label("Token (shown only this once)").count() == 0
    assert page.get_by_role("row", name="laptop script").is_visible()

    page.get_by_role("button", name="Revoke laptop script").click()
    assert page.get_by_text("revoked: it no longer works").is_visible()
    assert ApiToken.objects.authenticate(key) is None


def test_tokens_page_fits_a_phone(page, live_server):
    person = UserFactory(username="bo", email="bo@example.com")
    ApiToken.objects.create_for(person, "a token with a rather long descriptive name")
    sign_in(page, live_server, person)
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto("/profile/tokens/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
