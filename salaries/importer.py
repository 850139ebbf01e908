"""Import salary data points from CSV: the contract format or ai-jobs.net's.

Used by `manage.py import_salaries`, the admin's upload form and the demo loader.

One pass over the rows, streaming (memory stays flat whatever the file's size), inside
one transaction:
- first the file's SHA-256 is taken (bytes only, fast): the same file (checksum) is
  imported into a source once, unless forced;
- then each row is checked, collecting every problem (line, column, value, reason), and
  while none has been found the good rows stream into the database (PostgreSQL `COPY`
  as text built here; batched INSERTs elsewhere). Any problem rolls the whole
  transaction back: nothing is written, and every bad row is still reported.

Rows in the contract format take a fast path (positions, lookups and ISO codes resolved
once, amounts checked by a regular expression and passed on as text); a row it cannot
accept goes through the full checks, which name each problem. docs/benchmarks.md has the
profile behind this design.
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
from salaries.stats import invalidate

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

STATISTICS = frozenset(Statistic.values)
EXPERIENCES = frozenset(Experience.values)
MAX_KEPT_ERRORS = 10_000  # the rest are counted (and streamed to `on_error`)
BATCH_SIZE = 2_000
PROGRESS_EVERY = 2_000  # rows
MAX_AMOUNT = Decimal(10) ** 12

NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
WHOLE = re.compile(r"[+-]?\d+")
MAX_WHOLE_DIGITS = 18
MAX_SAMPLE_SIZE = 2_147_483_647  # PositiveIntegerField's upper bound on every database
# The fast path's checks: a plain amount under MAX_AMOUNT with at most two decimals, and
# a four-digit year (anything else gets the full checks, and their messages).
AMOUNT = re.compile(r"[0-9]{1,12}(\.[0-9]{1,2})?")
YEAR = re.compile(r"[0-9]{4}")

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


def whole(raw: str) -> int | None:
    """A whole number's value, or None when `raw` is not one. A number of more than 18
    digits comes back as ±10**18, beyond every range checked here, without `int()`'s
    cost or its 4,300-digit limit (which raises)."""
    if not WHOLE.fullmatch(raw):
        return None
    if len(raw.lstrip("+-").lstrip("0")) > MAX_WHOLE_DIGITS:
        return -(10**MAX_WHOLE_DIGITS) if raw.startswith("-") else 10**MAX_WHOLE_DIGITS
    return int(raw)


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
    amount: Decimal | str  # a str only when checked by AMOUNT
    year: int
    statistic: str
    sample_size: int | None
    employment_type: str
    remote: str
    source_url: str


class Skip(NamedTuple):
    key: str


def _shown(title: str) -> str:
    """A skipped title as the batch keeps it (JSON): no NUL, which PostgreSQL refuses
    in JSON, and at most 200 characters."""
    return title.replace("\x00", "\N{REPLACEMENT CHARACTER}")[:200]


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
        wanted = (
            AIJOBS_REQUIRED + AIJOBS_OPTIONAL
            if fmt == ImportFormat.AIJOBS
            else CONTRACT_REQUIRED + CONTRACT_OPTIONAL
        )
        self.known = [(name, columns[name]) for name in wanted if name in columns]
        self.lookups = lookups
        self.max_year = date.today().year + 1
        self.url_validator = URLValidator()
        self.fast = self._fast_contract if fmt == ImportFormat.CONTRACT else None
        if self.fast is not None:
            self.at = tuple(columns[name] for name in CONTRACT_REQUIRED)
            self.optional_at = tuple(columns[n] for n in CONTRACT_OPTIONAL if n in columns)
            self.track_ids = {name: track.pk for name, track in lookups.tracks.items()}
            self.level_ids = {key: level.pk for key, level in lookups.levels.items()}
            self.codes: dict[tuple[str, str], str] = {}  # (kind, raw) → valid ISO code

    def _code(self, kind: str, raw: str) -> str:
        """A valid country or currency code for a raw cell, or ""; remembered."""
        code = self.codes.get((kind, raw))
        if code is None:
            code = raw.strip().upper()
            valid = is_country(code) if kind == "country" else is_currency(code)
            code = code if valid else ""
            if len(self.codes) < 10_000:
                self.codes[(kind, raw)] = code
        return code

    def _fast_contract(self, cells: list[str]) -> ParsedRow | None:
        """The usual good row, accepted quickly; None sends the row to the full checks."""
        for index in self.optional_at:
            if cells[index].strip():
                return None
        role, level, country, currency, amount, year = (cells[i] for i in self.at)
        track_id = self.track_ids.get(role.strip().lower())
        if track_id is None:
            return None
        level_id = self.level_ids.get((track_id, level.strip().lower()))
        country = self._code("country", country)
        currency = self._code("currency", currency)
        amount = amount.strip()
        year = year.strip()
        if (
            level_id is None
            or not country
            or not currency
            or not AMOUNT.fullmatch(amount)
            or not amount.strip("0.")  # zero
            or not YEAR.fullmatch(year)
            or not FIRST_YEAR <= int(year) <= self.max_year
        ):
            return None
        return ParsedRow(
            track_id, level_id, "", country, "", currency, amount, int(year),
            Statistic.INDIVIDUAL, None, "", "", "",
        )  # fmt: skip

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
        year = whole(raw)
        if year is None:
            return None, "not a whole number"
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
        ratio = whole(word)
        if ratio is not None:
            if ratio == 0:
                return Remote.ONSITE, ""
            if ratio in (1, 100):
                return Remote.REMOTE, ""
            if 0 < ratio < 100:
                return Remote.HYBRID, ""
        return "", "unknown remote value (remote, hybrid, onsite, or 0 to 100)"

    def parse(self, cells: list[str], line: int) -> ParsedRow | Skip | list[RowError]:
        if self.fast is not None:
            row = self.fast(cells)
            if row is not None:
                return row
        if self.fmt == ImportFormat.AIJOBS:
            return self._parse_aijobs(cells, line)
        return self._parse_contract(cells, line)

    def _raw(self, cells: list[str]) -> dict[str, str]:
        """The known columns' stripped values, by name."""
        return {name: cells[index].strip() for name, index in self.known}

    def _parse_contract(self, cells: list[str], line: int) -> ParsedRow | list[RowError]:
        errors: list[RowError] = []
        raw = self._raw(cells)

        def check(column: str, parse: Callable[[str], tuple[Any, str]]) -> Any:
            value, reason = parse(raw.get(column, ""))
            if reason:
                errors.append(RowError(line, column, raw.get(column, ""), reason))
            return value

        role = raw["role"]
        track = self.lookups.tracks.get(role.lower()) if role else None
        if not role:
            errors.append(RowError(line, "role", role, "required"))
        elif track is None:
            errors.append(RowError(line, "role", role, "unknown role (a track's slug or name)"))

        raw_statistic = raw.get("statistic", "")
        statistic = raw_statistic.lower() or Statistic.INDIVIDUAL
        if statistic not in STATISTICS:
            errors.append(
                RowError(
                    line,
                    "statistic",
                    raw_statistic,
                    "unknown statistic (" + ", ".join(Statistic.values) + ")",
                )
            )

        raw_level = raw["level"]
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

        country = check("country", self._country)
        currency = check("currency", self._currency)
        amount = check("amount", self._amount)
        year = check("year", self._year)

        raw_size = raw.get("sample_size", "")
        sample_size = None
        if raw_size:
            size = whole(raw_size)
            if size is None:
                errors.append(RowError(line, "sample_size", raw_size, "not a whole number"))
            elif size < 1:
                errors.append(RowError(line, "sample_size", raw_size, "not positive"))
            elif size > MAX_SAMPLE_SIZE:
                errors.append(
                    RowError(
                        line, "sample_size", raw_size, f"too large (at most {MAX_SAMPLE_SIZE})"
                    )
                )
            else:
                sample_size = size

        city = raw.get("city", "")
        if len(city) > 100:
            errors.append(RowError(line, "city", city, "longer than 100 characters"))
        elif "\x00" in city:
            errors.append(RowError(line, "city", city, "contains a null character"))
        employment_type = check("employment_type", self._employment_type)
        remote = check("remote", self._remote)
        source_url = raw.get("source_url", "")
        if source_url:
            try:
                if len(source_url) > 500 or "\x00" in source_url:
                    raise ValidationError("too long, or a null character")
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
        raw = self._raw(cells)
        title = raw["job_title"]
        alias = self.lookups.aliases.get(title.lower())
        if alias is None:
            return Skip(_shown(title) or "(no title)")
        alias_set, fixed_level = alias
        errors: list[RowError] = []
        raw_experience = raw["experience_level"]
        experience = raw_experience.upper()
        if experience not in EXPERIENCES:
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
            value, reason = parse(raw.get(column, ""))
            if reason:
                errors.append(RowError(line, column, raw.get(column, ""), reason))
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
            return Skip(f"{_shown(title)} ({experience}: no level mapped)")
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

    def checked_rows(
        self, file: IO[bytes], report: ImportReport, lookups: "_Lookups"
    ) -> Iterator[ParsedRow]:
        """Check every row, recording each problem in `report` and taking the file's
        checksum; yield the good rows while no problem has been found. Runs no query
        (it feeds a COPY): `lookups` are loaded before."""
        rows = self._rows(file, "Importing" if not self.dry_run else "Checking", report, True)
        first = next(rows, None)
        if first is None:
            if not report.error_count:
                self._error(report, RowError(1, "", "", "the file is empty (no header row)"))
            return
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
            report.checksum = self._reader.hash.hexdigest()
            return
        report.unknown_columns = [
            name for name in columns if name not in required and name not in optional
        ]
        parse = _RowParser(report.format, columns, lookups).parse
        width = len(header)
        skipped = report.skipped
        count = valid = 0
        for line, cells in rows:
            count += 1
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
            result = parse(cells, line)
            if type(result) is ParsedRow:
                valid += 1
                if not report.error_count:
                    yield result
            elif type(result) is Skip:
                skipped[result.key] += 1
            else:
                for error in result:
                    self._error(report, error)
        report.rows = count
        report.valid = valid
        report.checksum = self._reader.hash.hexdigest()
        if report.rows == 0 and not report.error_count:
            self._error(report, RowError(1, "", "", "the file has a header but no data rows"))

    def checksum(self, file: IO[bytes]) -> str:
        """The file's SHA-256, its bytes read once (no parsing)."""
        file.seek(0)
        digest = hashlib.sha256()
        while chunk := file.read(1 << 20):
            digest.update(chunk)
        file.seek(0)
        return digest.hexdigest()

    def header_format(self, file: IO[bytes]) -> str:
        """The file's format from its header row ("" when there is none to read)."""
        report = ImportReport(file_name="")
        rows = self._rows(file, "", report, hashing=False)
        first = next(rows, None)
        rows.close()
        file.seek(0)
        return detect_format(_columns(first[1])) if first else ""

    # -- the whole run --------------------------------------------------------------

    def run(self, file: IO[bytes], file_name: str) -> ImportReport:
        report = ImportReport(file_name=file_name, dry_run=self.dry_run)
        checksum = self.checksum(file)
        fmt = self.header_format(file)
        name = self.source_name or (
            AIJOBS_SOURCE["name"] if fmt == ImportFormat.AIJOBS else _stem(file_name)
        )
        previous = (
            ImportBatch.objects.live()
            .filter(source__name=name, checksum=checksum)
            .order_by("-created_at")
            .first()
        )
        if self.dry_run:
            for _row in self.checked_rows(file, report, _Lookups()):
                pass
            if not report.ok:
                return report
            report.source_name = name
            return self._refuse(report, previous, file_name, name)
        if previous is not None and not self.force:
            report.checksum = checksum
            report.source_name = name
            return self._refuse(report, previous, file_name, name)

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
                checksum=checksum,
                format=fmt or ImportFormat.CONTRACT,
                forced=previous is not None,
                created_by=self.user,
            )
            rows = self.checked_rows(file, report, _Lookups())
            written = write_points(rows, source, batch)
            if not report.ok:
                transaction.set_rollback(True)  # nothing is written
                return report
            if report.checksum != checksum or report.format != fmt:
                raise FileChanged(file_name)  # rolls the transaction back
            batch.row_count = written
            batch.skipped_count = report.skipped_count
            batch.skipped_titles = dict(report.skipped.most_common())
            batch.save(update_fields=["row_count", "skipped_count", "skipped_titles"])
            invalidate()
        report.source_name = name
        report.source = source
        report.batch = batch
        return report

    def _refuse(
        self, report: ImportReport, previous: ImportBatch | None, file_name: str, name: str
    ) -> ImportReport:
        """Refuse a file already imported into the source (unless forced)."""
        if previous is not None and not self.force:
            report.refused = (
                f"{file_name} was already imported into “{name}” on "
                f"{timezone.localtime(previous.created_at):%Y-%m-%d %H:%M} (batch #{previous.pk}, "
                f"{previous.row_count:,} data points). Nothing was imported; roll that batch back "
                "first, or import again with --force."
            )
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


