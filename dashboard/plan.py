"""My plan: the steps to my target, the effort they take, a forecast at my pace, goals.

The forecast (docs/content.md, "Effort and the forecast"): a skill's `effort_hours` is
our estimate of the focused hours from nothing to working proficiency (two steps of the
scale), so one step takes half of it. The remaining effort toward a level is, over its
unmet skill requirements (and, for each unmet group, the skill closest to it),

    effort_hours * (required proficiency - mine) / 2

summed; skills without an estimate are left out of the sum and named. At a pace of P
hours a week it takes remaining / P weeks; the forecast is a range from 30 % sooner to
30 % later than that, never one date. A goal (a level, or a set of skills to bring to
working proficiency, by a date) is on track when the range's end is on or before its
date; else it is behind by the difference, and the pace that would end the range on
the date says what would bring it back.

Everything runs a fixed number of queries whatever the number of skills, events and
goals (`plan_for`).
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Prefetch
from django.utils import timezone

from careers.models import Level, LevelRequirement
from dashboard.readiness import (
    GroupPick,
    Standing,
    Step,
    next_steps,
    prerequisite_graph,
    standings,
)
from planning.models import Goal
from skills.models import Proficiency, Skill
from tracking.focus import target_of
from tracking.history import progress_state
from tracking.models import Status

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    from accounts.models import Profile

STEPS_PER_ESTIMATE = Proficiency.WORKING  # effort_hours reach working: two steps
SPREAD = 0.3  # the forecast's range: 30 % either side


@dataclass(frozen=True)
class Forecast:
    """The effort left and, at a pace, when it would be done (a range of dates)."""

    remaining_hours: int
    unestimated: list[Skill]
    pace: int | None
    today: datetime.date

    @property
    def weeks(self) -> float | None:
        if not self.pace:
            return None
        return self.remaining_hours / self.pace

    def _date(self, factor: float) -> datetime.date | None:
        weeks = self.weeks
        if weeks is None:
            return None
        return self.today + datetime.timedelta(days=math.ceil(weeks * factor * 7))

    @property
    def earliest(self) -> datetime.date | None:
        return self._date(1 - SPREAD)

    @property
    def latest(self) -> datetime.date | None:
        return self._date(1 + SPREAD)

    @property
    def is_done(self) -> bool:
        return self.remaining_hours == 0 and not self.unestimated


def hours_for(skill: Skill, mine: int, required: int) -> float | None:
    """The hours to bring `skill` from `mine` to `required`; None without an estimate."""
    if skill.effort_hours is None:
        return None
    return skill.effort_hours * max(required - mine, 0) / STEPS_PER_ESTIMATE


def forecast(
    needs: Sequence[tuple[Skill, int, int]], pace: int | None, today: datetime.date
) -> Forecast:
    """From (skill, mine, required) for each unmet requirement."""
    total = 0.0
    unestimated = []
    for skill, mine, required in needs:
        hours = hours_for(skill, mine, required)
        if hours is None:
            unestimated.append(skill)
        else:
            total += hours
    return Forecast(math.ceil(total), sorted(unestimated, key=lambda s: s.name), pace, today)


def level_needs(needs: Sequence[LevelRequirement | GroupPick]) -> list[tuple[Skill, int, int]]:
    return [(n.skill, n.mine, n.proficiency) for n in needs]


@dataclass
class GoalStatus:
    """A goal with its forecast: on track, or behind by how much and what would help."""

    goal: Goal
    forecast: Forecast

    @property
    def name(self) -> str:
        if self.goal.level_id:
            return self.goal.level.name
        return ", ".join(s.name for s in self.goal.skills.all())

    @property
    def days_left(self) -> int:
        return (self.goal.due - self.forecast.today).days

    @property
    def is_met(self) -> bool:
        return self.forecast.is_done

    @property
    def on_track(self) -> bool | None:
        """True or False; None when it cannot be told (no pace)."""
        if self.is_met:
            return True
        latest = self.forecast.latest
        if latest is None:
            return None
        return latest <= self.goal.due

    @property
    def behind_days(self) -> int:
        latest = self.forecast.latest
        if latest is None or self.on_track:
            return 0
        return (latest - self.goal.due).days

    @property
    def pace_needed(self) -> int | None:
        """The weekly hours that would end the forecast's range on the due date; None
        once the date has passed."""
        if self.days_left <= 0:
            return None
        weeks = self.days_left / 7
        return math.ceil(self.forecast.remaining_hours * (1 + SPREAD) / weeks)

    @property
    def more_hours(self) -> int | None:
        """About how many more hours a week would bring it back on track."""
        needed = self.pace_needed
        if needed is None or self.forecast.pace is None:
            return None
        return max(needed - self.forecast.pace, 1)


@dataclass
class Plan:
    profile: Profile
    target: Level | None
    steps: list[Step] = field(default_factory=list)
    forecast: Forecast | None = None
    goals: list[GoalStatus] = field(default_factory=list)


def my_goals(user: AbstractBaseUser):
    return (
        Goal.objects.for_user(user)
        .select_related("level__track")
        .prefetch_related(Prefetch("skills", queryset=Skill.objects.order_by("name")))
    )


def goal_statuses(
    user: AbstractBaseUser,
    pace: int | None,
    state: dict[int, tuple[str, int]],
    today: datetime.date | None = None,
    goals: Sequence[Goal] | None = None,
    standing: dict[int, Standing] | None = None,
) -> list[GoalStatus]:
    """Each of my goals with its forecast: two queries for the goals and their skills (none
    when `goals` are given), four for the levels' standings (none when `standing` has them).
    `state` is tracking.history.progress_state(user)."""
    today = today or timezone.localdate()
    goals = list(my_goals(user)) if goals is None else goals
    standing = dict(standing or {})
    levels = {g.level_id: g.level for g in goals if g.level_id and g.level_id not in standing}
    if levels:
        standing |= standings(list(levels.values()), user)
    found = []
    for goal in goals:
        if goal.level_id:
            wanted = level_needs(standing[goal.level_id].needs())
        else:
            wanted = []
            for skill in goal.skills.all():
                status, mine = state.get(skill.pk, (Status.NOT_STARTED, 0))
                if status != Status.DONE and mine < Proficiency.WORKING:
                    wanted.append((skill, mine, int(Proficiency.WORKING)))
        found.append(GoalStatus(goal, forecast(wanted, pace, today)))
    return found


def plan_for(
    user: AbstractBaseUser,
    profile: Profile,
    limit: int | None = None,
    today: datetime.date | None = None,
) -> Plan:
    """My plan toward my target: steps (all, or up to `limit`), forecast and goals.

    A fixed number of queries: the target (at most one), the goals and their skills
    (two), the standings of the target and of every goal's level together (four),
    my progress (one) and the prerequisite graph (one)."""
    today = today or timezone.localdate()
    pace = profile.weekly_pace_hours
    target = target_of(profile)
    goals = list(my_goals(user))
    levels = {g.level_id: g.level for g in goals if g.level_id}
    if target is not None:
        levels[target.pk] = target
    standing = standings(list(levels.values()), user) if levels else {}
    state = progress_state(user)
    statuses = {skill_id: status for skill_id, (status, _p) in state.items()}

    plan = Plan(profile, target)
    if target is not None:
        needs = standing[target.pk].needs()
        plan.steps = next_steps(target, needs, statuses, prerequisite_graph(), limit)
        plan.forecast = forecast(level_needs(needs), pace, today)
    plan.goals = goal_statuses(user, pace, state, today, goals, standing)
    return plan
