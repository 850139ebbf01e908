"""Sections to choose from ("pick one language"): one completion everywhere.

A section with `choose_at_least` counts as that many skills, complete when that many of
its skills are done; skipped skills in it do not matter. The roadmap page, the
dashboard, the public profile, the roadmaps index and the API say the same numbers.
"""

import random
import re

import pytest
from django.test.utils import CaptureQueriesContext

from accounts.models import Profile
from skills import demo
from skills.models import Roadmap, Section
from tests.content_data import build_content, clear_content
from tests.factories import PlacementFactory, RoadmapFactory, SectionFactory
from tracking.models import (
    SkillProgress,
    Status,
    chosen_counts,
    completion_percent,
    roadmaps_with_progress,
    sections_with_progress,
)

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    """The page's visible text, whitespace collapsed."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


# The rule ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("counts", "at_least", "expected"),
    [
        ((6, 0, 0, 0), 1, (1, 0, 0, 0)),  # nothing done: 0 of 1
        ((6, 1, 0, 0), 1, (1, 1, 0, 0)),  # one language done: complete
        ((6, 2, 1, 0), 1, (1, 1, 0, 0)),  # more than asked counts as asked
        ((6, 0, 2, 3), 1, (1, 0, 1, 0)),  # learning fills the rest; skipped do not matter
        ((6, 1, 2, 0), 2, (2, 1, 1, 0)),
        ((2, 1, 0, 1), 5, (2, 1, 0, 0)),  # never more than the section holds
        ((6, 2, 1, 3), None, (6, 2, 1, 3)),  # a plain section counts every skill
    ],
)
def test_a_section_to_choose_from_counts_as_the_number_to_choose(counts, at_least, expected):
    assert chosen_counts(*counts, at_least) == expected


# A Python developer, everywhere ---------------------------------------------------------

# Python and Go done, Rust skipped: the languages section is complete (1 of 1). Elsewhere
# Git done, HTTP learning, DNS skipped. 120 skills, the six languages counting as one:
# 115 counted, 2 done, 1 learning, 1 skipped → 2 / 114 = 2%. (Counting every language,
# it would be 3 done of 118 = 3%.)
MARKS = {
    "python": "done",
    "go": "done",
    "rust": "skipped",
    "git": "done",
    "http": "learning",
    "dns": "skipped",
}
EXPECTED = {"total": 115, "done": 2, "learning": 1, "skipped": 1, "percent": 2}


@pytest.fixture
def python_developer(owner, owner_client):
    demo.load()
    for slug, status in MARKS.items():  # the real form, as a person marks a skill
        response = owner_client.post(f"/track/{slug}/", {"status": status, "proficiency": "2"})
        assert response.status_code == 302, slug
    assert SkillProgress.objects.filter(user=owner).count() == len(MARKS)
    Profile.objects.filter(user=owner).update(visibility="public")
    return owner


def figures(item) -> dict:
    return {
        "total": item.progress_total,
        "done": item.progress_done,
        "learning": item.progress_learning,
        "skipped": item.progress_skipped,
        "percent": item.percent,
    }


def test_a_python_developer_sees_the_languages_section_complete_everywhere(
    python_developer, owner_client, client
):
    # The roadmap page: the section's header, its bar and its counts.
    page = owner_client.get("/roadmaps/backend/")
    languages = next(s for s in page.context["sections"] if s.slug == "languages")
    assert (languages.progress_done, languages.progress_total, languages.percent) == (1, 1, 100)
    assert figures(page.context["roadmap_progress"]) == EXPECTED
    html = page.content.decode()
    section = html[html.index('id="section-languages"') : html.index('id="section-version')]
    assert "Choose 1 of 6" in section
    assert 'value="100"' in section
    assert "1 of 1 done · complete" in text_of_html(section)
    assert "2 of 115 done · 1 learning · 1 skipped" in text_of(page)

    # The dashboard: the same roadmap figures, the section complete. (Git, HTTP and DNS
    # are in other demo roadmaps too: those are started as well.)
    dashboard = owner_client.get("/dashboard/")
    shown = {r.slug: r for r in dashboard.context["roadmaps"]}
    assert figures(shown["backend"]) == EXPECTED
    by_slug = {s.slug: s for s in shown["backend"].section_list}
    assert (by_slug["languages"].progress_done, by_slug["languages"].percent) == (1, 100)
    started = {slug: figures(r) for slug, r in shown.items()}
    assert len(started) >= 2
    counted = sum(f["total"] - f["skipped"] for f in started.values())
    assert dashboard.context["roadmap_percent"] == completion_percent(
        sum(f["done"] for f in started.values()), counted
    )

    # The roadmap page of every started roadmap counts as the dashboard does.
    for slug, expected in started.items():
        assert figures(owner_client.get(f"/roadmaps/{slug}/").context["roadmap_progress"]) == (
            expected
        ), slug

    # The public profile, seen by anyone.
    profile = client.get("/u/owner/")
    on_profile = {r.slug: r for r in profile.context["roadmaps"]}
    assert {slug: figures(r) for slug, r in on_profile.items()} == started
    assert {s.slug: s.percent for s in on_profile["backend"].section_list}["languages"] == 100
    first = profile.context["roadmaps"][0]
    assert first.slug == "backend"  # the first in order
    assert "2% of the Backend Developer roadmap done" in text_of(profile)

    # The API: every published roadmap, the started ones with the same figures.
    api = {item["slug"]: item for item in owner_client.get("/api/v1/me/roadmaps/").json()["items"]}
    assert api["backend"] == {
        "slug": "backend",
        "done": 2,
        "total": 115,
        "skipped": 1,
        "percent": 2,
    }
    for slug, expected in started.items():
        item = api[slug]
        assert (item["done"], item["total"], item["skipped"], item["percent"]) == (
            expected["done"],
            expected["total"],
            expected["skipped"],
            expected["percent"],
        ), slug
    assert len(api) == 6
    assert all(api[slug]["done"] == 0 for slug in api.keys() - started.keys())

    # The roadmaps index.
    index = owner_client.get("/roadmaps/")
    html = index.content.decode()
    backend = html[html.index('aria-labelledby="roadmap-backend"') :]
    backend = text_of_html(backend[: backend.index("</section>")])
    assert "2% done" in backend
    assert "2 of 115 done · 1 learning · 1 skipped" in backend


def text_of_html(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def test_the_roadmap_page_counts_as_the_database_does(owner, owner_client):
    """Random progress on a roadmap with sections to choose from of every size: the
    page's figures (counted in Python) equal sections_with_progress and
    roadmaps_with_progress (counted in SQL), section by section and in total."""
    content = build_content(60)
    sections = list(content.roadmap.sections.order_by("position"))
    for section, at_least in zip(sections, [1, 2, 6, 9, None, 3], strict=False):
        section.choose_at_least = at_least  # 9: more than the section's 6 skills
        section.save()
    rng = random.Random(17)
    statuses = [Status.DONE, Status.LEARNING, Status.SKIPPED, Status.NOT_STARTED]
    for skill in content.skills:
        status = rng.choice(statuses)
        if status != Status.NOT_STARTED:
            SkillProgress.objects.create(user=owner, skill=skill, status=status)
    page = owner_client.get("/roadmaps/grown/")
    in_sql = {
        s.slug: (s.progress_total, s.progress_done, s.progress_learning, s.progress_skipped)
        for s in sections_with_progress(Section.objects.filter(roadmap=content.roadmap), owner)
    }
    on_page = {
        s.slug: (s.progress_total, s.progress_done, s.progress_learning, s.progress_skipped)
        for s in page.context["sections"]
    }
    assert on_page == in_sql
    assert in_sql["part-0"][0] == 1 and in_sql["part-3"][0] == 6  # chosen; clamped to 6
    roadmap = roadmaps_with_progress(Roadmap.objects.filter(slug="grown"), owner).get()
    overall = page.context["roadmap_progress"]
    assert (roadmap.progress_total, roadmap.progress_done, roadmap.progress_skipped) == (
        overall.progress_total,
        overall.progress_done,
        overall.progress_skipped,
    )
    assert sum(figures[0] for figures in in_sql.values()) == overall.progress_total
    api = owner_client.get("/api/v1/me/roadmaps/").json()["items"]
    assert api == [
        {
            "slug": "grown",
            "done": overall.progress_done,
            "total": overall.progress_total,
            "skipped": overall.progress_skipped,
            "percent": completion_percent(
                overall.progress_done, overall.progress_total, overall.progress_skipped
            ),
        }
    ]


def test_saving_a_row_with_htmx_updates_the_section_to_complete(owner, owner_client):
    roadmap = RoadmapFactory(slug="mine")
    section = SectionFactory(roadmap=roadmap, slug="langs", title="Languages", choose_at_least=1)
    python, _go = (PlacementFactory(section=section).skill for _ in range(2))
    response = owner_client.post(
        f"/track/{python.slug}/",
        {"status": "done", "proficiency": "2", "section": str(section.pk)},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    bar = response.content.decode()
    bar = bar[bar.index('id="section-progress-langs"') :]
    assert "1 of 1 done · complete" in text_of_html(bar[: bar.index("</span>\n</span>")])


def test_an_anonymous_visitor_sees_what_to_choose(client):
    demo.load()
    text = text_of(client.get("/roadmaps/backend/"))
    assert "Programming languages Choose 1 of 6" in text
    assert "complete" not in text


# The API's roadmap ----------------------------------------------------------------------


def test_the_api_roadmap_says_which_sections_are_to_choose_from(client):
    demo.load()
    sections = client.get("/api/v1/roadmaps/backend/").json()["sections"]
    choose = {s["slug"]: s["choose"] for s in sections}
    assert choose["languages"] == {"at_least": 1}
    assert choose["internet"] is None
    assert len(choose) == 20


def test_my_roadmaps_need_a_sign_in_and_list_published_roadmaps_only(client, owner_client):
    build_content(10)
    RoadmapFactory(slug="draft", published=False)
    assert client.get("/api/v1/me/roadmaps/").status_code == 401
    items = owner_client.get("/api/v1/me/roadmaps/").json()
    assert items == {
        "items": [{"slug": "grown", "done": 0, "total": 10, "skipped": 0, "percent": 0}],
        "count": 1,
    }


def count_queries(client, url: str) -> int:
    from django.db import connection

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


@pytest.mark.parametrize(
    ("url", "signed_in", "limit"),
    [
        # session, user, versions, roadmaps with progress, tracks (two ways), their names
        ("/roadmaps/", True, 7),
        ("/roadmaps/", False, 5),
        ("/api/v1/me/roadmaps/", True, 4),
        ("/roadmaps/grown/", True, 8),
    ],
)
def test_query_counts_are_the_same_for_10_and_300_skills(
    url, signed_in, limit, owner, owner_client, client, django_assert_max_num_queries
):
    from django.core.cache import cache

    visitor = owner_client if signed_in else client

    def grow(n: int) -> None:
        content = build_content(n)
        for section in content.roadmap.sections.all()[:3]:
            section.choose_at_least = 1
            section.save()
        for skill in content.skills[::2]:
            SkillProgress.objects.create(user=owner, skill=skill, status=Status.DONE)
        cache.clear()  # not from the page cache: the page itself

    grow(10)
    small = count_queries(visitor, url)
    clear_content()
    grow(300)
    large = count_queries(visitor, url)
    assert small == large
    cache.clear()
    with django_assert_max_num_queries(limit):
        visitor.get(url)
