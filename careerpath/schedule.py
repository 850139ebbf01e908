"""The periodic jobs, in one place: what runs, and when (UTC, in cron's notation).

Two runners read this list and nothing else decides the times:
- docker-compose's `scheduler` service runs `manage.py run_schedule`, which sleeps until
  the next job is due and runs it in its own process's Django (careerpath/management/
  commands/run_schedule.py);
- Kubernetes runs one CronJob per job (deploy/kubernetes/base/cronjobs.yaml), whose
  schedule and command tests/test_kubernetes.py holds equal to this list.

Every job is a management command that is safe to run again (it deletes what has
expired, or reports what is missing), so a run repeated after a retry does no harm.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

# Cron fields: minute, hour, day of month, month, day of week (0 or 7 = Sunday).
FIELD_RANGES = ((0, 59), (0, 23), (1, 31), (1, 12), (0, 7))


@dataclass(frozen=True)
class Job:
    name: str  # also the Kubernetes CronJob's name, after `careerpath-`
    cron: str  # "minute hour day-of-month month day-of-week", UTC
    command: tuple[str, ...]  # manage.py's arguments
    purpose: str

    def next_after(self, moment: datetime) -> datetime:
        """The first minute strictly after `moment` (aware) at which the job is due."""
        return Cron.parse(self.cron).next_after(moment)


SCHEDULE: tuple[Job, ...] = (
    Job(
        "clearsessions",
        "10 3 * * *",
        ("clearsessions",),
        "Django's own: deletes expired sessions from the database.",
    ),
    Job(
        "prune-task-results",
        "40 3 * * *",
        (
            "prune_db_task_results",
            "--queue-name=*",
            "--min-age-days=14",
            "--failed-min-age-days=30",
        ),
        "django-tasks-db's: deletes finished task results of every queue, successful "
        "ones after 14 days, failed ones (whose errors the admin shows) after 30.",
    ),
    Job(
        "remind-exchange-rates",
        "0 7 * * 1",
        ("remind_exchange_rates",),
        "Mails the admins the years and currencies of approved salary points that have "
        "no exchange rate; nothing when every rate exists.",
    ),
    Job(
        "send-digests",
        "0 6 * * 1",
        ("send_digests",),
        "Mails each person who opted in their weekly digest: last week's changes, their "
        "plan's next steps and their goals; never twice in one week.",
    ),
)


@dataclass(frozen=True)
class Cron:
    """A parsed cron expression: the allowed values of each field."""

    minutes: frozenset[int]
    hours: frozenset[int]
    days: frozenset[int]
    months: frozenset[int]
    weekdays: frozenset[int]  # Python's numbering: Monday = 0

    @classmethod
    def parse(cls, expression: str) -> Cron:
        """Each field is `*`, `N`, `A-B`, any of them with `/STEP`, or a comma list.
        Restricting both day of month and day of week (cron's "either" rule) is refused."""
        fields = expression.split()
        if len(fields) != 5:
            raise ValueError(f"{expression!r}: a cron expression has 5 fields")
        values = [
            _field(text, low, high) for text, (low, high) in zip(fields, FIELD_RANGES, strict=True)
        ]
        if fields[2] != "*" and fields[4] != "*":
            raise ValueError(f"{expression!r}: restrict the day of month or of week, not both")
        weekdays = frozenset((day - 1) % 7 for day in values[4])  # cron's Sunday 0/7 → 6
        return cls(*values[:4], weekdays)

    def next_after(self, moment: datetime) -> datetime:
        t = moment.astimezone(UTC).replace(second=0, microsecond=0) + timedelta(minutes=1)
        limit = t + timedelta(days=366 * 5)
        while t < limit:
            day_ok = t.day in self.days and t.weekday() in self.weekdays
            if t.month not in self.months or not day_ok:
                t = (t + timedelta(days=1)).replace(hour=0, minute=0)
            elif t.hour not in self.hours:
                t = (t + timedelta(hours=1)).replace(minute=0)
            elif t.minute not in self.minutes:
                t += timedelta(minutes=1)
            else:
                return t
        raise ValueError("the expression never matches a date")


def _field(text: str, low: int, high: int) -> frozenset[int]:
    values: set[int] = set()
    for part in text.split(","):
        span, _, step_text = part.partition("/")
        step = int(step_text) if step_text else 1
        if span == "*":
            first, last = low, high
        elif "-" in span:
            first, last = (int(n) for n in span.split("-", 1))
        else:
            first = last = int(span)
        if not (low <= first <= last <= high) or step < 1:
            raise ValueError(f"{text!r}: out of range {low}-{high}")
        values.update(range(first, last + 1, step))
    return frozenset(values)
