"""`manage.py export_tracks [SLUG ...] [--output FILE]`: tracks as JSON (careerpath.tracks/1)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from careers.models import Track
from careers.tracks_io import dumps, export_tracks


class Command(BaseCommand):
    help = (
        "Print tracks (all, or those named) with their levels, requirements, groups, themes, "
        "competencies and outgoing transitions as JSON; import_framework reads it back."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slugs", nargs="*", metavar="SLUG", help="tracks to export")
        parser.add_argument("-o", "--output", help="write to this file instead of stdout")

    def handle(self, *args, slugs: list[str], output: str | None, **options) -> None:
        tracks = Track.objects.all()
        if slugs:
            tracks = tracks.filter(slug__in=slugs)
            unknown = set(slugs) - set(tracks.values_list("slug", flat=True))
            if unknown:
                known = ", ".join(Track.objects.values_list("slug", flat=True)) or "none"
                raise CommandError(
                    f"No track with the slug {', '.join(sorted(unknown))}. Known tracks: {known}."
                )
        text = dumps(export_tracks(tracks))
        if output:
            Path(output).write_text(text, encoding="utf-8")
            self.stderr.write(f"Wrote {output}.")
        else:
            self.stdout.write(text, ending="")
