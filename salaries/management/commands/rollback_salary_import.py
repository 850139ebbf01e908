"""`manage.py rollback_salary_import (--batch ID | --source NAME)`: undo imports."""

from django.core.management.base import BaseCommand, CommandError

from salaries.importing.write import roll_back
from salaries.models import ImportBatch


class Command(BaseCommand):
    help = (
        "Roll back salary imports: delete the data points of one import batch (--batch) "
        "or of every live batch of a source (--source). The batches stay, marked rolled back."
    )

    def add_arguments(self, parser) -> None:
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--batch", type=int, help="an import batch's id (see the admin)")
        which.add_argument("--source", help="a source's name: all of its live batches")

    def handle(self, *args, batch: int | None, source: str | None, **options) -> None:
        batches = ImportBatch.objects.live().select_related("source")
        if batch is not None:
            batches = batches.filter(pk=batch)
        else:
            batches = batches.filter(source__name=source)
        batches = list(batches)
        if not batches:
            raise CommandError("No live import batch matches; nothing was rolled back.")
        deleted = sum(roll_back(b) for b in batches)
        self.stdout.write(
            self.style.SUCCESS(
                f"Rolled back {len(batches)} import batch(es): {deleted:,} data point(s) deleted."
            )
        )
