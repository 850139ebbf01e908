"""`manage.py run_schedule [--list]`: run the periodic jobs of careerpath/schedule.py at
their times, in the foreground, forever (docker-compose's `scheduler` service).

One process sleeps until the next job is due and runs it with `call_command`, then
closes its database connections, so a database restart between runs costs nothing. A
job that fails is logged and the others keep their times. Times missed while the
scheduler was not running are skipped, as cron does; a job that runs long delays the
others due meanwhile (they run as soon as it ends, once) and its own next run is its
first time after it ended. SIGTERM (docker stop) ends a sleep at once and otherwise
lets the running job finish first. Run exactly one scheduler: a second would run each
job twice (harmless, as every job may run again, but pointless).
"""

import logging
import signal
import time
from collections.abc import Callable
from datetime import UTC, datetime
from types import FrameType

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connections

from careerpath.schedule import SCHEDULE, Job

logger = logging.getLogger("careerpath.schedule")


def run_job(job: Job) -> bool:
    """Run one job in this process; True when it succeeded."""
    started = time.monotonic()
    logger.info("Running %s: manage.py %s", job.name, " ".join(job.command))
    try:
        call_command(*job.command)
    except (Exception, SystemExit):  # a failed job must not end the scheduler
        logger.exception("%s failed after %.1f s", job.name, time.monotonic() - started)
        return False
    finally:
        connections.close_all()
    logger.info("%s finished in %.1f s", job.name, time.monotonic() - started)
    return True


class Scheduler:
    """The loop, with its clock, its sleep and its runner given, so a test can drive it."""

    def __init__(
        self,
        jobs: tuple[Job, ...] = SCHEDULE,
        *,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        sleep: Callable[[float], None] = time.sleep,
        run: Callable[[Job], bool] = run_job,
    ) -> None:
        self.jobs, self.now, self.sleep, self.run = jobs, now, sleep, run
        self.running = True
        self.in_job = False

    def stop(self, signum: int, frame: FrameType | None) -> None:
        logger.info("Received %s: stopping", signal.strsignal(signum))
        self.running = False
        if not self.in_job:
            raise SystemExit(0)  # interrupts the sleep

    def loop(self, max_runs: int | None = None) -> None:
        """Run jobs at their times until stopped (or after `max_runs` runs)."""
        runs = 0
        start = self.now()
        next_at = {job: job.next_after(start) for job in self.jobs}
        while self.running and (max_runs is None or runs < max_runs):
            at = min(next_at.values())
            jobs = [job for job in self.jobs if next_at[job] == at]
            logger.info("Next: %s at %s UTC", ", ".join(j.name for j in jobs), f"{at:%F %H:%M}")
            while (wait := (at - self.now()).total_seconds()) > 0:
                self.sleep(min(wait, 3600))  # re-checked hourly, should the clock jump
            for job in jobs:
                self.in_job = True
                try:
                    self.run(job)
                finally:
                    self.in_job = False
                runs += 1
                # Its next time after it ended: a job never queues up behind itself, while
                # others that fell due meanwhile keep their (past) time and run next.
                next_at[job] = job.next_after(max(self.now(), at))
                if not self.running:
                    return


class Command(BaseCommand):
    help = "Run the periodic jobs (careerpath/schedule.py) at their times, until stopped."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--list",
            dest="list_only",
            action="store_true",
            help="print the schedule and each job's next time",
        )

    def handle(self, *args, list_only: bool, **options) -> None:
        now = datetime.now(UTC)
        for job in SCHEDULE:
            self.stdout.write(
                f"{job.name:<24} {job.cron:<12} next {job.next_after(now):%F %H:%M} UTC  "
                f"manage.py {' '.join(job.command)}"
            )
        if list_only:
            return
        scheduler = Scheduler()
        signal.signal(signal.SIGTERM, scheduler.stop)
        signal.signal(signal.SIGINT, scheduler.stop)
        scheduler.loop()
