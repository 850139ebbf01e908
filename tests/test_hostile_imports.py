"""Hostile files for the importers: salary CSV, exchange-rate CSV, roadmap and tracks JSON.

Whatever the cells hold (NUL bytes, 5,000-digit numbers, zero or tiny rates, odd
Unicode, lone surrogates, deep nesting), an import either reports its problems and
changes nothing, or stores only valid values. It never crashes.
"""

import csv
import io
import json
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import given
from hypothesis import strategies as st

from careers.models import Competency, Level, LevelRequirement, Theme, Track, Transition
from careers.tracks_io import FORMAT as TRACKS_FORMAT
from careers.tracks_io import TracksImportError, load_tracks
from core.schemas import parse_json
from salaries.importing.run import Importer
from salaries.models import ExchangeRate, ImportBatch, SalaryDataPoint
from salaries.rates import load_rates
from skills.models import Resource, Roadmap, Section, Skill
from skills.roadmap_io import RoadmapImportError, import_roadmap, loads
from tests.hostile import (
    FAST,
    JSON_VALUE,
    SURROGATES,
    TEXT,
    assert_clean_rows,
    assert_clean_text,
    rolled_back,
)

pytestmark = pytest.mark.django_db

# Careerpath's salary CSV, every column (docs/interface.md).
CONTRACT = ["role", "level", "country", "currency", "amount", "year", "statistic"]
CONTRACT += ["sample_size", "city", "employment_type", "remote", "source_url"]
GOOD = ["backend", "senior", "US", "USD", "100000", "2024", "", "", "", "", "", ""]
AIJOBS = [
    "work_year",
    "experience_level",
    "employment_type",
    "job_title",
    "salary",
    "salary_currency",
    "employee_residence",
    "remote_ratio",
]
AIJOBS_GOOD = ["2024", "SE", "FT", "Software Engineer", "150000", "USD", "US", "0"]


def csv_bytes(header: list[str], rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def hostile_row(good: list[str]) -> st.SearchStrategy[list[str]]:
    """The good row with some of its cells replaced by hostile text."""
    return st.lists(st.one_of(st.none(), TEXT), min_size=len(good), max_size=len(good)).map(
        lambda cells: [good[i] if cell is None else cell for i, cell in enumerate(cells)]
    )


def import_csv(data: bytes):
    return Importer(source_name="Hostile").run(io.BytesIO(data), "hostile.csv")


def check_salary_import(report) -> None:
    """All or nothing: a refused file wrote nothing; an accepted one wrote clean rows."""
    if report.ok:
        assert SalaryDataPoint.objects.count() == report.written
        assert_clean_rows(SalaryDataPoint.objects.all())
        for point in SalaryDataPoint.objects.all():
            assert 0 < point.amount < Decimal(10) ** 12
            assert 1900 < point.year < 2200
            assert point.sample_size is None or point.sample_size >= 1
        for batch in ImportBatch.objects.all():
            for title in batch.skipped_titles:
                assert_clean_text(title, 250)
    else:
        assert report.error_count
        assert not SalaryDataPoint.objects.exists()
        assert not ImportBatch.objects.exists()
        for error in report.errors:
            str(error)  # every problem can be shown


@given(row=hostile_row(GOOD))
@FAST
def test_a_contract_csv_with_hostile_cells_is_refused_or_clean(salary_tracks, row):
    with rolled_back():
        check_salary_import(import_csv(csv_bytes(CONTRACT, [GOOD, row])))


@given(row=hostile_row(AIJOBS_GOOD))
@FAST
def test_an_aijobs_csv_with_hostile_cells_is_refused_or_clean(aliases, row):
    with rolled_back():
        check_salary_import(import_csv(csv_bytes(AIJOBS, [AIJOBS_GOOD, row])))


@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [
        ("city", "Ber\x00lin", "null character"),
        ("source_url", "https://example.com/a\x00b", "not a valid URL"),
        ("sample_size", "1" + "0" * 30, "too large"),
        ("sample_size", "9" * 5_000, "too large"),
        ("sample_size", "-1", "not positive"),
        ("year", "9" * 5_000, "year out of range"),
        ("remote", "9" * 5_000, "unknown remote value"),
        ("amount", "9" * 5_000, "too large"),
        ("amount", "NaN", "not a number"),
        ("amount", "Infinity", "not a number"),
    ],
)
def test_bad_cells_are_reported_by_line_and_column(salary_tracks, column, value, reason):
    row = list(GOOD)
    row[CONTRACT.index(column)] = value
    report = import_csv(csv_bytes(CONTRACT, [GOOD, row]))
    assert not report.ok
    assert [(e.line, e.column) for e in report.errors] == [(3, column)]
    assert reason in report.errors[0].reason
    assert not SalaryDataPoint.objects.exists()
    assert not ImportBatch.objects.exists()


