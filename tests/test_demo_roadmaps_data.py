"""The Frontend Developer and Database Administrator demo roadmaps: size, content, pages."""

from io import StringIO

import pytest
from django.core.management import call_command

from skills.models import Roadmap, SkillPlacement

pytestmark = pytest.mark.django_db

SHOWN = {
    "frontend": ["Flexbox", "WCAG", "Core Web Vitals", "The Fetch API", "Design tokens"],
    "dba": [
        "Multi-version concurrency control (MVCC)",
        "Point-in-time recovery",
        "Vacuum, bloat and wraparound",
        "Row-level security",
        "Major version upgrades",
    ],
}
CHOOSE = {"frontend": "A component framework", "dba": "A main database engine"}


def test_frontend_and_dba_roadmaps_are_complete_and_render(client):
    call_command("load_demo", stdout=StringIO())
    backend = set(
        SkillPlacement.objects.filter(section__roadmap__slug="backend").values_list(
            "skill__slug", flat=True
        )
    )
    for slug, names in SHOWN.items():
        roadmap = Roadmap.objects.get(slug=slug)
        assert roadmap.published
        assert roadmap.sections.count() >= 10
        placements = list(
            SkillPlacement.objects.filter(section__roadmap=roadmap)
            .select_related("skill", "section")
            .prefetch_related("skill__resources")
        )
        assert len(placements) >= 60
        for placement in placements:
            skill = placement.skill
            assert len(skill.description) > 100, skill.slug
            assert skill.resources.all(), skill.slug
            # Backend owns the estimates of the skills it shares; the rest are ours.
            assert skill.effort_hours or skill.slug in backend, skill.slug
        choose = roadmap.sections.get(title=CHOOSE[slug])
        assert choose.choose_at_least == 1
        assert {p.kind for p in placements if p.section == choose} == {"alternative"}

        response = client.get(f"/roadmaps/{slug}/")
        assert response.status_code == 200
        page = response.content.decode()
        assert roadmap.title in page
        for name in names:
            assert name in page, name
