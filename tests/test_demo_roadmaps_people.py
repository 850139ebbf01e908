"""The Engineering manager roadmap (issue 17): loaded by load_demo, complete, and shown."""

import json
import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from skills.graph import find_cycle_in
from skills.models import Prerequisite, Resource, Roadmap, Skill, SkillPlacement

DEMO = Path(__file__).resolve().parent.parent / "skills" / "demo"
SLUG = "engineering-manager"


def _file() -> dict:
    return json.loads((DEMO / f"{SLUG}.json").read_text(encoding="utf-8"))


def test_the_file_teaches_people_skills_with_sound_prerequisites_and_links():
    data = _file()
    skills = [skill for section in data["sections"] for skill in section["skills"]]
    slugs = [skill["slug"] for skill in skills]
    assert len(slugs) == len(set(slugs)), "a skill appears in one section only"
    backend = json.loads((DEMO / "backend.json").read_text(encoding="utf-8"))
    backend_slugs = {s["slug"] for section in backend["sections"] for s in section["skills"]}
    for skill in skills:
        sentences = len(re.findall(r"[.?!](?:\s|$)", skill["description"]))
        assert 2 <= sentences <= 4, skill["slug"]
        assert 1 <= len(skill["resources"]) <= 3, skill["slug"]
        assert all(r["url"].startswith("https://") for r in skill["resources"]), skill["slug"]
        assert set(skill["prerequisites"]) <= set(slugs) | backend_slugs, skill["slug"]
    edges = {(s["slug"], p) for s in skills for p in s["prerequisites"]}
    assert find_cycle_in(edges) is None
    for needed in [
        "one-to-ones", "giving-feedback", "receiving-feedback", "coaching", "delegation",
        "career-conversations", "managing-underperformance", "calibration",
        "structured-interviews", "interview-scorecards", "onboarding", "psychological-safety",
        "retrospectives", "estimation", "okrs", "saying-no", "managing-dependencies",
        "tech-debt-strategy", "on-call-health", "incident-command", "postmortems",
        "headcount-planning", "engineering-budget", "managing-up", "team-topologies",
        "skip-level-meetings", "change-management", "unconscious-bias", "time-management",
    ]:  # fmt: skip
        assert needed in slugs, needed


@pytest.mark.django_db
def test_load_demo_publishes_the_roadmap_and_its_page_shows_it(client):
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert f"Roadmap “{SLUG}” created" in out.getvalue()

    roadmap = Roadmap.objects.get(slug=SLUG)
    assert roadmap.published
    assert roadmap.title == "Engineering Manager"
    assert roadmap.sections.count() >= 12
    skill_ids = SkillPlacement.objects.filter(section__roadmap=roadmap).values("skill")
    skills = Skill.objects.filter(pk__in=skill_ids)
    assert skills.count() >= 70
    assert not skills.filter(description="").exists()
    assert not skills.filter(effort_hours__isnull=True).exists()
    assert not skills.exclude(pk__in=Resource.objects.values("skill")).exists()
    coaching = Prerequisite.objects.filter(skill__slug="coaching", requires__slug="one-to-ones")
    assert coaching.exists()
    # The backend roadmap is untouched: management skills are not placed in it.
    backend = Roadmap.objects.get(slug="backend")
    assert not SkillPlacement.objects.filter(section__roadmap=backend, skill__in=skills).exists()

    page = client.get(f"/roadmaps/{SLUG}/")
    assert page.status_code == 200
    html = page.content.decode()
    for shown in [
        "Engineering Manager",
        "One-to-one meetings",
        "Structured interviews",
        "Blameless post-incident reviews",
        "Team types and interaction modes",
        "Delegating yourself out of roles",
    ]:
        assert shown in html, shown
    assert html.count('class="skill-row"') == skills.count()
    # A prerequisite from another roadmap links to its skill's page, not to a missing row.
    assert '<a href="/skills/slo-and-incident-management/">' in html