def test_the_command_reports_a_nul_cell_and_imports_nothing(salary_tracks, tmp_path):
    path = tmp_path / "nul.csv"
    row = list(GOOD)
    row[CONTRACT.index("city")] = "\x00"
    path.write_bytes(csv_bytes(CONTRACT, [GOOD, row]))
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_salaries", str(path), stdout=io.StringIO(), stderr=err)
    assert "line 3, column city" in err.getvalue()
    assert not SalaryDataPoint.objects.exists()


def test_the_admin_upload_reports_hostile_cells_and_imports_nothing(salary_tracks, staff_client):
    row = list(GOOD)
    row[CONTRACT.index("sample_size")] = "9" * 5_000
    row[CONTRACT.index("city")] = "\x00"
    upload = SimpleUploadedFile("hostile.csv", csv_bytes(CONTRACT, [GOOD, row]), "text/csv")
    response = staff_client.post(
        "/admin/salaries/importbatch/import/", {"file": upload, "source": "Hostile"}, follow=True
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "2 problem(s) found; nothing was imported." in page
    assert "<td>sample_size</td>" in page
    assert "too large (at most 2147483647)" in page
    assert "9" * 100 not in page  # a long value is shortened
    assert not SalaryDataPoint.objects.exists()


@given(source=TEXT)
@FAST
def test_the_admin_upload_refuses_or_keeps_a_clean_source_name(salary_tracks, staff_client, source):
    from salaries.models import Source

    with rolled_back():
        upload = SimpleUploadedFile("s.csv", csv_bytes(CONTRACT, [GOOD]), "text/csv")
        response = staff_client.post(
            "/admin/salaries/importbatch/import/", {"file": upload, "source": source}
        )
        assert response.status_code in (200, 302)
        assert_clean_rows(Source.objects.all())


# Exchange rates ---------------------------------------------------------------------------

RATES = ["currency", "year", "rate_to_usd"]
RATE_GOOD = ["EUR", "2024", "1.08"]


def check_rates(report) -> None:
    if report.ok:
        for rate in ExchangeRate.objects.all():
            assert rate.rate_to_usd > 0
            assert 1900 < rate.year < 2200
        assert_clean_rows(ExchangeRate.objects.all())
    else:
        assert not ExchangeRate.objects.exists()
        for error in report.errors:
            str(error)


@given(row=hostile_row(RATE_GOOD))
@FAST
def test_a_rates_csv_with_hostile_cells_is_refused_or_clean(db, row):
    with rolled_back():
        check_rates(load_rates(io.BytesIO(csv_bytes(RATES, [RATE_GOOD, row]))))


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("0", "not positive"),
        ("0.00000000001", "too small"),
        ("0.000000000049", "too small"),
        ("1" + "0" * 30, "too large"),
        ("NaN", "not a number"),
    ],
)
def test_zero_tiny_and_huge_rates_are_refused(db, value, reason):
    report = load_rates(io.BytesIO(csv_bytes(RATES, [["EUR", "2024", value]])))
    assert [(e.line, e.column) for e in report.errors] == [(2, "rate_to_usd")]
    assert reason in report.errors[0].reason
    assert not ExchangeRate.objects.exists()


def test_a_5000_digit_year_is_refused(db):
    report = load_rates(io.BytesIO(csv_bytes(RATES, [["EUR", "9" * 5_000, "1.1"]])))
    assert [(e.column, e.reason.split(" (")[0]) for e in report.errors] == [
        ("year", "year out of range")
    ]


def test_the_admin_rates_upload_refuses_a_tiny_rate(staff_client):
    upload = SimpleUploadedFile(
        "rates.csv", csv_bytes(RATES, [["EUR", "2024", "0.00000000001"]]), "text/csv"
    )
    response = staff_client.post("/admin/salaries/exchangerate/load/", {"file": upload})
    assert response.status_code == 200
    assert "no exchange rate was changed" in response.content.decode()
    assert not ExchangeRate.objects.exists()


# Roadmap JSON -----------------------------------------------------------------------------


