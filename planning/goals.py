"""Every change to a person's goals: one function each, for the page and the API."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db import transaction

from careers.models import Level
from planning.models import Goal
from skills.models import Skill

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


def create_goal(
    user: AbstractBaseUser, level: Level | None, skills: Sequence[Skill], due: datetime.date
) -> Goal:
    """A validated goal (planning.forms.GoalForm), saved with its skills."""
    with transaction.atomic():
        goal = Goal.objects.create(user=user, level=level, due=due)
        if skills:
            goal.skills.set(skills)
    return goal


def delete_goal(user: AbstractBaseUser, goal_id: int) -> bool:
    """Delete this person's goal; False when they have none by that id."""
    deleted, _rows = Goal.objects.for_user(user).filter(pk=goal_id).delete()
    return bool(deleted)
