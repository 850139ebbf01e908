"""`manage.py import_roadmap FILE.json [--dry-run]`: create or update a roadmap, all or nothing."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from skills.roadmap_io import RoadmapImportError, import_roadmap, loads


class Command(BaseCommand):
    help = (
        "Import a roadmap from JSON (careerpath.roadmap/1). Everything is checked first; "
        "every problem is reported with its path in the file, and nothing is written "
        "unless the whole file is valid. An existing roadmap with the same slug is updated."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the JSON file, or - for standard input")
        parser.add_argument(
            "--dry-run", action="store_true", help="check and report, but write nothing"
        )

    def handle(self, *args, file: str, dry_run: bool, **options) -> None:
        try:
            raw = self.stdin_bytes() if file == "-" else Path(file).read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}.") from None
        try:
            result = import_roadmap(loads(raw), dry_run=dry_run)
        except RoadmapImportError as exc:
            for problem in exc.problems:
                self.stderr.write(f"{file}: {problem}")
            count = len(exc.problems)
            raise CommandError(
                f"{count} problem{'s' if count != 1 else ''} found; nothing was imported."
            ) from None
        prefix = "Dry run, nothing written. " if dry_run else ""
        self.stdout.write(self.style.SUCCESS(prefix + result.summary()))

    def stdin_bytes(self) -> bytes:
        import sys

        return sys.stdin.buffer.read()
