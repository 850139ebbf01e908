"""Checking and writing BLS OEWS estimates (`import_salaries FILE --format oews`).

BLS's "all data" layout, one row per area, industry and occupation: `AREA, AREA_TITLE,
AREA_TYPE, PRIM_STATE, NAICS, …, OCC_CODE, OCC_TITLE, O_GROUP, TOT_EMP, …, A_MEAN, …,
A_PCT10, A_PCT25, A_MEDIAN, A_PCT75, A_PCT90, …`. Cross-industry rows (NAICS `000000`,
or no NAICS column) become `MarketEstimate`s as published; industry-specific rows are
skipped and counted. BLS's markers: `*` (wage not available) and `**` (employment not
available) store null; `#` (at least BLS's cap, $239,200 a year until the May 2023
release) stores null and names the figure in `top_coded`. Numbers may carry thousands
separators. Areas are stored as `US` (the nation), a state's postal code, or the
metropolitan or nonmetropolitan area's BLS code.
"""

import itertools
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import NamedTuple

from salaries.importing.read import CsvRows
from salaries.importing.report import ImportReport, RowError
from salaries.models import AreaType, ImportBatch, MarketEstimate, Source

OEWS_SOURCE = {
    "name": "BLS OEWS",
    "url": "https://www.bls.gov/oes/",
    "publisher": "U.S. Bureau of Labor Statistics",
    "licence": "Public domain (a work of the U.S. federal government)",
    "licence_url": "https://www.bls.gov/opub/copyright-information.htm",
    "notes": "Occupational Employment and Wage Statistics: published wage estimates per "
    "occupation and area, all levels of an occupation together.",
}

REQUIRED = (
    "area",
    "area_title",
    "area_type",
    "prim_state",
    "occ_code",
    "occ_title",
    "tot_emp",
    "a_mean",
    "a_pct10",
    "a_pct25",
    "a_median",
    "a_pct75",
    "a_pct90",
)
# column → the estimate's field
FIGURES = {
    "tot_emp": "employment",
    "a_mean": "mean",
    "a_pct10": "p10",
    "a_pct25": "p25",
    "a_median": "median",
    "a_pct75": "p75",
    "a_pct90": "p90",
}
CROSS_INDUSTRY = "000000"
NOT_AVAILABLE = {"*", "**"}
TOP_CODED = "#"
MAX_FIGURE = 2_147_483_647  # PositiveIntegerField's upper bound on every database
BATCH_SIZE = 1_000

AREA_TYPES = {
    "1": AreaType.NATION,
    "2": AreaType.STATE,
    "3": AreaType.STATE,  # U.S. territories
    "4": AreaType.METRO,
    "6": AreaType.NONMETRO,
}
SOC = re.compile(r"\d{2}-\d{4}", re.ASCII)
STATE = re.compile(r"[A-Z]{2}")
AREA_CODE = re.compile(r"\d{1,7}", re.ASCII)
RELEASE_YEAR = re.compile(r"(?<!\d)(19[9]\d|20\d\d)(?!\d)", re.ASCII)
NUMBER = re.compile(r"\d{1,3}(,\d{3})+|\d+", re.ASCII)


def release_from(file_name: str) -> str:
    """A release's name from a file's ("all_data_M_2025.csv" → "May 2025"), or ""."""
    found = RELEASE_YEAR.findall(file_name.rsplit("/", 1)[-1])
    return f"May {found[-1]}" if found else ""


def release_year(release: str) -> int | None:
    found = RELEASE_YEAR.findall(release)
    return int(found[-1]) if found else None


def looks_like_oews(columns: dict[str, int]) -> bool:
    return "occ_code" in columns and "a_median" in columns and "area" in columns


class Estimate(NamedTuple):
    area_code: str
    area_title: str
    area_type: str
    occupation_code: str
    occupation_title: str
    figures: dict[str, int | None]
    top_coded: list[str]


def figure(raw: str, field: str) -> tuple[int | None, bool, str]:
    """(value, top-coded?, problem) of one cell."""
    if raw in NOT_AVAILABLE:
        return None, False, ""
    if raw == TOP_CODED:
        if field == "employment":
            return None, False, "# (top-coded) is for wages, not employment"
        return None, True, ""
    if not raw:
        return None, False, "required (a number, or BLS's *, ** or #)"
    if not NUMBER.fullmatch(raw):
        return None, False, "not a whole number (or BLS's *, ** or #)"
    digits = raw.replace(",", "")
    if len(digits) > 10 or int(digits) > MAX_FIGURE:
        return None, False, "too large"
    return int(digits), False, ""


def area(row: dict[str, str]) -> tuple[str, str, str]:
    """(area code, area type, problem)."""
    kind = AREA_TYPES.get(row["area_type"])
    if kind is None:
        return "", "", "unknown area type (1 U.S., 2 state, 3 territory, 4 metro, 6 nonmetro)"
    if kind == AreaType.NATION:
        return "US", kind, ""
    if kind == AreaType.STATE:
        state = row["prim_state"].upper()
        if not (row["prim_state"].isascii() and STATE.fullmatch(state)):
            return "", kind, "a state's or territory's postal code is needed in PRIM_STATE"
        return state, kind, ""
    if not AREA_CODE.fullmatch(row["area"]):
        return "", kind, "not a BLS area code (digits)"
    return row["area"], kind, ""


