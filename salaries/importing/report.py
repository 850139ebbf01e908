"""What an import found and what a person is told: every bad row, and a summary."""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from salaries.models import ImportBatch, Source

MAX_KEPT_ERRORS = 10_000  # the rest are counted (and streamed to the caller's `on_error`)


@dataclass(frozen=True, slots=True)
class RowError:
    """One problem: where (line and column), the value as written, and why it is refused."""

    line: int
    column: str
    value: str
    reason: str

    def __str__(self) -> str:
        where = f"line {self.line}"
        if self.column:
            where += f", column {self.column}"
        if self.column or self.value:
            shown = self.value if len(self.value) <= 60 else self.value[:57] + "..."
            where += f", value {shown!r}"
        return f"{where}: {self.reason}"


@dataclass
class ImportReport:
    file_name: str
    format: str = ""
    checksum: str = ""
    rows: int = 0  # data rows read
    valid: int = 0  # rows that become data points
    skipped: Counter = field(default_factory=Counter)  # title → rows skipped
    errors: list[RowError] = field(default_factory=list)  # the first MAX_KEPT_ERRORS
    error_count: int = 0
    unknown_columns: list[str] = field(default_factory=list)
    refused: str = ""  # why the import was refused (already imported)
    # Rows kept but flagged as implausible (salaries.plausibility): the first
    # MAX_KEPT_ERRORS as (line, reason), and how many in all.
    implausible: list[tuple[int, str]] = field(default_factory=list)
    implausible_count: int = 0
    dry_run: bool = False
    source_name: str = ""
    release: str = ""  # OEWS imports: the release, e.g. "May 2025"
    source: Source | None = None
    batch: ImportBatch | None = None
    on_error: Callable[[RowError], None] | None = field(default=None, repr=False)  # each, live

    @property
    def ok(self) -> bool:
        return self.error_count == 0 and not self.refused

    @property
    def written(self) -> int:
        return self.batch.row_count if self.batch else 0

    @property
    def skipped_count(self) -> int:
        return sum(self.skipped.values())

    def add_error(self, error: RowError) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_KEPT_ERRORS:
            self.errors.append(error)
        if self.on_error is not None:
            self.on_error(error)

    def add_implausible(self, line: int, reason: str) -> None:
        self.implausible_count += 1
        if len(self.implausible) < MAX_KEPT_ERRORS:
            self.implausible.append((line, reason))

    def summary(self) -> str:
        """One paragraph for a person: what happened and why."""
        if self.error_count:
            return f"{self.file_name}: {self.error_count:,} problem(s) found; nothing was imported."
        if self.refused:
            return self.refused
        lines = []
        what = "data point(s)"
        if self.release:
            what = f"market estimate(s) of the {self.release} release"
        if self.dry_run:
            lines.append(
                f"Dry run: {self.file_name} is valid; {self.valid:,} {what} would be "
                f"imported into “{self.source_name}”. Nothing was written."
            )
        else:
            lines.append(
                f"Imported {self.written:,} {what} from {self.file_name} into "
                f"“{self.source_name}” (batch #{self.batch.pk if self.batch else '?'})."
            )
        if self.skipped and self.release:
            lines.append(
                f"Skipped {self.skipped_count:,} industry-specific row(s): only cross-industry "
                "estimates are kept."
            )
        elif self.skipped:
            top = ", ".join(f"{title} {n:,}" for title, n in self.skipped.most_common(10))
            more = len(self.skipped) - 10
            lines.append(
                f"Skipped {self.skipped_count:,} row(s) with no title alias or level mapping "
                f"({len(self.skipped):,} title(s)): {top}"
                + (f", and {more:,} more." if more > 0 else ".")
            )
        if self.implausible_count:
            shown = "; ".join(f"line {line}: {reason}" for line, reason in self.implausible[:10])
            more = self.implausible_count - min(10, len(self.implausible))
            lines.append(
                f"Flagged {self.implausible_count:,} row(s) as implausible for the moderators "
                f"(kept, not refused): {shown}" + (f"; and {more:,} more." if more > 0 else ".")
            )
        if self.unknown_columns:
            lines.append("Ignored unknown column(s): " + ", ".join(self.unknown_columns) + ".")
        return "\n".join(lines)
