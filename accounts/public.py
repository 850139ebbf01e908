"""What a shared profile shows: progress by roadmap section, levels, and a weekly chart.

A fixed number of queries whatever the amount of data. The figures are tracking's read
models (completion per roadmap and section, skills done per week), the same ones the
dashboard shows; the chart's geometry is `core.charts`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.utils import timezone

from accounts.models import Profile
from careers.models import Level
from core.charts import columns
from tracking.completion import roadmap_completion, started
from tracking.history import done_per_week, event_rows, first_day
from tracking.models import completion_percent, levels_with_readiness

# The chart's drawing box, in SVG user units (it scales to the width of the page).
CHART_WIDTH = 640
CHART_HEIGHT = 180
CHART_TOP = 16
CHART_BOTTOM = 28
CHART_LEFT = 36


@dataclass(frozen=True)
class Week:
    """One week's column of the chart: what it counts and where it is drawn."""

    start: date
    count: int
    x: float
    y: float
    width: float
    height: float

    @property
    def middle(self) -> float:
        """Where its date label is centred (text-anchor middle): under the column, so the
        last label stays inside the chart."""
        return round(self.x + self.width / 2, 1)


def weekly_done(user: AbstractBaseUser) -> list[Week]:
    """Skills marked done in each of the last 12 weeks, oldest first, laid out as
    columns: one query (the window's events)."""
    today = timezone.localdate()
    weeks = done_per_week(event_rows(user, since=first_day(today)), today)
    bars = columns(
        [w.count for w in weeks],
        width=CHART_WIDTH,
        height=CHART_HEIGHT,
        left=CHART_LEFT,
        top=CHART_TOP,
        bottom=CHART_BOTTOM,
    )
    return [
        Week(w.start, w.count, bar.x, bar.y, bar.width, bar.height)
        for w, bar in zip(weeks, bars, strict=True)
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
    # The technical part only (skills and groups, each group once): behaviour criteria
    # are self-assessed, and a person's assessments are theirs alone.
    for level in levels.values():
        level.percent = completion_percent(level.technical_met, level.technical_total)
    weeks = weekly_done(user)
    return {
        "profile": profile,
        "is_owner": viewer.is_authenticated and viewer.pk == profile.user_id,
        "current_level": levels.get(profile.current_level_id),
        "target_level": levels.get(profile.target_level_id),
        "roadmaps": started(roadmap_completion(user)),
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
