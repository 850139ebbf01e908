"""Checking salary rows: a CSV row becomes a data point, a skip, or the row's problems.

Two formats, told apart by the header: Careerpath's own (`role,level,country,currency,
amount,year` and optional columns) and ai-jobs.net's (`work_year,experience_level,
job_title,salary,...`), whose job titles map to tracks through title aliases.

One parser for every row. A column's check depends only on the cell, so each result is
remembered per distinct cell (countries, currencies, years and the like repeat on every
row): this, not a second parser, is what keeps a million-row import fast.
"""

import re
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal
from typing import IO, Any, NamedTuple

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from careers.models import Level, Track
from salaries.importing.oews import looks_like_oews
from salaries.importing.read import CsvRows
from salaries.importing.report import ImportReport, RowError
from salaries.iso import is_country, is_currency
from salaries.models import (
    FIRST_YEAR,
    AliasSet,
    EmploymentType,
    ExchangeRate,
    Experience,
    ImportFormat,
    Remote,
    Statistic,
    TitleAlias,
)
from salaries.plausibility import sanity_problem
from salaries.stats import nearest_rate

CONTRACT_REQUIRED = ("role", "level", "country", "currency", "amount", "year")
CONTRACT_OPTIONAL = (
    "statistic",
    "sample_size",
    "city",
    "employment_type",
    "remote",
    "source_url",
    "bonus",
    "equity",
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
MAX_AMOUNT = Decimal(10) ** 12
MAX_SAMPLE_SIZE = 2_147_483_647  # PositiveIntegerField's upper bound on every database
MAX_WHOLE_DIGITS = 18
REMEMBERED = 1_000  # distinct cells remembered per column

NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
AMOUNT = re.compile(r"[+-]?(?:\d+(?:\.(\d*))?|\.(\d+))")  # NUMBER, naming its decimals
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


class ParsedRow(NamedTuple):
    """One data point, checked and ready to write."""

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
    bonus: Decimal | None = None
    equity: Decimal | None = None
    implausible: str = ""  # why the amount looks implausible (salaries.plausibility)


class Skip(NamedTuple):
    """A row left out (no title alias or level mapping); `key` counts it in the batch."""

    key: str


# Cells: each check returns (value, reason); a reason means the cell is refused. -----------


Checked = tuple[Any, str]


def whole(raw: str) -> int | None:
    """A whole number's value, or None when `raw` is not one. A number of more than 18
    digits comes back as ±10**18, beyond every range checked here, without `int()`'s
    cost or its 4,300-digit limit (which raises)."""
    if not WHOLE.fullmatch(raw):
        return None
    if len(raw.lstrip("+-").lstrip("0")) > MAX_WHOLE_DIGITS:
        return -(10**MAX_WHOLE_DIGITS) if raw.startswith("-") else 10**MAX_WHOLE_DIGITS
    return int(raw)


def amount(raw: str) -> Checked:
    if not raw:
        return None, "required"
    number = AMOUNT.fullmatch(raw)
    if number is None:
        return None, "not a number"
    value = Decimal(raw)
    if value <= 0:
        return None, "not positive"
    if value >= MAX_AMOUNT:
        return None, "too large"
    if len(number[1] or number[2] or "") > 2:
        return None, "more than 2 decimal places"
    return value, ""


def extra_pay(raw: str) -> Checked:
    """A bonus or equity per year: optional (empty: unknown), zero or more."""
    if not raw:
        return None, ""
    number = AMOUNT.fullmatch(raw)
    if number is None:
        return None, "not a number"
    value = Decimal(raw)
    if value < 0:
        return None, "negative"
    if value >= MAX_AMOUNT:
        return None, "too large"
    if len(number[1] or number[2] or "") > 2:
        return None, "more than 2 decimal places"
    return value, ""


def year_check(max_year: int) -> Callable[[str], Checked]:
    def year(raw: str) -> Checked:
        if not raw:
            return None, "required"
        value = whole(raw)
        if value is None:
            return None, "not a whole number"
        if not FIRST_YEAR <= value <= max_year:
            return None, f"year out of range ({FIRST_YEAR} to {max_year})"
        return value, ""

    return year


def country(raw: str) -> Checked:
    if not raw:
        return "", "required"
    code = raw.upper()
    if not is_country(code):
        return "", "unknown country (use an ISO 3166-1 alpha-2 code, or XX for worldwide)"
    return code, ""


def currency(raw: str) -> Checked:
    if not raw:
        return "", "required"
    code = raw.upper()
    if not is_currency(code):
        return "", "unknown currency (use an ISO 4217 code)"
    return code, ""


def statistic(raw: str) -> Checked:
    value = raw.lower() or Statistic.INDIVIDUAL
    if value not in STATISTICS:
        return value, "unknown statistic (" + ", ".join(Statistic.values) + ")"
    return value, ""


def sample_size(raw: str) -> Checked:
    if not raw:
        return None, ""
    size = whole(raw)
    if size is None:
        return None, "not a whole number"
    if size < 1:
        return None, "not positive"
    if size > MAX_SAMPLE_SIZE:
        return None, f"too large (at most {MAX_SAMPLE_SIZE})"
    return size, ""


def city(raw: str) -> Checked:
    if len(raw) > 100:
        return "", "longer than 100 characters"
    if "\x00" in raw:
        return "", "contains a null character"
    return raw, ""


def employment_type(raw: str) -> Checked:
    if not raw:
        return "", ""
    value = EMPLOYMENT_TYPES.get(raw.lower())
    if value is None:
        return "", "unknown employment type (full_time, part_time, contract, freelance)"
    return value, ""


def remote(raw: str) -> Checked:
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


_url_validator = URLValidator()


def source_url(raw: str) -> Checked:
    if not raw:
        return "", ""
    try:
        if len(raw) > 500 or "\x00" in raw:
            raise ValidationError("too long, or a null character")
        _url_validator(raw)
    except ValidationError:
        return "", "not a valid URL"
    return raw, ""


def experience(raw: str) -> Checked:
    value = raw.upper()
    if value not in EXPERIENCES:
        return None, "unknown experience level (EN, MI, SE, EX)"
    return value, ""


def shown_title(title: str) -> str:
    """A skipped title as the batch keeps it (JSON): no NUL, which PostgreSQL refuses
    in JSON, and at most 200 characters."""
    return title.replace("\x00", "\N{REPLACEMENT CHARACTER}")[:200]


# Rows ------------------------------------------------------------------------------------


class Lookups:
    """Tracks, levels, title aliases and exchange rates, loaded once per import (five
    queries)."""

    def __init__(self) -> None:
        self.tracks: dict[str, int] = {}  # a track's slug or name (lower case) → its id
        for track_id, slug, name in Track.objects.values_list("pk", "slug", "name"):
            self.tracks[slug.lower()] = track_id
            self.tracks.setdefault(name.lower(), track_id)
        self.levels: dict[tuple[int, str], int] = {}  # (track id, slug or name) → level id
        levels_by_pk: dict[int, Level] = {}
        for level in Level.objects.all():
            levels_by_pk[level.pk] = level
            self.levels[(level.track_id, level.slug.lower())] = level.pk
            self.levels.setdefault((level.track_id, level.name.lower()), level.pk)
        alias_sets = {
            s.pk: s
            for s in AliasSet.objects.select_related(
                "track", "entry_level", "mid_level", "senior_level", "executive_level"
            )
        }
        self.aliases: dict[str, tuple[AliasSet, Level | None]] = {}
        for alias in TitleAlias.objects.all():
            alias_set = alias_sets[alias.alias_set_id]
            fixed = levels_by_pk.get(alias.level_id) if alias.level_id else None
            self.aliases[alias.title.strip().lower()] = (alias_set, fixed)
            # A title alias also names its track in the contract format's `role` column.
            self.tracks.setdefault(alias.title.strip().lower(), alias_set.track_id)
        # Exchange rates to US dollars, for the plausibility check of each row.
        self.rates: dict[str, dict[int, float]] = {}
        for code, year, rate in ExchangeRate.objects.values_list("currency", "year", "rate_to_usd"):
            self.rates.setdefault(code, {})[year] = float(rate)

    def implausible(self, row: ParsedRow) -> str:
        """Why a row's amount, in US dollars, is outside the sanity bounds, or ""."""
        if row.currency == "USD":
            usd: float | None = float(row.amount)
        else:
            rate = nearest_rate(self.rates.get(row.currency, {}), row.year)
            usd = None if rate is None else float(row.amount) * rate
        return sanity_problem(usd, row.currency, row.year)


def columns_of(header: list[str]) -> dict[str, int]:
    return {name.strip().lower(): index for index, name in enumerate(header)}


def detect_format(columns: dict[str, int]) -> str:
    if "job_title" in columns and "work_year" in columns:
        return ImportFormat.AIJOBS
    if looks_like_oews(columns):
        return ImportFormat.OEWS
    return ImportFormat.CONTRACT


# The cells each format checks the same way, in the order their problems are reported
# (after a contract row's role and level, and an ai-jobs.net row's title).
CONTRACT_CELLS = (
    "statistic",
    "country",
    "currency",
    "amount",
    "year",
    "sample_size",
    "city",
    "employment_type",
    "remote",
    "source_url",
    "bonus",
    "equity",
)
AIJOBS_CELLS = (
    "experience_level",
    "work_year",
    "salary",
    "salary_currency",
    "employee_residence",
    "employment_type",
    "remote_ratio",
)


class RowParser:
    """Turns one CSV row of a format into a ParsedRow, a Skip, or its list of RowErrors."""

    def __init__(self, fmt: str, columns: dict[str, int], lookups: Lookups) -> None:
        self.lookups = lookups
        year = year_check(date.today().year + 1)
        checks: dict[str, Callable[[str], Checked]] = {
            "statistic": statistic,
            "country": country,
            "employee_residence": country,
            "currency": currency,
            "salary_currency": currency,
            "amount": amount,
            "salary": amount,
            "year": year,
            "work_year": year,
            "sample_size": sample_size,
            "city": city,
            "employment_type": employment_type,
            "remote": remote,
            "remote_ratio": remote,
            "source_url": source_url,
            "experience_level": experience,
            "bonus": extra_pay,
            "equity": extra_pay,
        }
        names = AIJOBS_CELLS if fmt == ImportFormat.AIJOBS else CONTRACT_CELLS
        # A column the file lacks (an optional one) has the value of an empty cell.
        self.blank = [checks[name]("")[0] for name in names]
        # (place in `names`, column, index in the row, check, results by cell)
        self.plan = [
            (n, name, columns[name], checks[name], {})
            for n, name in enumerate(names)
            if name in columns
        ]
        self.role_at = columns.get("role")
        self.level_at = columns.get("level")
        self.title_at = columns.get("job_title")
        self.parse = self._aijobs if fmt == ImportFormat.AIJOBS else self._contract

    def _cells(self, cells: list[str], line: int, errors: list[RowError]) -> list[Any]:
        """The checked values of the format's cells; their problems go to `errors`. A
        check's result is remembered per distinct cell (up to REMEMBERED a column)."""
        values = self.blank.copy()
        for n, column, index, check, remembered in self.plan:
            raw = cells[index].strip()
            result = remembered.get(raw)
            if result is None:
                result = check(raw)
                if len(remembered) < REMEMBERED:
                    remembered[raw] = result
            values[n], reason = result
            if reason:
                errors.append(RowError(line, column, raw, reason))
        return values

    def _contract(self, cells: list[str], line: int) -> ParsedRow | list[RowError]:
        errors: list[RowError] = []
        (
            stat, country_, currency_, amount_, year_, sample_size_, city_,
            employment_type_, remote_, source_url_, bonus_, equity_,
        ) = self._cells(cells, line, errors)  # fmt: skip
        first: list[RowError] = []
        role = cells[self.role_at].strip()
        track_id = self.lookups.tracks.get(role.lower()) if role else None
        if not role:
            first.append(RowError(line, "role", role, "required"))
        elif track_id is None:
            first.append(RowError(line, "role", role, "unknown role (a track's slug or name)"))
        raw_level = cells[self.level_at].strip()
        level_id = None
        if raw_level:
            if track_id is not None:
                level_id = self.lookups.levels.get((track_id, raw_level.lower()))
                if level_id is None:
                    first.append(RowError(line, "level", raw_level, "unknown level for that track"))
        elif stat == Statistic.INDIVIDUAL:
            first.append(RowError(line, "level", raw_level, "required for individual pay"))
        if first or errors:
            return first + errors
        return ParsedRow(
            track_id=track_id,
            level_id=level_id,
            title="",
            country=country_,
            city=city_,
            currency=currency_,
            amount=amount_,
            year=year_,
            statistic=stat,
            sample_size=sample_size_,
            employment_type=employment_type_,
            remote=remote_,
            source_url=source_url_,
            bonus=bonus_,
            equity=equity_,
        )

    def _aijobs(self, cells: list[str], line: int) -> ParsedRow | Skip | list[RowError]:
        title = cells[self.title_at].strip()
        alias = self.lookups.aliases.get(title.lower())
        if alias is None:
            return Skip(shown_title(title) or "(no title)")
        alias_set, fixed_level = alias
        errors: list[RowError] = []
        exp, year_, amount_, currency_, country_, employment_type_, remote_ = self._cells(
            cells, line, errors
        )
        if errors:
            return errors
        level = fixed_level or alias_set.level_for(exp)
        if level is None:
            return Skip(f"{shown_title(title)} ({exp}: no level mapped)")
        return ParsedRow(
            track_id=alias_set.track_id,
            level_id=level.pk,
            title=title[:200],
            country=country_,
            city="",
            currency=currency_,
            amount=amount_,
            year=year_,
            statistic=Statistic.INDIVIDUAL,
            sample_size=None,
            employment_type=employment_type_,
            remote=remote_,
            source_url="",
        )


def parse_rows(
    rows: CsvRows, report: ImportReport, lookups: Lookups, *, fmt: str = ""
) -> Iterator[ParsedRow]:
    """Check every row of the file, recording each problem in `report` (and the file's
    format, counts, skips and checksum); yield the good rows while no problem has been
    found. Runs no query (it feeds a COPY): `lookups` are loaded before."""
    rows_iter = iter(rows)
    first = next(rows_iter, None)
    if first is None:
        report.add_error(rows.error or RowError(1, "", "", "the file is empty (no header row)"))
        return
    _, header = first
    columns = columns_of(header)
    report.format = fmt or detect_format(columns)
    required, optional = (
        (AIJOBS_REQUIRED, AIJOBS_OPTIONAL)
        if report.format == ImportFormat.AIJOBS
        else (CONTRACT_REQUIRED, CONTRACT_OPTIONAL)
    )
    names = Counter(name.strip().lower() for name in header)
    duplicates = sorted(name for name, n in names.items() if n > 1)
    if duplicates:
        report.add_error(RowError(1, "", "", "duplicate column(s): " + ", ".join(duplicates)))
    missing = [name for name in required if name not in columns]
    if missing:
        report.add_error(RowError(1, "", "", "missing required column(s): " + ", ".join(missing)))
    if report.error_count:
        for _row in rows_iter:  # finish reading for the checksum; the rows are moot
            pass
        if rows.error:
            report.add_error(rows.error)
        report.checksum = rows.checksum
        return
    report.unknown_columns = [
        name for name in columns if name not in required and name not in optional
    ]
    parse = RowParser(report.format, columns, lookups).parse
    width = len(header)
    skipped = report.skipped
    count = valid = 0
    for line, cells in rows_iter:
        count += 1
        if len(cells) != width:
            report.add_error(
                RowError(
                    line,
                    "",
                    str(len(cells)),
                    f"wrong column count: expected {width} fields, found {len(cells)}",
                )
            )
            continue
        result = parse(cells, line)
        if type(result) is ParsedRow:
            valid += 1
            reason = lookups.implausible(result)
            if reason:
                report.add_implausible(line, reason)
                result = result._replace(implausible=reason[:300])
            if not report.error_count:
                yield result
        elif type(result) is Skip:
            skipped[result.key] += 1
        else:
            for error in result:
                report.add_error(error)
    if rows.error:
        report.add_error(rows.error)
    report.rows = count
    report.valid = valid
    report.checksum = rows.checksum
    if report.rows == 0 and not report.error_count:
        report.add_error(RowError(1, "", "", "the file has a header but no data rows"))


def header_format(file: IO[bytes]) -> str:
    """The file's format from its header row ("" when there is none to read)."""
    rows = iter(CsvRows(file))
    first = next(rows, None)
    rows.close()
    file.seek(0)
    return detect_format(columns_of(first[1])) if first else ""
