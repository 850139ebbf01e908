"""Creating, copying and revoking an API token in a real browser."""

import pytest
from django.test import Client

from api.models import ApiToken
from skills.models import Skill
from tests.factories import UserFactory
from tracking.models import SkillProgress

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


def test_our_pages_javascript_can_use_the_api_with_the_session_and_csrf(page, live_server):
    """What htmx or a script on our pages does: same-origin fetch with the session
    cookie, and the CSRF token the page carries (base.html's hx-headers)."""
    person = UserFactory(username="cy", email="cy@example.com")
    Skill.objects.create(slug="python", name="Python")
    sign_in(page, live_server, person)
    page.goto("/profile/tokens/")
    result = page.evaluate(
        """async () => {
          const csrf = JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"];
          const put = (headers) => fetch("/api/v1/me/progress/python", {
            method: "PUT", headers: {"Content-Type": "application/json", ...headers},
            body: JSON.stringify({status: "learning", proficiency: 2}),
          });
          const saved = await put({"X-CSRFToken": csrf});
          const list = await (await fetch("/api/v1/me/progress")).json();
          return [saved.status, list];
        }"""
    )
    status, listing = result
    assert status == 200  # (without the header it is a 403: tests/test_api_me.py)
    assert listing["count"] == 1
    assert listing["items"][0]["status"] == "learning"
    assert SkillProgress.objects.get(user=person).proficiency == 2
