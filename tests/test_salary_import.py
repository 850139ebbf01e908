"""Importing salary CSV files: the command, the admin upload, all or nothing."""

import io
import os
import time
import tracemalloc
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import given
from hypothesis import strategies as st

from salaries.importing.run import Importer
from salaries.models import (
    FIRST_YEAR,
    ImportBatch,
    SalaryDataPoint,
    Source,
    Statistic,
    Status,
)
from tests.hostile import FAST, rolled_back
from tests.salary_support import AIJOBS_HEADER, CONTRACT_HEADER, write_csv

GOOD_ROWS = [
    ["backend", "junior", "US", "USD", "85000", "2024"],
    ["Backend engineering", "Senior backend engineer", "de", "eur", "72000.50", "2023"],
    ["BACKEND", "Senior", "XX", "USD", "120000", "2024"],
]


def run(path: Path, *args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_salaries", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def run_failing(path: Path, *args: str) -> tuple[CommandError, str]:
    err = io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("import_salaries", str(path), *args, stdout=io.StringIO(), stderr=err)
    return caught.value, err.getvalue()


def test_a_good_file_is_imported_approved_into_its_source(salary_tracks, tmp_path):
    path = write_csv(tmp_path / "survey.csv", GOOD_ROWS)

    out, _ = run(path, "--source", "Survey 2024")

    points = SalaryDataPoint.objects.order_by("amount")
    assert points.count() == 3
    first = points[0]
    assert (first.level.slug, first.country, first.currency, first.amount, first.year) == (
        "senior",
        "DE",
        "EUR",
        Decimal("72000.50"),
        2023,
    )
    assert {p.status for p in points} == {Status.APPROVED}
    assert {p.statistic for p in points} == {Statistic.INDIVIDUAL}
    assert {p.source.name for p in points} == {"Survey 2024"}
    batch = ImportBatch.objects.get()
    assert (batch.file_name, batch.row_count, batch.format) == ("survey.csv", 3, "contract")
    assert len(batch.checksum) == 64
    assert set(points.values_list("batch", flat=True)) == {batch.pk}
    assert "Imported 3 data point(s) from survey.csv into “Survey 2024”" in out


def test_the_source_defaults_to_the_files_name(salary_tracks, tmp_path):
    run(write_csv(tmp_path / "levels-fyi.csv", GOOD_ROWS[:1]))
    assert Source.objects.get().name == "levels-fyi"


def test_bom_crlf_and_quoted_fields_are_read(salary_tracks, tmp_path):
    header = [*CONTRACT_HEADER, "city", "statistic", "sample_size", "remote", "source_url"]
    rows = [
        ["backend", "junior", "US", "USD", "90000", "2024", "Washington, D.C.", "", "", "yes", ""],
        [
            "backend",
            "",
            "US",
            "USD",
            "90652",
            "2023",
            'The "Big"\r\nApple',
            "mean",
            "1200",
            "hybrid",
            "https://example.com/survey",
        ],
    ]
    path = write_csv(tmp_path / "quoted.csv", rows, header, bom=True, crlf=True)
    assert path.read_bytes().startswith(b"\xef\xbb\xbfrole,")
    assert b'"Washington, D.C."' in path.read_bytes()

    run(path)

    city, multiline = SalaryDataPoint.objects.order_by("amount")
    assert city.city == "Washington, D.C."
    assert city.remote == "remote"
    assert multiline.city == 'The "Big"\r\nApple'
    assert (multiline.statistic, multiline.sample_size, multiline.level) == ("mean", 1200, None)
    assert multiline.source_url == "https://example.com/survey"


BAD_ROWS = [
    # (row, column, value, reason)
    (["backend", "junior", "US", "USD", "lots", "2024"], "amount", "lots", "not a number"),
    (["backend", "junior", "US", "USD", "1_000", "2024"], "amount", "1_000", "not a number"),
    (["backend", "junior", "US", "USD", "NaN", "2024"], "amount", "NaN", "not a number"),
    (["backend", "junior", "US", "USD", "-5", "2024"], "amount", "-5", "not positive"),
    (["backend", "junior", "US", "USD", "0", "2024"], "amount", "0", "not positive"),
    (["backend", "junior", "US", "USD", "1.005", "2024"], "amount", "1.005", "more than 2"),
    (["backend", "wizard", "US", "USD", "1", "2024"], "level", "wizard", "unknown level for"),
    (["backend", "cto", "US", "USD", "1", "2024"], "level", "cto", "unknown level for that"),
    (["backend", "junior", "US", "XYZ", "1", "2024"], "currency", "XYZ", "unknown currency"),
    (["backend", "junior", "US", "USD", "1", "1850"], "year", "1850", "year out of range"),
    (["backend", "junior", "US", "USD", "1", "2999"], "year", "2999", "year out of range"),
    (["backend", "junior", "US", "USD", "1", "soon"], "year", "soon", "not a whole number"),
    (["astronaut", "junior", "US", "USD", "1", "2024"], "role", "astronaut", "unknown role"),
    (["backend", "junior", "QQ", "USD", "1", "2024"], "country", "QQ", "unknown country"),
    (["backend", "junior", "US", "USD", "1"], "", "5", "wrong column count"),
    (["backend", "junior", "US", "USD", "1", "2024", "extra"], "", "7", "wrong column count"),
    (["backend", "", "US", "USD", "1", "2024"], "level", "", "required"),
]


@pytest.mark.parametrize(("row", "column", "value", "reason"), BAD_ROWS)
def test_a_bad_row_is_reported_and_nothing_is_imported(
    salary_tracks, tmp_path, row, column, value, reason
):
    path = write_csv(tmp_path / "mixed.csv", [*GOOD_ROWS, row, GOOD_ROWS[0]])

    error, stderr = run_failing(path)

    assert error.returncode == 1
    assert "nothing was imported" in str(error)
    (line,) = stderr.strip().splitlines()
    assert line.startswith("line 5")  # the header is line 1
    if column:
        assert f"column {column}" in line
    assert f"value {value!r}" in line
    assert reason in line
    assert SalaryDataPoint.objects.count() == 0
    assert ImportBatch.objects.count() == 0
    assert Source.objects.count() == 0


def test_every_bad_row_is_reported_with_its_line(salary_tracks, tmp_path):
    rows = [GOOD_ROWS[0]] + [r for r, *_ in BAD_ROWS]
    path = write_csv(tmp_path / "bad.csv", rows)

    report = Importer().run(path.open("rb"), "bad.csv")

    assert not report.ok
    assert report.error_count == len(BAD_ROWS)
    assert [e.line for e in report.errors] == list(range(3, 3 + len(BAD_ROWS)))
    assert SalaryDataPoint.objects.count() == 0


def test_one_row_with_several_problems_reports_each(salary_tracks, tmp_path):
    path = write_csv(tmp_path / "bad.csv", [["nope", "x", "ZZ", "QQQ", "-1", "1800"]])

    error, stderr = run_failing(path)

    # The level is not checked without a known role; the other five are each reported.
    assert "5 problem(s)" in str(error)
    columns = [line.split(", ")[1] for line in stderr.splitlines()]
    assert columns == [
        "column role",
        "column country",
        "column currency",
        "column amount",
        "column year",
    ]


def test_missing_required_columns_are_named(salary_tracks, tmp_path):
    path = tmp_path / "partial.csv"
    path.write_text("role,level,country\nbackend,junior,US\n")

    error, stderr = run_failing(path)

    assert error.returncode == 1
    assert "missing required column(s): currency, amount, year" in stderr
    assert SalaryDataPoint.objects.count() == 0


def test_an_empty_file_is_refused(salary_tracks, tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")

    error, stderr = run_failing(path)

    assert error.returncode == 1
    assert "the file is empty" in stderr


def test_a_header_only_file_imports_nothing(salary_tracks, tmp_path):
    path = write_csv(tmp_path / "header.csv", [], crlf=True)

    error, stderr = run_failing(path)

    assert error.returncode == 1
    assert "no data rows" in stderr
    assert ImportBatch.objects.count() == 0


def test_a_file_that_is_not_utf8_is_refused(salary_tracks, tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes(
        "role,level,country,currency,amount,year\nbackend,junior,US,USD,1,2024\n"
        "backend,junior,US,USD,1,2024,Zürich\n".encode("latin-1")
    )

    error, stderr = run_failing(path)

    assert error.returncode == 1
    assert "not UTF-8" in stderr
    assert SalaryDataPoint.objects.count() == 0


def test_a_missing_file_is_a_clear_error(db, tmp_path):
    error, _ = run_failing(tmp_path / "nowhere.csv")
    assert "no such file" in str(error)


def test_a_dry_run_reports_and_writes_nothing(salary_tracks, tmp_path):
    path = write_csv(tmp_path / "survey.csv", GOOD_ROWS)

    out, _ = run(path, "--dry-run")

    assert "Dry run" in out and "3 data point(s) would be imported" in out
    assert SalaryDataPoint.objects.count() == 0
    assert ImportBatch.objects.count() == 0
    assert Source.objects.count() == 0


def test_importing_the_same_file_twice_is_refused_unless_forced(salary_tracks, tmp_path):
    path = write_csv(tmp_path / "survey.csv", GOOD_ROWS)
    run(path, "--source", "S")
    copy = tmp_path / "renamed.csv"
    copy.write_bytes(path.read_bytes())

    error, _ = run_failing(copy, "--source", "S")
    assert error.returncode == 1
    assert "already imported into “S”" in str(error)
    assert SalaryDataPoint.objects.count() == 3

    run(copy, "--source", "Another source")  # another source is fine
    assert SalaryDataPoint.objects.count() == 6

    run(copy, "--source", "S", "--force")
    assert SalaryDataPoint.objects.count() == 9
    assert ImportBatch.objects.filter(source__name="S", forced=True).count() == 1


def test_a_rolled_back_batch_leaves_nothing_and_may_be_imported_again(
    salary_tracks, tmp_path, staff_client
):
    path = write_csv(tmp_path / "survey.csv", GOOD_ROWS)
    run(path, "--source", "S")
    other = write_csv(tmp_path / "other.csv", GOOD_ROWS[:1])
    run(other, "--source", "S")
    batch = ImportBatch.objects.get(file_name="survey.csv")

    response = staff_client.post(
        "/admin/salaries/importbatch/",
        {"action": "roll_back_batches", "_selected_action": [batch.pk]},
        follow=True,
    )

    assert response.status_code == 200
    assert "3 data point(s) deleted" in response.content.decode()
    batch.refresh_from_db()
    assert batch.rolled_back_at is not None
    assert SalaryDataPoint.objects.count() == 1  # the other batch's point stays
    run(path, "--source", "S")
    assert SalaryDataPoint.objects.count() == 4


def test_the_progress_bar_shows_on_a_terminal_only(salary_tracks, tmp_path):
    path = write_csv(tmp_path / "survey.csv", GOOD_ROWS)
    out, _ = run(path, "--dry-run")
    assert "\r" not in out and "[" not in out

    leader, follower = os.openpty()
    with open(follower, "w", encoding="utf-8") as terminal:
        call_command("import_salaries", str(path), "--dry-run", stdout=terminal)
    chunks = []
    while True:  # the follower is closed: read to the end (EIO on Linux)
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    screen = b"".join(chunks).decode()
    assert "\rChecking  [" in screen
    assert "100%" in screen
    assert "Dry run" in screen


def test_100k_rows_import_in_bulk(salary_tracks, tmp_path):
    levels = ["junior", "middle", "middle-plus", "senior", "lead", "principal"]
    rows = (
        ["backend", levels[i % 6], "US" if i % 3 else "DE", "USD", 50_000 + i % 97_000, 2024]
        for i in range(100_000)
    )
    path = write_csv(tmp_path / "big.csv", rows)

    started = time.perf_counter()
    out, _ = run(path, "--source", "Big")
    elapsed = time.perf_counter() - started

    assert SalaryDataPoint.objects.count() == 100_000
    assert ImportBatch.objects.get().row_count == 100_000
    assert "Imported 100,000 data point(s)" in out
    assert elapsed < 60, f"100k rows took {elapsed:.1f}s"


def _peak_memory_of_checking(path: Path) -> int:
    tracemalloc.start()
    with path.open("rb") as file:
        report = Importer(dry_run=True).run(file, path.name)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert report.ok
    return peak


def test_memory_stays_flat_as_the_file_grows(salary_tracks, tmp_path):
    def rows(n: int):
        return (["backend", "senior", "US", "USD", 50_000 + i, 2024] for i in range(n))

    small = _peak_memory_of_checking(write_csv(tmp_path / "small.csv", rows(2_000)))
    large = _peak_memory_of_checking(write_csv(tmp_path / "large.csv", rows(40_000)))

    # 20 times the rows: the peak must not follow (rows are streamed, not kept).
    assert large < small * 2 + 256 * 1024, (small, large)


# --- ai-jobs.net's format ---------------------------------------------------------------


def aijobs_row(title: str, experience: str = "SE", salary: str = "150000", **extra) -> list:
    values = {
        "work_year": "2024",
        "experience_level": experience,
        "employment_type": "FT",
        "job_title": title,
        "salary": salary,
        "salary_currency": "USD",
        "salary_in_usd": salary,
        "employee_residence": "US",
        "remote_ratio": "100",
        "company_location": "US",
        "company_size": "M",
        **extra,
    }
    return [values[column] for column in AIJOBS_HEADER]


def test_aijobs_rows_map_through_title_aliases(aliases, tmp_path):
    rows = [
        aijobs_row("Software Engineer", "EN", "90000"),
        aijobs_row("Backend Engineer", "MI", "120000", remote_ratio="50", employment_type="CT"),
        aijobs_row("software engineer", "SE", "160000", salary_currency="EUR", work_year="2023"),
        aijobs_row("Software Engineer", "EX", "300000"),  # no executive level mapped: skipped
        aijobs_row("CTO", "MI", "250000"),  # the alias pins the level
        aijobs_row("Engineering Manager", "MI", "200000", employee_residence="GB"),
        aijobs_row("Data Scientist", "SE"),
        aijobs_row("Data Scientist", "MI"),
        aijobs_row("Prompt Engineer", "EN"),
    ]
    path = write_csv(tmp_path / "salaries.csv", rows, AIJOBS_HEADER, crlf=True)

    out, _ = run(path)

    points = {p.amount: p for p in SalaryDataPoint.objects.select_related("level", "source")}
    assert len(points) == 5
    assert points[Decimal(90000)].level.slug == "junior"
    assert points[Decimal(120000)].level.slug == "middle"
    assert points[Decimal(120000)].remote == "hybrid"
    assert points[Decimal(120000)].employment_type == "contract"
    assert (points[Decimal(160000)].currency, points[Decimal(160000)].year) == ("EUR", 2023)
    assert points[Decimal(250000)].level.slug == "cto"
    assert points[Decimal(200000)].country == "GB"
    assert points[Decimal(90000)].title == "Software Engineer"
    assert points[Decimal(90000)].source.name == "ai-jobs.net"
    assert points[Decimal(90000)].source.licence.startswith("CC0")
    batch = ImportBatch.objects.get()
    assert batch.format == "aijobs"
    assert batch.skipped_count == 4
    assert batch.skipped_titles == {
        "Data Scientist": 2,
        "Prompt Engineer": 1,
        "Software Engineer (EX: no level mapped)": 1,
    }
    assert "Skipped 4 row(s)" in out and "Data Scientist 2" in out


def test_aijobs_rows_with_bad_values_are_errors(aliases, tmp_path):
    rows = [
        aijobs_row("Software Engineer", "XX"),
        aijobs_row("Software Engineer", salary="-1"),
        aijobs_row("Software Engineer", employee_residence="Mars"),
        aijobs_row("Data Scientist", salary="not checked: skipped"),
    ]
    path = write_csv(tmp_path / "salaries.csv", rows, AIJOBS_HEADER)

    error, stderr = run_failing(path)

    assert error.returncode == 1
    lines = stderr.splitlines()
    assert len(lines) == 3
    assert "line 2, column experience_level, value 'XX': unknown experience level" in lines[0]
    assert "line 3, column salary, value '-1': not positive" in lines[1]
    assert "line 4, column employee_residence" in lines[2]
    assert SalaryDataPoint.objects.count() == 0


# --- the admin upload -------------------------------------------------------------------


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/csv")


def test_staff_import_a_file_from_the_admin(salary_tracks, tmp_path, staff_client, staff):
    content = write_csv(tmp_path / "survey.csv", GOOD_ROWS).read_bytes()

    page = staff_client.get("/admin/salaries/importbatch/")
    assert 'href="/admin/salaries/importbatch/import/"' in page.content.decode()
    response = staff_client.post(
        "/admin/salaries/importbatch/import/",
        {"file": upload("survey.csv", content), "source": "Admin survey"},
        follow=True,
    )

    assert response.status_code == 200
    assert "Imported 3 data point(s)" in response.content.decode()
    batch = ImportBatch.objects.get()
    assert batch.created_by == staff
    assert batch.source.name == "Admin survey"
    assert SalaryDataPoint.objects.approved().count() == 3


def test_the_admin_upload_lists_every_problem_and_imports_nothing(
    salary_tracks, tmp_path, staff_client
):
    rows = [GOOD_ROWS[0], ["backend", "junior", "US", "USD", "lots", "2024"], ["x"]]
    content = write_csv(tmp_path / "bad.csv", rows).read_bytes()

    response = staff_client.post(
        "/admin/salaries/importbatch/import/", {"file": upload("bad.csv", content)}, follow=True
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "2 problems" in html
    assert "not a number" in html and "wrong column count" in html
    assert SalaryDataPoint.objects.count() == 0


def test_the_admin_dry_run_and_refusal_write_nothing(salary_tracks, tmp_path, staff_client):
    content = write_csv(tmp_path / "survey.csv", GOOD_ROWS).read_bytes()
    url = "/admin/salaries/importbatch/import/"

    dry = staff_client.post(url, {"file": upload("s.csv", content), "dry_run": "on"}, follow=True)
    assert "would be imported" in dry.content.decode()
    assert SalaryDataPoint.objects.count() == 0

    staff_client.post(url, {"file": upload("s.csv", content), "source": "S"})
    again = staff_client.post(url, {"file": upload("s.csv", content), "source": "S"}, follow=True)
    assert "already imported" in again.content.decode()
    assert SalaryDataPoint.objects.count() == 3


def test_people_who_are_not_staff_cannot_import(salary_tracks, owner_client, client):
    for who in (owner_client, client):
        response = who.get("/admin/salaries/importbatch/import/")
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]


def test_the_rollback_command_undoes_a_batch_or_a_source(salary_tracks, tmp_path):
    run(write_csv(tmp_path / "a.csv", GOOD_ROWS), "--source", "S")
    run(write_csv(tmp_path / "b.csv", GOOD_ROWS[:2]), "--source", "S")
    run(write_csv(tmp_path / "c.csv", GOOD_ROWS[:1]), "--source", "T")
    first = ImportBatch.objects.get(file_name="a.csv")

    out = io.StringIO()
    call_command("rollback_salary_import", "--batch", str(first.pk), stdout=out)
    assert "3 data point(s) deleted" in out.getvalue()
    assert SalaryDataPoint.objects.count() == 3

    call_command("rollback_salary_import", "--source", "S", stdout=(out := io.StringIO()))
    assert "Rolled back 1 import batch(es): 2 data point(s) deleted." in out.getvalue()
    assert list(SalaryDataPoint.objects.values_list("source__name", flat=True)) == ["T"]

    with pytest.raises(CommandError, match="No live import batch"):
        call_command("rollback_salary_import", "--source", "S")


# Any valid row is stored as written: one parser (its remembered results included) and the
# bulk write, held against values computed here. --------------------------------------------

LEVELS = {
    "backend": ["junior", "Senior backend engineer", "principal"],
    "Engineering management": ["cto", "team-lead"],
}
LEVEL_SLUGS = {"Senior backend engineer": "senior"}
VALID_ROW = st.fixed_dictionaries(
    {
        "role_level": st.sampled_from([(r, lv) for r, levels in LEVELS.items() for lv in levels]),
        "upper": st.booleans(),
        "country": st.sampled_from(["US", "de", " gb ", "XX"]),
        "currency": st.sampled_from(["USD", "eur", "GBP "]),
        "amount": st.decimals(min_value="0.01", max_value="999999999999.99", places=2),
        "year": st.integers(min_value=FIRST_YEAR, max_value=date.today().year + 1),
        "statistic": st.sampled_from(["", "individual", "Median", "p75"]),
        "sample_size": st.sampled_from(["", "1", "250"]),
        "city": st.sampled_from(["", "Berlin", "São Paulo, SP"]),
        "employment_type": st.sampled_from(["", "FT", "contract"]),
        "remote": st.sampled_from(["", "yes", "50", "0"]),
        "source_url": st.sampled_from(["", "https://example.com/survey"]),
    }
)
FULL_HEADER = [*CONTRACT_HEADER, "statistic", "sample_size", "city", "employment_type", "remote"]
FULL_HEADER += ["source_url"]


def cells_of(row: dict) -> list[str]:
    role, level = row["role_level"]
    return [
        role.upper() if row["upper"] else role, level, row["country"], row["currency"],
        f"{row['amount']}", str(row["year"]), row["statistic"], row["sample_size"], row["city"],
        row["employment_type"], row["remote"], row["source_url"],
    ]  # fmt: skip


def stored_of(row: dict) -> tuple:
    role, level = row["role_level"]
    remote = {"": "", "yes": "remote", "50": "hybrid", "0": "onsite"}[row["remote"]]
    return (
        "backend" if role == "backend" else "management",
        LEVEL_SLUGS.get(level, level),
        row["country"].strip().upper(),
        row["currency"].strip().upper(),
        row["amount"],
        row["year"],
        row["statistic"].lower() or "individual",
        int(row["sample_size"]) if row["sample_size"] else None,
        row["city"],
        {"": "", "FT": "full_time", "contract": "contract"}[row["employment_type"]],
        remote,
        row["source_url"],
    )


@given(rows=st.lists(VALID_ROW, min_size=1, max_size=30))
@FAST
def test_any_valid_row_is_stored_as_written(salary_tracks, tmp_path, rows):
    with rolled_back():
        path = write_csv(tmp_path / "valid.csv", [cells_of(r) for r in rows], header=FULL_HEADER)
        with path.open("rb") as file:
            report = Importer(source_name="Generated", force=True).run(file, "valid.csv")
        assert report.ok, report.errors
        stored = SalaryDataPoint.objects.order_by("pk").values_list(
            "track__slug", "level__slug", "country", "currency", "amount", "year", "statistic",
            "sample_size", "city", "employment_type", "remote", "source_url",
        )  # fmt: skip
        assert list(stored) == [stored_of(r) for r in rows]
