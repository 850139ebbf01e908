"""A person's progress over time, read from their progress events: the history of
skills done and readiness, changes per day (the activity heatmap, with its streak) and
skills done per week. Pages (dashboard, public profile) read it here: the history reads
the events once (`event_rows`, one query) and walks them in memory; the activity is
counted per day by the database (`counts_per_day`, one query).
"""

from __future__ import annotations

import datetime
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import ngettext

from tracking.models import ProgressEvent, SkillProgress, Status, completion_percent

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

WEEKS = 12  # the public profile's weekly chart's window
ACTIVITY_WEEKS = 52  # the activity heatmap's window: a year


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
    level: int  # 0 none .. 4 most: the heatmap cell's class, .lN

    @property
    def label(self) -> str:
        """What the day's cell says on hover."""
        return ngettext(
            "%(counter)s change on %(day)s", "%(counter)s changes on %(day)s", self.count
        ) % {"counter": self.count, "day": date_format(self.day, "DATE_FORMAT")}


@dataclass(frozen=True)
class ActivityMonth:
    """A calendar month of the heatmap (the first and last may be partial): the text
    twin's rows."""

    start: datetime.date  # the first day of the month shown
    changes: int
    active_days: int


@dataclass
class Activity:
    """Changes per day over `weeks` weeks, in Monday-aligned weeks ending with this one,
    and the current streak."""

    days: list[ActivityDay] = field(default_factory=list)
    weeks: int = ACTIVITY_WEEKS
    streak: int = 0  # weeks in a row with a change, ending this week or the last

    @property
    def total(self) -> int:
        return sum(d.count for d in self.days)

    @property
    def active_days(self) -> int:
        return sum(1 for d in self.days if d.count)

    @property
    def streak_is_whole(self) -> bool:
        """Every week shown has a change: the streak may go back further than shown."""
        return self.streak >= self.weeks

    @property
    def months(self) -> list[ActivityMonth]:
        """Each month shown, oldest first, with its changes and days with changes."""
        found: dict[tuple[int, int], list[ActivityDay]] = {}
        for d in self.days:
            found.setdefault((d.day.year, d.day.month), []).append(d)
        return [
            ActivityMonth(days[0].day, sum(d.count for d in days), sum(1 for d in days if d.count))
            for days in found.values()
        ]


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


def counts_per_day(
    user: AbstractBaseUser | AnonymousUser, start: datetime.date, end: datetime.date
) -> dict[datetime.date, int]:
    """How many changes this person made on each local day from `start` to `end`, counted
    by the database: one query, one row per day with changes, whatever their number."""
    since = timezone.make_aware(datetime.datetime.combine(start, datetime.time.min))
    until = timezone.make_aware(
        datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min)
    )
    rows = (
        ProgressEvent.objects.for_user(user)
        .filter(created_at__gte=since, created_at__lt=until)  # index event_user_date
        .annotate(day=TruncDate("created_at"))  # in the current time zone
        .order_by()
        .values("day")
        .annotate(count=Count("pk"))
        .values_list("day", "count")
    )
    return dict(rows)


def streak_weeks(counts: dict[datetime.date, int], today: datetime.date, weeks: int) -> int:
    """Weeks in a row (Monday to Sunday) with at least one change, ending with this week,
    or with the last one while this week has none yet; at most `weeks`."""
    active = {day - datetime.timedelta(days=day.weekday()) for day, n in counts.items() if n}
    week = today - datetime.timedelta(days=today.weekday())
    if week not in active:
        week -= datetime.timedelta(weeks=1)
    streak = 0
    while week in active and streak < weeks:
        streak += 1
        week -= datetime.timedelta(weeks=1)
    return streak


def activity(
    user: AbstractBaseUser | AnonymousUser,
    today: datetime.date | None = None,
    weeks: int = ACTIVITY_WEEKS,
) -> Activity:
    """This person's changes per day over the last `weeks` weeks (Monday-aligned columns
    ending today) and their streak, in weeks: one query.

    Level N of a day is ceil(4 * count / busiest day's count): 0 for none, 4 for the
    busiest. The streak counts weeks rather than days: progress on a career comes in
    weekly steps (the plan's pace is hours a week), and a week without a change ends it.
    """
    today = today or timezone.localdate()
    start = first_day(today, weeks)
    counts = counts_per_day(user, start, today)
    busiest = max(counts.values(), default=0)
    days = []
    for offset in range((today - start).days + 1):
        day = start + datetime.timedelta(days=offset)
        count = counts.get(day, 0)
        level = math.ceil(4 * count / busiest) if count else 0
        days.append(ActivityDay(day, count, level))
    return Activity(days, weeks, streak_weeks(counts, today, weeks))


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
