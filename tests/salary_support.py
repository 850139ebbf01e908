"""Helpers for the salary tests: tracks and levels, data points, CSV files."""

import csv
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path

from careers.models import Level, Track
from salaries.models import SalaryDataPoint, Source, Statistic, Status
from salaries.stats import invalidate

# The demo tracks' slugs (docs/interface.md, careers/demo/tracks.json).
TRACKS: dict[str, tuple[str, list[tuple[str, str]]]] = {
    "backend": (
        "Backend engineering",
        [
            ("junior", "Junior backend engineer"),
            ("middle", "Backend engineer"),
            ("middle-plus", "Backend engineer II"),
            ("senior", "Senior backend engineer"),
            ("lead", "Lead backend engineer"),
            ("principal", "Principal backend engineer"),
        ],
    ),
    "management": (
        "Engineering management",
        [
            ("team-lead", "Team lead"),
            ("engineering-manager", "Engineering manager"),
            ("senior-engineering-manager", "Senior engineering manager"),
            ("director-of-engineering", "Director of engineering"),
            ("head-of-engineering", "Head of engineering"),
            ("cto", "Chief technology officer"),
        ],
    ),
    "devops": (
        "DevOps and platform engineering",
        [
            ("devops-engineer", "DevOps engineer"),
            ("senior-devops-engineer", "Senior DevOps engineer"),
            ("lead-devops-engineer", "Lead DevOps engineer"),
        ],
    ),
    "cloud-architect": (
        "Cloud architecture",
        [
            ("cloud-architect", "Cloud architect"),
            ("senior-cloud-architect", "Senior cloud architect"),
            ("principal-cloud-architect", "Principal cloud architect"),
        ],
    ),
    "dba": (
        "Database administration",
        [
            ("database-administrator", "Database administrator"),
            ("senior-database-administrator", "Senior database administrator"),
            ("lead-database-administrator", "Lead database administrator"),
        ],
    ),
}

CONTRACT_HEADER = ["role", "level", "country", "currency", "amount", "year"]
AIJOBS_HEADER = [
    "work_year",
    "experience_level",
    "employment_type",
    "job_title",
    "salary",
    "salary_currency",
    "salary_in_usd",
    "employee_residence",
    "remote_ratio",
    "company_location",
    "company_size",
]


def make_tracks() -> dict[str, Track]:
    tracks = {}
    for position, (slug, (name, levels)) in enumerate(TRACKS.items(), start=1):
        track = Track.objects.create(slug=slug, name=name, position=position)
        Level.objects.bulk_create(
            Level(track=track, slug=level_slug, name=level_name, rank=rank)
            for rank, (level_slug, level_name) in enumerate(levels, start=1)
        )
        tracks[slug] = track
    return tracks


def level(track: str, slug: str) -> Level:
    return Level.objects.select_related("track").get(track__slug=track, slug=slug)


def source(name: str = "Test survey") -> Source:
    return Source.objects.get_or_create(name=name)[0]


def add_points(
    level: Level,
    amounts: Iterable[float | int | str | Decimal],
    *,
    country: str = "US",
    currency: str = "USD",
    year: int = 2024,
    source_name: str = "Test survey",
    status: str = Status.APPROVED,
    statistic: str = Statistic.INDIVIDUAL,
) -> list[SalaryDataPoint]:
    src = source(source_name)
    points = SalaryDataPoint.objects.bulk_create(
        SalaryDataPoint(
            source=src,
            track_id=level.track_id,
            level=level,
            country=country,
            currency=currency,
            amount=Decimal(str(amount)),
            year=year,
            statistic=statistic,
            status=status,
        )
        for amount in amounts
    )
    invalidate()  # bulk_create sends no signal; the importer does the same
    return points


def write_csv(
    path: Path,
    rows: Iterable[Iterable[object]],
    header: list[str] | None = None,
    *,
    bom: bool = False,
    crlf: bool = False,
) -> Path:
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\r\n" if crlf else "\n")
        writer.writerow(header or CONTRACT_HEADER)
        writer.writerows(rows)
    return path