def roadmap(**skill) -> dict:
    base = {
        "slug": "python",
        "name": "Python",
        "kind": "core",
        "description": "A language.",
        "prerequisites": [],
        "resources": [{"title": "Docs", "url": "https://docs.python.org/", "kind": "docs"}],
    }
    return {
        "format": "careerpath.roadmap/1",
        "slug": "backend",
        "title": "Backend",
        "summary": "",
        "published": True,
        "sections": [
            {"slug": "basics", "title": "Basics", "summary": "", "skills": [{**base, **skill}]}
        ],
    }


def check_roadmap_import(raw: bytes) -> None:
    try:
        import_roadmap(loads(raw))
    except RoadmapImportError as exc:
        assert exc.problems
        assert not Roadmap.objects.exists()
        assert not Skill.objects.exists()
        return
    for model, fields in (
        (Roadmap, None),
        (Section, None),
        (Skill, None),
        (Resource, None),
    ):
        assert_clean_rows(model.objects.all(), fields)


ROADMAP_PLACES = st.sampled_from(
    [
        ("title",),
        ("summary",),
        ("slug",),
        ("published",),
        ("sections", 0, "title"),
        ("sections", 0, "slug"),
        ("sections", 0, "summary"),
        ("sections", 0, "skills", 0, "name"),
        ("sections", 0, "skills", 0, "slug"),
        ("sections", 0, "skills", 0, "kind"),
        ("sections", 0, "skills", 0, "description"),
        ("sections", 0, "skills", 0, "prerequisites"),
        ("sections", 0, "skills", 0, "prerequisites", 0),
        ("sections", 0, "skills", 0, "resources", 0, "title"),
        ("sections", 0, "skills", 0, "resources", 0, "url"),
        ("sections", 0, "skills", 0, "resources", 0, "kind"),
    ]
)


def put_at(data: dict, place: tuple, value) -> dict:
    target = data
    for key in place[:-1]:
        target = target[key]
    last = place[-1]
    if isinstance(target, list):
        target.append(value)
    else:
        target[last] = value
    return data


@given(place=ROADMAP_PLACES, value=JSON_VALUE)
@FAST
def test_a_roadmap_with_a_hostile_value_anywhere_is_refused_or_clean(db, place, value):
    with rolled_back():
        data = put_at(roadmap(), place, value)
        check_roadmap_import(json.dumps(data).encode())


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        (b'{"format": ' + b"9" * 5_000 + b"}", "number is too long"),
        (b'{"title": 1e999999}', "title: must be a string"),  # parses as inf
        (b'{"x": "\\ud800"}', "x: holds a lone surrogate"),
    ],
    ids=["deep", "huge-int", "huge-float", "surrogate"],
)
def test_hostile_json_text_is_refused_with_a_reason(db, raw, words):
    with pytest.raises(RoadmapImportError) as caught:
        import_roadmap(loads(raw))
    assert words in str(caught.value)


@pytest.mark.parametrize(
    ("skill", "path", "words"),
    [
        ({"description": "a\x00b"}, "sections[0].skills[0].description", "null character"),
        ({"name": "Py\x00"}, "sections[0].skills[0].name", "null character"),
        ({"prerequisites": ["\x00"]}, "sections[0].skills[0].prerequisites[0]", "slug"),
        ({"prerequisites": ["ü" * 70]}, "sections[0].skills[0].prerequisites[0]", "slug"),
        ({"name": "\ud800"}, "sections[0].skills[0].name", "surrogate"),
        ({"description": "x\udfff"}, "sections[0].skills[0].description", "surrogate"),
    ],
)
def test_nul_and_surrogates_are_refused_at_their_path(db, skill, path, words):
    with pytest.raises(RoadmapImportError) as caught:
        import_roadmap(loads(json.dumps(roadmap(**skill)).encode()))
    assert [p.path for p in caught.value.problems] == [path]
    assert words in str(caught.value)
    assert not Skill.objects.exists()


def test_a_resource_url_with_a_nul_is_refused(db):
    data = roadmap()
    data["sections"][0]["skills"][0]["resources"][0]["url"] = "https://example.com/a\x00b"
    with pytest.raises(RoadmapImportError) as caught:
        import_roadmap(loads(json.dumps(data).encode()))
    assert [p.path for p in caught.value.problems] == ["sections[0].skills[0].resources[0].url"]


