"""The roadmap as a map (issue 17): the page with its inline SVG, the SVG file, the
layout, what a person sees of their progress on it, and the query counts."""

from __future__ import annotations

import re
from xml.etree import ElementTree

import pytest
from django.core.cache import cache
from django.test.utils import CaptureQueriesContext

from skills import demo
from skills.models import Prerequisite, Roadmap, Section, Skill, SkillPlacement
from skills.tree import Needed, PlacedSkill, SectionNode
from tests.content_data import build_content, clear_content
from tests.factories import (
    PlacementFactory,
    ProgressFactory,
    RoadmapFactory,
    SectionFactory,
    SkillFactory,
)
from tests.test_headers import csp_directives, inline_code_in_page
from tracking.map import COLUMNS, NODE_H, layout, name_lines
from tracking.models import SkillProgress

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def roadmap():
    """Backend: Basics (HTTP, Git), Languages (choose one: Python, Go), Web (Django,
    needing HTTP and Python, and Kubernetes, not on this roadmap)."""
    roadmap = RoadmapFactory(slug="backend", title="Backend")
    basics = SectionFactory(roadmap=roadmap, slug="basics", title="Basics", position=1)
    languages = SectionFactory(
        roadmap=roadmap, slug="languages", title="Languages", position=2, choose_at_least=1
    )
    web = SectionFactory(roadmap=roadmap, slug="web", title="Web", position=3)
    skills = {}
    for section, names in [
        (basics, ["HTTP", "Git"]),
        (languages, ["Python", "Go"]),
        (web, ["Django"]),
    ]:
        for position, name in enumerate(names, 1):
            skill = SkillFactory(slug=name.lower(), name=name)
            PlacementFactory(section=section, skill=skill, position=position)
            skills[name] = skill
    outside = SkillFactory(slug="kubernetes", name="Kubernetes")
    for needed in (skills["HTTP"], skills["Python"], outside):
        Prerequisite.objects.create(skill=skills["Django"], requires=needed)
    return roadmap


def nodes(html: str) -> dict[str, str]:
    """{skill page: the node link's accessible name} of a map."""
    return dict(re.findall(r'<a class="map-node[^"]*" href="([^"]+)" aria-label="([^"]+)"', html))


# The page ----------------------------------------------------------------------------------


def test_the_map_page_draws_every_skill_as_a_link_to_its_page(client, roadmap):
    response = client.get("/roadmaps/backend/map/")
    html = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "<h1>Backend: map</h1>" in html
    assert "5 skills in 3 sections" in html
    assert nodes(html) == {
        "/skills/http/": "HTTP",
        "/skills/git/": "Git",
        "/skills/python/": "Python",
        "/skills/go/": "Go",
        "/skills/django/": "Django",
    }
    assert 'href="/roadmaps/backend/">The roadmap as a list</a>' in html  # the text twin
    assert 'href="/roadmaps/backend/map.svg?download=1" download>Download SVG</a>' in html
    assert 'Languages<tspan class="map-choose"> · choose 1 of 2</tspan>' in html
    assert "sign in</a> to see your progress on the map" in html
    assert inline_code_in_page(html) == []  # the map is styled by site.css (strict CSP)


def test_the_map_shows_my_status_in_colour_icon_and_words(owner_client, owner, roadmap):
    ProgressFactory(user=owner, skill_id=_skill_id("http"), status="done")
    ProgressFactory(user=owner, skill_id=_skill_id("python"), status="learning")
    ProgressFactory(user=owner, skill_id=_skill_id("go"), status="skipped")
    html = owner_client.get("/roadmaps/backend/map/").content.decode()
    assert nodes(html) == {
        "/skills/http/": "HTTP — done",
        "/skills/git/": "Git — not started",
        "/skills/python/": "Python — learning",
        "/skills/go/": "Go — skipped",
        "/skills/django/": "Django — not started",
    }
    http = html[html.index('href="/skills/http/"') :]
    http = http[: http.index("</a>")]
    assert "<title>HTTP — done</title>" in http
    assert '<text class="map-icon"' in http and "●" in http  # not colour alone
    assert re.search(r'<a class="map-node status-done" href="/skills/http/"', html)
    assert re.search(r'<a class="map-node status-skipped" href="/skills/go/"', html)
    assert "25% done" in html  # 1 of the 4 not skipped
    assert "1 of 5 done · 1 learning · 1 skipped" in html


