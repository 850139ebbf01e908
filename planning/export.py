"""Planning's part of a person's data export (see accounts.export)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Prefetch

from planning.models import DigestSubscription, Goal
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


def digest_part(user: AbstractBaseUser) -> dict[str, Any] | None:
    """The weekly digest's opt-in, or None when the person never chose: one query."""
    found = DigestSubscription.objects.filter(user=user).first()
    if found is None:
        return None
    return {
        "subscribed": found.subscribed,
        "created_at": found.created_at,
        "last_sent_at": found.last_sent_at,
    }