def parse_rows(
    rows: CsvRows, report: ImportReport, existing: dict[tuple[str, str], int]
) -> Iterator[Estimate]:
    """Check every row, recording each problem in `report` (and counts, skips, checksum);
    yield good estimates while no problem has been found. `existing`: (area, SOC code) →
    the batch that already holds that estimate for the release."""
    rows_iter = iter(rows)
    first = next(rows_iter, None)
    if first is None:
        report.add_error(rows.error or RowError(1, "", "", "the file is empty (no header row)"))
        return
    _, header = first
    columns = [name.strip().lower() for name in header]
    index = {name: n for n, name in enumerate(columns)}
    duplicates = sorted(name for name, n in Counter(columns).items() if n > 1)
    if duplicates:
        report.add_error(RowError(1, "", "", "duplicate column(s): " + ", ".join(duplicates)))
    missing = [name.upper() for name in REQUIRED if name not in index]
    if missing:
        report.add_error(RowError(1, "", "", "missing required column(s): " + ", ".join(missing)))
    if report.error_count:
        for _row in rows_iter:
            pass
        if rows.error:
            report.add_error(rows.error)
        report.checksum = rows.checksum
        return
    width = len(header)
    naics_at = index.get("naics")
    seen: dict[tuple[str, str], int] = {}
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
        if naics_at is not None and cells[naics_at].strip() not in ("", CROSS_INDUSTRY):
            report.skipped[f"industry {cells[naics_at].strip()[:20]}"] += 1
            continue
        row = {name: cells[index[name]].strip() for name in REQUIRED}
        errors: list[RowError] = []
        code, kind, problem = area(row)
        if problem:
            column = "AREA_TYPE" if not kind else ("PRIM_STATE" if kind == "state" else "AREA")
            errors.append(RowError(line, column, row[column.lower()], problem))
        for name in ("area_title", "occ_title"):
            if not row[name]:
                errors.append(RowError(line, name.upper(), "", "required"))
            elif len(row[name]) > 200 or "\x00" in row[name]:
                errors.append(
                    RowError(line, name.upper(), row[name], "longer than 200 characters, or NUL")
                )
        soc = row["occ_code"]
        if not SOC.fullmatch(soc):
            errors.append(RowError(line, "OCC_CODE", soc, "not a SOC code (like 15-1252)"))
        figures: dict[str, int | None] = {}
        top_coded: list[str] = []
        for column, field in FIGURES.items():
            value, capped, reason = figure(row[column], field)
            if reason:
                errors.append(RowError(line, column.upper(), row[column], reason))
            figures[field] = value
            if capped:
                top_coded.append(field)
        if not errors:
            key = (code, soc)
            if key in seen:
                errors.append(
                    RowError(
                        line, "OCC_CODE", soc, f"{code} {soc} again (first on line {seen[key]})"
                    )
                )
            elif key in existing:
                errors.append(
                    RowError(
                        line,
                        "OCC_CODE",
                        soc,
                        f"{code} {soc} is already imported for this release (batch "
                        f"#{existing[key]}); roll that batch back first",
                    )
                )
            seen.setdefault(key, line)
        if errors:
            for error in errors:
                report.add_error(error)
            continue
        valid += 1
        if not report.error_count:
            yield Estimate(code, row["area_title"], kind, soc, row["occ_title"], figures, top_coded)
    if rows.error:
        report.add_error(rows.error)
    report.rows = count
    report.valid = valid
    report.checksum = rows.checksum
    if report.rows == 0 and not report.error_count:
        report.add_error(RowError(1, "", "", "the file has a header but no data rows"))


def existing_keys(source_name: str, release: str) -> dict[tuple[str, str], int]:
    """(area, SOC code) → batch of the estimates a source already has for a release."""
    rows = MarketEstimate.objects.filter(source__name=source_name, release=release).values_list(
        "area_code", "occupation_code", "batch_id"
    )
    return {(area_code, soc): batch for area_code, soc, batch in rows}


def write_estimates(
    estimates: Iterable[Estimate], source: Source, batch: ImportBatch, release: str
) -> int:
    """Write checked estimates in batches; returns how many. Call inside a transaction."""
    year = release_year(release) or 0
    count = 0
    for chunk in itertools.batched(estimates, BATCH_SIZE):
        MarketEstimate.objects.bulk_create(
            [
                MarketEstimate(
                    source=source,
                    batch=batch,
                    release=release,
                    year=year,
                    area_code=e.area_code,
                    area_title=e.area_title,
                    area_type=e.area_type,
                    occupation_code=e.occupation_code,
                    occupation_title=e.occupation_title,
                    top_coded=e.top_coded,
                    **e.figures,
                )
                for e in chunk
            ]
        )
        count += len(chunk)
    return count