def _skill_id(slug: str) -> int:
    return Skill.objects.get(slug=slug).pk


def test_another_persons_progress_never_shows(owner, other_client, roadmap):
    ProgressFactory(user=owner, skill_id=_skill_id("http"), status="done")
    html = other_client.get("/roadmaps/backend/map/").content.decode()
    assert nodes(html)["/skills/http/"] == "HTTP — not started"
    assert '<a class="map-node status-done"' not in html


def test_prerequisites_on_the_roadmap_are_edges_and_others_are_left_out(client, roadmap):
    html = client.get("/roadmaps/backend/map/").content.decode()
    edges = html[html.index('<g class="map-edges"') :]
    edges = edges[: edges.index("</g>")]
    assert len(re.findall(r'class="map-edge( far)?"', edges)) == 2  # HTTP → Django, Python → Django
    assert edges.count('class="map-edge far"') == 1  # HTTP is two bands up
    assert "kubernetes" not in html.lower()


def test_a_long_name_wraps_and_ends_on_a_whole_word_with_the_full_name_in_its_title(
    client, roadmap
):
    section = roadmap.sections.get(slug="web")
    name = "Observability with OpenTelemetry and friends"
    PlacementFactory(section=section, skill=SkillFactory(slug="otel", name=name), position=9)
    html = client.get("/roadmaps/backend/map/").content.decode()
    node = html[html.index('href="/skills/otel/"') :]
    node = node[: node.index("</a>")]
    assert f'aria-label="{name}"><title>{name}</title>' in node
    lines = re.findall(r"<tspan [^>]*>([^<]*)</tspan>", node)
    assert lines == ["Observability with", "OpenTelemetry and…"]
    assert "textLength" not in node


def test_a_long_word_keeps_a_line_to_itself_squeezed_to_the_nodes_width(client, roadmap):
    name = "Internationalisation and localisation"
    section = roadmap.sections.get(slug="web")
    PlacementFactory(section=section, skill=SkillFactory(slug="i18n", name=name), position=9)
    html = client.get("/roadmaps/backend/map/").content.decode()
    node = html[html.index('href="/skills/i18n/"') :]
    node = node[: node.index("</a>")]
    first, second = re.findall(r"<tspan ([^>]*)>([^<]*)</tspan>", node)
    assert first[1] == "Internationalisation" and 'lengthAdjust="spacingAndGlyphs"' in first[0]
    assert second == (second[0], "and localisation") and "textLength" not in second[0]


@pytest.mark.parametrize(
    ("name", "lines"),
    [
        ("Git", ["Git"]),
        ("Token authentication", ["Token", "authentication"]),
        ("Load and performance testing", ["Load and", "performance testing"]),
        ("Continuous integration and delivery", ["Continuous", "integration and…"]),
        ("Pneumonoultramicroscopicsilicovolcanoconiosis", ["Pneumonoultramicro…"]),
        ("Search engines (Elasticsearch / OpenSearch)", ["Search engines…"]),
        ("Internationalisation and localisation", ["Internationalisation", "and localisation"]),
        ("Metrics (Prometheus)", ["Metrics", "(Prometheus)"]),
    ],
)
def test_names_wrap_on_whole_words(name, lines):
    assert name_lines(name) == lines


