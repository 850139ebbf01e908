"""Import salary data points from CSV: the contract format or ai-jobs.net's.

Used by `manage.py import_salaries`, the admin's upload form and the demo loader.

The file is read twice, streaming (memory stays flat whatever its size):
1. validate every row, collecting each problem (line, column, value, reason) and the
   file's SHA-256; nothing is written when any row is bad;
2. write the rows in bulk inside one transaction: PostgreSQL `COPY` through psycopg,
   batched `bulk_create` elsewhere.

The same file (checksum) is imported into a source once, unless forced.
"""

import csv
import hashlib
import io
import itertools
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import IO, Any, NamedTuple

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import connection, transaction
from django.utils import timezone

from careers.models import Level, Track
from salaries.iso import is_country, is_currency
from salaries.models import (
    FIRST_YEAR,
    AliasSet,
    EmploymentType,
    Experience,
    ImportBatch,
    ImportFormat,
    Remote,
    SalaryDataPoint,
    Source,
    Statistic,
    Status,
    TitleAlias,
)

CONTRACT_REQUIRED = ("role", "level", "country", "currency", "amount", "year")
CONTRACT_OPTIONAL = (
    "statistic",
    "sample_size",
    "city",
    "employment_type",
    "remote",
    "source_url",
)
AIJOBS_REQUIRED = (
    "work_year",
    "experience_level",
    "job_title",
    "salary",
    "salary_currency",
    "employee_residence",
)
AIJOBS_OPTIONAL = (
    "employment_type",
    "salary_in_usd",
    "remote_ratio",
    "company_location",
    "company_size",
)
AIJOBS_SOURCE = {
    "name": "ai-jobs.net",
    "url": "https://ai-jobs.net/salaries/",
    "publisher": "ai-jobs.net (Foorilla LLC)",
    "licence": "CC0 1.0 Universal (public domain)",
    "licence_url": "https://creativecommons.org/publicdomain/zero/1.0/",
}

MAX_KEPT_ERRORS = 10_000  # the rest are counted (and streamed to `on_error`)
BATCH_SIZE = 2_000
PROGRESS_EVERY = 2_000  # rows
MAX_AMOUNT = Decimal(10) ** 12

NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
WHOLE = re.compile(r"[+-]?\d+")

EMPLOYMENT_TYPES = {
    "full_time": EmploymentType.FULL_TIME,
    "full-time": EmploymentType.FULL_TIME,
    "full time": EmploymentType.FULL_TIME,
    "ft": EmploymentType.FULL_TIME,
    "part_time": EmploymentType.PART_TIME,
    "part-time": EmploymentType.PART_TIME,
    "part time": EmploymentType.PART_TIME,
    "pt": EmploymentType.PART_TIME,
    "contract": EmploymentType.CONTRACT,
    "ct": EmploymentType.CONTRACT,
    "freelance": EmploymentType.FREELANCE,
    "fl": EmploymentType.FREELANCE,
}
REMOTE_WORDS = {
    "remote": Remote.REMOTE,
    "yes": Remote.REMOTE,
    "true": Remote.REMOTE,
    "hybrid": Remote.HYBRID,
    "onsite": Remote.ONSITE,
    "on-site": Remote.ONSITE,
    "on site": Remote.ONSITE,
    "office": Remote.ONSITE,
    "no": Remote.ONSITE,
    "false": Remote.ONSITE,
}

Progress = Callable[[str, int, int], None]  # (phase, bytes done, bytes in all)


