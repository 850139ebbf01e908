"""Focus on my target (issue 19): a roadmap filtered to what my target level expects
(`?focus=target`) or what I do not meet yet (`?focus=missing`), with progress toward the
target per section and a way back to the whole roadmap."""

import re

import pytest

from accounts.models import profile_of
from tests.factories import (
    LevelFactory,
    PlacementFactory,
    ProgressFactory,
    RequirementFactory,
    RequirementGroupFactory,
    RoadmapFactory,
    SectionFactory,
    SkillFactory,
    TrackFactory,
)

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def world(db):
    """Backend roadmap: basics (python, go, git, sql), web (http, browsers). Senior
    expects git at 3, sql at 2, and one main language (python or go) at 3."""
    roadmap = RoadmapFactory(slug="backend", title="Backend")
    basics = SectionFactory(roadmap=roadmap, slug="basics", title="Basics", position=1)
    web = SectionFactory(roadmap=roadmap, slug="web", title="Web", position=2)
    skills = {}
    for section, slugs in ((basics, ("python", "go", "git", "sql")), (web, ("http", "browsers"))):
        for slug in slugs:
            skills[slug] = SkillFactory(slug=slug, name=slug.title())
            PlacementFactory(section=section, skill=skills[slug])
    track = TrackFactory(slug="backend", name="Backend")
    middle = LevelFactory(track=track, slug="middle", name="Middle", rank=2)
    senior = LevelFactory(track=track, slug="senior", name="Senior", rank=3)
    RequirementFactory(level=senior, skill=skills["git"], proficiency=3)
    RequirementFactory(level=senior, skill=skills["sql"], proficiency=2)
    RequirementGroupFactory(
        level=senior, name="A main language", skills=[skills["python"], skills["go"]]
    )
    return {"roadmap": roadmap, "skills": skills, "middle": middle, "senior": senior}


@pytest.fixture
def aiming(owner, world):
    profile = profile_of(owner)
    profile.current_level = world["middle"]
    profile.target_level = world["senior"]
    profile.save()
    return profile


def rows(page: str) -> list[str]:
    return re.findall(r'<li class="skill-row" id="skill-([a-z0-9-]+)"', page)


def test_target_shows_only_what_the_target_expects(owner_client, aiming):
    page = owner_client.get("/roadmaps/backend/?focus=target").content.decode()
    assert rows(page) == ["python", "go", "git", "sql"]
    assert 'id="section-web"' not in page  # nothing expected there
    assert "Showing 4 of 6 skills: what Senior expects." in page
    assert 'href="/roadmaps/backend/">Show the whole roadmap</a>' in page


def test_missing_leaves_out_what_i_meet_and_a_met_group(owner_client, owner, aiming, world):
    ProgressFactory(user=owner, skill=world["skills"]["python"], status="done", proficiency=4)
    ProgressFactory(user=owner, skill=world["skills"]["git"], status="learning", proficiency=2)
    page = owner_client.get("/roadmaps/backend/?focus=missing").content.decode()
    # Python meets the language group, so Go is not missing; Git is below 3.
    assert rows(page) == ["git", "sql"]
    assert "Toward Senior: 2 of 4 met" in page  # Python, and Go by the group
    assert "Still missing for Senior" in page


def test_the_next_level_is_the_target_when_none_is_chosen(owner_client, owner, world):
    profile = profile_of(owner)
    profile.current_level = world["middle"]
    profile.save()
    page = owner_client.get("/roadmaps/backend/?focus=target").content.decode()
    assert rows(page) == ["python", "go", "git", "sql"]


def test_without_a_target_the_whole_roadmap_and_an_invitation(owner_client, owner, world):
    profile_of(owner)
    page = owner_client.get("/roadmaps/backend/?focus=missing").content.decode()
    assert len(rows(page)) == 6
    assert "Choose a target level</a> to see only what it needs" in page


def test_anonymous_and_unknown_focus_see_the_whole_roadmap(client, owner_client, aiming):
    assert len(rows(client.get("/roadmaps/backend/?focus=target").content.decode())) == 6
    assert len(rows(owner_client.get("/roadmaps/backend/?focus=x").content.decode())) == 6


def test_switch_marks_the_current_view_and_chips_keep_the_focus(owner_client, aiming):
    page = owner_client.get("/roadmaps/backend/?focus=missing").content.decode()
    assert 'href="/roadmaps/backend/?focus=missing" aria-current="page"' in page
    assert 'href="/roadmaps/backend/?focus=missing&amp;edit=git"' in page
    whole = owner_client.get("/roadmaps/backend/").content.decode()
    assert 'href="/roadmaps/backend/" aria-current="page"' in whole


def test_editing_a_focused_section_with_htmx_keeps_the_focus(owner_client, aiming):
    response = owner_client.get("/roadmaps/backend/?focus=missing&edit=git", **HTMX)
    body = response.content.decode()
    assert response["HX-Retarget"] == "#section-basics"
    assert rows(body) == ["python", "go", "git", "sql"]


def test_nothing_missing_says_so(owner_client, owner, aiming, world):
    for slug, level in (("python", 3), ("git", 3), ("sql", 2)):
        ProgressFactory(user=owner, skill=world["skills"][slug], status="done", proficiency=level)
    page = owner_client.get("/roadmaps/backend/?focus=missing").content.decode()
    assert rows(page) == []
    assert "Nothing on this roadmap is missing for Senior" in page


