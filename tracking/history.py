"""A person's progress over time, read from their progress events: the history of
skills done and readiness, changes per day (the activity strip) and skills done per
week. Pages (dashboard, public profile) read it here; each reads the events once
(`event_rows`, one query) and walks them in memory.
"""

from __future__ import annotations

import datetime
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

from django.utils import timezone

from tracking.models import ProgressEvent, SkillProgress, Status, completion_percent

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

WEEKS = 12  # the activity strip's and the weekly chart's window


class EventRow(NamedTuple):
    skill_id: int
    created_at: datetime.datetime
    from_status: str
    to_status: str
    from_proficiency: int
    to_proficiency: int


def event_rows(
    user: AbstractBaseUser | AnonymousUser, since: datetime.date | None = None
) -> list[EventRow]:
    """This person's progress events (from the day `since` on, when given), newest
    first, in one query."""
    rows = ProgressEvent.objects.for_user(user)
    if since is not None:
        rows = rows.filter(created_at__date__gte=since)
    return [
        EventRow(*row) for row in rows.order_by("-created_at", "-id").values_list(*EventRow._fields)
    ]


def progress_state(user: AbstractBaseUser) -> dict[int, tuple[str, int]]:
    """{skill id: (status, proficiency)} for every skill this person tracks: one query."""
    rows = SkillProgress.objects.for_user(user).values_list("skill_id", "status", "proficiency")
    return {skill_id: (status, proficiency) for skill_id, status, proficiency in rows}


@dataclass(frozen=True)
class HistoryPoint:
    day: datetime.date
    done: int
    met: int
    percent: int


def history(
    events: Sequence[EventRow],
    state: dict[int, tuple[str, int]],
    requirements: dict[int, int],
    today: datetime.date | None = None,
) -> list[HistoryPoint]:
    """Skills done and readiness (against `requirements`, {skill id: minimum}) per day.

    Walks the events backwards from the current state, undoing each change, so the last
    point is exactly today's state even when some progress predates its events. One point
    for each day with events (the state at its end) and one for today: the history starts
    from the first real event, with no point invented before it (on the first day the
    chart is that day's state alone, not a jump from an invented zero). Empty when there
    are no events.
    """
    if not events:
        return []
    today = today or timezone.localdate()
    state = dict(state)
    total = len(requirements)

    def is_met(skill_id: int) -> bool:
        minimum = requirements.get(skill_id)
        return minimum is not None and state.get(skill_id, ("", 0))[1] >= minimum

    # Counted once, then kept up to date as each change is undone: O(events).
    done = sum(1 for status, _p in state.values() if status == Status.DONE)
    met = sum(1 for skill_id in requirements if is_met(skill_id))
    by_day: dict[datetime.date, list[EventRow]] = defaultdict(list)
    for event in events:  # newest first, so each day's list is undone in order
        by_day[timezone.localdate(event.created_at)].append(event)
    days = sorted(by_day, reverse=True)
    points: list[HistoryPoint] = []
    if days[0] < today:
        points.append(HistoryPoint(today, done, met, completion_percent(met, total)))
    for day in days:
        points.append(HistoryPoint(day, done, met, completion_percent(met, total)))
        for event in by_day[day]:
            was_done = state.get(event.skill_id, ("", 0))[0] == Status.DONE
            was_met = is_met(event.skill_id)
            state[event.skill_id] = (event.from_status, event.from_proficiency)
            done += (event.from_status == Status.DONE) - was_done
            met += is_met(event.skill_id) - was_met
    points.reverse()
    return points


HISTORY_POINTS = 60


def thin(points: list[HistoryPoint], most: int = HISTORY_POINTS) -> list[HistoryPoint]:
    """At most about `most` points, so the chart and its table stay readable (and the
    page's size bounded) over years: the last point of each week, else of each month,
    else of each year; the first point (the first day with events) is always kept."""
    if len(points) <= most:
        return points
    thinned = points
    for bucket in (
        lambda d: d.isocalendar()[:2],
        lambda d: (d.year, d.month),
        lambda d: d.year,
    ):
        last: dict = {}
        for point in points[1:]:
            last[bucket(point.day)] = point
        thinned = [points[0], *last.values()]
        if len(thinned) <= most:
            break
    return thinned


@dataclass(frozen=True)
class ActivityDay:
    day: datetime.date
    count: int
    level: int  # 0 none .. 4 most, the .activity-strip .lN class


@dataclass
class Activity:
    days: list[ActivityDay] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(d.count for d in self.days)

    @property
    def active_days(self) -> int:
        return sum(1 for d in self.days if d.count)


def first_day(today: datetime.date, weeks: int = WEEKS) -> datetime.date:
    """The Monday that starts a window of `weeks` weeks ending with this week."""
    return today - datetime.timedelta(days=today.weekday(), weeks=weeks - 1)


def changes_per_day(
    events: Iterable[EventRow], start: datetime.date, end: datetime.date, done: bool = False
) -> Counter[datetime.date]:
    """How many changes fall on each local day from `start` to `end`; with `done`, only
    those that mark a skill done (a change from done to done is not one)."""
    return Counter(
        day
        for e in events
        if start <= (day := timezone.localdate(e.created_at)) <= end
        and (not done or (e.to_status == Status.DONE and e.from_status != Status.DONE))
    )


def activity(
    events: Iterable[EventRow], today: datetime.date | None = None, weeks: int = WEEKS
) -> Activity:
    """Changes per day over the last `weeks` weeks, Monday-aligned columns ending today.

    Level N of a day is ceil(4 * count / busiest day's count): 0 for none, 4 for the
    busiest.
    """
    today = today or timezone.localdate()
    start = first_day(today, weeks)
    counts = changes_per_day(events, start, today)
    busiest = max(counts.values(), default=0)
    days = []
    for offset in range((today - start).days + 1):
        day = start + datetime.timedelta(days=offset)
        count = counts.get(day, 0)
        level = math.ceil(4 * count / busiest) if count else 0
        days.append(ActivityDay(day, count, level))
    return Activity(days)


@dataclass(frozen=True)
class WeekCount:
    start: datetime.date  # a Monday
    count: int


def done_per_week(
    events: Iterable[EventRow], today: datetime.date | None = None, weeks: int = WEEKS
) -> list[WeekCount]:
    """Skills marked done in each of the last `weeks` weeks (Monday to Sunday), oldest
    first."""
    today = today or timezone.localdate()
    start = first_day(today, weeks)
    per_day = changes_per_day(events, start, today, done=True)
    counts = [0] * weeks
    for day, n in per_day.items():
        counts[(day - start).days // 7] += n
    return [WeekCount(start + datetime.timedelta(weeks=i), count) for i, count in enumerate(counts)]