def _row_values(row: ParsedRow, source_id: int, batch_id: int) -> tuple:
    return (
        source_id,
        batch_id,
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
        return _insert(cursor, rows, source, batch)


def _columns_sql() -> tuple[str, str]:
    meta = SalaryDataPoint._meta
    quote = connection.ops.quote_name
    columns = ", ".join(quote(meta.get_field(f).column) for f in _COPY_FIELDS)
    return quote(meta.db_table), columns


def _insert(cursor, rows: Iterator[ParsedRow], source: Source, batch: ImportBatch) -> int:
    """Batched multi-row INSERTs through Django's cursor (SQLite and other databases)."""
    table, columns = _columns_sql()
    placeholders = "(" + ", ".join(["%s"] * len(_COPY_FIELDS)) + ")"
    # Stay under the database's limit of query parameters (999 on old SQLite).
    per_statement = max(1, (connection.features.max_query_params or 999) // len(_COPY_FIELDS))
    count = 0
    for chunk in itertools.batched(rows, BATCH_SIZE):
        for part in itertools.batched(chunk, per_statement):
            values = ", ".join([placeholders] * len(part))
            params = [value for row in part for value in _row_values(row, source.pk, batch.pk)]
            cursor.execute(f"INSERT INTO {table} ({columns}) VALUES {values}", params)  # noqa: S608
        count += len(chunk)
    return count


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
COPY_CHUNK = 5_000  # rows per write to the COPY stream


def _text(value: str) -> str:
    """A value in COPY's text format."""
    return value.translate(_COPY_ESCAPES) if value else value


def _copy(raw_cursor, rows: Iterator[ParsedRow], source: Source, batch: ImportBatch) -> int:
    """COPY in PostgreSQL's text format, each row's line built here (a fifth of the time
    psycopg's `write_row` takes for the same rows)."""
    table, columns = _columns_sql()
    prefix = f"{source.pk}\t{batch.pk}\t"
    suffix = f"\t{Status.APPROVED}\tf\n"
    null = "\\N"
    count = 0
    with raw_cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for chunk in itertools.batched(rows, COPY_CHUNK):
            copy.write(
                "".join(
                    [
                        f"{prefix}{r.track_id}\t{null if r.level_id is None else r.level_id}\t"
                        f"{_text(r.title)}\t{r.country}\t{_text(r.city)}\t{r.currency}\t"
                        f"{r.amount}\t{r.year}\t{r.statistic}\t"
                        f"{null if r.sample_size is None else r.sample_size}\t"
                        f"{r.employment_type}\t{r.remote}\t{_text(r.source_url)}{suffix}"
                        for r in chunk
                    ]
                )
            )
            count += len(chunk)
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
        invalidate()
    return deleted
