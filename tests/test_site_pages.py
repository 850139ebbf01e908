"""Site-wide answers a browser or a crawler asks for: robots.txt, the icon, a page for a
form-only address opened by hand, JSON for every address under /api/ (issue 22)."""

import pytest
from django.test import Client

from tests.factories import SkillFactory

pytestmark = pytest.mark.django_db


def test_robots_txt_lets_crawlers_read_public_pages_and_not_personal_ones(client: Client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    rules = response.content.decode().splitlines()
    assert "User-agent: *" in rules
    for private in ("/admin/", "/dashboard/", "/profile/", "/api/", "/teams/"):
        assert f"Disallow: {private}" in rules
    assert "Disallow: /roadmaps/" not in rules
    assert "Disallow: /" not in rules


def test_favicon_ico_leads_to_the_site_icon(client: Client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    icon = client.get(response["Location"])
    assert icon.status_code == 200
    assert b"<svg" in b"".join(icon.streaming_content)


def test_the_admin_links_the_site_icon(admin_client: Client):
    page = admin_client.get("/admin/").content.decode()
    assert 'rel="icon"' in page
    assert "img/favicon.svg" in page


@pytest.mark.parametrize("signed_in", [False, True])
def test_opening_a_form_only_address_shows_a_page_that_says_what_to_do(
    client: Client, owner_client: Client, signed_in: bool
):
    skill = SkillFactory(slug="docker", name="Docker")
    response = (owner_client if signed_in else client).get(f"/track/{skill.slug}/")
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    page = response.content.decode()
    assert response["Content-Type"].startswith("text/html")
    assert "This address is not a page to open." in page
    assert 'href="/roadmaps/"' in page


def test_a_get_only_page_posted_to_also_gets_the_page(client: Client):
    response = client.post("/roadmaps/")
    assert response.status_code == 405
    assert "This address is not a page to open." in response.content.decode()


@pytest.mark.parametrize("path", ["/api/v1/roadmaps", "/api/v1/tracks"])
def test_an_api_address_without_its_slash_answers_json_with_where_to_go(client: Client, path: str):
    response = client.get(path)
    assert response.status_code == 301
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["location"] == f"{path}/"
    assert response["Location"] == f"{path}/"
    assert client.get(response["Location"]).status_code == 200


def test_an_api_405_stays_json(client: Client):
    response = client.delete("/api/v1/roadmaps/")
    assert response.status_code == 405
    assert response["Content-Type"] == "application/json"
