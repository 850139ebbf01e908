"""A roadmap's tree, read in order: its sections, the skills placed in each, each skill's
prerequisites. One read model for the roadmap page (tracking) and the API.

Plain data rather than model instances: a roadmap page reads a hundred skills or more,
and building model objects through prefetches was most of the page's database time.
The tree is cached until content changes (core/cache.py), so a page rendered after a
person's progress changed reads only their progress.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from core.cache import cached
from core.l10n import localized
from core.versions import CONTENT
from skills.models import Prerequisite, Roadmap, Section, SkillKind, SkillPlacement


@dataclass(slots=True)
class Needed:
    """A skill to learn first."""

    slug: str
    name: str


@dataclass(slots=True)
class PlacedSkill:
    """A skill as placed in a section: its kind there and what it needs first."""

    skill_id: int
    slug: str
    name: str
    kind: SkillKind
    updated_at: datetime
    prerequisites: list[Needed] = field(default_factory=list)  # by name


@dataclass(slots=True)
class SectionNode:
    id: int
    slug: str
    title: str
    summary: str
    choose_at_least: int | None = None  # a section to choose from: how many to pick
    skills: list[PlacedSkill] = field(default_factory=list)  # in position order


def roadmap_tree(roadmap: Roadmap) -> list[SectionNode]:
    """The roadmap's sections in position order, each with its skills in position order,
    each skill with its prerequisites by name. Three queries however big the roadmap, none
    while content is unchanged."""
    # The name changes with the shape of SectionNode: no process reads an older tree.
    return cached("skills:roadmap-tree:2", roadmap.pk, [CONTENT], lambda: read_tree(roadmap))


def read_tree(roadmap: Roadmap) -> list[SectionNode]:
    """The tree as the database has it now (see roadmap_tree)."""
    sections = {
        id_: SectionNode(id_, slug, title, summary, at_least)
        for id_, slug, title, summary, at_least in Section.objects.filter(roadmap=roadmap)
        .order_by("position")
        .values_list("id", "slug", "title", "summary", "choose_at_least")
    }
    skills: dict[int, list[PlacedSkill]] = {}  # a list: a skill might be placed twice
    placements = (
        SkillPlacement.objects.filter(section__roadmap=roadmap)
        .order_by("section_id", "position")
        .values_list(
            "section_id",
            "kind",
            "skill_id",
            "skill__slug",
            localized("skill__name"),
            "skill__updated_at",
        )
    )
    for section_id, kind, skill_id, slug, name, updated_at in placements:
        placed = PlacedSkill(skill_id, slug, name, SkillKind(kind), updated_at)
        sections[section_id].skills.append(placed)
        skills.setdefault(skill_id, []).append(placed)
    on_roadmap = SkillPlacement.objects.filter(section__roadmap=roadmap).values("skill_id")
    links = (
        Prerequisite.objects.filter(skill__in=on_roadmap)
        .order_by(localized("requires__name"), "requires_id")
        .values_list("skill_id", "requires__slug", localized("requires__name"))
    )
    for skill_id, slug, name in links:
        for placed in skills[skill_id]:
            placed.prerequisites.append(Needed(slug, name))
    return list(sections.values())
