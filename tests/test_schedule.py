"""The periodic jobs: their times, the scheduler that runs them, and that each exists."""

import logging
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.management import call_command, get_commands
from django.utils import timezone

from careerpath.management.commands.run_schedule import Scheduler
from careerpath.schedule import SCHEDULE, Cron, Job
from tests.salary_support import add_points, level

# Commands an app brings that is added later (issue 15's task queue): each must exist
# once that app is in INSTALLED_APPS.
FROM_PACKAGES = {"prune_db_task_results": "django_tasks_db"}


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


class Clock:
    """A clock that moves only when the scheduler sleeps (or a job takes time)."""

    def __init__(self, start: datetime) -> None:
        self.time = start
        self.sleeps: list[float] = []

    def now(self) -> datetime:
        return self.time

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.time += timedelta(seconds=seconds)


def test_every_scheduled_command_exists():
    commands = get_commands()
    for job in SCHEDULE:
        name = job.command[0]
        package = FROM_PACKAGES.get(name)
        if package and not apps.is_installed(package):
            continue  # checked again once the app is installed
        assert name in commands, f"{job.name}: manage.py {name} does not exist"


@pytest.mark.parametrize(
    ("cron", "after", "expected"),
    [
        ("10 3 * * *", "2026-11-30 03:09:59", "2026-11-30 03:10"),
        ("10 3 * * *", "2026-11-30 03:10:00", "2026-12-01 03:10"),  # strictly after
        ("0 7 * * 1", "2026-11-29 12:00", "2026-11-30 07:00"),  # Sunday → Monday
        ("0 7 * * 1", "2026-11-30 07:00", "2026-12-07 07:00"),
        ("0 0 * * 0", "2026-11-30 00:00", "2026-12-06 00:00"),  # 0 is Sunday
        ("0 0 * * 7", "2026-11-30 00:00", "2026-12-06 00:00"),  # and so is 7
        ("*/15 * * * *", "2026-12-31 23:50", "2027-01-01 00:00"),
        ("30 1-2 1,15 * *", "2026-12-15 02:30", "2027-01-01 01:30"),
        ("0 12 29 2 *", "2026-03-01 00:00", "2028-02-29 12:00"),
    ],
)
def test_a_job_is_due_at_the_next_matching_minute(cron, after, expected):
    assert Cron.parse(cron).next_after(at(after)) == at(expected)


@pytest.mark.parametrize(
    "cron", ["* * * *", "60 * * * *", "0 24 * * *", "0 0 0 * *", "0 0 1 * 1", "*/0 * * * *"]
)
def test_an_expression_out_of_range_is_refused(cron):
    with pytest.raises(ValueError):
        Cron.parse(cron)


def test_every_job_in_the_schedule_parses():
    for job in SCHEDULE:
        Cron.parse(job.cron)


def test_jobs_due_at_the_same_minute_run_together_after_one_sleep():
    clock = Clock(at("2026-11-30 02:00"))
    ran: list[tuple[str, datetime]] = []

    def record(job: Job) -> bool:
        ran.append((job.name, clock.now()))
        return True

    a, b, c = (
        Job(name, cron, (name,), "")
        for name, cron in [("a", "0 3 * * *"), ("b", "0 3 * * *"), ("c", "5 3 * * *")]
    )
    Scheduler((c, a, b), now=clock.now, sleep=clock.sleep, run=record).loop(max_runs=3)
    three = at("2026-11-30 03:00")
    assert ran == [("a", three), ("b", three), ("c", three + timedelta(minutes=5))]
    assert clock.sleeps == [3600, 300]


def test_the_list_shows_each_job_its_time_and_its_command():
    out = StringIO()
    call_command("run_schedule", "--list", stdout=out)
    for job in SCHEDULE:
        assert f"{job.name}" in out.getvalue()
        assert f"manage.py {' '.join(job.command)}" in out.getvalue()


def expired_and_live_sessions() -> tuple[str, str]:
    keys = []
    for age in (timedelta(days=-1), timedelta(days=1)):
        store = SessionStore()
        store["who"] = "someone"
        store.set_expiry(timezone.now() + age)
        store.create()
        keys.append(store.session_key)
    return keys[0], keys[1]


def test_the_scheduler_sleeps_until_clearsessions_is_due_and_runs_it(transactional_db, caplog):
    _, live = expired_and_live_sessions()
    clock = Clock(at("2026-11-30 03:00"))  # a Monday; clearsessions is due at 03:10
    scheduler = Scheduler(now=clock.now, sleep=clock.sleep)
    with caplog.at_level(logging.INFO, logger="careerpath.schedule"):
        scheduler.loop(max_runs=1)
    assert clock.sleeps == [600]
    assert list(Session.objects.values_list("session_key", flat=True)) == [live]
    assert "clearsessions finished" in caplog.text


def test_the_scheduler_mails_the_exchange_rate_reminder_on_monday_morning(
    transactional_db, salary_tracks, settings
):
    settings.ADMINS = ["ops@example.com"]
    add_points(level("backend", "senior"), [50_000] * 2, currency="EUR", year=2024)
    clock = Clock(at("2026-11-30 06:30"))
    Scheduler(now=clock.now, sleep=clock.sleep).loop(max_runs=1)
    assert clock.time == at("2026-11-30 07:00")
    assert [m.to for m in mail.outbox] == [["ops@example.com"]]
    assert "2024" in mail.outbox[0].body


def test_a_failing_job_is_logged_and_the_next_one_still_runs(transactional_db, caplog):
    broken = Job("broken", "0 * * * *", ("no_such_command",), "")
    clear = Job("clear", "30 * * * *", ("clearsessions",), "")
    expired, _ = expired_and_live_sessions()
    clock = Clock(at("2026-11-30 00:59"))
    with caplog.at_level(logging.INFO, logger="careerpath.schedule"):
        Scheduler((broken, clear), now=clock.now, sleep=clock.sleep).loop(max_runs=2)
    assert "broken failed" in caplog.text
    assert "Unknown command: 'no_such_command'" in caplog.text
    assert "clear finished" in caplog.text
    assert not Session.objects.filter(session_key=expired).exists()


def test_a_long_job_delays_the_next_but_never_drops_it():
    clock = Clock(at("2026-11-30 00:59"))
    ran: list[tuple[str, datetime]] = []

    def slow(job: Job) -> bool:
        ran.append((job.name, clock.now()))
        clock.time += timedelta(hours=2)
        return True

    hourly = Job("hourly", "0 * * * *", ("x",), "")
    half = Job("half", "30 * * * *", ("y",), "")
    Scheduler((hourly, half), now=clock.now, sleep=clock.sleep, run=slow).loop(max_runs=3)
    assert ran == [
        ("hourly", at("2026-11-30 01:00")),
        ("half", at("2026-11-30 03:00")),  # due at 01:30, run as soon as the first ended
        ("hourly", at("2026-11-30 05:00")),  # due at 04:00, its first time after 03:00
    ]


def test_a_job_longer_than_its_period_does_not_queue_up_behind_itself():
    clock = Clock(at("2026-11-30 00:59"))
    ran: list[datetime] = []

    def three_hours(job: Job) -> bool:
        ran.append(clock.now())
        clock.time += timedelta(hours=3)
        return True

    hourly = Job("hourly", "0 * * * *", ("x",), "")
    Scheduler((hourly,), now=clock.now, sleep=clock.sleep, run=three_hours).loop(max_runs=3)
    assert ran == [at("2026-11-30 01:00"), at("2026-11-30 05:00"), at("2026-11-30 09:00")]
    assert clock.sleeps == [60, 3600, 3600]
