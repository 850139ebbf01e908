"""The demo salary data: cited sources, the real ai-jobs.net rows, idempotent."""

import csv
import hashlib
import io
from collections import Counter
from datetime import date
from decimal import Decimal

from django.core.management import call_command

from salaries import demo
from salaries.models import (
    AliasSet,
    ExchangeRate,
    ImportBatch,
    SalaryDataPoint,
    Source,
    Statistic,
    TitleAlias,
)
from salaries.stats import salary_stats


def counts() -> tuple[int, ...]:
    return (
        SalaryDataPoint.objects.count(),
        Source.objects.count(),
        ImportBatch.objects.count(),
        ExchangeRate.objects.count(),
        AliasSet.objects.count(),
        TitleAlias.objects.count(),
    )


def expected_aijobs_rows() -> Counter:
    """(track, level) → rows, straight from the shipped file and the default aliases."""
    titles = {}
    for slug, spec in demo.DEFAULT_ALIASES.items():
        for entry in spec["titles"]:
            title, pinned = entry if isinstance(entry, tuple) else (entry, None)
            titles[title.lower()] = (slug, pinned, spec["levels"])
    found: Counter = Counter()
    with demo.AIJOBS_FILE.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            match = titles.get(row["job_title"].strip().lower())
            if match:
                slug, pinned, levels = match
                found[(slug, pinned or levels[row["experience_level"]])] += 1
    return found


def test_the_shipped_file_is_the_published_one():
    digest = hashlib.sha256(demo.AIJOBS_FILE.read_bytes()).hexdigest()
    assert digest == "fce1318d2fa6f574cd36ce192bf3c38debcb61892d15255eb8f772a05e4a5aef"
    assert (
        (demo.DATA / "LICENSE-aijobs-CC0.txt")
        .read_text()
        .startswith("Creative Commons Legal Code\n\nCC0 1.0 Universal")
    )


def test_the_demo_loads_cited_salaries_once(salary_tracks):
    summary = demo.load()

    assert summary.startswith("Salaries: ")
    assert "ai-jobs.net data points (imported)" in summary
    aijobs = Source.objects.get(name="ai-jobs.net")
    assert aijobs.licence.startswith("CC0 1.0")
    assert aijobs.published == date(2025, 1, 19)
    assert aijobs.url.startswith("https://")

    expected = expected_aijobs_rows()
    stored = Counter(
        (p["track__slug"], p["level__slug"])
        for p in SalaryDataPoint.objects.filter(source=aijobs).values("track__slug", "level__slug")
    )
    assert stored == expected
    assert sum(expected.values()) > 10_000
    assert set(t for t, _ in stored) == {
        "backend",
        "devops",
        "management",
        "cloud-architect",
        "dba",
    }

    backend = SalaryDataPoint.objects.get(statistic=Statistic.MEAN, track__slug="backend")
    assert (backend.amount, backend.country, backend.year, backend.currency) == (
        Decimal("90652"),
        "US",
        2023,
        "USD",
    )
    assert backend.source.name == "PayScale (March 2023)"
    assert backend.source_url.startswith("https://www.payscale.com/")
    frontend = SalaryDataPoint.objects.get(title="Front-end developer")
    assert (frontend.amount, frontend.statistic, frontend.track) == (Decimal("80796"), "mean", None)
    # Published means never enter the percentiles.
    assert salary_stats(track="backend").count == sum(
        n for (t, _), n in expected.items() if t == "backend"
    )
    assert ExchangeRate.objects.filter(currency="EUR", year=2024).get().rate_to_usd == Decimal(
        "1.1111"
    )

    before = counts()
    again = demo.load()
    assert counts() == before
    assert "(already loaded)" in again


def test_curators_alias_edits_survive_the_loader(salary_tracks):
    demo.load_aliases()
    TitleAlias.objects.filter(title="Python Developer").delete()
    alias_set = AliasSet.objects.get(track__slug="backend")
    alias_set.executive_level = None
    alias_set.save()

    demo.load_aliases()

    alias_set.refresh_from_db()
    assert alias_set.executive_level is None
    assert TitleAlias.objects.filter(title__iexact="software engineer").count() == 1


def test_load_demo_runs_the_salary_loader_last_and_twice_changes_nothing(db):
    out = io.StringIO()

    call_command("load_demo", stdout=out)
    before = counts()
    call_command("load_demo", stdout=io.StringIO())

    # After the tracks: on an empty database, the cited points found their levels.
    assert SalaryDataPoint.objects.filter(level__isnull=False).count() > 1000
    assert out.getvalue().splitlines()[-2].startswith("Salaries: ")
    assert "Demo content is loaded." in out.getvalue()
    assert counts() == before
