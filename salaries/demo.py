"""Demo salary data for `load_demo`: cited sources only, idempotent.

- exchange rates to USD derived from the ai-jobs.net file (salaries/data/README.md);
- a default set of title aliases and EN/MI/SE/EX → level mappings for the demo tracks
  (created only where missing, so curators' edits survive);
- the ai-jobs.net rows whose title maps to a track (CC0), through the bulk importer;
- PayScale's published averages (March 2023, US) as `mean` reference figures;
- BLS OEWS May 2025 market estimates (public domain) for the occupations mapped to the
  demo tracks, with the default SOC → track mapping (created only where missing).

Needs the tracks (careers.demo.load) first; tracks that are missing are left out.
"""

import hashlib
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.core.management.base import CommandError
from django.db.models.functions import Lower

from careers.models import Level, Track
from salaries.importing.oews import OEWS_SOURCE
from salaries.importing.parse import AIJOBS_SOURCE
from salaries.importing.run import Importer
from salaries.models import (
    AliasSet,
    ImportBatch,
    ImportFormat,
    OccupationMapping,
    SalaryDataPoint,
    Source,
    Statistic,
    Status,
    TitleAlias,
)
from salaries.rates import load_rates

DATA = Path(__file__).resolve().parent / "data"
AIJOBS_FILE = DATA / "aijobs_salaries_2025-01-19.csv"
AIJOBS_PUBLISHED = date(2025, 1, 19)
RATES_FILE = DATA / "exchange_rates_usd.csv"
OEWS_FILE = DATA / "oews_may2025_extract.csv"
OEWS_RELEASE = "May 2025"
OEWS_PUBLISHED = date(2026, 5, 15)  # oe.data.0.Current's date on download.bls.gov

# SOC code → (track slug, occupation, how it fits the track: shown beside its figures).
DEFAULT_OCCUPATIONS: dict[str, tuple[str, str, str]] = {
    "15-1252": ("backend", "Software Developers", ""),
    "15-1242": ("dba", "Database Administrators", ""),
    "15-1244": ("devops", "Network and Computer Systems Administrators", ""),
    "11-3021": ("management", "Computer and Information Systems Managers", ""),
    "15-1241": (
        "cloud-architect",
        "Computer Network Architects",
        "The nearest occupation BLS publishes: it covers network architects, cloud "
        "architects among them, not cloud architects alone.",
    ),
}

# track slug → experience → level slug, and titles (a title may pin one level).
DEFAULT_ALIASES: dict[str, dict] = {
    "backend": {
        "levels": {"EN": "junior", "MI": "middle", "SE": "senior", "EX": "principal"},
        "titles": [
            "Software Engineer",
            "Software Developer",
            "Software Development Engineer",
            "Backend Engineer",
            "Backend Developer",
            "Backend Software Engineer",
            "Back End Engineer",
            "Back End Developer",
            "Back-end Engineer",
            "Back-end Developer",
            "Python Developer",
        ],
    },
    "devops": {
        "levels": {
            "EN": "devops-engineer",
            "MI": "devops-engineer",
            "SE": "senior-devops-engineer",
            "EX": "lead-devops-engineer",
        },
        "titles": [
            "DevOps Engineer",
            "Site Reliability Engineer",
            "Platform Engineer",
            "Infrastructure Engineer",
            "Cloud Engineer",
        ],
    },
    "management": {
        "levels": {
            "EN": "team-lead",
            "MI": "engineering-manager",
            "SE": "senior-engineering-manager",
            "EX": "director-of-engineering",
        },
        "titles": [
            "Engineering Manager",
            "Software Engineering Manager",
            ("Team Lead", "team-lead"),
            ("Director of Engineering", "director-of-engineering"),
            ("Head of Engineering", "head-of-engineering"),
            ("VP of Engineering", "head-of-engineering"),
            ("Chief Technology Officer", "cto"),
            ("CTO", "cto"),
        ],
    },
    "cloud-architect": {
        "levels": {
            "EN": "cloud-architect",
            "MI": "cloud-architect",
            "SE": "senior-cloud-architect",
            "EX": "principal-cloud-architect",
        },
        "titles": [
            "Solutions Architect",
            "Solution Architect",
            "Cloud Architect",
            "Cloud Solutions Architect",
        ],
    },
    "dba": {
        "levels": {
            "EN": "database-administrator",
            "MI": "database-administrator",
            "SE": "senior-database-administrator",
            "EX": "lead-database-administrator",
        },
        "titles": [
            "Database Administrator",
            "Database Engineer",
            "Cloud Database Administrator",
            "Cloud Database Engineer",
        ],
    },
}
EXPERIENCE_FIELDS = {
    "EN": "entry_level",
    "MI": "mid_level",
    "SE": "senior_level",
    "EX": "executive_level",
}

PAYSCALE = {
    "name": "PayScale (March 2023)",
    "url": "https://www.payscale.com/research/US/Country=United_States/Salary",
    "publisher": "PayScale, Inc.",
    "published": date(2023, 3, 1),
    "licence": "Cited figures; © PayScale, Inc.",
    "notes": "Average base salaries in the United States as shown on PayScale's salary "
    "research pages in March 2023.",
}
PAYSCALE_FIGURES = [
    {
        "track": "backend",
        "title": "Back-end developer",
        "amount": Decimal("90652"),
        "source_url": "https://www.payscale.com/research/US/Job=Back_End_Developer/Salary",
    },
    {
        "track": None,  # Careerpath has no front-end track (yet): a reference figure only
        "title": "Front-end developer",
        "amount": Decimal("80796"),
        "source_url": (
            "https://www.payscale.com/research/US/Job=Front_End_Developer_%2F_Engineer/Salary"
        ),
    },
]


