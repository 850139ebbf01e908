"""`manage.py import_salaries FILE.csv [--format contract|aijobs|oews] [--release NAME]
[--source NAME] [--dry-run] [--force] [--queue]`."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, OutputWrapper

from salaries.importing.report import RowError
from salaries.importing.run import Importer
from salaries.models import ImportFormat, Source
from salaries.tasks import queue_import


class ProgressBar:
    """A one-line bar on a terminal: `Checking  [#########       ]  36%`."""

    WIDTH = 30

    def __init__(self, stream: OutputWrapper) -> None:
        self.stream = stream
        self.shown: tuple[str, int] | None = None
        self.open = False

    def __call__(self, phase: str, done: int, total: int) -> None:
        percent = 100 if not total else min(100, done * 100 // total)
        if self.shown == (phase, percent):
            return
        self.shown = (phase, percent)
        filled = self.WIDTH * percent // 100
        bar = "#" * filled + " " * (self.WIDTH - filled)
        self.stream.write(f"\r{phase:<10}[{bar}] {percent:3d}%", ending="")
        self.stream.flush()
        self.open = True
        if percent == 100:
            self.end_line()

    def end_line(self) -> None:
        if self.open:
            self.stream.write("")
            self.open = False


class Command(BaseCommand):
    help = (
        "Import salary data points from a CSV file (Careerpath's format or ai-jobs.net's, "
        "detected from the header), or BLS OEWS market estimates (--format oews). All or "
        "nothing: any bad row is reported and nothing is imported."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="the CSV file (UTF-8, header row)")
        parser.add_argument(
            "--source",
            default="",
            help="the source's name (created if new); default: ai-jobs.net for that format, "
            "else the file's name",
        )
        parser.add_argument(
            "--format",
            choices=ImportFormat.values,
            default="",
            help="the file's format; default: told by its header row",
        )
        parser.add_argument(
            "--release",
            default="",
            help="oews: the release, e.g. 'May 2025'; default: 'May' and the year in the "
            "file's name",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="check and report; write nothing"
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="import even if this file was already imported into that source",
        )
        parser.add_argument(
            "--queue",
            action="store_true",
            help="store the file in the database and queue its import for a worker; "
            "print the task's id and exit",
        )

    def handle(self, *args, **options) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file.")
        if options["queue"]:
            if options["format"] or options["release"]:
                raise CommandError(
                    "--queue tells the format by the header and an OEWS release by the "
                    "file's name: leave out --format and --release."
                )
            self.queue(path, options)
            return
        progress = ProgressBar(self.stdout) if self.stdout.isatty() else None

        def on_error(error: RowError) -> None:
            if progress:
                progress.end_line()
            self.stderr.write(str(error))

        importer = Importer(
            source_name=options["source"],
            dry_run=options["dry_run"],
            force=options["force"],
            progress=progress,
            on_error=on_error,
            fmt=options["format"],
            release=options["release"],
        )
        try:
            with path.open("rb") as file:
                report = importer.run(file, path.name)
        except OSError as exc:
            raise CommandError(f"{path}: {exc.strerror or exc}") from exc
        if progress:
            progress.end_line()
        if report.error_count:
            raise CommandError(report.summary(), returncode=1)
        if report.refused:
            raise CommandError(report.refused, returncode=1)
        self.stdout.write(self.style.SUCCESS(report.summary()))

    def queue(self, path: Path, options: dict) -> None:
        """Queue the import: the task's id on stdout (for scripts), the rest on stderr."""
        source = options["source"].strip()
        if len(source) > Source._meta.get_field("name").max_length or "\x00" in source:
            raise CommandError("--source: at most 200 characters, and no NUL.")
        try:
            with path.open("rb") as file:
                upload = queue_import(
                    file,
                    path.name,
                    source_name=source,
                    dry_run=options["dry_run"],
                    force=options["force"],
                )
        except OSError as exc:
            raise CommandError(f"{path}: {exc.strerror or exc}") from exc
        self.stdout.write(upload.task_id)
        self.stderr.write(
            f"Queued {upload.file_name} as upload #{upload.pk}; "
            f"its page: {upload.get_absolute_url()}"
        )
        upload.refresh_from_db()
        if upload.finished:  # the immediate backend has run it already
            self.stderr.write(upload.error or upload.summary)
