"""Official market data (BLS OEWS): the import in BLS's layout, the shipped May 2025
extract, the SOC → track mapping, and GET /api/v1/salaries/market."""

import csv
import hashlib
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from salaries import demo
from salaries.importing.run import Importer
from salaries.importing.write import roll_back
from salaries.models import ImportBatch, MarketEstimate, OccupationMapping, SalaryDataPoint
from salaries.stats import salary_stats

pytestmark = pytest.mark.django_db

URL = "/api/v1/salaries/market"
HEADER = [
    "AREA",
    "AREA_TITLE",
    "AREA_TYPE",
    "PRIM_STATE",
    "NAICS",
    "NAICS_TITLE",
    "OCC_CODE",
    "OCC_TITLE",
    "O_GROUP",
    "TOT_EMP",
    "H_MEAN",
    "A_MEAN",
    "A_PCT10",
    "A_PCT25",
    "A_MEDIAN",
    "A_PCT75",
    "A_PCT90",
]
SOFTWARE = ["15-1252", "Software Developers", "detailed"]
ROWS = [
    ["99", "U.S.", "1", "US", "000000", "Cross-industry", *SOFTWARE,
     "1,687,890", "71.20", "148,100", "82460", "105210", "135980", "171980", "214670"],
    # a state: withheld wages (*), top-coded 90th percentile (#)
    ["06", "California", "2", "CA", "000000", "Cross-industry", *SOFTWARE,
     "250000", "90.00", "*", "*", "150000", "190000", "230000", "#"],
    # a metro area, employment withheld (**)
    ["41860", "San Francisco-Oakland-Fremont, CA", "4", "CA", "000000", "Cross-industry",
     *SOFTWARE, "**", "100.00", "210000", "140000", "170000", "205000", "240000", "#"],
    # an industry's own estimate: skipped, counted
    ["99", "U.S.", "1", "US", "511200", "Software Publishers", *SOFTWARE,
     "300000", "80.00", "160000", "90000", "110000", "150000", "190000", "230000"],
]  # fmt: skip