def test_a_draft_roadmap_map_is_for_staff_only(client, owner_client, staff_client):
    draft = RoadmapFactory(slug="draft", published=False)
    PlacementFactory(section=SectionFactory(roadmap=draft), skill=SkillFactory(slug="s"))
    for url in ("/roadmaps/draft/map/", "/roadmaps/draft/map.svg"):
        assert client.get(url).status_code == 404
        assert owner_client.get(url).status_code == 404
        assert staff_client.get(url).status_code == 200
    assert "Draft: only staff" in staff_client.get("/roadmaps/draft/map/").content.decode()


def test_an_unknown_roadmap_is_404(client):
    assert client.get("/roadmaps/nope/map/").status_code == 404
    assert client.get("/roadmaps/nope/map.svg").status_code == 404


def test_an_empty_roadmap_says_there_is_nothing_to_draw(client):
    RoadmapFactory(slug="empty")
    html = client.get("/roadmaps/empty/map/").content.decode()
    assert "This roadmap has no skills yet" in html
    assert "<svg" not in html


def test_the_roadmap_page_links_to_its_map(client, roadmap):
    html = client.get("/roadmaps/backend/").content.decode()
    assert '<a href="/roadmaps/backend/map/">Map</a>' in html


def test_only_get_and_head(client, roadmap):
    assert client.post("/roadmaps/backend/map/").status_code == 405
    assert client.post("/roadmaps/backend/map.svg").status_code == 405


def test_the_cached_map_follows_my_progress_and_the_content(owner_client, owner, roadmap):
    """Pages are cached (core.pages): my change of status, or an edit of the roadmap,
    shows at once."""
    html = owner_client.get("/roadmaps/backend/map/").content.decode()
    assert nodes(html)["/skills/git/"] == "Git — not started"
    SkillProgress.objects.record(owner, Skill.objects.get(slug="git"), {"status": "learning"})
    html = owner_client.get("/roadmaps/backend/map/").content.decode()
    assert nodes(html)["/skills/git/"] == "Git — learning"
    languages = Section.objects.get(slug="languages", roadmap=roadmap)
    languages.choose_at_least = 2
    languages.save()
    html = owner_client.get("/roadmaps/backend/map/").content.decode()
    assert 'Languages<tspan class="map-choose"> · choose 2 of 2</tspan>' in html


def test_every_demo_roadmap_has_a_map_signed_in_and_out(client, owner_client):
    demo.load()
    roadmaps = Roadmap.objects.filter(published=True)
    assert roadmaps.count() == len(demo.ROADMAP_FILES)
    for roadmap in roadmaps:
        placed = SkillPlacement.objects.filter(section__roadmap=roadmap).count()
        for visitor in (client, owner_client):
            for url in (f"/roadmaps/{roadmap.slug}/map/", f"/roadmaps/{roadmap.slug}/map.svg"):
                response = visitor.get(url)
                assert response.status_code == 200, url
                assert response.content.count(b'<a class="map-node') == placed, url


# The SVG file ------------------------------------------------------------------------------


def test_the_svg_file_stands_alone(owner_client, owner, roadmap):
    ProgressFactory(user=owner, skill_id=_skill_id("git"), status="done")
    response = owner_client.get("/roadmaps/backend/map.svg")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    assert "Content-Disposition" not in response
    body = response.content.decode()
    assert body.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    root = ElementTree.fromstring(response.content)  # noqa: S314 - our own answer; well-formed
    assert root.tag == f"{SVG}svg"
    assert root.find(f"{SVG}title").text == "Backend: map"
    assert "5 skills in 3 sections" in root.find(f"{SVG}desc").text
    style = root.find(f"{SVG}style").text
    assert ".map-node.status-done rect" in style
    assert "var(--accent, #0a6b5e)" in style  # light colours without the site's variables
    links = {a.get("href"): a.get("aria-label") for a in root.iter(f"{SVG}a")}
    assert links["http://testserver/skills/git/"] == "Git — done"  # absolute: works offline
    assert len(links) == 5


