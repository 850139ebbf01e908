"""`manage.py import_framework FILE [--format ft|monzo|careerpath] [--licence SPDX]
[--dry-run]`: a career framework imported as a track, all or nothing."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from careers.frameworks import FORMATS, FrameworkImportError, import_framework


class Command(BaseCommand):
    help = (
        "Import a career framework as a track: the FT's engineering-progression YAML (ft), "
        "Monzo's progression-framework Markdown (monzo) or careerpath.tracks/1 JSON "
        "(careerpath). Everything is checked first; every problem is reported with its "
        "place, and nothing is written unless the whole file is valid. Importing the same "
        "framework again updates its track in place."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the file, or - for standard input")
        parser.add_argument(
            "--format", choices=FORMATS, help="the file's format (detected when not given)"
        )
        parser.add_argument(
            "--licence",
            default="",
            help="the framework's licence as an SPDX identifier, for a file that gives none",
        )
        parser.add_argument("--source", default="", help="the source's name, shown on its pages")
        parser.add_argument("--source-url", default="", help="where the framework is published")
        parser.add_argument("--source-version", default="", help="a version, tag or date")
        parser.add_argument(
            "--dry-run", action="store_true", help="check and report, but write nothing"
        )

    def handle(self, *args, file: str, **options) -> None:
        try:
            raw = sys.stdin.buffer.read() if file == "-" else Path(file).read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}.") from None
        try:
            done = import_framework(
                raw,
                fmt=options["format"],
                licence=options["licence"].strip(),
                source_name=options["source"].strip(),
                source_url=options["source_url"].strip(),
                source_version=options["source_version"].strip(),
                dry_run=options["dry_run"],
            )
        except FrameworkImportError as exc:
            for problem in exc.problems:
                self.stderr.write(f"{file}: {problem}")
            count = len(exc.problems)
            raise CommandError(
                f"{count} problem{'s' if count != 1 else ''} found; nothing was imported."
            ) from None
        self.stdout.write(self.style.SUCCESS(done.summary()))
        for slug in done.result.slugs:
            self.stdout.write(slug)
