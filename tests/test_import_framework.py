"""`manage.py import_framework`: FT YAML, Monzo Markdown and careerpath JSON imported as
tracks through one writer; every problem with its place (and line), nothing half-written,
dry runs, re-imports in place, licences required."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from careers.frameworks import FrameworkImportError, detect, import_framework
from careers.models import Competency, Level, Theme, Track
from careers.tracks_io import dumps, export_tracks
from tests.factories import SkillFactory, TrackFactory

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parent / "data" / "frameworks"
FT = DATA / "ft-small.yml"
MONZO = DATA / "monzo-small.md"


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_framework", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def fail(*args: str) -> str:
    err = StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("import_framework", *args, stdout=StringIO(), stderr=err)
    return err.getvalue() + str(caught.value)


def test_an_ft_job_family_becomes_a_track_with_its_exact_numbers():
    out, _ = run(str(FT), "--licence", "CC-BY-4.0", "--source-version", "v1.2")
    assert "Track “platform-engineering”: 3 levels, 2 themes, 5 competencies." in out
    assert "levels: 3 created, 0 updated, 0 removed" in out
    assert out.strip().endswith("platform-engineering")
    track = Track.objects.get(slug="platform-engineering")
    assert track.name == "Platform engineering"
    assert track.summary == "How engineers who run a shared platform grow."
    assert (track.source_name, track.licence, track.source_version) == (
        "FT engineering progression",
        "CC-BY-4.0",
        "v1.2",
    )
    assert track.source_url.startswith("https://github.com/")
    assert track.published
    assert list(track.levels.values_list("slug", "rank", "external_id")) == [
        ("platform-1", 1, "platform-1"),
        ("platform-2", 2, "platform-2"),
        ("platform-3", 3, "platform-3"),
    ]
    assert list(track.themes.values_list("slug", "name")) == [
        ("shipping", "Shipping"),
        ("teamwork", "Teamwork"),
    ]
    assert Competency.objects.filter(level__track=track).count() == 5
    review = Competency.objects.get(external_id="0b6f3c52-5d1e-4c1b-9d53-0c1a7a1e0002")
    assert (review.level.slug, review.theme.slug, review.proficiency) == (
        "platform-1",
        "teamwork",
        "Awareness",
    )
    assert review.example_list == ["Opened a pull request and tagged the owner"]
    rollback = Competency.objects.get(external_id="0b6f3c52-5d1e-4c1b-9d53-0c1a7a1e0003")
    assert rollback.links == [{"label": "Rollback notes", "url": "https://example.org/rollback"}]


def test_a_monzo_framework_becomes_a_track_with_its_exact_numbers():
    out, _ = run(str(MONZO), "--licence", "MIT")
    assert "Track “data-engineering”: 3 levels, 2 themes, 5 competencies." in out
    track = Track.objects.get(slug="data-engineering")
    assert track.summary == "A small invented framework, for tests."
    assert track.source_name == "Monzo progression framework"
    assert list(track.levels.values_list("slug", "name")) == [
        ("level-1", "Level 1"),
        ("level-2", "Level 2"),
        ("level-3", "Level 3"),
    ]
    level_2 = Level.objects.get(track=track, slug="level-2")
    assert [(c.theme.slug, c.criterion, c.example_list) for c in level_2.competencies.all()] == [
        ("craft", "Chooses a storage layout for a new data set.", []),
        (
            "craft",
            "Makes a slow job fast enough.",
            ["Partitioned a table by day", "Cached a lookup"],
        ),
    ]
    assert Level.objects.get(track=track, slug="level-3").competencies.get().theme.name == "Impact"


def test_the_format_is_detected():
    assert detect(FT.read_text()) == "ft"
    assert detect(MONZO.read_text()) == "monzo"
    assert detect('  {"format": "careerpath.tracks/1"}') == "careerpath"


def test_a_file_without_a_licence_is_refused_and_nothing_is_written():
    message = fail(str(FT))
    assert "gives no licence" in message
    assert "--licence" in message
    assert "1 problem found; nothing was imported." in message
    assert not Track.objects.exists()
    assert "not an SPDX licence identifier" in fail(str(FT), "--licence", "use it freely")


def test_a_dry_run_reports_the_counts_and_writes_nothing():
    out, _ = run(str(FT), "--licence", "MIT", "--dry-run")
    assert "Dry run: nothing was written." in out
    assert "competencies: 5 created" in out
    assert not Track.objects.exists()


def test_a_reimport_updates_in_place_by_the_framework_ids(tmp_path):
    run(str(FT), "--licence", "MIT")
    track = Track.objects.get()
    track.kind, track.published = "specialisation", False  # staff's choices
    track.save()
    before = dict(Competency.objects.values_list("external_id", "pk"))
    out, _ = run(str(FT), "--licence", "MIT")
    assert "levels: 0 created, 0 updated, 0 removed" in out
    assert "competencies: 0 created, 0 updated, 0 removed" in out
    changed = tmp_path / "ft.yml"
    text = FT.read_text()
    text = text.replace("Rolls back a bad deploy without help.", "Rolls back any deploy.")
    text = text.replace("name: Senior platform engineer", "name: Senior platform engineer II")
    text = text[: text.index("  - id: 0b6f3c52-5d1e-4c1b-9d53-0c1a7a1e0005")]  # the last goes
    changed.write_text(text)
    out, _ = run(str(changed), "--licence", "MIT")
    assert out.strip().endswith("platform-engineering")
    assert "levels: 0 created, 1 updated, 0 removed" in out
    assert "competencies: 0 created, 1 updated, 1 removed" in out
    assert Track.objects.count() == 1
    track.refresh_from_db()
    assert (track.kind, track.published) == ("specialisation", False)
    after = dict(Competency.objects.values_list("external_id", "pk"))
    assert after == {k: v for k, v in before.items() if not k.endswith("0005")}
    assert Competency.objects.get(external_id__endswith="0003").criterion == (
        "Rolls back any deploy."
    )


def test_a_framework_named_like_our_own_track_gets_a_new_slug():
    TrackFactory(slug="platform-engineering", name="Platform engineering")
    out, _ = run(str(FT), "--licence", "MIT")
    assert out.strip().endswith("platform-engineering-2")
    assert Track.objects.get(slug="platform-engineering").source_name == ""


def test_every_problem_of_a_bad_ft_file_is_reported_with_its_line():
    message = fail(str(DATA / "ft-bad.yml"), "--licence", "MIT")
    for expected in (
        "competencies[0].id (line 12): “not-a-uuid” is not a UUID",
        "competencies[1].proficiency (line 21): “Guru” is not one of",
        "competencies[2].summary (line 22): is missing",
        "competencies[2].supportingUrls[0].url (line 28):",
        "levels[1].id (line 6): the id “one” is used twice",
        "competencies[1].level (line 18): “seven” is not the id of one of the file's levels",
        "competencies[1].theme (line 19): “cooking” is not the id of one of the file's themes",
    ):
        assert expected in message
    assert "7 problems found; nothing was imported." in message
    assert not Track.objects.exists()
    without_licence = fail(str(DATA / "ft-bad.yml"))
    assert "(file): the file gives no licence" in without_licence
    assert "8 problems found" in without_licence


def test_every_problem_of_a_bad_monzo_file_is_reported_with_its_line():
    message = fail(str(DATA / "monzo-bad.md"), "--licence", "MIT")
    assert "topics[1].content[0].criteria[0] (line 16): must be a string" in message
    assert "topics[0].content[0].level (line 8): level 3 is beyond the file's 2 levels" in message
    assert "topics[1].name (line 11): the topic “craft” is listed twice" in message
    assert "3 problems found" in message
    assert not Track.objects.exists()


def test_a_problem_the_writer_finds_is_told_at_its_place_in_the_source(tmp_path):
    bad = tmp_path / "long.yml"
    bad.write_text(FT.read_text().replace("id: platform-2", "id: " + "p" * 101))
    message = fail(str(bad), "--licence", "MIT")
    assert "levels[1].id (line 8): is too long (101 characters, at most 100)" in message
    assert not Track.objects.exists()


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("name: [unclosed", "not valid YAML"),
        ("a: &x 1\nb: *x\n", "aliases are not supported"),
        ("---\ntitle: x\n", "no closing “---” line"),
        ("- just a list\n", "must be an object"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_with_a_reason(tmp_path, text, words):
    path = tmp_path / "file"
    path.write_text(text)
    assert words in fail(str(path), "--licence", "MIT")
    assert not Track.objects.exists()
    (tmp_path / "latin1").write_bytes(b"name: caf\xe9")
    assert "not UTF-8" in fail(str(tmp_path / "latin1"), "--licence", "MIT")


def test_careerpath_json_is_imported_with_the_licence_given_or_its_own(tmp_path):
    SkillFactory(slug="git", name="Git")
    data = {
        "format": "careerpath.tracks/1",
        "tracks": [
            {
                "slug": "ops",
                "name": "Ops",
                "kind": "ic",
                "themes": [{"slug": "care", "name": "Care"}],
                "levels": [
                    {
                        "slug": "one",
                        "name": "One",
                        "rank": 1,
                        "requirements": {"git": 2},
                        "competencies": [{"theme": "care", "criterion": "Cares."}],
                    }
                ],
            }
        ],
    }
    path = tmp_path / "tracks.json"
    path.write_text(json.dumps(data))
    assert "tracks[0].source.licence: the file gives no licence" in fail(str(path))
    out, _ = run(str(path), "--licence", "CC0-1.0")
    assert "Track “ops”: 1 levels, 1 themes, 1 competencies." in out
    assert Track.objects.get(slug="ops").licence == "CC0-1.0"
    exported = export_tracks()
    assert exported["tracks"][0]["source"] == {"licence": "CC0-1.0"}
    path.write_text(dumps(exported))
    out, _ = run(str(path), "--format", "careerpath")  # its own licence now
    assert "levels: 0 created, 0 updated, 0 removed" in out
    data["tracks"][0]["levels"][0]["competencies"][0]["theme"] = "magic"
    path.write_text(json.dumps(data))
    assert "tracks[0].levels[0].competencies[0].theme" in fail(str(path), "--licence", "MIT")


def test_an_unreadable_path_is_a_clear_error(tmp_path):
    assert "Cannot read" in fail(str(tmp_path / "missing.yml"))


def test_the_import_function_raises_with_every_problem():
    with pytest.raises(FrameworkImportError) as caught:
        import_framework((DATA / "ft-bad.yml").read_bytes(), licence="MIT")
    assert len(caught.value.problems) == 7
    assert not Theme.objects.exists()


def test_a_level_dropped_from_the_framework_stays_and_its_rank_is_explained(tmp_path):
    run(str(FT), "--licence", "MIT")
    text = FT.read_text()
    start = text.index("  - id: platform-2")
    text = text[:start] + text[text.index("  - id: platform-3") :]
    text = text.replace("level: platform-2", "level: platform-3")
    changed = tmp_path / "ft.yml"
    changed.write_text(text)
    message = fail(str(changed), "--licence", "MIT")
    assert (
        "levels (line 5): rank 2 is taken by the level “platform-engineering/platform-2”" in message
    )
    Level.objects.get(slug="platform-2").delete()  # staff retire it, then import again
    out, _ = run(str(changed), "--licence", "MIT")
    assert "levels: 0 created, 1 updated, 0 removed" in out
    assert list(Level.objects.order_by("rank").values_list("slug", "rank")) == [
        ("platform-1", 1),
        ("platform-3", 2),
    ]