@dataclass(frozen=True, slots=True)
class RowError:
    line: int
    column: str
    value: str
    reason: str

    def __str__(self) -> str:
        where = f"line {self.line}"
        if self.column:
            where += f", column {self.column}"
        if self.value:
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
    dry_run: bool = False
    source_name: str = ""
    source: Source | None = None
    batch: ImportBatch | None = None

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

    def summary(self) -> str:
        """One paragraph for a person: what happened and why."""
        if self.error_count:
            return f"{self.file_name}: {self.error_count:,} problem(s) found; nothing was imported."
        if self.refused:
            return self.refused
        lines = []
        if self.dry_run:
            lines.append(
                f"Dry run: {self.file_name} is valid; {self.valid:,} data point(s) would be "
                f"imported into “{self.source_name}”. Nothing was written."
            )
        else:
            lines.append(
                f"Imported {self.written:,} data point(s) from {self.file_name} into "
                f"“{self.source_name}” (batch #{self.batch.pk if self.batch else '?'})."
            )
        if self.skipped:
            top = ", ".join(f"{title} {n:,}" for title, n in self.skipped.most_common(10))
            more = len(self.skipped) - 10
            lines.append(
                f"Skipped {self.skipped_count:,} row(s) with no title alias or level mapping "
                f"({len(self.skipped):,} title(s)): {top}"
                + (f", and {more:,} more." if more > 0 else ".")
            )
        if self.unknown_columns:
            lines.append("Ignored unknown column(s): " + ", ".join(self.unknown_columns) + ".")
        return "\n".join(lines)


class ParsedRow(NamedTuple):
    track_id: int
    level_id: int | None
    title: str
    country: str
    city: str
    currency: str
    amount: Decimal
    year: int
    statistic: str
    sample_size: int | None
    employment_type: str
    remote: str
    source_url: str


class Skip(NamedTuple):
    key: str


class HashingReader(io.RawIOBase):
    """Reads a binary file, hashing and counting the bytes; never closes the file."""

    def __init__(self, raw: IO[bytes], hashing: bool) -> None:
        self.raw = raw
        self.hash = hashlib.sha256() if hashing else None
        self.bytes_read = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self.raw.read(len(buffer))
        n = len(data)
        buffer[:n] = data
        if self.hash is not None:
            self.hash.update(data)
        self.bytes_read += n
        return n

    def close(self) -> None:  # the caller owns the file
        pass


class _Lookups:
    """Tracks, levels and title aliases, loaded once per import (four queries)."""

    def __init__(self) -> None:
        self.tracks: dict[str, Track] = {}
        for track in Track.objects.all():
            self.tracks[track.slug.lower()] = track
            self.tracks.setdefault(track.name.lower(), track)
        self.levels: dict[tuple[int, str], Level] = {}
        for level in Level.objects.all():
            self.levels[(level.track_id, level.slug.lower())] = level
            self.levels.setdefault((level.track_id, level.name.lower()), level)
        sets = AliasSet.objects.select_related(
            "track", "entry_level", "mid_level", "senior_level", "executive_level"
        )
        self.alias_sets = {s.pk: s for s in sets}
        self.aliases: dict[str, tuple[AliasSet, Level | None]] = {}
        for alias in TitleAlias.objects.all():
            alias_set = self.alias_sets[alias.alias_set_id]
            fixed = self.levels_by_pk.get(alias.level_id) if alias.level_id else None
            self.aliases[alias.title.strip().lower()] = (alias_set, fixed)
            # A title alias also names its track in the contract format's `role` column.
            self.tracks.setdefault(alias.title.strip().lower(), alias_set.track)

    @property
    def levels_by_pk(self) -> dict[int, Level]:
        if not hasattr(self, "_levels_by_pk"):
            self._levels_by_pk = {level.pk: level for level in self.levels.values()}
        return self._levels_by_pk


def _columns(header: list[str]) -> dict[str, int]:
    return {name.strip().lower(): index for index, name in enumerate(header)}


def detect_format(columns: dict[str, int]) -> str:
    if "job_title" in columns and "work_year" in columns:
        return ImportFormat.AIJOBS
    return ImportFormat.CONTRACT


