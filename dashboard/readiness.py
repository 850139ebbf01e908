"""Where a person stands: level readiness, every gap, what to learn next, history.

A level expects two kinds of thing, counted apart and together:

- the technical part: each plain requirement (one skill at a minimum proficiency) and
  each requirement group ("one of Python, Go, … at practitioner"), a group counting
  ONCE, met when at least `at_least` of its skills reach the group's minimum;
- the behavioural part: each competency criterion, met when the person rated it "met"
  (docs/content.md, "Scale"); "not yet" and not assessed are not met.

Together is (technical met + behaviours met) / (all expectations). Every expectation
counts once and is not weighted, so one expert skill cannot hide several missing
basics, and "9 of 12 met" reads the same as the percentage. What is below the bar shows
in the gaps, each named with what it needs (mine vs required).

Everything here runs a fixed number of queries whatever the amount of data: the counts
are the database's (`tracking.models.levels_with_readiness`, the one home of the count,
also used by the public profile); the gaps are read in four queries for any number of
levels (joins restricted to this person's progress and assessments with
FilteredRelation); the prerequisite graph is read in one query and walked in memory.
The history and activity over time are tracking's (tracking/history.py).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

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

from careers.models import Competency, Level, LevelRequirement, RequirementGroup
from skills.models import Prerequisite, Proficiency, Skill
from tracking.models import Rating, Status, completion_percent, levels_with_readiness

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    from accounts.models import Profile

READINESS_METHOD = gettext_lazy(
    "Every expectation counts once. Skills: a requirement is met when your proficiency "
    "reaches the level's minimum, and a group (“one of these languages”) when enough of "
    "its skills do. Behaviours: a criterion is met when you rate it met. Whatever is "
    "missing is listed with what it needs."
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
class Part:
    """Met of total, for one part of a level's expectations (or all of them)."""

    met: int
    total: int

    @property
    def percent(self) -> int:
        return completion_percent(self.met, self.total)

    @property
    def missing(self) -> int:
        return self.total - self.met


@dataclass(frozen=True)
class Readiness:
    """A level's readiness: technical (requirements and groups) and behavioural parts.

    `met`, `total` and `percent` are the overall figures (both parts together)."""

    level: Level
    technical: Part
    behaviour: Part

    @property
    def overall(self) -> Part:
        return Part(
            self.technical.met + self.behaviour.met, self.technical.total + self.behaviour.total
        )

    @property
    def met(self) -> int:
        return self.overall.met

    @property
    def total(self) -> int:
        return self.overall.total

    @property
    def percent(self) -> int:
        return self.overall.percent

    @property
    def missing(self) -> int:
        return self.overall.missing

    @classmethod
    def of(cls, level: Level) -> Readiness:
        """From a level annotated by tracking.models.levels_with_readiness."""
        return cls(
            level=level,
            technical=Part(level.technical_met, level.technical_total),
            behaviour=Part(level.competencies_met, level.competencies_total),
        )


def readiness_for(level: Level, user: AbstractBaseUser | AnonymousUser) -> Readiness:
    """One level's readiness: one query."""
    return Readiness.of(levels_with_readiness(Level.objects.filter(pk=level.pk), user).get())


# Every expectation of a level, with my standing and what each gap needs ----------------


def proficiency_label(value: int) -> str:
    return str(Proficiency(value).label)


def listed(names: Sequence[str]) -> str:
    return ", ".join(names)


@dataclass(frozen=True)
class Gap:
    """One unmet expectation: its kind, a sentence saying what it needs, and the facts
    (for the API)."""

    kind: str  # "skill", "group" or "competency"
    text: str
    data: dict[str, Any]


@dataclass
class Member:
    """One skill of a requirement group, with my proficiency in it."""

    skill: Skill
    mine: int

    @property
    def skill_id(self) -> int:
        return self.skill.pk

    @property
    def mine_label(self) -> str:
        return proficiency_label(self.mine)


@dataclass
class GroupPick:
    """A skill of an unmet group that would bring it closer (for what to learn next)."""

    skill: Skill
    mine: int
    proficiency: int
    group: RequirementGroup

    @property
    def skill_id(self) -> int:
        return self.skill.pk


