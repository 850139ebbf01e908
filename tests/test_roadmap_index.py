"""The roadmaps index, /roadmaps/: what each roadmap holds, the tracks it serves, the
estimated effort and, signed in, my completion of it (the roadmap page's figures)."""

import re

import pytest

from tests.factories import (
    LevelFactory,
    PlacementFactory,
    RequirementFactory,
    RequirementGroupFactory,
    RoadmapFactory,
    SectionFactory,
    SkillFactory,
    TrackFactory,
)
from tracking.models import SkillProgress

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def card(response, slug: str) -> str:
    """The visible text of one roadmap's card."""
    html = response.content.decode()
    start = html.index(f'aria-labelledby="roadmap-{slug}"')
    return text_of_html(html[start : html.index("</section>", start)])


def text_of_html(html: str) -> str:
    """Visible text: a <progress> element's fallback content is not shown."""
    html = re.sub(r"<progress\b.*?</progress>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


@pytest.fixture
def roadmaps():
    """Backend (3 skills, two estimated, 10 + 30 hours), and Data (1 skill)."""
    backend = RoadmapFactory(slug="backend", title="Backend Developer", position=1)
    section = SectionFactory(roadmap=backend)
    sql = SkillFactory(slug="sql", name="SQL", effort_hours=30)
    git = SkillFactory(slug="git", name="Git", effort_hours=10)
    soft = SkillFactory(slug="listening", name="Listening")
    for skill in (sql, git, soft):
        PlacementFactory(section=section, skill=skill)
    data = RoadmapFactory(slug="data", title="Data Engineer", position=2)
    PlacementFactory(section=SectionFactory(roadmap=data), skill=sql)
    return {"backend": backend, "data": data, "sql": sql, "git": git, "listening": soft}


def test_each_roadmap_names_the_tracks_whose_levels_require_its_skills(client, roadmaps):
    engineering = TrackFactory(slug="engineering", name="Backend engineering", position=1)
    RequirementFactory(level=LevelFactory(track=engineering), skill=roadmaps["git"])
    RequirementFactory(level=LevelFactory(track=engineering), skill=roadmaps["sql"])
    managers = TrackFactory(slug="managers", name="Engineering management", position=2)
    group = RequirementGroupFactory(level=LevelFactory(track=managers))
    group.skills.add(roadmaps["listening"])  # in a group ("any one of these")
    hidden = TrackFactory(slug="hidden", name="Unpublished track", published=False)
    RequirementFactory(level=LevelFactory(track=hidden), skill=roadmaps["git"])
    TrackFactory(slug="unrelated", name="Unrelated track")

    response = client.get("/roadmaps/")
    backend = card(response, "backend")
    assert "For the tracks: Backend engineering , Engineering management" in backend
    assert "Unpublished track" not in backend
    assert "For the tracks: Backend engineering" in card(response, "data")  # via SQL
    assert "Engineering management" not in card(response, "data")
    assert "Unrelated track" not in text_of(response)
    assert 'href="/careers/engineering/"' in response.content.decode()


def test_each_roadmap_shows_its_size_and_estimated_effort(client, roadmaps):
    response = client.get("/roadmaps/")
    backend = card(response, "backend")
    assert "3 skills in 1 section" in backend
    assert "About 40 hours of focused learning, by our estimate (2 of 3 skills estimated)." in (
        backend
    )
    data = card(response, "data")
    assert "About 30 hours of focused learning, by our estimate." in data
    assert "skills estimated" not in data


def test_signed_in_i_see_my_progress_and_nobody_else_does(
    client, owner, owner_client, other_client, roadmaps
):
    SkillProgress.objects.record(owner, roadmaps["sql"], {"status": "done"})
    SkillProgress.objects.record(owner, roadmaps["git"], {"status": "learning"})
    mine = owner_client.get("/roadmaps/")
    assert "33% done 1 of 3 done · 1 learning 3 skills in 1 section" in card(mine, "backend")
    assert "100% done 1 of 1 done · complete" in card(mine, "data")
    assert 'aria-label="Backend Developer: 33% done"' in mine.content.decode()
    assert "0% done 0 of 3 done 3 skills" in card(other_client.get("/roadmaps/"), "backend")
    anonymous = client.get("/roadmaps/")
    assert "% done" not in text_of(anonymous)
    assert "sign in to track your progress" in text_of(anonymous)

    # The page is cached; a change of mine shows at once.
    SkillProgress.objects.record(owner, roadmaps["git"], {"status": "done"})
    assert "67% done 2 of 3 done" in card(owner_client.get("/roadmaps/"), "backend")


def test_a_draft_is_listed_for_staff_only(client, owner_client, staff_client, roadmaps):
    RoadmapFactory(slug="draft", title="Secret draft", published=False)
    assert "Secret draft" not in text_of(client.get("/roadmaps/"))
    assert "Secret draft" not in text_of(owner_client.get("/roadmaps/"))
    staff = staff_client.get("/roadmaps/")
    assert "Secret draft Draft" in card(staff, "draft")