@given(value=SURROGATES | st.sampled_from(["\x00", "[" * 50_000]))
@FAST
def test_the_admin_roadmap_import_never_crashes(staff_client, value):
    with rolled_back():
        body = json.dumps(roadmap(description=value)).encode()
        upload = SimpleUploadedFile("r.json", body, "application/json")
        response = staff_client.post("/admin/skills/roadmap/import/", {"file": upload})
        assert response.status_code in (200, 302)
        assert_clean_rows(Skill.objects.all())
    deep = SimpleUploadedFile("d.json", b"[" * 100_000, "application/json")
    response = staff_client.post("/admin/skills/roadmap/import/", {"file": deep})
    assert response.status_code == 200
    assert "nested too deeply" in response.content.decode()


# Career tracks JSON -----------------------------------------------------------------------


def tracks() -> dict:
    return {
        "format": TRACKS_FORMAT,
        "tracks": [
            {
                "slug": "backend",
                "name": "Backend",
                "kind": "ic",
                "position": 1,
                "summary": "",
                "source": {"name": "S", "url": "https://example.org/", "licence": "MIT"},
                "themes": [{"slug": "delivery", "name": "Delivery"}],
                "levels": [
                    {"slug": "junior", "name": "Junior", "rank": 1, "years_min": 0,
                     "years_max": 2, "requirements": {"python": 2}},
                    {"slug": "senior", "name": "Senior", "rank": 2, "requirements": {},
                     "groups": [{"name": "G", "at_least": 1, "proficiency": 2,
                                 "skills": ["python"]}],
                     "competencies": [{"theme": "delivery", "criterion": "Ships.",
                                       "examples": ["E"], "id": "c1",
                                       "links": [{"label": "L", "url": "https://example.org/"}]}]},
                ],
            }
        ],
        "transitions": [{"from": "backend/junior", "to": "backend/senior", "note": ""}],
    }  # fmt: skip


TRACKS_PLACES = st.sampled_from(
    [
        ("format",),
        ("tracks", 0, "slug"),
        ("tracks", 0, "name"),
        ("tracks", 0, "kind"),
        ("tracks", 0, "position"),
        ("tracks", 0, "levels", 0, "rank"),
        ("tracks", 0, "levels", 0, "years_min"),
        ("tracks", 0, "levels", 0, "years_max"),
        ("tracks", 0, "levels", 0, "requirements"),
        ("tracks", 0, "levels", 0, "requirements", "python"),
        ("tracks", 0, "levels", 1, "slug"),
        ("tracks", 0, "levels", 1, "responsibilities"),
        ("transitions", 0, "from"),
        ("transitions", 0, "note"),
        ("tracks", 0, "published"),
        ("tracks", 0, "source", "url"),
        ("tracks", 0, "source", "licence"),
        ("tracks", 0, "themes", 0, "slug"),
        ("tracks", 0, "themes", 0, "name"),
        ("tracks", 0, "levels", 1, "id"),
        ("tracks", 0, "levels", 1, "changes"),
        ("tracks", 0, "levels", 1, "groups", 0, "at_least"),
        ("tracks", 0, "levels", 1, "groups", 0, "skills", 0),
        ("tracks", 0, "levels", 1, "competencies", 0, "theme"),
        ("tracks", 0, "levels", 1, "competencies", 0, "criterion"),
        ("tracks", 0, "levels", 1, "competencies", 0, "examples", 0),
        ("tracks", 0, "levels", 1, "competencies", 0, "links", 0, "url"),
    ]
)


@given(place=TRACKS_PLACES, value=JSON_VALUE)
@FAST
def test_a_tracks_file_with_a_hostile_value_anywhere_is_refused_or_clean(db, place, value):
    with rolled_back():
        Skill.objects.create(slug="python", name="Python")
        data = put_at(tracks(), place, value)
        try:
            load_tracks(parse_json(json.dumps(data).encode()))
        except TracksImportError as exc:
            assert exc.problems
            for problem in exc.problems:
                str(problem).encode("utf-8")  # every problem can be shown
            assert not Track.objects.exists()
            return
        for model in (Track, Level, LevelRequirement, Transition, Theme, Competency):
            assert_clean_rows(model.objects.all())


def test_a_skipped_title_with_a_nul_is_kept_readable_in_the_batch(aliases):
    row = list(AIJOBS_GOOD)
    row[AIJOBS.index("job_title")] = "Data\x00Wrangler" + "x" * 500
    report = import_csv(csv_bytes(AIJOBS, [AIJOBS_GOOD, row]))
    assert report.ok, report.errors
    batch = ImportBatch.objects.get()
    [(title, count)] = batch.skipped_titles.items()
    assert title.startswith("Data\N{REPLACEMENT CHARACTER}Wrangler")
    assert len(title) == 200
    assert count == 1
