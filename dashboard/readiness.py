"""Where a person stands: level readiness, missing skills, what to learn next, history.

Readiness is a PLAIN count: each requirement of a level counts once, and it is met when
the person's proficiency in that skill is at least the requirement's minimum. It is not
weighted by the minimum, so one expert-level skill cannot hide several missing basics,
and "9 of 12 met" reads the same as the percentage. Progress below the minimum shows in
the missing-skills list (mine vs required), not in the percentage.

Everything here runs a fixed number of queries whatever the amount of data: readiness is
counted by the database (`tracking.models.levels_with_readiness`, the same count the
public profile shows; missing skills through a join restricted to this person's progress
with FilteredRelation); the prerequisite graph is read in one query and walked in
memory. The history and activity over time are tracking's (tracking/history.py).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import (
    Count,
    F,
    FilteredRelation,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from careers.models import Level, LevelRequirement
from skills.models import Prerequisite, Skill
from tracking.models import Status, completion_percent, levels_with_readiness

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

READINESS_METHOD = gettext_lazy(
    "Plain count: every requirement counts once, and it is met when your proficiency "
    "reaches the level's minimum. Skills below the minimum are listed as missing, with "
    "your proficiency beside the one required."
)
SUGGESTIONS = 5


# Readiness for levels -----------------------------------------------------------------


def requirements_with_mine(
    requirements: QuerySet[LevelRequirement], user: AbstractBaseUser
) -> QuerySet[LevelRequirement]:
    """Requirements annotated with `mine` (my proficiency, 0 when untracked) and `my_status`."""
    return requirements.annotate(
        my_progress=FilteredRelation("skill__progress", condition=Q(skill__progress__user=user))
    ).annotate(
        mine=Coalesce(F("my_progress__proficiency"), Value(0), output_field=IntegerField()),
        my_status=Coalesce(F("my_progress__status"), Value(Status.NOT_STARTED)),
    )


@dataclass(frozen=True)
class Readiness:
    level: Level
    total: int
    met: int

    @property
    def percent(self) -> int:
        return completion_percent(self.met, self.total)

    @property
    def missing(self) -> int:
        return self.total - self.met

    @classmethod
    def of(cls, level: Level) -> Readiness:
        """From a level annotated by tracking.models.levels_with_readiness."""
        return cls(level=level, total=level.requirements_total, met=level.requirements_met)


def entry_rank() -> Subquery:
    """The lowest rank in the outer level's track."""
    return Subquery(
        Level.objects.filter(track=OuterRef("track")).order_by("rank").values("rank")[:1]
    )


def dashboard_levels(
    user: AbstractBaseUser,
    track_ids: Iterable[int | None],
    extra_ids: Iterable[int | None] = (),
) -> list[Level]:
    """Every level of my tracks (the profile's, and my current level's should they
    differ), the entry level of every track, and any extra levels (a target in another
    track), each annotated with readiness: one query."""
    wanted = (
        Q(rank=entry_rank())
        | Q(pk__in=[pk for pk in extra_ids if pk])
        | Q(track_id__in=[pk for pk in track_ids if pk])
    )
    levels = Level.objects.filter(wanted).select_related("track")
    return list(
        levels_with_readiness(levels, user).order_by("track__position", "track__name", "rank")
    )


def next_level(
    levels: Sequence[Level], current: Level | None, track_id: int | None
) -> Level | None:
    """The level after `current` in its track; the track's first level when there is none."""
    mine = [level for level in levels if level.track_id == track_id]
    if current is None:
        return mine[0] if mine else None
    later = [level for level in mine if level.rank > current.rank]
    return later[0] if later else None


# What to learn next ---------------------------------------------------------------------


@dataclass
class Suggestion:
    skill: Skill
    requirement: LevelRequirement | None  # the target requirement it closes, if any
    unlocks: list[Skill]  # missing target skills that need it first
    mine: int = 0

    @property
    def score(self) -> int:
        return (1 if self.requirement else 0) + len(self.unlocks)

    def reason(self, level: Level) -> str:
        parts = []
        if self.requirement is not None:
            parts.append(_("needed for %(level)s") % {"level": level.name})
        if self.unlocks:
            names = [skill.name for skill in self.unlocks[:2]]
            more = len(self.unlocks) - len(names)
            if more:
                listed = _("%(names)s and %(count)d more") % {
                    "names": ", ".join(names),
                    "count": more,
                }
            else:
                listed = _(" and ").join(names)
            parts.append(_("unlocks %(skills)s") % {"skills": listed})
        return "; ".join(parts)