def test_the_svg_files_style_is_allowed_by_its_hash_and_nothing_else(client, roadmap):
    import base64
    import hashlib

    response = client.get("/roadmaps/backend/map.svg")
    style = ElementTree.fromstring(response.content).find(f"{SVG}style").text  # noqa: S314
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    policy = csp_directives(response["Content-Security-Policy"])
    assert policy["style-src"] == ["'self'", f"'sha256-{digest}'"]
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]


def test_the_svg_downloads_with_a_file_name(client, roadmap):
    response = client.get("/roadmaps/backend/map.svg?download=1")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="backend-map.svg"'
    assert response["Content-Type"].startswith("image/svg+xml")


# The layout --------------------------------------------------------------------------------


def placed(i: int, needs: tuple[int, ...] = ()) -> PlacedSkill:
    return PlacedSkill(
        i, f"s{i}", f"Skill {i}", "core", None, [Needed(f"s{n}", f"Skill {n}") for n in needs]
    )


def test_layout_puts_sections_top_to_bottom_and_wraps_skills_into_rows():
    tree = [
        SectionNode(1, "a", "A", "", skills=[placed(i) for i in range(COLUMNS + 2)]),
        SectionNode(2, "b", "B", "", skills=[placed(100, needs=(0, 999))]),
    ]
    plan = layout(tree, {2: 1})
    first, second = plan.bands
    assert first.y < second.y and first.y + first.height < second.y
    assert [band.choose for band in plan.bands] == [None, 1]
    rows = sorted({node.y for node in first.nodes})
    assert len(rows) == 2  # wrapped
    assert [node.slug for node in first.nodes if node.y == rows[1]] == ["s5", "s6"]
    xs = [node.x for node in first.nodes[:COLUMNS]]
    assert xs == sorted(xs) and xs[-1] + 168 <= plan.width
    assert all(
        first.y < node.y and node.y + NODE_H <= first.y + first.height for node in first.nodes
    )
    assert len(plan.edges) == 1  # s999 is not on the roadmap
    start = second.nodes[0]
    assert plan.edges[0].path.endswith(f"{start.y:.1f}")  # ends at the top of the skill needing it
    assert plan.height >= second.y + second.height


def test_layout_of_an_empty_roadmap():
    plan = layout([], {})
    assert plan.bands == [] and plan.edges == [] and plan.skill_count == 0


# Query counts ------------------------------------------------------------------------------


def count_queries(client, url: str) -> int:
    """Queries of a request with nothing cached (no page, tree or layout kept)."""
    from django.db import connection

    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


MAP_URLS = ("/roadmaps/grown/map/", "/roadmaps/grown/map.svg")
# Nothing cached, anonymous: the cache versions, the roadmap, its tree (3) and its
# sections' choices. Signed in, also the session, the user and my progress on its skills.
LIMITS = {"anon": 6, "me": 9}


def test_the_map_runs_a_constant_number_of_queries_from_10_to_300_skills(
    client, owner_client, owner, django_assert_max_num_queries
):
    visitors = {"anon": client, "me": owner_client}

    def counts() -> dict[tuple[str, str], int]:
        return {
            (url, who): count_queries(visitor, url)
            for url in MAP_URLS
            for who, visitor in visitors.items()
        }

    build_content(10)
    small = counts()
    clear_content()
    content = build_content(300)
    for skill in content.skills[::7]:
        ProgressFactory(user=owner, skill=skill, status="done")
    assert counts() == small
    for url in MAP_URLS:
        for who, visitor in visitors.items():
            cache.clear()
            with django_assert_max_num_queries(LIMITS[who]):
                assert visitor.get(url).status_code == 200
    html = owner_client.get("/roadmaps/grown/map/").content.decode()
    assert html.count('<a class="map-node status-') == 300
    assert html.count('<a class="map-node status-done"') == len(content.skills[::7])
    edges = re.findall(r'class="map-edge( far)?"', html)
    assert len(edges) == 1 + 2 * 300 - 3  # the legend's, then two a skill (but the first two)