def write(path: Path, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    return path


def run(path: Path, *args: str) -> str:
    out = io.StringIO()
    call_command("import_salaries", str(path), *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def run_failing(path: Path, *args: str) -> tuple[str, str]:
    err = io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("import_salaries", str(path), *args, stdout=io.StringIO(), stderr=err)
    return str(caught.value), err.getvalue()


def map_backend(salary_tracks) -> None:
    OccupationMapping.objects.create(
        soc_code="15-1252", title="Software Developers", track=salary_tracks["backend"]
    )


def test_an_oews_file_is_imported_as_published_with_bls_markers(salary_tracks, tmp_path):
    path = write(tmp_path / "all_data_M_2025.csv", ROWS)

    out = run(path, "--format", "oews")

    assert "Imported 3 market estimate(s) of the May 2025 release" in out
    assert "Skipped 1 industry-specific row(s)" in out
    nation = MarketEstimate.objects.get(area_code="US")
    assert (nation.release, nation.year, nation.area_type, nation.occupation_title) == (
        "May 2025",
        2025,
        "nation",
        "Software Developers",
    )
    assert (nation.employment, nation.mean, nation.p10, nation.median, nation.p90) == (
        1_687_890,
        148_100,
        82_460,
        135_980,
        214_670,
    )
    state = MarketEstimate.objects.get(area_code="CA")
    assert (state.area_type, state.mean, state.p10, state.p25, state.p90) == (
        "state",
        None,
        None,
        150_000,
        None,
    )
    assert state.top_coded == ["p90"]
    metro = MarketEstimate.objects.get(area_code="41860")
    assert (metro.area_type, metro.employment, metro.median, metro.top_coded) == (
        "metro",
        None,
        205_000,
        ["p90"],
    )
    # Market figures are not data points: the statistics never see them.
    assert SalaryDataPoint.objects.count() == 0
    assert salary_stats(track="backend").count == 0
    assert ImportBatch.objects.get().format == "oews"


def test_the_release_comes_from_the_option_else_the_file_name(salary_tracks, tmp_path):
    path = write(tmp_path / "market.csv", ROWS[:1])

    message, _ = run_failing(path, "--format", "oews")
    assert "which OEWS release" in message
    assert not MarketEstimate.objects.exists()

    run(path, "--format", "oews", "--release", "May 2024")
    assert MarketEstimate.objects.get().release == "May 2024"


def test_bad_rows_are_all_reported_and_nothing_is_written(salary_tracks, tmp_path):
    rows = [
        ROWS[0],
        ["06", "California", "9", "CA", "000000", "x", *SOFTWARE,
         "10", "1", "1", "1", "1", "1", "1", "1"],
        ["06", "California", "2", "CA", "000000", "x", "151252", "Software Developers", "d",
         "#", "1", "1", "1", "1", "1", "1", "1"],
        ["06", "California", "2", "CA", "000000", "x", *SOFTWARE,
         "10", "1", "lots", "-5", "", "1", "1", "1"],
        ["99", "U.S.", "1", "US", "000000", "x", *SOFTWARE,
         "10", "1", "1", "1", "1", "1", "1", "1"],
    ]  # fmt: skip
    path = write(tmp_path / "bad_2025.csv", rows)

    message, err = run_failing(path, "--format", "oews")

    assert "problem(s) found; nothing was imported" in message
    assert "line 3, column AREA_TYPE, value '9': unknown area type" in err
    assert "line 4, column OCC_CODE, value '151252': not a SOC code" in err
    assert "line 4, column TOT_EMP, value '#': # (top-coded) is for wages" in err
    assert "line 5, column A_MEAN, value 'lots': not a whole number" in err
    assert "line 5, column A_PCT10, value '-5': not a whole number" in err
    assert "line 5, column A_PCT25, value '': required" in err
    assert "line 6, column OCC_CODE, value '15-1252': US 15-1252 again (first on line 2)" in err
    assert not MarketEstimate.objects.exists()
    assert not ImportBatch.objects.exists()


def test_a_missing_column_is_reported(salary_tracks, tmp_path):
    header = [name for name in HEADER if name != "A_MEDIAN"]
    path = write(tmp_path / "m_2025.csv", [r[:14] + r[15:] for r in ROWS[:1]], header)

    _message, err = run_failing(path, "--format", "oews")

    assert "missing required column(s): A_MEDIAN" in err
    assert not MarketEstimate.objects.exists()


def test_a_release_already_there_is_refused_until_rolled_back(salary_tracks, tmp_path):
    run(write(tmp_path / "a_2025.csv", ROWS[:1]), "--format", "oews")
    other = write(tmp_path / "b_2025.csv", [*ROWS[:1], ROWS[1]])

    _, err = run_failing(other, "--format", "oews")
    assert "US 15-1252 is already imported for this release" in err
    assert MarketEstimate.objects.count() == 1

    roll_back(ImportBatch.objects.get())
    assert not MarketEstimate.objects.exists()
    run(other, "--format", "oews")
    assert MarketEstimate.objects.count() == 2


def test_an_oews_file_is_told_by_its_header_as_queued_and_admin_uploads_are(
    salary_tracks, tmp_path
):
    path = write(tmp_path / "all_data_M_2024.csv", ROWS[:2])

    with path.open("rb") as file:
        report = Importer().run(file, path.name)

    assert report.ok, report.errors
    assert (report.format, report.release, report.source_name, report.written) == (
        "oews",
        "May 2024",
        "BLS OEWS",
        2,
    )
    assert MarketEstimate.objects.filter(release="May 2024").count() == 2


def test_queueing_leaves_the_format_to_the_header(salary_tracks, tmp_path):
    path = write(tmp_path / "all_data_M_2025.csv", ROWS[:1])

    message, _ = run_failing(path, "--queue", "--format", "oews")

    assert "leave out --format and --release" in message
    assert not MarketEstimate.objects.exists()


def test_a_dry_run_writes_nothing(salary_tracks, tmp_path):
    out = run(write(tmp_path / "all_data_M_2025.csv", ROWS), "--format", "oews", "--dry-run")

    assert "Dry run: all_data_M_2025.csv is valid; 3 market estimate(s)" in out
    assert not MarketEstimate.objects.exists()


# --- the shipped extract -------------------------------------------------------------------


def test_the_shipped_extract_has_blss_published_national_figures_for_software_developers():
    """BLS OEWS May 2025, 15-1252 Software Developers, U.S., cross-industry, as published
    (https://www.bls.gov/oes/current/oes151252.htm)."""
    with demo.OEWS_FILE.open(encoding="utf-8", newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["OCC_CODE"] == "15-1252" and r["AREA"] == "99"]
    assert len(rows) == 1
    row = rows[0]
    assert (row["AREA_TITLE"], row["AREA_TYPE"], row["PRIM_STATE"], row["NAICS"]) == (
        "U.S.",
        "1",
        "US",
        "000000",
    )
    published = {
        "TOT_EMP": "1687890",
        "H_MEAN": "71.20",
        "A_MEAN": "148100",
        "A_PCT10": "82460",
        "A_PCT25": "105210",
        "A_MEDIAN": "135980",
        "A_PCT75": "171980",
        "A_PCT90": "214670",
    }
    assert {k: row[k] for k in published} == published


def test_the_demo_loads_the_extract_and_the_mapping_once(salary_tracks):
    demo.load_occupations()
    estimates, already = demo.load_oews()

    assert not already
    assert estimates == MarketEstimate.objects.count() > 2_000
    assert set(MarketEstimate.objects.values_list("occupation_code", flat=True)) == {
        "11-3021",
        "15-1241",
        "15-1242",
        "15-1244",
        "15-1252",
    }
    assert dict(OccupationMapping.objects.values_list("soc_code", "track__slug")) == {
        "15-1252": "backend",
        "15-1242": "dba",
        "15-1244": "devops",
        "11-3021": "management",
        "15-1241": "cloud-architect",
    }
    nation = MarketEstimate.objects.get(area_code="US", occupation_code="15-1252")
    assert (nation.mean, nation.median, nation.source.url) == (
        148_100,
        135_980,
        "https://www.bls.gov/oes/",
    )
    assert (
        MarketEstimate.objects.filter(area_type="state").values("area_code").distinct().count()
        >= 50
    )
    assert MarketEstimate.objects.filter(area_type="metro").exists()

    # A curator's edit survives the loader; loading again changes nothing.
    OccupationMapping.objects.filter(soc_code="15-1241").update(
        track=salary_tracks["devops"], note="Edited."
    )
    assert demo.load_oews() == (estimates, True)
    demo.load_occupations()
    edited = OccupationMapping.objects.get(soc_code="15-1241")
    assert (edited.track.slug, edited.note) == ("devops", "Edited.")
    assert OccupationMapping.objects.count() == 5
    assert MarketEstimate.objects.count() == estimates


def test_the_extract_is_documented_with_its_checksum_citation_and_script():
    script = Path(demo.__file__).resolve().parent.parent / "scripts" / "make_oews_extract.py"
    assert script.exists()
    digest = hashlib.sha256(demo.OEWS_FILE.read_bytes()).hexdigest()
    readme = (demo.DATA / "README.md").read_text()
    assert digest in readme
    assert "https://www.bls.gov/oes/" in readme


# --- the API -------------------------------------------------------------------------------


def market(**query) -> tuple[int, dict]:
    response = Client().get(URL, query)
    return response.status_code, response.json()


def test_the_api_answers_the_published_figures_of_a_tracks_occupations(salary_tracks, tmp_path):
    map_backend(salary_tracks)
    run(write(tmp_path / "all_data_M_2025.csv", ROWS), "--format", "oews")

    status, body = market(track="backend")

    assert status == 200
    assert body == {
        "source": "BLS OEWS",
        "source_url": "https://www.bls.gov/oes/",
        "release": "May 2025",
        "items": [
            {
                "occupation_code": "15-1252",
                "occupation": "Software Developers",
                "area": "US",
                "area_name": "U.S.",
                "employment": 1_687_890,
                "mean": 148_100,
                "p10": 82_460,
                "p25": 105_210,
                "median": 135_980,
                "p75": 171_980,
                "p90": 214_670,
                "top_coded": [],
                "currency": "USD",
            }
        ],
    }
    status, body = market(track="backend", area="ca")
    assert status == 200
    assert [(i["area"], i["mean"], i["p90"], i["top_coded"]) for i in body["items"]] == [
        ("CA", None, None, ["p90"])
    ]
    assert market(track="backend", area="41860")[1]["items"][0]["employment"] is None


def test_no_data_is_an_empty_answer(salary_tracks, tmp_path):
    run(write(tmp_path / "all_data_M_2025.csv", ROWS), "--format", "oews")

    assert market(track="backend") == (
        200,
        {"source": None, "source_url": "", "release": None, "items": []},
    )
    map_backend(salary_tracks)
    assert market(track="backend", area="TX")[1]["items"] == []
    assert market(track="dba")[1]["items"] == []


@pytest.mark.parametrize(
    "query, field",
    [
        ({"track": "nope"}, "track"),
        ({"track": "back end"}, "track"),
        ({}, "track"),
        ({"track": "backend", "area": "USA"}, "area"),
        ({"track": "backend", "area": "4186"}, "area"),
        ({"track": "backend", "area": "C1"}, "area"),
        ({"track": "backend", "area": "\x00"}, "area"),
        ({"track": "backend", "area": "ß"}, "area"),  # upper case: "SS"
        ({"track": "backend", "area": "٤١٨٦٠"}, "area"),  # digits, but not ASCII ones
        ({"track": "backend", "area": "x" * 5000}, "area"),
    ],
)
def test_an_unknown_track_or_a_malformed_area_is_a_422(salary_tracks, query, field):
    status, body = market(**query)

    assert status == 422
    assert [e["field"] for e in body["errors"]] == [field]


def test_the_api_reads_a_constant_number_of_queries(
    salary_tracks, tmp_path, django_assert_max_num_queries
):
    map_backend(salary_tracks)
    run(write(tmp_path / "all_data_M_2025.csv", ROWS), "--format", "oews")
    OccupationMapping.objects.create(soc_code="15-1254", track=salary_tracks["backend"])

    with django_assert_max_num_queries(3):  # the salary data's version, the estimates, +1
        assert market(track="backend", area="CA")[0] == 200