@dataclass
class GroupStanding:
    group: RequirementGroup
    members: list[Member]  # my best first, then by name

    @property
    def have(self) -> list[Member]:
        return [m for m in self.members if m.mine >= self.group.proficiency]

    @property
    def is_met(self) -> bool:
        return len(self.have) >= self.group.at_least

    @property
    def best(self) -> Member | None:
        return self.members[0] if self.members and self.members[0].mine > 0 else None

    def picks(self) -> list[GroupPick]:
        """While the group is unmet: the skills closest to the bar, as many as it still
        needs (never every alternative)."""
        if self.is_met:
            return []
        short = self.group.at_least - len(self.have)
        below = [m for m in self.members if m.mine < self.group.proficiency]
        return [
            GroupPick(m.skill, m.mine, self.group.proficiency, self.group) for m in below[:short]
        ]

    @property
    def status_text(self) -> str:
        """My standing, in a phrase: "your best is Python at working"."""
        required = self.group.proficiency
        if self.group.at_least == 1:
            best = self.best
            if best is None:
                return _("you have none of them yet")
            if best.mine >= required:
                return _("met with %(skill)s at %(mine)s") % {
                    "skill": best.skill.name,
                    "mine": best.mine_label,
                }
            return _("your best is %(skill)s at %(mine)s") % {
                "skill": best.skill.name,
                "mine": best.mine_label,
            }
        have = self.have
        if not have:
            return _("you have none of them at that level yet")
        return _("you have %(count)d: %(skills)s") % {
            "count": len(have),
            "skills": listed([m.skill.name for m in have]),
        }

    @property
    def needs_text(self) -> str:
        """What the group asks: "one of Python, Go at practitioner or better"."""
        names = listed([m.skill.name for m in sorted(self.members, key=lambda m: m.skill.name)])
        values = {
            "skills": names,
            "required": proficiency_label(self.group.proficiency),
            "count": self.group.at_least,
        }
        if self.group.at_least == 1:
            return _("one of %(skills)s at %(required)s or better") % values
        return _("%(count)d of %(skills)s at %(required)s or better") % values

    def gap(self) -> Gap:
        return Gap(
            "group",
            _("%(name)s: %(needs)s; %(status)s")
            % {"name": self.group.name, "needs": self.needs_text, "status": self.status_text},
            {
                "name": self.group.name,
                "any_of": sorted(m.skill.slug for m in self.members),
                "at_least": self.group.at_least,
                "proficiency": self.group.proficiency,
                "have": [m.skill.slug for m in self.have],
                "best": (
                    {"skill": self.best.skill.slug, "mine": self.best.mine} if self.best else None
                ),
            },
        )


@dataclass
class BehaviourStanding:
    """One criterion of a level, with my own assessment of it (None: not assessed)."""

    competency: Competency
    rating: str | None
    note: str = ""
    evidence_url: str = ""

    @property
    def is_met(self) -> bool:
        return self.rating == Rating.MET

    @property
    def rating_label(self) -> str:
        if self.rating is None:
            return _("not assessed")
        return str(Rating(self.rating).label)

    def gap(self) -> Gap:
        values = {
            "theme": self.competency.theme.name,
            "criterion": self.competency.criterion,
        }
        if self.rating is None:
            text = _("%(theme)s: “%(criterion)s”; not assessed yet") % values
        else:
            text = _("%(theme)s: “%(criterion)s”; not yet met") % values
        return Gap(
            "competency",
            text,
            {
                "id": self.competency.pk,
                "theme": self.competency.theme.name,
                "criterion": self.competency.criterion,
                "rating": self.rating,
            },
        )


@dataclass
class Standing:
    """Everything a level expects, each with my standing."""

    level: Level
    requirements: list[LevelRequirement] = field(default_factory=list)
    groups: list[GroupStanding] = field(default_factory=list)
    behaviours: list[BehaviourStanding] = field(default_factory=list)

    @property
    def missing_requirements(self) -> list[LevelRequirement]:
        return [r for r in self.requirements if not r.is_met]

    @property
    def unmet_groups(self) -> list[GroupStanding]:
        return [g for g in self.groups if not g.is_met]

    @property
    def unmet_behaviours(self) -> list[BehaviourStanding]:
        return [b for b in self.behaviours if not b.is_met]

    def gaps(self) -> list[Gap]:
        """Every unmet expectation: skills (largest gap first), groups, then behaviours
        in theme order."""
        missing = sorted(
            self.missing_requirements, key=lambda r: (r.mine - r.proficiency, r.skill.name)
        )
        skills = [
            Gap(
                "skill",
                _("%(skill)s at %(required)s or better; you are at %(mine)s")
                % {
                    "skill": r.skill.name,
                    "required": r.get_proficiency_display(),
                    "mine": r.mine_label,
                },
                {
                    "skill": r.skill.slug,
                    "name": r.skill.name,
                    "mine": r.mine,
                    "required": r.proficiency,
                },
            )
            for r in missing
        ]
        return [
            *skills,
            *(g.gap() for g in self.unmet_groups),
            *(b.gap() for b in self.unmet_behaviours),
        ]

    def needs(self) -> list[LevelRequirement | GroupPick]:
        """What the technical gaps ask to learn: missing requirements and, per unmet
        group, only the skills it still needs (for next_skills)."""
        return [*self.missing_requirements, *(p for g in self.unmet_groups for p in g.picks())]