class _RowParser:
    """Turns one CSV row into a ParsedRow, a Skip, or a list of RowErrors."""

    def __init__(self, fmt: str, columns: dict[str, int], lookups: _Lookups) -> None:
        self.fmt = fmt
        self.columns = columns
        self.lookups = lookups
        self.max_year = date.today().year + 1
        self.url_validator = URLValidator()

    def _cell(self, cells: list[str], name: str) -> str:
        index = self.columns.get(name)
        return cells[index].strip() if index is not None else ""

    # Field parsers: each returns (value, reason); a reason means the value is bad.

    def _amount(self, raw: str) -> tuple[Decimal | None, str]:
        if not raw:
            return None, "required"
        if not NUMBER.fullmatch(raw):
            return None, "not a number"
        value = Decimal(raw)
        if value <= 0:
            return None, "not positive"
        if value >= MAX_AMOUNT:
            return None, "too large"
        if value.as_tuple().exponent < -2:
            return None, "more than 2 decimal places"
        return value, ""

    def _year(self, raw: str) -> tuple[int | None, str]:
        if not raw:
            return None, "required"
        if not WHOLE.fullmatch(raw):
            return None, "not a whole number"
        year = int(raw)
        if not FIRST_YEAR <= year <= self.max_year:
            return None, f"year out of range ({FIRST_YEAR} to {self.max_year})"
        return year, ""

    def _country(self, raw: str) -> tuple[str, str]:
        code = raw.upper()
        if not raw:
            return "", "required"
        if not is_country(code):
            return "", "unknown country (use an ISO 3166-1 alpha-2 code, or XX for worldwide)"
        return code, ""

    def _currency(self, raw: str) -> tuple[str, str]:
        code = raw.upper()
        if not raw:
            return "", "required"
        if not is_currency(code):
            return "", "unknown currency (use an ISO 4217 code)"
        return code, ""

    def _employment_type(self, raw: str) -> tuple[str, str]:
        if not raw:
            return "", ""
        value = EMPLOYMENT_TYPES.get(raw.lower())
        if value is None:
            return "", "unknown employment type (full_time, part_time, contract, freelance)"
        return value, ""

    def _remote(self, raw: str) -> tuple[str, str]:
        if not raw:
            return "", ""
        word = raw.lower()
        if word in REMOTE_WORDS:
            return REMOTE_WORDS[word], ""
        if WHOLE.fullmatch(word):
            ratio = int(word)
            if ratio == 0:
                return Remote.ONSITE, ""
            if ratio in (1, 100):
                return Remote.REMOTE, ""
            if 0 < ratio < 100:
                return Remote.HYBRID, ""
        return "", "unknown remote value (remote, hybrid, onsite, or 0 to 100)"

    def parse(self, cells: list[str], line: int) -> ParsedRow | Skip | list[RowError]:
        if self.fmt == ImportFormat.AIJOBS:
            return self._parse_aijobs(cells, line)
        return self._parse_contract(cells, line)

    def _parse_contract(self, cells: list[str], line: int) -> ParsedRow | list[RowError]:
        errors: list[RowError] = []

        def check(column: str, raw: str, result: tuple[Any, str]) -> Any:
            value, reason = result
            if reason:
                errors.append(RowError(line, column, raw, reason))
            return value

        role = self._cell(cells, "role")
        track = self.lookups.tracks.get(role.lower()) if role else None
        if not role:
            errors.append(RowError(line, "role", role, "required"))
        elif track is None:
            errors.append(RowError(line, "role", role, "unknown role (a track's slug or name)"))

        raw_statistic = self._cell(cells, "statistic")
        statistic = raw_statistic.lower() or Statistic.INDIVIDUAL
        if statistic not in Statistic.values:
            errors.append(
                RowError(
                    line,
                    "statistic",
                    raw_statistic,
                    "unknown statistic (" + ", ".join(Statistic.values) + ")",
                )
            )

        raw_level = self._cell(cells, "level")
        level = None
        if raw_level:
            if track is not None:
                level = self.lookups.levels.get((track.pk, raw_level.lower()))
                if level is None:
                    errors.append(
                        RowError(line, "level", raw_level, "unknown level for that track")
                    )
        elif statistic == Statistic.INDIVIDUAL:
            errors.append(RowError(line, "level", raw_level, "required for individual pay"))

        country = check(
            "country", self._cell(cells, "country"), self._country(self._cell(cells, "country"))
        )
        currency = check(
            "currency", self._cell(cells, "currency"), self._currency(self._cell(cells, "currency"))
        )
        amount = check(
            "amount", self._cell(cells, "amount"), self._amount(self._cell(cells, "amount"))
        )
        year = check("year", self._cell(cells, "year"), self._year(self._cell(cells, "year")))

        raw_size = self._cell(cells, "sample_size")
        sample_size = None
        if raw_size:
            if not WHOLE.fullmatch(raw_size):
                errors.append(RowError(line, "sample_size", raw_size, "not a whole number"))
            elif int(raw_size) < 1:
                errors.append(RowError(line, "sample_size", raw_size, "not positive"))
            else:
                sample_size = int(raw_size)

        city = self._cell(cells, "city")
        if len(city) > 100:
            errors.append(RowError(line, "city", city, "longer than 100 characters"))
        employment_type = check(
            "employment_type",
            self._cell(cells, "employment_type"),
            self._employment_type(self._cell(cells, "employment_type")),
        )
        remote = check(
            "remote", self._cell(cells, "remote"), self._remote(self._cell(cells, "remote"))
        )
        source_url = self._cell(cells, "source_url")
        if source_url:
            try:
                if len(source_url) > 500:
                    raise ValidationError("too long")
                self.url_validator(source_url)
            except ValidationError:
                errors.append(RowError(line, "source_url", source_url, "not a valid URL"))

        if errors:
            return errors
        return ParsedRow(
            track_id=track.pk,
            level_id=level.pk if level else None,
            title="",
            country=country,
            city=city,
            currency=currency,
            amount=amount,
            year=year,
            statistic=statistic,
            sample_size=sample_size,
            employment_type=employment_type,
            remote=remote,
            source_url=source_url,
        )

    def _parse_aijobs(self, cells: list[str], line: int) -> ParsedRow | Skip | list[RowError]:
        title = self._cell(cells, "job_title")
        alias = self.lookups.aliases.get(title.lower())
        if alias is None:
            return Skip(title or "(no title)")
        alias_set, fixed_level = alias
        errors: list[RowError] = []
        raw_experience = self._cell(cells, "experience_level")
        experience = raw_experience.upper()
        if experience not in Experience.values:
            errors.append(
                RowError(
                    line,
                    "experience_level",
                    raw_experience,
                    "unknown experience level (EN, MI, SE, EX)",
                )
            )
            level = None
        else:
            level = fixed_level or alias_set.level_for(experience)

        def check(column: str, parse: Callable[[str], tuple[Any, str]]) -> Any:
            raw = self._cell(cells, column)
            value, reason = parse(raw)
            if reason:
                errors.append(RowError(line, column, raw, reason))
            return value

        year = check("work_year", self._year)
        amount = check("salary", self._amount)
        currency = check("salary_currency", self._currency)
        country = check("employee_residence", self._country)
        employment_type = check("employment_type", self._employment_type)
        remote = check("remote_ratio", self._remote)
        if errors:
            return errors
        if level is None:
            return Skip(f"{title} ({experience}: no level mapped)")
        return ParsedRow(
            track_id=alias_set.track_id,
            level_id=level.pk,
            title=title[:200],
            country=country,
            city="",
            currency=currency,
            amount=amount,
            year=year,
            statistic=Statistic.INDIVIDUAL,
            sample_size=None,
            employment_type=employment_type,
            remote=remote,
            source_url="",
        )


