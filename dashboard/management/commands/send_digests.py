"""`manage.py send_digests [--dry-run]`: send this week's digest (dashboard/digest.py) to
every person who opted in and has not had it yet (a scheduled job, weekly).

Safe to run again at any time: a person gets at most one digest a week (the week runs
Monday to Sunday in the site's time zone), however often the command runs, even two at
once. People who did not opt in, whose account is inactive or who have no address get
nothing. `--dry-run` lists who would get it and sends nothing. A digest that fails (its
mail could not be queued) is left unmarked for the next run, the others go out, and the
command then exits 1 naming the addresses.
"""

import logging

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from dashboard.digest import due, send_digest

logger = logging.getLogger("careerpath.digest")


class Command(BaseCommand):
    help = (
        "Send the weekly digest (what changed last week, what is next, goal status) to "
        "every person who opted in on their plan and has not had this week's yet."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="list who would get it; send nothing"
        )

    def handle(self, *args, dry_run: bool, **options) -> None:
        now = timezone.now()
        owed = list(due(now))
        if dry_run:
            self.stdout.write(f"Dry run: {len(owed)} digest(s) to send this week.")
            for subscription in owed:
                self.stdout.write(f"  {subscription.user.email}")
            return
        if owed and not settings.SITE_URL:
            raise CommandError(
                "SITE_URL is not set: a digest's links need the site's address "
                "(e.g. SITE_URL=https://careers.example.com)."
            )
        sent = skipped = 0
        failed: list[str] = []
        for subscription in owed:
            try:
                if send_digest(subscription, now):
                    sent += 1
                else:
                    skipped += 1  # sent meanwhile, by another run
            except Exception:  # one person's digest must not stop the others'
                logger.exception("The digest of user %s could not be sent", subscription.user_id)
                failed.append(subscription.user.email)
        summary = f"Sent {sent} digest(s)."
        if skipped:
            summary += f" {skipped} had been sent this week already."
        self.stdout.write(summary)
        if failed:
            # Not marked sent: the next run tries them again.
            raise CommandError(f"{len(failed)} digest(s) failed: {', '.join(failed)}")
