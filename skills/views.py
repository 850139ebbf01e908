"""Public pages: the roadmap list, one roadmap, one skill. Anyone may read them.

Each page runs a constant number of queries however many skills there are
(tests/test_roadmaps.py locks the counts).
"""

from django.db.models import Prefetch
from django.db.models.functions import Lower
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from careers.models import LevelRequirement
from core.pages import render_page
from core.versions import CONTENT
from skills.models import Roadmap, Section, Skill, SkillKind, SkillPlacement
from tracking.pages import roadmap_tracking, skill_tracking


@require_safe
def roadmap_list(request: HttpRequest) -> HttpResponse:
    roadmaps = Roadmap.objects.visible_to(request.user).with_counts()
    return render(request, "skills/roadmap_list.html", {"roadmaps": roadmaps})


def roadmap_sections(roadmap: Roadmap) -> list[Section]:
    """The roadmap's sections, each with `.rows`: its placements in order, skill and
    prerequisites loaded (four queries in all, the roadmap's included)."""
    placements = SkillPlacement.objects.select_related("skill").order_by("position")
    sections = list(
        roadmap.sections.order_by("position").prefetch_related(
            Prefetch("placements", queryset=placements, to_attr="rows"),
            Prefetch(
                "rows__skill__prerequisites",
                queryset=Skill.objects.only("slug", "name").order_by("name"),
                to_attr="prerequisite_list",
            ),
        )
    )
    return sections


@require_safe
def roadmap_detail(request: HttpRequest, slug: str) -> HttpResponse:
    def build() -> dict:
        roadmap = get_object_or_404(Roadmap.objects.visible_to(request.user), slug=slug)
        sections = roadmap_sections(roadmap)
        rows = [row for section in sections for row in section.rows]
        context = {
            "roadmap": roadmap,
            "sections": sections,
            "skill_count": len(rows),
            "core_count": sum(row.kind == SkillKind.CORE for row in rows),
            "in_roadmap": {row.skill.slug for row in rows},
            "is_draft": not roadmap.published,
        }
        context.update(roadmap_tracking(request, roadmap, sections))
        return context

    # Signed in, the page shows my progress: render_page adds my own version to its key.
    return render_page(request, "skills/roadmap_detail.html", build, scopes=[CONTENT])


@require_safe
def skill_detail(request: HttpRequest, slug: str) -> HttpResponse:
    skill = get_object_or_404(Skill, slug=slug)
    roadmaps = Roadmap.objects.visible_to(request.user)
    placements = (
        SkillPlacement.objects.filter(skill=skill, section__roadmap__in=roadmaps)
        .select_related("section__roadmap")
        .order_by("section__roadmap__position", "section__roadmap__title")
    )
    requirements = (
        LevelRequirement.objects.filter(skill=skill)
        .select_related("level__track")
        .order_by("level__track__position", "level__track__name", "level__rank")
    )
    context = {
        "skill": skill,
        "prerequisites": skill.prerequisites.order_by(Lower("name")),
        "unlocks": skill.unlocks.order_by(Lower("name")),
        "resources": skill.resources.order_by("position"),
        "placements": placements,
        "requirements": requirements,
    }
    context.update(skill_tracking(request, skill))
    return render(request, "skills/skill_detail.html", context)
