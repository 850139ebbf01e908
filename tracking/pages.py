"""Tracking on the roadmap and skill pages (their views live in `skills.views`).

Each function adds a signed-in person's progress to an already built page, in a
fixed number of queries however many skills the roadmap has or the person tracked:
one for the person's progress on the page's skills, one for each level of progress
bars (sections, roadmap), counted in the database.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from skills.models import Roadmap, Section, Skill
from tracking.forms import ProgressForm
from tracking.models import SkillProgress, roadmaps_with_progress, sections_with_progress

COUNTS = ("progress_total", "progress_done", "progress_learning", "progress_skipped")


def roadmap_tracking(
    request: HttpRequest, roadmap: Roadmap, sections: list[Section]
) -> dict[str, Any]:
    """Give each row `.progress` and each section its progress counts (see progress_counts).

    `sections` are the page's sections with `.rows` (their placements) loaded.
    Returns the template context to add: `tracking` (is the person signed in) and
    `roadmap_progress` (the roadmap annotated with the person's counts).
    """
    user = request.user
    if not user.is_authenticated:
        return {"tracking": False}
    progress = (
        SkillProgress.objects.for_user(user)
        .filter(skill__placements__section__roadmap=roadmap)
        .by_skill_id()
    )
    counted = {
        section.pk: section
        for section in sections_with_progress(Section.objects.filter(roadmap=roadmap), user)
    }
    for section in sections:
        for name in COUNTS:
            setattr(section, name, getattr(counted.get(section.pk), name, 0))
        for row in section.rows:
            row.progress = progress.get(row.skill_id)
    return {
        "tracking": True,
        "roadmap_progress": roadmaps_with_progress(
            Roadmap.objects.filter(pk=roadmap.pk), user
        ).get(),
    }


def skill_tracking(request: HttpRequest, skill: Skill) -> dict[str, Any]:
    """The person's progress on one skill and the form to change it."""
    user = request.user
    if not user.is_authenticated:
        return {"tracking": False}
    progress = SkillProgress.objects.for_user(user).filter(skill=skill).first()
    return {
        "tracking": True,
        "progress": progress,
        "track_form": ProgressForm(progress=progress),
    }