def test_a_saved_change_shows_on_the_cached_focused_page(owner_client, aiming):
    assert "git" in rows(owner_client.get("/roadmaps/backend/?focus=missing").content.decode())
    owner_client.post("/track/git/", {"status": "done", "proficiency": "3"})
    assert "git" not in rows(owner_client.get("/roadmaps/backend/?focus=missing").content.decode())


def test_focused_page_query_count_does_not_grow(
    owner_client, owner, aiming, world, django_assert_max_num_queries
):
    with django_assert_max_num_queries(25) as small:
        assert owner_client.get("/roadmaps/backend/?focus=target&n=1").status_code == 200
    basics = world["roadmap"].sections.get(slug="basics")
    for i in range(60):
        skill = SkillFactory(slug=f"extra-{i}")
        PlacementFactory(section=basics, skill=skill)
        RequirementFactory(level=world["senior"], skill=skill)
        ProgressFactory(user=owner, skill=skill, status="learning", proficiency=1)
    with django_assert_max_num_queries(len(small.captured_queries)):
        page = owner_client.get("/roadmaps/backend/?focus=missing&n=2").content.decode()
    assert len(rows(page)) == 64


def save_row(client, slug: str, status: str, proficiency: int, page: str | None):
    """An htmx save of one row, from the roadmap page at `page` (HX-Current-URL)."""
    headers = {**HTMX, **({"HTTP_HX_CURRENT_URL": f"http://testserver{page}"} if page else {})}
    return client.post(
        "/roadmaps/backend/track/",
        {"skill": slug, "status": status, "proficiency": str(proficiency)},
        **headers,
    )


def oob_bar(body: str, bar_id: str) -> tuple[str, str] | None:
    """An out-of-band bar in an htmx answer: (its value, its counts), or None."""
    found = re.search(
        rf'<span class="track-progress" id="{bar_id}" hx-swap-oob="true">\s*'
        r'<progress class="bar" max="100" value="(\d+)".*?'
        r'<span class="muted track-counts">(.*?)</span>',
        body,
        re.S,
    )
    return (found.group(1), found.group(2)) if found else None


@pytest.mark.parametrize("focus", ["target", "missing"])
def test_a_row_saved_on_a_focused_page_brings_the_bars_toward_the_target(
    owner_client, aiming, focus
):
    page = f"/roadmaps/backend/?focus={focus}"
    assert "Toward Senior: 0 of 4 met" in owner_client.get(page).content.decode()
    body = save_row(owner_client, "git", "done", 3, page).content.decode()
    # Git at 3 meets Senior's git ≥ 3: 1 of the 4 skills Senior expects in Basics and in all.
    assert oob_bar(body, "section-target-basics") == ("25", "Toward Senior: 1 of 4 met")
    assert oob_bar(body, "target-progress") == ("25", "Toward Senior: 1 of 4 met")
    assert oob_bar(body, "section-progress-basics") == ("25", "1 of 4 done")
    # Python meets the language group: Go is met with it.
    body = save_row(owner_client, "python", "learning", 3, page).content.decode()
    assert oob_bar(body, "target-progress") == ("75", "Toward Senior: 3 of 4 met")


def test_a_row_saved_on_the_whole_roadmap_brings_no_target_bar(owner_client, aiming):
    for page in ("/roadmaps/backend/", "/roadmaps/backend/?focus=other", None):
        body = save_row(owner_client, "git", "learning", 1, page).content.decode()
        assert oob_bar(body, "section-progress-basics") is not None
        assert 'id="target-progress"' not in body and "section-target-" not in body


def test_a_focused_row_save_costs_a_fixed_number_of_queries(
    owner_client, owner, aiming, world, django_assert_max_num_queries
):
    basics = world["roadmap"].sections.get(slug="basics")

    def grow(count: int, start: int) -> None:
        """Skills Senior expects in Basics, each met (the roadmap's cached tree is read
        again after each growth, as it is at first)."""
        for i in range(start, start + count):
            skill = SkillFactory(slug=f"more-{i}")
            PlacementFactory(section=basics, skill=skill)
            RequirementFactory(level=world["senior"], skill=skill, proficiency=1)
            ProgressFactory(user=owner, skill=skill, status="learning", proficiency=1)

    page = "/roadmaps/backend/?focus=missing"
    with django_assert_max_num_queries(30) as whole:
        save_row(owner_client, "sql", "learning", 1, "/roadmaps/backend/")
    grow(1, 0)
    # The target (the profile) and what it expects (two): three more.
    with django_assert_max_num_queries(len(whole.captured_queries) + 3) as small:
        save_row(owner_client, "git", "learning", 1, page)
    grow(40, 1)
    with django_assert_max_num_queries(len(small.captured_queries)):
        body = save_row(owner_client, "python", "learning", 3, page).content.decode()
    # The 41 new ones, and Python with Go by the group; not Git (1 < 3) nor SQL (1 < 2).
    assert oob_bar(body, "target-progress") == ("96", "Toward Senior: 43 of 45 met")
