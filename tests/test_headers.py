"""Security headers on a sample of pages, production's HTTPS headers and cookies, and no
inline code anywhere (templates and rendered pages), so the strict CSP breaks nothing.

tests/test_home.py checks the home page's policy and tests/test_settings.py the settings'
values; here the headers are checked on every kind of response (HTML, JSON, errors) and
production's behaviour over a real request.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.test import Client

from tests.factories import PlacementFactory, ProgressFactory, RoadmapFactory, SectionFactory
from tests.helpers import ROOT, manage
from tests.test_settings import PRODUCTION

# (path, signed in, expected status, kind of body)
SAMPLE = [
    ("/", False, 200, "html"),
    ("/roadmaps/backend/", False, 200, "html"),
    ("/roadmaps/backend/", True, 200, "html"),
    ("/skills/python/", True, 200, "html"),
    ("/dashboard/", True, 200, "html"),
    ("/dashboard/compare/", True, 200, "html"),
    ("/profile/", True, 200, "html"),
    ("/salaries/contribute/", True, 200, "html"),
    ("/api/v1/docs", False, 200, "html"),
    ("/no/such/page/", False, 404, "html"),
    ("/api/v1/roadmaps/", False, 200, "json"),
    ("/api/v1/me/progress", True, 200, "json"),
    ("/api/v1/me/profile", False, 401, "json"),
    ("/api/v1/no-such-endpoint", False, 404, "json"),  # the resolver's 404, made JSON
    ("/me/export/", True, 200, "json"),
]
SAMPLE_IDS = [f"{'me' if signed_in else 'anon'}:{path}" for path, signed_in, *_ in SAMPLE]
STRICT_REFERRER = {"no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"}


@pytest.fixture
def content(owner):
    roadmap = RoadmapFactory(slug="backend", title="Backend")
    placement = PlacementFactory(
        section=SectionFactory(roadmap=roadmap), skill__slug="python", skill__name="Python"
    )
    ProgressFactory(user=owner, skill=placement.skill, notes="My notes")


def get(path: str, signed_in: bool, owner_client: Client):
    return (owner_client if signed_in else Client()).get(path)


def csp_directives(policy: str) -> dict[str, list[str]]:
    directives = {}
    for part in policy.split(";"):
        name, *sources = part.split()
        assert name not in directives, f"{name} given twice"
        directives[name.lower()] = sources
    return directives


def assert_strict_policy(policy: str) -> None:
    directives = csp_directives(policy)
    assert directives.get("default-src") in (["'self'"], ["'none'"]), policy
    for name, sources in directives.items():
        for source in sources:
            assert source not in {"'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'"}, policy
            assert source not in {"*", "http:", "https:"}, f"{name} allows any site: {policy}"
    for name in ("script-src", "style-src"):  # falling back to default-src is as strict
        for source in directives.get(name, []):
            assert source == "'self'" or source.startswith("'nonce-"), f"{name}: {policy}"
    assert directives.get("object-src") == ["'none'"], policy
    assert directives.get("base-uri") in (["'self'"], ["'none'"]), policy
    assert directives.get("frame-ancestors") == ["'none'"], policy


@pytest.mark.parametrize(("path", "signed_in", "status", "kind"), SAMPLE, ids=SAMPLE_IDS)
def test_every_kind_of_response_sends_the_security_headers(
    path, signed_in, status, kind, content, owner_client
):
    response = get(path, signed_in, owner_client)
    assert response.status_code == status
    expected_type = "text/html" if kind == "html" else "application/json"
    assert response["Content-Type"].startswith(expected_type)
    assert_strict_policy(response.get("Content-Security-Policy", ""))
    assert response.get("X-Frame-Options") == "DENY"
    assert response.get("X-Content-Type-Options") == "nosniff"
    assert response.get("Referrer-Policy") in STRICT_REFERRER
    assert response.get("Cross-Origin-Opener-Policy") == "same-origin"
    assert "camera=()" in response.get("Permissions-Policy", "")
    assert "geolocation=()" in response.get("Permissions-Policy", "")


@pytest.mark.parametrize(
    "policy",
    [
        "default-src 'self'; script-src 'self' 'unsafe-inline'; object-src 'none'; "
        "base-uri 'self'; frame-ancestors 'none'",
        "default-src *; object-src 'none'; base-uri 'self'; frame-ancestors 'none'",
        "default-src 'self'; style-src 'self' https:; object-src 'none'; base-uri 'self'; "
        "frame-ancestors 'none'",
        "default-src 'self'; object-src 'none'; base-uri 'self'",
    ],
)
def test_the_policy_check_refuses_a_weak_policy(policy):
    with pytest.raises(AssertionError):
        assert_strict_policy(policy)


def test_production_sends_hsts_and_secure_http_only_cookies():
    """Over HTTPS in production settings: HSTS, and the cookies a sign-in sets are
    Secure (both) and HttpOnly (the session); plain HTTP is sent to HTTPS."""
    code = """
import json
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

