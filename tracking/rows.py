"""What an htmx tracking request gets back: the swapped part, and progress out of band."""

from __future__ import annotations

from django.db.models import Exists, OuterRef
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from skills.models import Roadmap, Section, Skill, SkillPlacement
from tracking.forms import ProgressForm
from tracking.models import SkillProgress, roadmaps_with_progress, sections_with_progress


def placement_from_post(request: HttpRequest, skill: Skill) -> SkillPlacement | None:
    """The roadmap row the request came from (`section` field), if it holds this skill."""
    raw = request.POST.get("section", "")
    if not raw.isdigit():
        return None
    return (
        SkillPlacement.objects.select_related("section__roadmap", "skill")
        .filter(section_id=int(raw), skill=skill)
        .first()
    )


def render_tracked(
    request: HttpRequest,
    skill: Skill,
    progress: SkillProgress | None,
    next_url: str,
    form: ProgressForm | None = None,
) -> HttpResponse:
    context = {
        "skill": skill,
        "progress": progress,
        "form": form,
        "track_next": next_url,
        "saved": form is None,
    }
    if request.POST.get("full"):  # the skill page's whole form
        if form is None:
            context["form"] = ProgressForm(progress=progress)
        return render(request, "tracking/_skill_form.html", context)
    placement = placement_from_post(request, skill)
    if placement is None:
        return render(request, "tracking/_controls.html", context)
    roadmap_id = placement.section.roadmap_id
    prerequisites = list(
        skill.prerequisites.only("slug", "name")
        .annotate(
            in_roadmap=Exists(
                SkillPlacement.objects.filter(skill=OuterRef("pk"), section__roadmap_id=roadmap_id)
            )
        )
        .order_by("name")
    )
    placement.skill.prerequisite_list = prerequisites
    placement.progress = progress
    section = sections_with_progress(Section.objects.filter(pk=placement.section_id), request.user)
    roadmap = roadmaps_with_progress(Roadmap.objects.filter(pk=roadmap_id), request.user)
    context.update(
        {
            "tracking": True,
            "placement": placement,
            "in_roadmap": {p.slug for p in prerequisites if p.in_roadmap},
            "section": section.get(),
            "roadmap": roadmap.get(),
        }
    )
    return render(request, "tracking/_row_response.html", context)
