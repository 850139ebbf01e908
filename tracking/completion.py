"""A person's completion of each published roadmap and of its sections: one query.

The one read model behind the dashboard's "Roadmap completion" and the public profile's
"Progress by section". Sections are counted by `sections_with_progress`, the roadmap
pages' own count (a section to choose from counts as the number to choose); a roadmap's
figures are its sections' sums, which is what the roadmap page and
`roadmaps_with_progress` count too (each placement once).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from skills.models import Roadmap, Section
from tracking.models import PROGRESS_COUNTS, completion_percent, sections_with_progress

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

COUNTS = PROGRESS_COUNTS


def roadmap_completion(user: AbstractBaseUser | AnonymousUser) -> list[Roadmap]:
    """Every published roadmap with sections, in order, each with `section_list` (its
    sections in order) and, on roadmaps and sections alike, the counts of
    `progress_counts` plus `progress_not_started` and `percent` (done among the skills
    not skipped)."""
    sections = sections_with_progress(
        Section.objects.filter(roadmap__published=True)
        .select_related("roadmap")
        .order_by("roadmap__position", "roadmap__title", "position"),
        user,
    )
    roadmaps: dict[int, Roadmap] = {}
    for section in sections:
        roadmap = roadmaps.get(section.roadmap_id)
        if roadmap is None:
            roadmap = roadmaps[section.roadmap_id] = section.roadmap
            roadmap.section_list = []
            for name in COUNTS:
                setattr(roadmap, name, 0)
        roadmap.section_list.append(section)
        for name in COUNTS:
            setattr(roadmap, name, getattr(roadmap, name) + getattr(section, name))
    for roadmap in roadmaps.values():
        for item in [roadmap, *roadmap.section_list]:
            item.progress_not_started = (
                item.progress_total
                - item.progress_done
                - item.progress_learning
                - item.progress_skipped
            )
            item.percent = completion_percent(
                item.progress_done, item.progress_total, item.progress_skipped
            )
    return list(roadmaps.values())


def started(roadmaps: list[Roadmap]) -> list[Roadmap]:
    """The roadmaps (from `roadmap_completion`) in which the person has tracked a skill."""
    return [r for r in roadmaps if r.progress_done or r.progress_learning or r.progress_skipped]
