"""Load Careerpath's own demo content: roadmaps, career tracks and cited salaries."""

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.module_loading import import_string

# Each loader is idempotent and returns a one-line summary. Order matters:
# tracks need the skills they require, salaries need the tracks.
LOADERS: list[str] = [
    "skills.demo.load",
    "careers.demo.load",
]


class Command(BaseCommand):
    help = "Load the demo roadmaps, career tracks and cited salary data (idempotent)."

    def handle(self, *args, **options) -> None:
        with transaction.atomic():
            for dotted in LOADERS:
                summary = import_string(dotted)()
                self.stdout.write(summary)
        self.stdout.write(self.style.SUCCESS("Demo content is loaded."))
