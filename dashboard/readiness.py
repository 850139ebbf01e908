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
from core.l10n import localized
from skills.models import Prerequisite, Proficiency, Skill
from tracking.models import Rating, Status, completion_percent, levels_with_readiness

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser


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


def next_level(
    levels: Sequence[Level], current: Level | None, track_id: int | None
) -> Level | None:
    """The level after `current` in its track; the track's first level when there is none."""
    mine = [level for level in levels if level.track_id == track_id]
    if current is None:
        return mine[0] if mine else None
    later = [level for level in mine if level.rank > current.rank]
    return later[0] if later else None


# What to learn next: the steps a mentor would give ---------------------------------------


@dataclass
class Graph:
    """The prerequisite graph: {skill id: its direct prerequisites' ids}, and every skill
    that is some skill's prerequisite (id, slug, name and effort: enough to link to it and
    to plan it)."""

    requires: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    prerequisites: dict[int, Skill] = field(default_factory=dict)


def prerequisite_graph() -> Graph:
    """The whole prerequisite graph in one query."""
    graph = Graph()
    rows = Prerequisite.objects.values_list(
        "skill_id",
        "requires_id",
        "requires__slug",
        localized("requires__name"),
        "requires__effort_hours",
    )
    for skill_id, requires_id, slug, name, effort_hours in rows:
        graph.requires[skill_id].add(requires_id)
        graph.prerequisites[requires_id] = Skill(
            pk=requires_id, slug=slug, name=name, effort_hours=effort_hours
        )
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


START = "start"
CONTINUE = "continue"
SETTLED = (Status.DONE, Status.SKIPPED)  # a prerequisite in either state holds nobody back


@dataclass
class Step:
    """One thing to learn next: a skill, whether to start or continue it, why (a sentence),
    its estimated effort and the level's missing skills it opens the way to."""

    skill: Skill
    action: str  # START or CONTINUE
    reason: str
    need: LevelRequirement | GroupPick | None = None  # None: only a prerequisite
    unlocks: list[Skill] = field(default_factory=list)

    @property
    def effort_hours(self) -> int | None:
        return self.skill.effort_hours

    @property
    def text(self) -> str:  # the dashboard's name for the reason
        return self.reason


def need_reason(need: LevelRequirement | GroupPick, level: Level) -> str:
    """ "Senior expects practitioner; you are at working." (or the group's version)."""
    values = {
        "level": level.name,
        "required": proficiency_label(need.proficiency),
        "mine": proficiency_label(need.mine),
    }
    if isinstance(need, GroupPick):
        values["group"] = need.group.name
        if need.mine:
            return (
                _("Counts toward “%(group)s”: %(level)s expects %(required)s; you are at %(mine)s.")
                % values
            )
        return (
            _("Counts toward “%(group)s”: %(level)s expects %(required)s; you have not started it.")
            % values
        )
    if need.mine:
        return _("%(level)s expects %(required)s; you are at %(mine)s.") % values
    return _("%(level)s expects %(required)s; you have not started it.") % values


def by_rank(need: LevelRequirement | GroupPick, pending: set[int]) -> tuple:
    """Largest gap first; then what can be learnt now (no pending prerequisite); then the
    smaller effort (unestimated last); then by name."""
    effort = need.skill.effort_hours
    return (
        -(need.proficiency - need.mine),
        bool(pending),
        effort is None,
        effort or 0,
        need.skill.name,
    )


def next_steps(
    level: Level,
    needs: Sequence[LevelRequirement | GroupPick],
    statuses: dict[int, str],
    graph: Graph,
    limit: int | None = SUGGESTIONS,
) -> list[Step]:
    """What to learn next toward `level`, in order, up to `limit` (None: all).

    `needs` is what the level still asks (Standing.needs(): missing requirements and, per
    unmet group, only the skill closest to closing it). Ranked by the gap (required minus
    mine), then by what can be learnt now, then by effort and name. A skill whose
    prerequisites are not done (nor skipped) comes after them: each pending prerequisite
    is placed just before the first skill that needs it, with the reason "needed for X".
    A skill I am learning is a step to continue, never a new one; a skill I skipped is
    not offered. No queries.
    """
    requires = graph.requires

    def pending_before(skill_id: int) -> list[int]:
        """The skill's unsettled prerequisites, each after its own (depth first)."""
        order: list[int] = []
        seen: set[int] = set()

        def visit(node: int) -> None:
            for before in sorted(requires.get(node, ())):
                if before in seen or statuses.get(before) in SETTLED:
                    continue
                seen.add(before)
                visit(before)
                order.append(before)

        visit(skill_id)
        return order

    wanted = [n for n in needs if statuses.get(n.skill_id) != Status.SKIPPED]
    by_skill = {n.skill_id: n for n in wanted}
    pending = {n.skill_id: pending_before(n.skill_id) for n in wanted}
    unlocks: dict[int, list[Skill]] = defaultdict(list)
    for need in wanted:
        for before in pending[need.skill_id]:
            unlocks[before].append(need.skill)
    skills = {**graph.prerequisites, **{n.skill_id: n.skill for n in wanted}}

    def step(skill_id: int, first_for: Skill | None) -> Step:
        need = by_skill.get(skill_id)
        if need is not None:
            reason = need_reason(need, level)
            if first_for is not None:  # required itself, and placed early for another
                reason = " ".join(
                    [reason, _("It comes before %(skill)s.") % {"skill": first_for.name}]
                )
        else:
            reason = _("Needed for %(skill)s, which %(level)s expects.") % {
                "skill": first_for.name if first_for else "",
                "level": level.name,
            }
        action = CONTINUE if statuses.get(skill_id) == Status.LEARNING else START
        return Step(
            skills[skill_id],
            action,
            reason,
            need,
            sorted(unlocks.get(skill_id, []), key=lambda s: s.name),
        )

    steps: list[Step] = []
    placed: set[int] = set()
    for need in sorted(wanted, key=lambda n: by_rank(n, set(pending[n.skill_id]))):
        for before in [*pending[need.skill_id], need.skill_id]:
            if before not in placed:
                placed.add(before)
                steps.append(step(before, need.skill if before != need.skill_id else None))
        if limit is not None and len(steps) >= limit:
            break
    return steps if limit is None else steps[:limit]


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
            "skill__placements__section__roadmap__position",
            "skill__placements__section__position",
            section_title=localized("skill__placements__section__title"),
            roadmap_title=localized("skill__placements__section__roadmap__title"),
        )
        .annotate(total=Count("pk"), met=Count("pk", filter=Q(mine__gte=F("proficiency"))))
        .order_by(
            F("skill__placements__section__roadmap__position").asc(nulls_last=True),
            "roadmap_title",
            "skill__placements__section__position",
        )
    )
    return [
        SectionReadiness(
            title=row["section_title"] or str(_("Not on a roadmap")),
            roadmap=row["roadmap_title"] or "",
            total=row["total"],
            met=row["met"],
        )
        for row in rows
    ]
