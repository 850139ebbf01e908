"""Roadmaps and skills: the model's rules, the public pages, their query counts."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from skills import demo
from skills.graph import find_cycle_in
from skills.models import Prerequisite, Roadmap, Section, SkillPlacement
from tests.content_data import build_content, clear_content
from tests.factories import (
    LevelFactory,
    PlacementFactory,
    RequirementFactory,
    ResourceFactory,
    RoadmapFactory,
    SectionFactory,
    SkillFactory,
)
from tracking.models import SkillProgress

pytestmark = pytest.mark.django_db


# The model's rules ------------------------------------------------------------------------


def test_sections_and_skills_come_in_position_order():
    roadmap = RoadmapFactory(slug="r")
    late = SectionFactory(roadmap=roadmap, title="Late", position=9)
    early = SectionFactory(roadmap=roadmap, title="Early", position=2)
    PlacementFactory(section=early, skill=SkillFactory(name="Second"), position=5)
    PlacementFactory(section=early, skill=SkillFactory(name="First"), position=1)
    assert list(roadmap.sections.all()) == [early, late]
    assert [p.skill.name for p in early.placements.all()] == ["First", "Second"]


def test_ordering_keys_and_slugs_are_unique_in_the_database():
    section = SectionFactory(position=1, slug="one")
    with pytest.raises(IntegrityError), transaction.atomic():
        Section.objects.create(roadmap=section.roadmap, slug="two", title="x", position=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Section.objects.create(roadmap=section.roadmap, slug="one", title="x", position=2)
    PlacementFactory(section=section, position=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        PlacementFactory(section=section, position=1)
    skill = SkillFactory(slug="unique")
    with pytest.raises(IntegrityError), transaction.atomic():
        SkillFactory._meta.model.objects.create(slug="unique", name="again")
    ResourceFactory(skill=skill, position=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        ResourceFactory(skill=skill, position=1)


def test_a_skill_cannot_require_itself_in_the_database():
    skill = SkillFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Prerequisite.objects.create(skill=skill, requires=skill)


def test_a_prerequisite_that_closes_a_cycle_is_refused_with_the_cycle_named():
    a, b, c = SkillFactory(name="Alpha"), SkillFactory(name="Beta"), SkillFactory(name="Gamma")
    Prerequisite.objects.create(skill=b, requires=a)
    Prerequisite.objects.create(skill=c, requires=b)
    closing = Prerequisite(skill=a, requires=c)
    with pytest.raises(ValidationError) as caught:
        closing.full_clean()
    message = " ".join(caught.value.messages)
    assert "cycle" in message
    assert "Alpha → Gamma → Beta → Alpha" in message


def test_an_acyclic_prerequisite_is_accepted():
    a, b, c = SkillFactory(), SkillFactory(), SkillFactory()
    Prerequisite.objects.create(skill=b, requires=a)
    Prerequisite(skill=c, requires=a).full_clean()  # a diamond is fine
    Prerequisite.objects.create(skill=c, requires=a)
    Prerequisite(skill=c, requires=b).full_clean()
    assert Prerequisite.objects.find_cycle() is None


def test_editing_a_prerequisite_does_not_count_its_old_edge():
    a, b, c = SkillFactory(), SkillFactory(), SkillFactory()
    link = Prerequisite.objects.create(skill=b, requires=a)
    Prerequisite.objects.create(skill=c, requires=b)
    # Turning "b needs a" into "a needs b" is fine: the old edge goes away.
    link.skill, link.requires = a, b
    link.full_clean()
    # Turning it into "b needs c" is a cycle, since c needs b.
    link.skill, link.requires = b, c
    with pytest.raises(ValidationError):
        link.full_clean()


def test_find_cycle_in_reports_a_path_or_none():
    assert find_cycle_in([("a", "b"), ("b", "c")]) is None
    cycle = find_cycle_in([("a", "b"), ("b", "c"), ("c", "a"), ("x", "a")])
    assert cycle[0] == cycle[-1]
    assert set(cycle) == {"a", "b", "c"}
    assert find_cycle_in([("a", "a")]) == ["a", "a"]


def test_a_skill_appears_in_one_section_of_a_roadmap_only():
    roadmap = RoadmapFactory()
    first, second = SectionFactory(roadmap=roadmap), SectionFactory(roadmap=roadmap)
    skill = SkillFactory(name="Git")
    PlacementFactory(section=first, skill=skill)
    again = SkillPlacement(section=second, skill=skill, kind="core", position=1)
    with pytest.raises(ValidationError) as caught:
        again.full_clean()
    assert "already in the section" in str(caught.value)
    # ...but it may appear in another roadmap.
    SkillPlacement(section=SectionFactory(), skill=skill, kind="core", position=1).full_clean()


def test_requirement_proficiency_is_kept_in_range_by_the_database():
    requirement = RequirementFactory(proficiency=4)
    requirement.proficiency = 5
    with pytest.raises(IntegrityError), transaction.atomic():
        requirement.save()


# Pages ----------------------------------------------------------------------------------


def test_roadmap_list_shows_published_roadmaps_with_counts(client):
    roadmap = RoadmapFactory(title="Backend Developer", slug="backend")
    section = SectionFactory(roadmap=roadmap)
    PlacementFactory.create_batch(3, section=section)
    RoadmapFactory(title="Secret draft", published=False)
    response = client.get("/roadmaps/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Backend Developer" in html
    assert 'href="/roadmaps/backend/"' in html
    assert "3 skills" in html
    assert "in 1 section" in html
    assert "Secret draft" not in html


def test_roadmap_list_without_roadmaps_says_what_it_is_for(client):
    response = client.get("/roadmaps/")
    assert "No roadmap is published yet" in response.content.decode()


def test_roadmap_page_shows_sections_skills_kinds_and_prerequisites(client):
    roadmap = RoadmapFactory(slug="backend", title="Backend Developer")
    internet = SectionFactory(roadmap=roadmap, slug="internet", title="Internet", position=1)
    apis = SectionFactory(roadmap=roadmap, slug="apis", title="APIs", position=2)
    http = SkillFactory(slug="http", name="HTTP")
    rest = SkillFactory(slug="rest", name="REST")
    outside = SkillFactory(slug="outside", name="Outside skill")
    Prerequisite.objects.create(skill=rest, requires=http)
    Prerequisite.objects.create(skill=rest, requires=outside)
    PlacementFactory(section=internet, skill=http, kind="core", position=1)
    PlacementFactory(section=apis, skill=rest, kind="optional", position=1)
    response = client.get(reverse("tracking:roadmap_detail", args=["backend"]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "2 skills in 2 sections" in html
    assert '<details class="section-group" id="section-internet" open>' in html
    assert html.index("Internet") < html.index("APIs")
    assert 'id="skill-rest"' in html
    assert 'class="skill-kind badge kind-optional">optional<' in html
    assert 'href="#skill-http">HTTP</a>' in html  # on this page: an anchor
    assert 'href="/skills/outside/">Outside skill</a>' in html  # elsewhere: its page


def test_draft_roadmap_is_hidden_from_the_public_but_staff_can_preview_it(
    client, owner_client, staff_client
):
    RoadmapFactory(slug="draft", title="Draft map", published=False)
    assert client.get("/roadmaps/draft/").status_code == 404
    assert owner_client.get("/roadmaps/draft/").status_code == 404
    response = staff_client.get("/roadmaps/draft/")
    assert response.status_code == 200
    assert "Draft: only staff can see this roadmap" in response.content.decode()


def test_unknown_roadmap_or_skill_gets_a_helpful_404(client):
    for url in ("/roadmaps/nope/", "/skills/nope/"):
        response = client.get(url)
        assert response.status_code == 404
        html = response.content.decode()
        assert 'href="/roadmaps/"' in html
        assert 'href="/careers/"' in html


def test_skill_page_shows_description_prerequisites_unlocks_resources_and_levels(client):
    roadmap = RoadmapFactory(slug="backend", title="Backend Developer")
    section = SectionFactory(roadmap=roadmap, title="APIs")
    rest = SkillFactory(slug="rest", name="REST", description="Resources over **HTTP**.")
    http = SkillFactory(slug="http", name="HTTP")
    graphql = SkillFactory(slug="graphql", name="GraphQL")
    Prerequisite.objects.create(skill=rest, requires=http)
    Prerequisite.objects.create(skill=graphql, requires=rest)
    PlacementFactory(section=section, skill=rest, kind="core")
    ResourceFactory(skill=rest, title="RFC 9110", url="https://www.rfc-editor.org/rfc/rfc9110")
    level = LevelFactory(name="Senior backend engineer", track__name="Backend engineering")
    RequirementFactory(level=level, skill=rest, proficiency=3)
    response = client.get("/skills/rest/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>REST</h1>" in html
    assert "Resources over <strong>HTTP</strong>." in html
    assert "In the Backend Developer roadmap, section “APIs”:" in html
    assert "A alternative" not in html and "A optional" not in html  # issue 22's "A alternative"
    learn_first = html[html.index("Learn first") : html.index("What it unlocks")]
    assert 'href="/skills/http/"' in learn_first
    unlocks = html[html.index("What it unlocks") : html.index("Where to learn it")]
    assert 'href="/skills/graphql/"' in unlocks
    assert 'href="https://www.rfc-editor.org/rfc/rfc9110" rel="noopener nofollow">RFC 9110' in html
    levels = html[html.index("Levels that expect it") :]
    assert "Senior backend engineer" in levels
    assert "Backend engineering" in levels
    assert "practitioner" in levels
    assert 'aria-label="Proficiency: practitioner (3 of 4)"' in levels


def test_skill_page_without_links_says_so(client):
    SkillFactory(slug="lonely", name="Lonely", description="")
    html = client.get("/skills/lonely/").content.decode()
    assert "Nothing: you can start here." in html
    assert "No learning resources listed yet." in html
    assert "No career level lists this skill yet." in html


def test_skill_page_does_not_mention_draft_roadmaps_to_the_public(client):
    draft = RoadmapFactory(title="Hidden plan", published=False)
    PlacementFactory(section=SectionFactory(roadmap=draft), skill=SkillFactory(slug="s"))
    assert "Hidden plan" not in client.get("/skills/s/").content.decode()


def test_descriptions_are_rendered_safely(client):
    SkillFactory(
        slug="evil",
        name="Evil",
        description=(
            "<script>alert('x')</script>\n\n"
            "[click](javascript:alert(1)) and [docs](https://example.com/)\n\n"
            '<img src="x" onerror="alert(1)">'
        ),
    )
    html = client.get("/skills/evil/").content.decode()
    assert "<script>alert" not in html
    assert "javascript:" not in html
    assert "onerror" not in html
    assert '<a href="https://example.com/" rel="nofollow noopener">docs</a>' in html


# Query counts ---------------------------------------------------------------------------

PAGES = {
    "/roadmaps/": 1,
    "/roadmaps/grown/": 4,
    "/skills/grown-5/": 7,
}


def count_queries(client, url: str) -> int:
    from django.db import connection

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def test_roadmap_pages_run_a_constant_number_of_queries_from_10_to_300_skills(
    client, django_assert_max_num_queries
):
    build_content(10)
    small = {url: count_queries(client, url) for url in PAGES}
    clear_content()
    content = build_content(300)
    assert Roadmap.objects.get().sections.count() == 10
    assert SkillPlacement.objects.count() == 300 == len(content.skills)
    large = {url: count_queries(client, url) for url in PAGES}
    assert small == large
    for url, limit in PAGES.items():
        with django_assert_max_num_queries(limit):
            client.get(url)
    html = client.get("/roadmaps/grown/").content.decode()
    assert html.count('class="skill-row"') == 300


def test_the_demo_roadmap_signed_in_is_small(owner_client, owner):
    """Issue 14: at most 80 KB of HTML signed in (before compression), with a section
    being edited too; a person's progress shown."""
    demo.load()
    roadmap = Roadmap.objects.get(slug="backend")
    placements = SkillPlacement.objects.filter(section__roadmap=roadmap).select_related("skill")
    for i, placement in enumerate(placements[::3]):
        status = ("done", "learning", "skipped")[i % 3]
        SkillProgress.objects.record(owner, placement.skill, {"status": status, "proficiency": 2})
    page = owner_client.get("/roadmaps/backend/")
    assert page.content.count(b'class="skill-row"') == placements.count() >= 100
    assert len(page.content) <= 80_000
    biggest = max(roadmap.sections.all(), key=lambda section: section.placements.count())
    first = biggest.placements.order_by("position").first().skill.slug
    editing = owner_client.get(f"/roadmaps/backend/?edit={first}")
    assert editing.content.count(b'name="status"') == biggest.placements.count()
    assert len(editing.content) <= 80_000
