"""`manage.py export_roadmap SLUG [--output FILE]`: a roadmap as JSON (careerpath.roadmap/1)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from skills.models import Roadmap
from skills.roadmap_io import dumps, export_roadmap


class Command(BaseCommand):
    help = "Print a roadmap with its sections, skills, prerequisites and resources as JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="the roadmap's slug, e.g. backend")
        parser.add_argument("-o", "--output", help="write to this file instead of stdout")

    def handle(self, *args, slug: str, output: str | None, **options) -> None:
        roadmap = Roadmap.objects.filter(slug=slug).first()
        if roadmap is None:
            known = ", ".join(Roadmap.objects.values_list("slug", flat=True)) or "none"
            raise CommandError(f"No roadmap with the slug “{slug}”. Known roadmaps: {known}.")
        text = dumps(export_roadmap(roadmap))
        if output:
            Path(output).write_text(text, encoding="utf-8")
            self.stderr.write(f"Wrote {output}.")
        else:
            self.stdout.write(text, ending="")
