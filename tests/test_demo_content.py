"""The demo roadmaps (skills/demo/*.json) as loaded by `load_demo`: a skill shared by
several roadmap files is one skill, described the same way in each; every skill has an
effort estimate; the backend roadmap's languages are a section to choose one from."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from skills.models import Prerequisite, Resource, Section, Skill

pytestmark = pytest.mark.django_db

DEMO_DIR = Path(__file__).resolve().parents[1] / "skills" / "demo"
SHARED_FIELDS = ("name", "description", "prerequisites", "resources", "effort_hours")


def demo_files() -> dict[str, dict]:
    return {
        path.name: json.loads(path.read_text(encoding="utf-8"))
        for path in sorted(DEMO_DIR.glob("*.json"))
    }


def skills_by_slug() -> dict[str, list[tuple[str, dict]]]:
    """{slug: [(file name, the skill as written there), ...]} over every demo file."""
    found: dict[str, list[tuple[str, dict]]] = {}
    for name, data in demo_files().items():
        for section in data["sections"]:
            for skill in section["skills"]:
                found.setdefault(skill["slug"], []).append((name, skill))
    return found


def stored(slug: str) -> dict:
    """A skill as the database holds it, in the file's terms."""
    skill = Skill.objects.get(slug=slug)
    return {
        "name": skill.name,
        "description": skill.description,
        "prerequisites": sorted(
            Prerequisite.objects.filter(skill=skill).values_list("requires__slug", flat=True)
        ),
        "resources": [
            {"title": r.title, "url": r.url, "kind": r.kind}
            for r in Resource.objects.filter(skill=skill).order_by("position")
        ],
        "effort_hours": skill.effort_hours,
    }


def test_a_skill_in_several_demo_files_is_the_same_in_each_and_in_the_database():
    call_command("load_demo", stdout=StringIO())
    for slug, places in skills_by_slug().items():
        in_database = stored(slug)
        for file_name, skill in places:
            written = {field: skill.get(field) for field in SHARED_FIELDS}
            written["prerequisites"] = sorted(written["prerequisites"] or [])
            written["resources"] = written["resources"] or []
            assert written == in_database, f"{slug} in {file_name}"


def test_every_demo_skill_has_a_realistic_effort_estimate():
    for slug, places in skills_by_slug().items():
        for file_name, skill in places:
            hours = skill.get("effort_hours")
            assert hours is not None, f"{slug} in {file_name} has no effort_hours"
            assert 1 <= hours <= 200, f"{slug} in {file_name}: {hours} hours"


def test_the_backend_languages_are_a_section_to_choose_one_from():
    backend = demo_files()["backend.json"]
    (languages,) = [s for s in backend["sections"] if s["slug"] == "languages"]
    assert languages["choose"] == {"at_least": 1}
    slugs = {skill["slug"] for skill in languages["skills"]}
    assert slugs == {"python", "go", "java", "nodejs", "csharp", "rust"}
    # Languages take far longer than a concept: the estimates say so.
    for skill in languages["skills"]:
        assert 60 <= skill["effort_hours"] <= 150, skill["slug"]
    skills = [skill for section in backend["sections"] for skill in section["skills"]]
    assert len(skills) == 120
    assert {skill["slug"] for skill in skills} >= {"package-management"}  # moved, not lost

    call_command("load_demo", stdout=StringIO())
    section = Section.objects.get(roadmap__slug="backend", slug="languages")
    assert section.choose_at_least == 1
    assert section.placements.count() == 6
