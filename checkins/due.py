"""When people's check-ins were, and when the next one is due on a team's cadence.

`checkin_dates` reads, for many people in one query, the date of each one's last closed
check-in and whether one is under way; `due` turns that and a cadence in weeks into
what a team page says: none closed yet, overdue, due soon (within two weeks) or not due
yet. Callers pass only the people whose check-ins the viewer may see.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Max, Q
from django.utils import timezone

from checkins.models import CheckIn, State

DUE_SOON_DAYS = 14

NEVER = "never"  # no check-in closed yet: one is due
OVERDUE = "overdue"
DUE_SOON = "due_soon"
NOT_DUE = "not_due"


@dataclass(frozen=True)
class CheckInDates:
    last_closed: date | None = None
    under_way: int = 0  # check-ins started and not closed


@dataclass(frozen=True)
class Due:
    state: str  # NEVER, OVERDUE, DUE_SOON or NOT_DUE
    last_closed: date | None
    next_due: date | None
    under_way: bool

    @property
    def is_due(self) -> bool:
        """Whether a check-in is due now: none yet, or the cadence has run out."""
        return self.state in (NEVER, OVERDUE)


def checkin_dates(user_ids: Iterable[int]) -> dict[int, CheckInDates]:
    """{user id: their last closed check-in's date and how many are under way}; people
    without any check-in are left out. One query whatever the number of people."""
    ids = set(user_ids)
    if not ids:
        return {}
    rows = (
        CheckIn.objects.filter(person_id__in=ids)
        .values("person_id")
        .annotate(last=Max("closed_at"), open=Count("pk", filter=~Q(state=State.CLOSED)))
        .order_by()
    )
    return {
        row["person_id"]: CheckInDates(
            last_closed=timezone.localdate(row["last"]) if row["last"] else None,
            under_way=row["open"],
        )
        for row in rows
    }


def due(dates: CheckInDates | None, weeks: int, today: date | None = None) -> Due:
    """What is due for someone with these check-in dates on a cadence of `weeks`."""
    today = today or timezone.localdate()
    dates = dates or CheckInDates()
    under_way = dates.under_way > 0
    if dates.last_closed is None:
        return Due(NEVER, None, None, under_way)
    next_due = dates.last_closed + timedelta(weeks=weeks)
    if next_due < today:
        state = OVERDUE
    elif next_due <= today + timedelta(days=DUE_SOON_DAYS):
        state = DUE_SOON
    else:
        state = NOT_DUE
    return Due(state, dates.last_closed, next_due, under_way)
