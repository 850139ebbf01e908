"""The DevOps Engineer and Cloud Architect demo roadmaps (issue 17): loaded by `load_demo`,
rich enough, pick-one sections where a person chooses a tool, and their pages render."""

import json
from collections.abc import Iterator
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction

from skills.models import Roadmap, Section, SkillPlacement

pytestmark = pytest.mark.django_db

DEMO = Path(__file__).resolve().parents[1] / "skills" / "demo"
SLUGS = ["devops", "cloud-architect"]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker) -> Iterator[None]:
    """`load_demo` once for the module, in a transaction rolled back at its end."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", stdout=StringIO())
        yield
        transaction.set_rollback(True)


def entries(name: str) -> dict[str, dict]:
    data = json.loads((DEMO / name).read_text(encoding="utf-8"))
    return {skill["slug"]: skill for section in data["sections"] for skill in section["skills"]}


@pytest.mark.parametrize("slug", SLUGS)
def test_roadmap_is_published_with_60_described_skills_in_10_sections(demo, slug):
    roadmap = Roadmap.objects.get(slug=slug)
    assert roadmap.published
    assert roadmap.sections.count() >= 10
    placements = list(
        SkillPlacement.objects.filter(section__roadmap=roadmap)
        .select_related("skill")
        .prefetch_related("skill__resources")
    )
    assert len(placements) >= 60
    on_backend = set(
        SkillPlacement.objects.filter(section__roadmap__slug="backend").values_list(
            "skill__slug", flat=True
        )
    )
    for placement in placements:
        skill = placement.skill
        assert len(skill.description) >= 80, skill.slug
        assert skill.resources.all(), skill.slug
        assert all(r.url.startswith("https://") for r in skill.resources.all()), skill.slug
        # Skills copied from backend.json carry the effort that file gives them.
        if skill.slug not in on_backend:
            assert skill.effort_hours, skill.slug


@pytest.mark.parametrize(
    ("slug", "section", "options"),
    [
        ("devops", "cloud-provider", {"aws", "azure", "gcp"}),
        ("devops", "iac-tools", {"terraform", "opentofu", "pulumi", "cloudformation", "bicep"}),
        ("devops", "ci-platforms", {"github-actions", "gitlab-ci", "jenkins", "azure-pipelines"}),
        ("devops", "scripting", {"shell-scripting", "python", "go", "powershell"}),
        ("cloud-architect", "cloud-provider", {"aws", "azure", "gcp"}),
        (
            "cloud-architect",
            "iac-tools",
            {"terraform", "opentofu", "pulumi", "cloudformation", "bicep"},
        ),
    ],
)
def test_tool_sections_ask_to_pick_one(demo, slug, section, options):
    found = Section.objects.get(roadmap__slug=slug, slug=section)
    assert found.choose_at_least == 1
    assert set(found.placements.values_list("skill__slug", flat=True)) == options


def test_shared_skills_are_identical_in_both_files_except_kind():
    devops, cloud = entries("devops.json"), entries("cloud-architect.json")
    backend = entries("backend.json")
    shared = set(devops) & set(cloud)
    assert {"aws", "cloud-iam", "disaster-recovery", "terraform", "docker"} <= shared
    for slug in shared:
        assert {**devops[slug], "kind": ""} == {**cloud[slug], "kind": ""}, slug
    for slug in (set(devops) | set(cloud)) & set(backend):
        mine = devops.get(slug) or cloud[slug]
        # As copied from backend.json; effort estimates are that file's to give.
        for key in ("name", "description", "prerequisites", "resources"):
            assert mine[key] == backend[slug][key], (slug, key)


@pytest.mark.parametrize(
    ("slug", "shown"),
    [
        ("devops", ["Services with systemd", "GitOps", "Helm", "Cloud provider (pick one)"]),
        ("cloud-architect", ["Landing zones", "FinOps", "Architecture decision records"]),
    ],
)
def test_roadmap_page_shows_sections_and_skills(demo, client, slug, shown):
    response = client.get(f"/roadmaps/{slug}/")
    assert response.status_code == 200
    page = response.content.decode()
    for text in shown:
        assert text in page, text


def test_roadmaps_index_lists_both(demo, client):
    page = client.get("/roadmaps/").content.decode()
    assert "DevOps Engineer" in page
    assert "Cloud Architect" in page
