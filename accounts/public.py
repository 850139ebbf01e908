"""What a shared profile shows: progress by roadmap section, levels, and a history chart.

A fixed number of queries whatever the amount of data: everything is counted in the
database and grouped in Python from one result each.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone

from accounts.models import Profile
from careers.models import Level
from skills.models import Roadmap, Section
from tracking.models import (
    ProgressEvent,
    Status,
    completion_percent,
    levels_with_readiness,
    roadmaps_with_progress,
    sections_with_progress,
)

CHART_WEEKS = 12
# The chart's drawing box, in SVG user units (it scales to the width of the page).
CHART_WIDTH = 640
CHART_HEIGHT = 180
CHART_TOP = 16
CHART_BOTTOM = 28
CHART_LEFT = 36


@dataclass
class Week:
    start: date
    count: int
    x: float = 0
    y: float = 0
    height: float = 0
    width: float = 0


def weekly_done(user: AbstractBaseUser, weeks: int = CHART_WEEKS) -> list[Week]:
    """Skills marked done in each of the last `weeks` weeks (Monday to Sunday), oldest first.

    One query: events are counted per day in the database, then put in weeks.
    """
    today = timezone.localdate()
    first = today - timedelta(days=today.weekday()) - timedelta(weeks=weeks - 1)
    per_day = (
        ProgressEvent.objects.for_user(user)
        .filter(to_status=Status.DONE, created_at__date__gte=first)
        .exclude(from_status=Status.DONE)
        .annotate(day=TruncDate("created_at"))
        .values("day")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts = [0] * weeks
    for row in per_day:
        index = (row["day"] - first).days // 7
        if 0 <= index < weeks:
            counts[index] += row["n"]
    result = [Week(start=first + timedelta(weeks=i), count=c) for i, c in enumerate(counts)]
    _lay_out(result)
    return result


def _lay_out(weeks: list[Week]) -> None:
    peak = max((w.count for w in weeks), default=0) or 1
    plot_height = CHART_HEIGHT - CHART_TOP - CHART_BOTTOM
    slot = (CHART_WIDTH - CHART_LEFT) / max(len(weeks), 1)
    for i, week in enumerate(weeks):
        week.width = round(slot * 0.7, 1)
        week.x = round(CHART_LEFT + i * slot + slot * 0.15, 1)
        week.height = round(plot_height * week.count / peak, 1)
        week.y = round(CHART_TOP + plot_height - week.height, 1)


def roadmap_progress(user: AbstractBaseUser | AnonymousUser) -> list[dict[str, Any]]:
    """Published roadmaps the person has tracked, each with its sections' progress."""
    roadmaps = [
        roadmap
        for roadmap in roadmaps_with_progress(Roadmap.objects.published(), user)
        if roadmap.progress_done or roadmap.progress_learning or roadmap.progress_skipped
    ]
    if not roadmaps:
        return []
    sections = sections_with_progress(
        Section.objects.filter(roadmap__in=roadmaps).order_by("roadmap_id", "position"), user
    )
    by_roadmap: dict[int, list[Section]] = {}
    for section in sections:
        section.percent = completion_percent(
            section.progress_done, section.progress_total, section.progress_skipped
        )
        by_roadmap.setdefault(section.roadmap_id, []).append(section)
    return [
        {
            "roadmap": roadmap,
            "percent": completion_percent(
                roadmap.progress_done, roadmap.progress_total, roadmap.progress_skipped
            ),
            "sections": by_roadmap.get(roadmap.pk, []),
        }
        for roadmap in roadmaps
    ]


def public_profile_context(profile: Profile, viewer: AbstractBaseUser | AnonymousUser) -> dict:
    user = profile.user
    level_ids = [pk for pk in (profile.current_level_id, profile.target_level_id) if pk]
    levels = {
        level.pk: level
        for level in levels_with_readiness(
            Level.objects.filter(pk__in=level_ids).select_related("track"), user
        )
    }
    for level in levels.values():
        level.percent = completion_percent(level.requirements_met, level.requirements_total)
    weeks = weekly_done(user)
    return {
        "profile": profile,
        "is_owner": viewer.is_authenticated and viewer.pk == profile.user_id,
        "current_level": levels.get(profile.current_level_id),
        "target_level": levels.get(profile.target_level_id),
        "roadmaps": roadmap_progress(user),
        "weeks": weeks,
        "weeks_total": sum(w.count for w in weeks),
        "chart": {
            "width": CHART_WIDTH,
            "height": CHART_HEIGHT,
            "left": CHART_LEFT,
            "baseline": CHART_HEIGHT - CHART_BOTTOM,
            "label_y": CHART_HEIGHT - 8,
            "top": CHART_TOP,
            "peak": max((w.count for w in weeks), default=0),
        },
    }
