"""One salary import, start to end: `Importer(...).run(file, name)` → ImportReport.

All or nothing, in one pass over the rows inside one transaction:
- first the file's SHA-256 is taken (bytes only, fast): a file already imported into a
  source (same checksum) is refused before any work, unless forced;
- then each row is checked, every problem collected (line, column, value, reason), and
  while none has been found the good rows stream into the database. Any problem rolls
  the whole transaction back: nothing is written, and every bad row is still reported.
"""

from collections.abc import Callable, Iterator
from typing import IO, Any

from django.db import transaction
from django.utils import timezone

from salaries.importing.parse import (
    AIJOBS_SOURCE,
    Lookups,
    ParsedRow,
    header_format,
    parse_rows,
)
from salaries.importing.read import CsvRows, Progress, checksum
from salaries.importing.report import ImportReport, RowError
from salaries.importing.write import write_points
from salaries.models import ImportBatch, ImportFormat, Source
from salaries.stats import invalidate


class FileChanged(Exception):
    """The file changed between checking and writing; nothing was written."""


class Importer:
    """Validate, then (unless a dry run) write one file's rows, all or nothing."""

    def __init__(
        self,
        *,
        source_name: str = "",
        user: Any = None,
        dry_run: bool = False,
        force: bool = False,
        progress: Progress | None = None,
        on_error: Callable[[RowError], None] | None = None,
        source_defaults: dict[str, Any] | None = None,
    ) -> None:
        self.source_name = source_name.strip()
        self.user = user if user is not None and user.is_authenticated else None
        self.dry_run = dry_run
        self.force = force
        self.progress = progress
        self.on_error = on_error
        self.source_defaults = source_defaults

    def run(self, file: IO[bytes], file_name: str) -> ImportReport:
        report = ImportReport(file_name=file_name, dry_run=self.dry_run, on_error=self.on_error)
        digest = checksum(file)
        fmt = header_format(file)
        name = self.source_name or (
            AIJOBS_SOURCE["name"] if fmt == ImportFormat.AIJOBS else stem(file_name)
        )
        report.source_name = name
        previous = (
            ImportBatch.objects.live()
            .filter(source__name=name, checksum=digest)
            .order_by("-created_at")
            .first()
        )
        if self.dry_run:
            for _row in self._checked(file, report):
                pass
            return self._refuse(report, previous) if report.ok else report
        if previous is not None and not self.force:
            report.checksum = digest
            return self._refuse(report, previous)

        defaults = self.source_defaults
        if defaults is None:
            defaults = (
                {k: v for k, v in AIJOBS_SOURCE.items() if k != "name"}
                if fmt == ImportFormat.AIJOBS
                else {}
            )
        with transaction.atomic():
            source, _created = Source.objects.get_or_create(name=name, defaults=defaults)
            batch = ImportBatch.objects.create(
                source=source,
                file_name=file_name[:255],
                checksum=digest,
                format=fmt or ImportFormat.CONTRACT,
                forced=previous is not None,
                created_by=self.user,
            )
            written = write_points(self._checked(file, report), source, batch)
            if not report.ok:
                transaction.set_rollback(True)  # nothing is written
                return report
            if report.checksum != digest or report.format != fmt:
                raise FileChanged(file_name)  # rolls the transaction back
            batch.row_count = written
            batch.skipped_count = report.skipped_count
            batch.skipped_titles = dict(report.skipped.most_common())
            batch.save(update_fields=["row_count", "skipped_count", "skipped_titles"])
            invalidate()
        report.source = source
        report.batch = batch
        return report

    def _checked(self, file: IO[bytes], report: ImportReport) -> Iterator[ParsedRow]:
        """The file's good rows, checked as they are read (see parse_rows)."""
        lookups = Lookups()  # now: no other query may run while the rows feed a COPY
        phase = "Checking" if self.dry_run else "Importing"
        rows = CsvRows(file, hashing=True, phase=phase, progress=self.progress)
        return parse_rows(rows, report, lookups)

    def _refuse(self, report: ImportReport, previous: ImportBatch | None) -> ImportReport:
        """Refuse a file already imported into the source (unless forced)."""
        if previous is not None and not self.force:
            report.refused = (
                f"{report.file_name} was already imported into “{report.source_name}” on "
                f"{timezone.localtime(previous.created_at):%Y-%m-%d %H:%M} (batch #{previous.pk}, "
                f"{previous.row_count:,} data points). Nothing was imported; roll that batch back "
                "first, or import again with --force."
            )
        return report


def stem(file_name: str) -> str:
    """A source's name from a file's: its base name without the extension."""
    base = file_name.rsplit("/", 1)[-1]
    return (base.rsplit(".", 1)[0] or base)[:200] or "Imported data"
