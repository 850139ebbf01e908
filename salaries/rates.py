"""Exchange rates: load a yearly table from CSV (`currency,year,rate_to_usd`), and find
the years and currencies of approved points that no rate converts.

Loading is all or nothing: every bad row is reported and nothing changes. Existing rates
for the same currency and year are replaced.
"""

import csv
import io
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import IO

from django.db import transaction
from django.db.models import Count, Exists, OuterRef

from salaries.importing.parse import NUMBER, whole
from salaries.importing.read import HashingReader
from salaries.importing.report import RowError
from salaries.iso import is_currency
from salaries.models import FIRST_YEAR, ExchangeRate, SalaryDataPoint
from salaries.stats import BASE_CURRENCY, invalidate

COLUMNS = ("currency", "year", "rate_to_usd")
PRECISION = Decimal("1e-10")  # the column's 10 decimal places


@dataclass
class RatesReport:
    created: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)
    keys: list[tuple[str, int]] = field(default_factory=list)  # (currency, year) loaded

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        if self.errors:
            return f"{len(self.errors):,} problem(s) found; no exchange rate was changed."
        return f"Loaded {self.created:,} new and {self.updated:,} updated exchange rate(s)."


def load_rates(file: IO[bytes], *, dry_run: bool = False) -> RatesReport:
    report = RatesReport()
    buffered = io.BufferedReader(HashingReader(file, hashing=False))
    text = io.TextIOWrapper(buffered, encoding="utf-8-sig", newline="")
    rates: dict[tuple[str, int], Decimal] = {}
    max_year = date.today().year + 1
    try:
        reader = csv.reader(text, strict=True)
        header = next(reader, None)
        if header is None:
            report.errors.append(RowError(1, "", "", "the file is empty (no header row)"))
            return report
        names = [h.strip().lower() for h in header]
        missing = [c for c in COLUMNS if c not in names]
        if missing:
            report.errors.append(
                RowError(1, "", "", "missing required column(s): " + ", ".join(missing))
            )
            return report
        index = {name: names.index(name) for name in COLUMNS}
        for cells in reader:
            if not cells or (len(cells) == 1 and not cells[0].strip()):
                continue
            line = reader.line_num
            if len(cells) != len(header):
                report.errors.append(
                    RowError(
                        line,
                        "",
                        str(len(cells)),
                        f"wrong column count: expected {len(header)} fields, found {len(cells)}",
                    )
                )
                continue
            currency = cells[index["currency"]].strip().upper()
            raw_year = cells[index["year"]].strip()
            raw_rate = cells[index["rate_to_usd"]].strip()
            bad = False
            if not is_currency(currency):
                report.errors.append(
                    RowError(line, "currency", currency, "unknown currency (use an ISO 4217 code)")
                )
                bad = True
            year = whole(raw_year)
            if year is None:
                report.errors.append(RowError(line, "year", raw_year, "not a whole number"))
                bad = True
            elif not FIRST_YEAR <= year <= max_year:
                report.errors.append(
                    RowError(
                        line, "year", raw_year, f"year out of range ({FIRST_YEAR} to {max_year})"
                    )
                )
                bad = True
            rate, problem = _rate(raw_rate)
            if problem:
                report.errors.append(RowError(line, "rate_to_usd", raw_rate, problem))
                bad = True
            if not bad:
                key = (currency, year)
                if key in rates:
                    report.errors.append(
                        RowError(line, "", f"{currency} {raw_year}", "a second rate for that year")
                    )
                rates[key] = rate
    except UnicodeDecodeError:
        report.errors.append(RowError(0, "", "", "the file is not UTF-8 text"))
    except csv.Error as exc:
        report.errors.append(RowError(0, "", "", f"not valid CSV ({exc})"))
    if report.errors:
        return report
    existing = set(
        ExchangeRate.objects.filter(currency__in={c for c, _ in rates}).values_list(
            "currency", "year"
        )
    )
    report.updated = sum(1 for key in rates if key in existing)
    report.created = len(rates) - report.updated
    report.keys = list(rates)
    if dry_run:
        return report
    with transaction.atomic():
        ExchangeRate.objects.bulk_create(
            [ExchangeRate(currency=c, year=y, rate_to_usd=r) for (c, y), r in rates.items()],
            update_conflicts=True,
            unique_fields=["currency", "year"],
            update_fields=["rate_to_usd"],
        )
        invalidate()
    return report


def _rate(raw: str) -> tuple[Decimal | None, str]:
    """A rate as the column keeps it (10 decimal places), or why it cannot be one."""
    if not NUMBER.fullmatch(raw):
        return None, "not a number"
    rate = Decimal(raw)
    if rate <= 0:
        return None, "not positive"
    if rate >= Decimal(10) ** 10:
        return None, "too large"
    rate = rate.quantize(PRECISION)
    if rate <= 0:
        return None, "too small (rounds to 0 at 10 decimal places)"
    return rate, ""


@dataclass(frozen=True, slots=True)
class MissingRate:
    """Approved points of one year in one currency that no exchange rate converts."""

    year: int
    currency: str
    points: int


def missing_rates() -> list[MissingRate]:
    """Each (year, currency) of approved points with no rate to USD, with its point count,
    oldest year first: the points every converted statistic leaves out. One query."""
    rate = ExchangeRate.objects.filter(currency=OuterRef("currency"), year=OuterRef("year"))
    rows = (
        SalaryDataPoint.objects.approved()
        .exclude(currency=BASE_CURRENCY)
        .filter(~Exists(rate))
        .order_by()
        .values("year", "currency")
        .annotate(points=Count("pk"))
        .order_by("year", "currency")
    )
    return [MissingRate(row["year"], row["currency"], row["points"]) for row in rows]