def label_mine(requirements: Iterable[LevelRequirement]) -> list[LevelRequirement]:
    """Name the proficiency each row's `mine` annotation stands for, and whether it is met."""
    rows = list(requirements)
    for requirement in rows:
        requirement.mine_label = proficiency_label(requirement.mine)
        requirement.is_met = requirement.mine >= requirement.proficiency
    return rows


def standings(
    levels: Sequence[Level], user: AbstractBaseUser | AnonymousUser
) -> dict[int, Standing]:
    """{level id: Standing} for `levels`: four queries (three when no level has a
    group), however many levels, skills, groups and criteria. An anonymous visitor's
    standing is all zero and unassessed."""
    found = {level.pk: Standing(level) for level in levels}
    signed_in = user.is_authenticated

    requirements = LevelRequirement.objects.filter(level__in=list(found))
    if signed_in:
        requirements = requirements_with_mine(requirements, user)
    else:
        requirements = requirements.annotate(
            mine=Value(0, output_field=IntegerField()), my_status=Value(Status.NOT_STARTED)
        )
    for requirement in label_mine(requirements.select_related("skill").order_by("skill__name")):
        found[requirement.level_id].requirements.append(requirement)

    groups = {
        group.pk: GroupStanding(group, [])
        for group in RequirementGroup.objects.filter(level__in=list(found)).order_by(
            "level", "position", "name"
        )
    }
    members = RequirementGroup.skills.through.objects.filter(requirementgroup__in=list(groups))
    if signed_in:
        members = members.annotate(
            my_progress=FilteredRelation("skill__progress", condition=Q(skill__progress__user=user))
        ).annotate(mine=Coalesce(F("my_progress__proficiency"), Value(0)))
    else:
        members = members.annotate(mine=Value(0, output_field=IntegerField()))
    if not groups:  # nothing to read: no query
        members = members.none()
    for row in members.select_related("skill").order_by("-mine", "skill__name"):
        groups[row.requirementgroup_id].members.append(Member(row.skill, row.mine))
    for standing in groups.values():
        found[standing.group.level_id].groups.append(standing)

    competencies = Competency.objects.filter(level__in=list(found)).select_related("theme")
    if signed_in:
        competencies = competencies.annotate(
            mine=FilteredRelation("assessments", condition=Q(assessments__user=user))
        ).annotate(
            my_rating=F("mine__rating"),
            my_note=F("mine__note"),
            my_evidence_url=F("mine__evidence_url"),
        )
    for competency in competencies.order_by(
        "level", "theme__position", "theme__name", "position", "pk"
    ):
        found[competency.level_id].behaviours.append(
            BehaviourStanding(
                competency,
                getattr(competency, "my_rating", None),
                getattr(competency, "my_note", None) or "",
                getattr(competency, "my_evidence_url", None) or "",
            )
        )
    return found


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


def target_of(profile: Profile) -> Level | None:
    """The level a person aims at: their target, else the level after their current one
    in its track, else the first level of their track; None without any of these. At
    most one query (the profile's levels selected with it)."""
    if profile.target_level_id:
        return profile.target_level
    current = profile.current_level
    if current is not None:
        return (
            Level.objects.select_related("track")
            .filter(track_id=current.track_id, rank__gt=current.rank)
            .order_by("rank")
            .first()
        )
    if profile.track_id:
        return (
            Level.objects.select_related("track")
            .filter(track_id=profile.track_id)
            .order_by("rank")
            .first()
        )
    return None


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
    requirement: LevelRequirement | GroupPick | None  # what it closes (or a group it helps)
    unlocks: list[Skill]  # missing target skills that need it first
    mine: int = 0

    @property
    def score(self) -> int:
        return (1 if self.requirement else 0) + len(self.unlocks)

    def reason(self, level: Level) -> str:
        parts = []
        if isinstance(self.requirement, GroupPick):
            parts.append(
                _("counts toward “%(group)s” for %(level)s")
                % {"group": self.requirement.group.name, "level": level.name}
            )
        elif self.requirement is not None:
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
    missing: Sequence[LevelRequirement | GroupPick],
    statuses: dict[int, str],
    graph: Graph,
    limit: int = SUGGESTIONS,
) -> list[Suggestion]:
    """Up to `limit` skills to learn next for the level whose `missing` requirements these are.

    `missing` is what the level still needs (Standing.needs(): missing requirements and,
    per unmet group, only the skills closest to closing it, so a group of six languages
    suggests one). A candidate is a missing requirement (it closes one) or a skill that a
    missing requirement needs first, directly or indirectly (it unlocks them), that is not done
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
