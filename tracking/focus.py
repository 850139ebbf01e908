"""Focus on my target: which skills of a roadmap the person's target level expects, and
which of those they do not meet yet (`/roadmaps/<slug>/?focus=target` and
`?focus=missing`).

The target is the profile's target level, else the level after the current one in its
track, else the first level of the profile's track (as the dashboard chooses it). A
level expects a skill through a plain requirement (at a minimum proficiency) or as a
member of a requirement group ("one main language at practitioner"); a group's skills
stop being missing once the group is met, as readiness counts it
(tracking.models.levels_with_readiness). Three queries however big the roadmap.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from django.apps import apps
from django.core.exceptions import ObjectDoesNotExist

from careers.models import Level, LevelRequirement, RequirementGroup

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    from tracking.rows import State

TARGET = "target"  # every skill the target expects
MISSING = "missing"  # only those not met yet
FOCUSES = (TARGET, MISSING)


class Aims(Protocol):
    """What a person's profile says about where they are going (accounts.models.Profile;
    named by its shape here, as accounts is above tracking)."""

    target_level_id: int | None
    current_level_id: int | None
    track_id: int | None

    @property
    def target_level(self) -> Level | None: ...

    @property
    def current_level(self) -> Level | None: ...


def target_of(profile: Aims) -> Level | None:
    """The level a person aims at: their target, else the level after their current one
    in its track, else the first level of their track; None without any of these. The
    one home of that choice (the focused roadmap, the plan, the dashboard's goals, the
    API). At most one query when the profile's levels were selected with it."""
    if profile.target_level_id:
        return profile.target_level
    levels = Level.objects.select_related("track").order_by("rank")
    if profile.current_level_id:
        current = profile.current_level
        return levels.filter(track_id=current.track_id, rank__gt=current.rank).first()
    if profile.track_id:
        return levels.filter(track_id=profile.track_id).first()
    return None


def target_level(user: AbstractBaseUser | AnonymousUser) -> Level | None:
    """The level this person aims at (`target_of`), or None (anonymous, no profile)."""
    if not user.is_authenticated:
        return None
    try:
        # By name: accounts is above tracking (it reads progress for the public profile).
        profiles = apps.get_model("accounts", "Profile").objects
        profile = profiles.select_related("target_level__track", "current_level").get(
            user_id=user.pk
        )
    except ObjectDoesNotExist:
        return None
    return target_of(profile)


@dataclass(slots=True)
class Needs:
    """What a level expects of each skill: {skill id: minimum proficiency} (the highest
    asked when a skill is both required and in a group), and which skills are met."""

    level: Level
    minimum: dict[int, int] = field(default_factory=dict)
    met: set[int] = field(default_factory=set)

    def wanted(self, skill_id: int, focus: str) -> bool:
        """Whether a skill belongs to the `focus` view."""
        if skill_id not in self.minimum:
            return False
        return focus != MISSING or skill_id not in self.met


def needs_of(level: Level, saved: dict[int, State]) -> Needs:
    """What `level` expects, with what the person meets (`saved`: {skill id: (status,
    proficiency)}). Two queries."""
    needs = Needs(level)

    def mine(skill_id: int) -> int:
        return saved.get(skill_id, ("", 0))[1]

    for skill_id, minimum in LevelRequirement.objects.filter(level=level).values_list(
        "skill_id", "proficiency"
    ):
        needs.minimum[skill_id] = max(minimum, needs.minimum.get(skill_id, 0))
        if mine(skill_id) >= minimum:
            needs.met.add(skill_id)
    members: dict[int, list[int]] = {}
    groups: dict[int, tuple[int, int]] = {}
    rows = RequirementGroup.skills.through.objects.filter(requirementgroup__level=level)
    for group_id, skill_id, at_least, minimum in rows.values_list(
        "requirementgroup_id",
        "skill_id",
        "requirementgroup__at_least",
        "requirementgroup__proficiency",
    ):
        members.setdefault(group_id, []).append(skill_id)
        groups[group_id] = (at_least, minimum)
    for group_id, skills in members.items():
        at_least, minimum = groups[group_id]
        reached = [skill_id for skill_id in skills if mine(skill_id) >= minimum]
        group_met = len(reached) >= at_least
        for skill_id in skills:
            plain = skill_id in needs.minimum and skill_id not in needs.met
            needs.minimum[skill_id] = max(minimum, needs.minimum.get(skill_id, 0))
            if (group_met or skill_id in reached) and not plain:
                needs.met.add(skill_id)
    return needs