class FileChanged(Exception):
    """The file changed between checking and writing; nothing was written."""


class Importer:
    """Validate, then (unless a dry run) write one file's rows, all or nothing."""

    def __init__(
        self,
        *,
        source_name: str = "",
        user=None,
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

    # -- reading ------------------------------------------------------------------

    def _rows(
        self, file: IO[bytes], phase: str, report: ImportReport, hashing: bool
    ) -> Iterator[tuple[int, list[str]]] | None:
        """(line, cells) for each non-blank data row; sets report.format on the way."""
        file.seek(0, io.SEEK_END)
        total = file.tell()
        file.seek(0)
        reader = HashingReader(file, hashing)
        text = io.TextIOWrapper(
            io.BufferedReader(reader, 1 << 16), encoding="utf-8-sig", newline=""
        )
        rows = csv.reader(text, strict=True)
        self._reader = reader
        count = 0
        try:
            for cells in rows:
                if not cells or (len(cells) == 1 and not cells[0].strip()):
                    continue
                count += 1
                if self.progress and count % PROGRESS_EVERY == 0:
                    self.progress(phase, reader.bytes_read, total)
                yield rows.line_num, cells
        except UnicodeDecodeError:
            self._error(report, RowError(rows.line_num + 1, "", "", "the file is not UTF-8 text"))
        except csv.Error as exc:
            self._error(report, RowError(rows.line_num, "", "", f"not valid CSV ({exc})"))
        if self.progress:
            self.progress(phase, total, total)

    def _error(self, report: ImportReport, error: RowError) -> None:
        report.add_error(error)
        if self.on_error:
            self.on_error(error)

    def validate(self, file: IO[bytes], file_name: str, report: ImportReport) -> _RowParser | None:
        """Pass 1: every row checked, the checksum taken. Returns the parser when valid."""
        lookups = _Lookups()
        rows = self._rows(file, "Checking", report, hashing=True)
        first = next(rows, None)
        if first is None:
            if not report.error_count:
                self._error(report, RowError(1, "", "", "the file is empty (no header row)"))
            return None
        _, header = first
        columns = _columns(header)
        names = Counter(name.strip().lower() for name in header)
        duplicates = sorted(name for name, n in names.items() if n > 1)
        report.format = detect_format(columns)
        required, optional = (
            (AIJOBS_REQUIRED, AIJOBS_OPTIONAL)
            if report.format == ImportFormat.AIJOBS
            else (CONTRACT_REQUIRED, CONTRACT_OPTIONAL)
        )
        missing = [name for name in required if name not in columns]
        if duplicates:
            self._error(
                report, RowError(1, "", "", "duplicate column(s): " + ", ".join(duplicates))
            )
        if missing:
            self._error(
                report, RowError(1, "", "", "missing required column(s): " + ", ".join(missing))
            )
        if report.error_count:
            for _line, _cells in rows:  # finish reading for the checksum; rows are moot
                pass
            return None
        report.unknown_columns = [
            name for name in columns if name not in required and name not in optional
        ]
        parser = _RowParser(report.format, columns, lookups)
        width = len(header)
        for line, cells in rows:
            report.rows += 1
            if len(cells) != width:
                self._error(
                    report,
                    RowError(
                        line,
                        "",
                        str(len(cells)),
                        f"wrong column count: expected {width} fields, found {len(cells)}",
                    ),
                )
                continue
            result = parser.parse(cells, line)
            if isinstance(result, ParsedRow):
                report.valid += 1
            elif isinstance(result, Skip):
                report.skipped[result.key] += 1
            else:
                for error in result:
                    self._error(report, error)
        report.checksum = self._reader.hash.hexdigest()
        if report.error_count:
            return None
        if report.rows == 0:
            self._error(report, RowError(1, "", "", "the file has a header but no data rows"))
            return None
        return parser

    def parsed_rows(
        self, file: IO[bytes], parser: _RowParser, report: ImportReport
    ) -> Iterator[ParsedRow]:
        """Pass 2: the valid rows again. Raises FileChanged (rolling the write back) if the
        file is not the one that was checked."""
        second = ImportReport(file_name=report.file_name)
        rows = self._rows(file, "Importing", second, hashing=True)
        next(rows)  # the header
        for line, cells in rows:
            result = parser.parse(cells, line)
            if isinstance(result, ParsedRow):
                yield result
            elif not isinstance(result, Skip):
                raise FileChanged(report.file_name)
        if second.error_count or self._reader.hash.hexdigest() != report.checksum:
            raise FileChanged(report.file_name)

    # -- the whole run --------------------------------------------------------------

    def run(self, file: IO[bytes], file_name: str) -> ImportReport:
        report = ImportReport(file_name=file_name, dry_run=self.dry_run)
        parser = self.validate(file, file_name, report)
        if parser is None:
            return report
        name = self.source_name or (
            AIJOBS_SOURCE["name"] if report.format == ImportFormat.AIJOBS else _stem(file_name)
        )
        report.source_name = name
        previous = (
            ImportBatch.objects.live()
            .filter(source__name=name, checksum=report.checksum)
            .order_by("-created_at")
            .first()
        )
        if previous is not None and not self.force:
            report.refused = (
                f"{file_name} was already imported into “{name}” on "
                f"{timezone.localtime(previous.created_at):%Y-%m-%d %H:%M} (batch #{previous.pk}, "
                f"{previous.row_count:,} data points). Nothing was imported; roll that batch back "
                "first, or import again with --force."
            )
            return report
        if self.dry_run:
            return report
        defaults = self.source_defaults
        if defaults is None:
            defaults = (
                {k: v for k, v in AIJOBS_SOURCE.items() if k != "name"}
                if report.format == ImportFormat.AIJOBS
                else {}
            )
        with transaction.atomic():
            source, _created = Source.objects.get_or_create(name=name, defaults=defaults)
            batch = ImportBatch.objects.create(
                source=source,
                file_name=file_name[:255],
                checksum=report.checksum,
                format=report.format,
                forced=previous is not None,
                created_by=self.user,
                skipped_count=report.skipped_count,
                skipped_titles=dict(report.skipped.most_common()),
            )
            written = write_points(self.parsed_rows(file, parser, report), source, batch)
            batch.row_count = written
            batch.save(update_fields=["row_count"])
        report.source = source
        report.batch = batch
        return report


def _stem(file_name: str) -> str:
    stem = file_name.rsplit("/", 1)[-1]
    return (stem.rsplit(".", 1)[0] or stem)[:200] or "Imported data"


# --- writing in bulk ---------------------------------------------------------------------

_COPY_FIELDS = (
    "source",
    "batch",
    "track",
    "level",
    "title",
    "country",
    "city",
    "currency",
    "amount",
    "year",
    "statistic",
    "sample_size",
    "employment_type",
    "remote",
    "source_url",
    "status",
    "outlier",
)


def _row_values(row: ParsedRow, source: Source, batch: ImportBatch) -> tuple:
    return (
        source.pk,
        batch.pk,
        row.track_id,
        row.level_id,
        row.title,
        row.country,
        row.city,
        row.currency,
        row.amount,
        row.year,
        row.statistic,
        row.sample_size,
        row.employment_type,
        row.remote,
        row.source_url,
        Status.APPROVED,
        False,
    )


def write_points(rows: Iterator[ParsedRow], source: Source, batch: ImportBatch) -> int:
    """Write approved points in bulk; returns how many. Call inside a transaction."""
    with connection.cursor() as cursor:
        raw = getattr(cursor, "cursor", None)
        if connection.vendor == "postgresql" and hasattr(raw, "copy"):
            return _copy(raw, rows, source, batch)
    count = 0
    for chunk in itertools.batched(rows, BATCH_SIZE):
        SalaryDataPoint.objects.bulk_create(
            [
                SalaryDataPoint(
                    source=source,
                    batch=batch,
                    track_id=row.track_id,
                    level_id=row.level_id,
                    title=row.title,
                    country=row.country,
                    city=row.city,
                    currency=row.currency,
                    amount=row.amount,
                    year=row.year,
                    statistic=row.statistic,
                    sample_size=row.sample_size,
                    employment_type=row.employment_type,
                    remote=row.remote,
                    source_url=row.source_url,
                    status=Status.APPROVED,
                )
                for row in chunk
            ]
        )
        count += len(chunk)
    return count


def _copy(raw_cursor, rows: Iterator[ParsedRow], source: Source, batch: ImportBatch) -> int:
    meta = SalaryDataPoint._meta
    columns = ", ".join(connection.ops.quote_name(meta.get_field(f).column) for f in _COPY_FIELDS)
    table = connection.ops.quote_name(meta.db_table)
    count = 0
    with raw_cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(_row_values(row, source, batch))
            count += 1
    return count


# --- rolling back ------------------------------------------------------------------------


def roll_back(batch: ImportBatch) -> int:
    """Delete a batch's points and mark it rolled back; returns how many were deleted."""
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.rolled_back_at is not None:
            return 0
        deleted, _ = SalaryDataPoint.objects.filter(batch=batch).delete()
        batch.rolled_back_at = timezone.now()
        batch.save(update_fields=["rolled_back_at"])
    return deleted
