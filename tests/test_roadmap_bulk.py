"""Marking a whole section at once (issue 19): a confirmation listing what changes, the
change recorded as events, and an undo, all without JavaScript."""

import re

import pytest

from skills.models import Skill
from tests.factories import (
    PlacementFactory,
    ProgressFactory,
    RoadmapFactory,
    SectionFactory,
    SkillFactory,
)
from tracking.models import ProgressEvent, SkillProgress

BULK = "/roadmaps/backend/bulk/"


@pytest.fixture
def roadmap(db):
    roadmap = RoadmapFactory(slug="backend", title="Backend")
    basics = SectionFactory(roadmap=roadmap, slug="basics", title="Basics", position=1)
    web = SectionFactory(roadmap=roadmap, slug="web", title="Web", position=2)
    for slug in ("python", "git", "sql"):
        PlacementFactory(section=basics, skill=SkillFactory(slug=slug, name=slug.title()))
    PlacementFactory(section=web, skill=SkillFactory(slug="http", name="HTTP"))
    return roadmap


def states(user):
    return {
        p.skill.slug: (p.status, p.proficiency)
        for p in SkillProgress.objects.filter(user=user).select_related("skill")
    }


def test_each_section_links_to_its_bulk_mark(owner_client, roadmap):
    page = owner_client.get("/roadmaps/backend/").content.decode()
    assert 'href="/roadmaps/backend/bulk/">Mark a whole section at once…</a>' in page
    editing = owner_client.get("/roadmaps/backend/?edit=git").content.decode()
    assert (
        'href="/roadmaps/backend/bulk/?section=basics">Mark all of Basics at once…</a>' in editing
    )
    first = owner_client.get(BULK).content.decode()
    assert '<option value="basics">Basics</option><option value="web">Web</option>' in first
    choice = owner_client.get(f"{BULK}?section=basics").content.decode()
    assert "Mark its 3 skills as" in choice
    assert choice.count('type="radio" name="status"') == 3
    assert "will change" not in choice
    preview = owner_client.get(f"{BULK}?section=basics&status=skipped").content.decode()
    assert "3 of its 3 skills will change" in preview
    assert 'name="confirm" value="1"' in preview
    assert not SkillProgress.objects.exists()


def test_an_unknown_section_is_404(owner_client, roadmap):
    assert owner_client.get(f"{BULK}?section=nope&status=done").status_code == 404


def test_mark_asks_first_then_marks_then_undoes(owner_client, owner, roadmap):
    ProgressFactory(
        user=owner,
        skill=Skill.objects.get(slug="git"),
        status="learning",
        proficiency=2,
    )
    confirm = owner_client.post(BULK, {"section": "basics", "status": "done"})
    assert confirm.status_code == 200
    page = confirm.content.decode()
    assert "Mark Basics as done?" in page
    assert "3 of its 3 skills will change" in page
    assert re.search(r"Git</th>\s*<td>Learning · working</td>\s*<td>Done · working</td>", page)
    assert states(owner) == {"git": ("learning", 2)}  # nothing yet

    done = owner_client.post(BULK, {"section": "basics", "status": "done", "confirm": "1"})
    assert done["Location"] == "/roadmaps/backend/#section-basics"
    assert states(owner) == {"python": ("done", 0), "git": ("done", 2), "sql": ("done", 0)}
    assert ProgressEvent.objects.filter(user=owner).count() == 3
    page = owner_client.get(done["Location"]).content.decode()
    assert "Marked 3 skills of Basics as done." in page
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    assert "bulk-undo" not in owner_client.get("/roadmaps/backend/").content.decode()  # once

    undone = owner_client.post(f"{BULK}undo/", {"token": token})
    assert undone["Location"] == "/roadmaps/backend/"
    assert states(owner) == {
        "python": ("not_started", 0),
        "git": ("learning", 2),
        "sql": ("not_started", 0),
    }
    assert ProgressEvent.objects.filter(user=owner).count() == 6
    assert (
        "Undone: 3 skills are back as they were."
        in owner_client.get("/roadmaps/backend/").content.decode()
    )


def test_not_started_keeps_status_and_proficiency_coherent(owner_client, owner, roadmap):
    ProgressFactory(
        user=owner,
        skill=Skill.objects.get(slug="python"),
        status="done",
        proficiency=4,
    )
    owner_client.post(BULK, {"section": "basics", "status": "not_started", "confirm": "1"})
    assert states(owner)["python"] == ("not_started", 1)


def test_someone_elses_undo_token_does_nothing(
    owner_client, other_client, owner, other_user, roadmap
):
    owner_client.post(BULK, {"section": "basics", "status": "skipped", "confirm": "1"})
    page = owner_client.get("/roadmaps/backend/").content.decode()
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    other_client.post(f"{BULK}undo/", {"token": token})
    assert states(owner)["python"] == ("skipped", 0)
    assert not SkillProgress.objects.filter(user=other_user).exists()
    owner_client.post(f"{BULK}undo/", {"token": token + "x"})
    assert states(owner)["python"] == ("skipped", 0)


@pytest.mark.parametrize(
    "data",
    [
        {"section": "basics", "status": "learning"},
        {"section": "nope", "status": "done"},
        {"section": "", "status": ""},
        {},
    ],
)
def test_bad_marks_change_nothing_and_say_so(owner_client, owner, roadmap, data):
    response = owner_client.post(BULK, {**data, "confirm": "1"}, follow=True)
    assert response.status_code == 200
    assert "Nothing was changed: choose a section and a status." in response.content.decode()
    assert not SkillProgress.objects.filter(user=owner).exists()


def test_anonymous_is_sent_to_sign_in(client, roadmap):
    assert client.get(f"{BULK}?section=basics")["Location"].startswith("/accounts/login/")
    response = client.post(BULK, {"section": "basics", "status": "done", "confirm": "1"})
    assert response["Location"].startswith("/accounts/login/")
    assert not SkillProgress.objects.exists()


def test_focus_is_kept_after_a_mark(owner_client, roadmap):
    data = {"section": "web", "status": "done", "confirm": "1", "focus": "missing"}
    assert (
        owner_client.post(BULK, data)["Location"] == "/roadmaps/backend/?focus=missing#section-web"
    )


def test_confirmation_query_count_does_not_grow(
    owner_client, owner, roadmap, django_assert_max_num_queries
):
    with django_assert_max_num_queries(15) as small:
        owner_client.post(BULK, {"section": "web", "status": "done"})
    web = roadmap.sections.get(slug="web")
    for i in range(40):
        PlacementFactory(section=web, skill=SkillFactory(slug=f"web-{i}"))
    with django_assert_max_num_queries(len(small.captured_queries)):
        page = owner_client.post(BULK, {"section": "web", "status": "done"}).content.decode()
    assert "41 of its 41 skills will change" in page