@dataclass
class Graph:
    """The prerequisite graph: {skill id: its direct prerequisites' ids}, and every skill
    that is some skill's prerequisite (id, slug and name: enough to link to it)."""

    requires: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    prerequisites: dict[int, Skill] = field(default_factory=dict)


def prerequisite_graph() -> Graph:
    """The whole prerequisite graph in one query."""
    graph = Graph()
    rows = Prerequisite.objects.values_list(
        "skill_id", "requires_id", "requires__slug", "requires__name"
    )
    for skill_id, requires_id, slug, name in rows:
        graph.requires[skill_id].add(requires_id)
        graph.prerequisites[requires_id] = Skill(pk=requires_id, slug=slug, name=name)
    return graph


def ancestors(skill_id: int, requires: dict[int, set[int]]) -> set[int]:
    """Every skill `skill_id` needs first, directly or through others."""
    seen: set[int] = set()
    stack = list(requires.get(skill_id, ()))
    while stack:
        node = stack.pop()
        if node not in seen:
            seen.add(node)
            stack.extend(requires.get(node, ()))
    return seen


def next_skills(
    missing: Sequence[LevelRequirement],
    statuses: dict[int, str],
    graph: Graph,
    limit: int = SUGGESTIONS,
) -> list[Suggestion]:
    """Up to `limit` skills to learn next for the level whose `missing` requirements these are.

    A candidate is a missing requirement (it closes one) or a skill that a missing
    requirement needs first, directly or indirectly (it unlocks them), that is not done
    or skipped. Only candidates whose own prerequisites are all done are offered, so the
    list always follows the prerequisite order. Ranked by how many requirements a skill
    closes or unlocks, then closing before unlocking, then by name. No queries: `missing`
    carries its skills and the graph the skills that only unlock.
    """
    requires = graph.requires
    by_skill = {req.skill_id: req for req in missing}
    unlocks: dict[int, set[int]] = defaultdict(set)
    for skill_id in by_skill:
        for before in ancestors(skill_id, requires):
            if statuses.get(before) not in (Status.DONE, Status.SKIPPED):
                unlocks[before].add(skill_id)
    candidates = {s for s in by_skill if statuses.get(s) != Status.SKIPPED} | set(unlocks)
    ready = [
        s for s in candidates if all(statuses.get(p) == Status.DONE for p in requires.get(s, ()))
    ]
    skills = {**graph.prerequisites, **{req.skill_id: req.skill for req in missing}}
    suggestions = [
        Suggestion(
            skill=skills[s],
            requirement=by_skill.get(s),
            unlocks=sorted((skills[m] for m in unlocks.get(s, ())), key=lambda k: k.name),
            mine=getattr(by_skill.get(s), "mine", 0),
        )
        for s in ready
    ]
    suggestions.sort(key=lambda g: (-g.score, g.requirement is None, g.skill.name))
    return suggestions[:limit]


# Comparing with any level -------------------------------------------------------------


@dataclass(frozen=True)
class SectionReadiness:
    title: str
    roadmap: str
    total: int
    met: int

    @property
    def percent(self) -> int:
        return completion_percent(self.met, self.total)


def readiness_by_section(level: Level, user: AbstractBaseUser) -> list[SectionReadiness]:
    """My readiness for `level` per roadmap section of its skills: one query.

    A skill placed in two sections counts in both; a skill on no roadmap is grouped
    under "Not on a roadmap".
    """
    rows = (
        requirements_with_mine(LevelRequirement.objects.filter(level=level), user)
        .values(
            "skill__placements__section",
            "skill__placements__section__title",
            "skill__placements__section__roadmap__title",
            "skill__placements__section__roadmap__position",
            "skill__placements__section__position",
        )
        .annotate(total=Count("pk"), met=Count("pk", filter=Q(mine__gte=F("proficiency"))))
        .order_by(
            F("skill__placements__section__roadmap__position").asc(nulls_last=True),
            "skill__placements__section__roadmap__title",
            "skill__placements__section__position",
        )
    )
    return [
        SectionReadiness(
            title=row["skill__placements__section__title"] or str(_("Not on a roadmap")),
            roadmap=row["skill__placements__section__roadmap__title"] or "",
            total=row["total"],
            met=row["met"],
        )
        for row in rows
    ]
