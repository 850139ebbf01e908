"""Planning's part of a person's data export (see accounts.export)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Prefetch

from planning.models import Goal
from skills.models import Skill


def goals_part(user: AbstractBaseUser) -> list[dict[str, Any]]:
    """Every goal, in the API's shape (without the forecast, which is computed): two queries."""
    goals = (
        Goal.objects.for_user(user)
        .select_related("level__track")
        .prefetch_related(Prefetch("skills", queryset=Skill.objects.order_by("slug")))
        .order_by("due", "pk")
    )
    return [
        {
            "level": goal.level.key if goal.level_id else None,
            "skills": [skill.slug for skill in goal.skills.all()],
            "date": goal.due,
            "created_at": goal.created_at,
        }
        for goal in goals
    ]
