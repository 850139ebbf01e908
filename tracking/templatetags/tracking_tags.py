"""Template helpers for tracking: completion percentages and the tracking controls."""

from __future__ import annotations

from typing import Any

from django import template

from skills.models import Proficiency
from tracking.models import Status, completion_percent

register = template.Library()


@register.filter
def completion(obj: Any) -> int:
    """Percent done of an object annotated by tracking.models.progress_counts."""
    return completion_percent(
        getattr(obj, "progress_done", 0),
        getattr(obj, "progress_total", 0),
        getattr(obj, "progress_skipped", 0),
    )


@register.simple_tag
def status_choices() -> list[tuple[str, str]]:
    return list(Status.choices)


@register.simple_tag
def proficiency_choices() -> list[tuple[int, str]]:
    return list(Proficiency.choices)
