"""The interactive API documentation in a real browser, under the strict CSP.

The harness fails the test on any console error (a CSP violation is one), any request
outside the live server (Swagger UI's default would call validator.swagger.io) and any
serious or critical axe-core violation, including after the page has been used.
"""

import pytest

from skills.models import Roadmap

pytestmark = pytest.mark.browser


def test_api_docs_render_from_local_files_under_the_csp(page):
    response = page.goto("/api/v1/docs")
    assert response.status == 200
    assert "'unsafe-inline'" not in response.headers["content-security-policy"]
    page.get_by_role("heading", name="Careerpath API").wait_for()
    page.locator(".opblock-summary-path", has_text="/api/v1/roadmaps/").first.wait_for()
    assert page.locator(".opblock").count() >= 4


def test_try_it_out_calls_the_api_and_shows_the_answer(page):
    Roadmap.objects.create(slug="backend", title="Backend Developer", published=True)
    page.goto("/api/v1/docs")
    page.locator(".opblock-summary-control", has_text="/api/v1/roadmaps/").first.click()
    page.get_by_role("button", name="Try it out").click()
    page.get_by_role("button", name="Execute").click()
    body = page.locator(".live-responses-table .response-col_description pre").first
    body.wait_for()
    assert '"slug": "backend"' in body.inner_text()
    # The dialog where a person pastes a token is usable too.
    page.get_by_role("button", name="Authorize").first.click()
    page.get_by_role("button", name="Close").first.wait_for()