call_command("migrate", verbosity=0)
get_user_model().objects.create_user("p", "p@example.com", "correct-horse-battery")
client = Client(SERVER_NAME="careers.example.com")
plain = client.get("/roadmaps/")
response = client.post(
    "/accounts/login/",
    {"login": "p@example.com", "password": "correct-horse-battery"},
    secure=True,
)
cookies = {
    name: {"secure": bool(m["secure"]), "httponly": bool(m["httponly"]), "samesite": m["samesite"]}
    for name, m in response.cookies.items()
}
print(json.dumps({
    "plain": [plain.status_code, plain.get("Location")],
    "status": response.status_code,
    "location": response.get("Location"),
    "hsts": response.get("Strict-Transport-Security"),
    "cookies": cookies,
}))
"""
    result = manage("shell", "-v", "0", "-c", code, env=PRODUCTION)
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["plain"] == [301, "https://careers.example.com/roadmaps/"]
    assert seen["status"] == 302 and seen["location"] == "/dashboard/"  # signed in
    assert seen["hsts"] == "max-age=31536000; includeSubDomains; preload"
    session, csrf = seen["cookies"]["sessionid"], seen["cookies"]["csrftoken"]
    assert session == {"secure": True, "httponly": True, "samesite": "Lax"}
    assert csrf["secure"] is True
    assert csrf["samesite"] == "Lax"


# No inline code: what the strict policy would block ------------------------------------

DATA_BLOCK_TYPES = {"application/json", "application/ld+json"}  # data, never run


class InlineCode(HTMLParser):
    """Collects inline script, inline style and event-handler attributes of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.script: dict[str, str | None] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        for name, _value in attrs:
            if name == "style" or re.fullmatch(r"on[a-z]+", name):
                self.problems.append(f"<{tag} {name}=…>")
        if tag == "style" and "nonce" not in names:
            self.problems.append("<style> without a nonce")
        if tag == "script":
            self.script = names

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self.script = None

    def handle_data(self, data: str) -> None:
        if self.script is None or not data.strip():
            return
        if "nonce" in self.script or self.script.get("type") in DATA_BLOCK_TYPES:
            return
        self.problems.append(f"inline <script>: {data.strip()[:60]!r}")


def inline_code_in_page(html: str) -> list[str]:
    parser = InlineCode()
    parser.feed(html)
    parser.close()
    return parser.problems


SCRIPT_BLOCK = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.S | re.I)
STYLE_BLOCK = re.compile(r"<style\b([^>]*)>", re.I)
INLINE_ATTRIBUTE = re.compile(r"<[a-zA-Z][^<>]*?\s(style|on[a-z]+)\s*=", re.I)


def inline_code_in_template(source: str) -> list[str]:
    """The same rules over a template's source (its tags and variables are left as text)."""
    problems = []
    for attrs, script in SCRIPT_BLOCK.findall(source):
        data_block = re.search(r"type=[\"']application/(ld\+)?json[\"']", attrs)
        if script.strip() and "nonce" not in attrs and not data_block:
            problems.append(f"inline <script>: {script.strip()[:60]!r}")
    problems += ["<style> without a nonce" for a in STYLE_BLOCK.findall(source) if "nonce" not in a]
    problems += [f"a {name}= attribute" for name in INLINE_ATTRIBUTE.findall(source)]
    return problems


def project_templates() -> list[Path]:
    found = [*ROOT.glob("templates/**/*.html"), *ROOT.glob("*/templates/**/*.html")]
    return sorted(p for p in found if not p.relative_to(ROOT).parts[0].startswith("."))


@pytest.mark.parametrize(
    "html",
    [
        "<p>Hi</p><script>alert(1)</script>",
        '<script src="/x.js">alert(1)</script>',
        '<p style="color: red">x</p>',
        "<style>p { color: red }</style>",
        '<button onclick="go()">Go</button>',
        "<a href='#' onMouseOver='go()'>Go</a>",
    ],
)
def test_the_inline_code_checks_find_inline_code(html):
    assert inline_code_in_page(html)
    assert inline_code_in_template(html)


def test_the_inline_code_checks_accept_external_nonced_and_data_scripts():
    html = (
        '<script src="/static/site.js" defer></script>'
        '<script nonce="abc">start()</script>'
        '<script id="settings" type="application/json">{"a": 1}</script>'
        "<p>style=this is text, onclick=so is this</p><details open><summary>x</summary></details>"
    )
    assert inline_code_in_page(html) == []
    assert inline_code_in_template(html) == []


def test_no_template_has_inline_code():
    templates = project_templates()
    assert len(templates) > 30
    problems = {
        str(path.relative_to(ROOT)): found
        for path in templates
        if (found := inline_code_in_template(path.read_text()))
    }
    assert problems == {}


@pytest.mark.parametrize(
    ("path", "signed_in"),
    [(path, signed_in) for path, signed_in, _status, kind in SAMPLE if kind == "html"],
    ids=[i for i, (*_rest, kind) in zip(SAMPLE_IDS, SAMPLE, strict=True) if kind == "html"],
)
def test_no_rendered_page_has_inline_code(path, signed_in, content, owner_client):
    response = get(path, signed_in, owner_client)
    html = response.content.decode()
    assert "<script" in html  # the page does load its scripts: the check sees them
    assert inline_code_in_page(html) == []
