"""What a team page shows: one read model per question, each a fixed number of queries.

Only what members share is read: readiness for members who share readiness, skill
proficiency (never notes) for members who share progress. Managers see each sharing
member's values; everyone sees the team's aggregate shape (counts over sharing members).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Min, Q, QuerySet

from careers.models import Level
from skills.models import Proficiency, Skill
from teams.models import SHARING_KINDS, Membership, Role, Team
from tracking.models import (
    SkillProgress,
    completion_percent,
    levels_with_readiness,
    technical_met_by,
)

HOLDS = Proficiency.PRACTITIONER  # "holds a skill": practitioner or better


def members_of(team: Team) -> QuerySet[Membership]:
    """The team's memberships with each person's handle and levels: one query."""
    return (
        Membership.objects.filter(team=team)
        .select_related("user__profile__current_level__track", "user__profile__target_level__track")
        .order_by("user__profile__handle", "pk")
    )


def handle_of(membership: Membership) -> str:
    profile = getattr(membership.user, "profile", None)
    return profile.handle if profile else membership.user.get_username()


@dataclass(frozen=True)
class LevelReadiness:
    level: Level
    total: int
    met: int

    @property
    def percent(self) -> int:
        return completion_percent(self.met, self.total)


@dataclass
class MemberReadiness:
    current: LevelReadiness | None = None
    next: LevelReadiness | None = None


def readiness_of(members: list[Membership]) -> dict[int, MemberReadiness]:
    """{user id: readiness for their current and next level} for the given members
    (callers pass only those who share readiness). Next is the member's target level,
    or else the next rank in their current level's track. Three queries whatever the
    number of members."""
    current: dict[int, Level] = {}
    target: dict[int, Level] = {}
    for member in members:
        profile = getattr(member.user, "profile", None)
        if profile is None:
            continue
        if profile.current_level_id:
            current[member.user_id] = profile.current_level
        if profile.target_level_id:
            target[member.user_id] = profile.target_level
    tracks = {level.track_id for level in current.values()}
    ladder: dict[int, list[Level]] = defaultdict(list)
    for level in Level.objects.filter(track_id__in=tracks).select_related("track").order_by("rank"):
        ladder[level.track_id].append(level)
    nexts = dict(target)
    for user_id, level in current.items():
        if user_id not in nexts:
            later = [step for step in ladder[level.track_id] if step.rank > level.rank]
            if later:
                nexts[user_id] = later[0]
    level_ids = {level.pk for level in [*current.values(), *nexts.values()]}
    # Technical readiness (skills and groups), as on the public profile: behaviour
    # self-assessments are never shared.
    totals = dict(
        levels_with_readiness(Level.objects.filter(pk__in=level_ids), AnonymousUser()).values_list(
            "pk", "technical_total"
        )
    )
    met = technical_met_by([m.user_id for m in members], level_ids)

    def of(user_id: int, level: Level | None) -> LevelReadiness | None:
        if level is None:
            return None
        return LevelReadiness(level, totals.get(level.pk, 0), met.get((user_id, level.pk), 0))

    return {
        m.user_id: MemberReadiness(
            of(m.user_id, current.get(m.user_id)), of(m.user_id, nexts.get(m.user_id))
        )
        for m in members
    }


@dataclass
class SkillShape:
    """One skill of the team's track, counted over members who share progress."""

    skill: Skill
    asked: int  # the lowest minimum any level of the track asks
    holders: int = 0  # at practitioner or better
    meeting: int = 0  # at the minimum asked or better
    holder_id: int | None = None  # the one holder, when there is exactly one

    @property
    def is_gap(self) -> bool:
        return self.meeting == 0

    @property
    def single_point(self) -> bool:
        return self.holders == 1


def track_skills(team: Team) -> list[SkillShape]:
    """The skills the team's adopted track asks for, by name: one query."""
    if team.track_id is None:
        return []
    skills = (
        Skill.objects.filter(requirements__level__track_id=team.track_id)
        .annotate(asked=Min("requirements__proficiency"))
        .only("pk", "slug", "name")
        .order_by("name")
    )
    return [SkillShape(skill=skill, asked=skill.asked) for skill in skills]


def skill_shape(shapes: list[SkillShape], user_ids: list[int]) -> list[SkillShape]:
    """Count holders and members meeting each skill, in the database: one query."""
    if not shapes:
        return shapes
    by_skill = {shape.skill.pk: shape for shape in shapes}
    rows = (
        SkillProgress.objects.filter(user_id__in=user_ids, skill_id__in=by_skill)
        .values_list("skill_id", "proficiency")
        .annotate(n=Count("pk"), first=Min("user_id"))
        .order_by()
    )
    for skill_id, proficiency, n, first in rows:
        shape = by_skill[skill_id]
        if proficiency >= HOLDS:
            shape.holder_id = first if shape.holders == 0 and n == 1 else None
            shape.holders += n
        if proficiency >= shape.asked:
            shape.meeting += n
    return shapes


def proficiency_matrix(user_ids: list[int], skill_ids: list[int]) -> dict[tuple[int, int], int]:
    """{(user id, skill id): proficiency}: only the level, never notes. One query."""
    rows = SkillProgress.objects.filter(user_id__in=user_ids, skill_id__in=skill_ids)
    return {
        (user_id, skill_id): proficiency
        for user_id, skill_id, proficiency in rows.values_list("user_id", "skill_id", "proficiency")
    }


@dataclass
class Shape:
    """The team in counts: people, roles, and how many share each kind of data."""

    members: int = 0
    roles: dict[str, int] = field(default_factory=dict)
    sharing: dict[str, int] = field(default_factory=dict)


def team_shape(team: Team) -> Shape:
    counts = Membership.objects.filter(team=team).aggregate(
        members=Count("pk"),
        **{f"role_{role}": Count("pk", filter=Q(role=role)) for role in Role.values},
        **{
            f"share_{kind}": Count("pk", filter=Q(**{f"share_{kind}": True}))
            for kind in SHARING_KINDS
        },
    )
    return Shape(
        members=counts["members"],
        roles={role: counts[f"role_{role}"] for role in Role.values},
        sharing={kind: counts[f"share_{kind}"] for kind in SHARING_KINDS},
    )