def load_aliases() -> int:
    """Create the default alias sets for the tracks that exist; returns how many sets."""
    tracks = {t.slug: t for t in Track.objects.filter(slug__in=DEFAULT_ALIASES)}
    levels = {
        (level.track.slug, level.slug): level
        for level in Level.objects.filter(track__in=tracks.values()).select_related("track")
    }
    existing_titles = set(
        TitleAlias.objects.annotate(key=Lower("title")).values_list("key", flat=True)
    )
    new_aliases = []
    for slug, spec in DEFAULT_ALIASES.items():
        track = tracks.get(slug)
        if track is None:
            continue
        defaults = {
            EXPERIENCE_FIELDS[exp]: levels.get((slug, level_slug))
            for exp, level_slug in spec["levels"].items()
        }
        alias_set, _created = AliasSet.objects.get_or_create(track=track, defaults=defaults)
        for entry in spec["titles"]:
            title, level_slug = entry if isinstance(entry, tuple) else (entry, None)
            if title.lower() in existing_titles:
                continue
            level = levels.get((slug, level_slug)) if level_slug else None
            if level_slug and level is None:
                continue
            new_aliases.append(TitleAlias(alias_set=alias_set, title=title, level=level))
            existing_titles.add(title.lower())
    TitleAlias.objects.bulk_create(new_aliases)
    return len(tracks)


def load_payscale() -> int:
    defaults = {k: v for k, v in PAYSCALE.items() if k != "name"}
    source, _ = Source.objects.get_or_create(name=PAYSCALE["name"], defaults=defaults)
    tracks = {t.slug: t for t in Track.objects.filter(slug__in=["backend"])}
    count = 0
    for figure in PAYSCALE_FIGURES:
        track = tracks.get(figure["track"]) if figure["track"] else None
        if figure["track"] and track is None:
            continue
        SalaryDataPoint.objects.get_or_create(
            source=source,
            title=figure["title"],
            statistic=Statistic.MEAN,
            country="US",
            year=2023,
            defaults={
                "track": track,
                "currency": "USD",
                "amount": figure["amount"],
                "source_url": figure["source_url"],
                "status": Status.APPROVED,
            },
        )
        count += 1
    return count


def load_aijobs() -> tuple[int, bool]:
    """Import the mapped ai-jobs.net rows once; returns (points, already there)."""
    checksum = hashlib.sha256(AIJOBS_FILE.read_bytes()).hexdigest()
    previous = (
        ImportBatch.objects.live()
        .filter(source__name=AIJOBS_SOURCE["name"], checksum=checksum)
        .first()
    )
    if previous is not None:
        return previous.row_count, True
    if not AliasSet.objects.exists():
        return 0, False
    defaults = {k: v for k, v in AIJOBS_SOURCE.items() if k != "name"}
    defaults["published"] = AIJOBS_PUBLISHED
    defaults["notes"] = (
        "Salaries reported to ai-jobs.net, 2020 to January 2025; rows whose job title "
        "has a title alias are used."
    )
    with AIJOBS_FILE.open("rb") as file:
        report = Importer(source_name=AIJOBS_SOURCE["name"], source_defaults=defaults).run(
            file, AIJOBS_FILE.name
        )
    if not report.ok:
        raise CommandError(report.summary() + "\n" + "\n".join(map(str, report.errors[:20])))
    return report.written, False


def load_occupations() -> int:
    """The default SOC → track mapping for the tracks that exist; curators' edits stay."""
    tracks = {
        t.slug: t
        for t in Track.objects.filter(slug__in=[v[0] for v in DEFAULT_OCCUPATIONS.values()])
    }
    existing = set(OccupationMapping.objects.values_list("soc_code", flat=True))
    OccupationMapping.objects.bulk_create(
        [
            OccupationMapping(soc_code=code, track=tracks[slug], title=title, note=note)
            for code, (slug, title, note) in DEFAULT_OCCUPATIONS.items()
            if code not in existing and slug in tracks
        ]
    )
    return len(tracks)


def load_oews() -> tuple[int, bool]:
    """Import the shipped OEWS extract once; returns (estimates, already there)."""
    checksum = hashlib.sha256(OEWS_FILE.read_bytes()).hexdigest()
    previous = (
        ImportBatch.objects.live()
        .filter(source__name=OEWS_SOURCE["name"], checksum=checksum)
        .first()
    )
    if previous is not None:
        return previous.row_count, True
    defaults = {k: v for k, v in OEWS_SOURCE.items() if k != "name"}
    defaults["published"] = OEWS_PUBLISHED
    with OEWS_FILE.open("rb") as file:
        report = Importer(
            source_name=OEWS_SOURCE["name"],
            source_defaults=defaults,
            fmt=ImportFormat.OEWS,
            release=OEWS_RELEASE,
        ).run(file, OEWS_FILE.name)
    if not report.ok:
        raise CommandError(report.summary() + "\n" + "\n".join(map(str, report.errors[:20])))
    return report.written, False


def load() -> str:
    with RATES_FILE.open("rb") as file:
        rates = load_rates(file)
    if not rates.ok:
        raise CommandError(rates.summary())
    alias_sets = load_aliases()
    figures = load_payscale()
    points, already = load_aijobs()
    load_occupations()
    estimates, oews_already = load_oews()
    state = "already loaded" if already else "imported"
    oews_state = "already loaded" if oews_already else "imported"
    return (
        f"Salaries: {points:,} ai-jobs.net data points ({state}), {figures} PayScale "
        f"figures, {rates.created + rates.updated} exchange rates, {alias_sets} title alias "
        f"sets, {estimates:,} BLS OEWS {OEWS_RELEASE} estimates ({oews_state})."
    )
