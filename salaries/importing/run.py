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

from salaries.importing import oews
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

DEFAULT_SOURCES: dict[str, dict[str, Any]] = {
    ImportFormat.AIJOBS: AIJOBS_SOURCE,
    ImportFormat.OEWS: oews.OEWS_SOURCE,
}


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
        fmt: str = "",
        release: str = "",
    ) -> None:
        self.source_name = source_name.strip()
        self.user = user if user is not None and user.is_authenticated else None
        self.dry_run = dry_run
        self.force = force
        self.progress = progress
        self.on_error = on_error
        self.source_defaults = source_defaults
        self.fmt = fmt  # "" : told by the file's header
        self.release = release.strip()  # OEWS: e.g. "May 2025" ("": from the file's name)

    def run(self, file: IO[bytes], file_name: str) -> ImportReport:
        report = ImportReport(file_name=file_name, dry_run=self.dry_run, on_error=self.on_error)
        digest = checksum(file)
        fmt = self.fmt or header_format(file)
        name = self.source_name or DEFAULT_SOURCES.get(fmt, {}).get("name") or stem(file_name)
        report.source_name = name
        release = ""
        if fmt == ImportFormat.OEWS:
            release = self.release or oews.release_from(file_name)
            if oews.release_year(release) is None:
                report.refused = (
                    f"{file_name}: which OEWS release is this? Give --release (e.g. "
                    "“May 2025”), or keep the year in the file's name. Nothing was imported."
                )
                return report
            report.release = release
        previous = (
            ImportBatch.objects.live()
            .filter(source__name=name, checksum=digest)
            .order_by("-created_at")
            .first()
        )
        if self.dry_run:
            for _row in self._checked(file, report, fmt, name, release):
                pass
            return self._refuse(report, previous) if report.ok else report
        if previous is not None and not self.force:
            report.checksum = digest
            return self._refuse(report, previous)

        defaults = self.source_defaults
        if defaults is None:
            defaults = {k: v for k, v in DEFAULT_SOURCES.get(fmt, {}).items() if k != "name"}
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
            rows = self._checked(file, report, fmt, name, release)
            if fmt == ImportFormat.OEWS:
                written = oews.write_estimates(rows, source, batch, release)
            else:
                written = write_points(rows, source, batch)
            if not report.ok:
                transaction.set_rollback(True)  # nothing is written
                return report
            if report.checksum != digest or (report.format != fmt and not self.fmt):
                raise FileChanged(file_name)  # rolls the transaction back
            batch.row_count = written
            batch.skipped_count = report.skipped_count
            batch.skipped_titles = dict(report.skipped.most_common())
            batch.save(update_fields=["row_count", "skipped_count", "skipped_titles"])
            invalidate()
        report.source = source
        report.batch = batch
        return report

    def _checked(
        self, file: IO[bytes], report: ImportReport, fmt: str, source_name: str, release: str
    ) -> Iterator[ParsedRow] | Iterator[oews.Estimate]:
        """The file's good rows, checked as they are read (see parse_rows)."""
        phase = "Checking" if self.dry_run else "Importing"
        if fmt == ImportFormat.OEWS:
            existing = oews.existing_keys(source_name, release)
            rows = CsvRows(file, hashing=True, phase=phase, progress=self.progress)
            report.format = fmt
            return oews.parse_rows(rows, report, existing)
        lookups = Lookups()  # now: no other query may run while the rows feed a COPY
        rows = CsvRows(file, hashing=True, phase=phase, progress=self.progress)
        return parse_rows(rows, report, lookups, fmt=self.fmt)

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
