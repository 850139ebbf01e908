"""The tracks file's extended keys (themes, competencies, groups, source): loading, the
rules between them, and export → import into an empty database → export, byte for byte."""

import copy

import pytest

from careers.models import Competency, Level, RequirementGroup, Theme, Track
from careers.tracks_io import (
    TracksImportError,
    dumps,
    export_tracks,
    import_tracks,
    load_tracks,
    loads,
)
from tests.factories import SkillFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def skills():
    for slug in ("git", "sql", "python", "go", "java"):
        SkillFactory(slug=slug, name=slug.title())


def extended() -> dict:
    return {
        "format": "careerpath.tracks/1",
        "tracks": [
            {
                "slug": "backend",
                "name": "Backend",
                "kind": "ic",
                "position": 1,
                "summary": "Servers.",
                "published": False,
                "source": {
                    "name": "A friendly framework",
                    "url": "https://example.org/framework",
                    "licence": "CC-BY-4.0",
                    "version": "2.1",
                },
                "themes": [
                    {"slug": "delivery", "name": "Delivery", "summary": "Getting it out."},
                    {"slug": "people", "name": "People", "id": "t-people"},
                ],
                "levels": [
                    {
                        "slug": "junior",
                        "name": "Junior",
                        "rank": 1,
                        "summary": "",
                        "responsibilities": "",
                        "years_min": 0,
                        "years_max": 2,
                        "requirements": {"git": 1},
                        "competencies": [
                            {"theme": "delivery", "criterion": "Finishes small tasks."}
                        ],
                    },
                    {
                        "slug": "senior",
                        "name": "Senior",
                        "rank": 2,
                        "summary": "Leads.",
                        "responsibilities": "- Designs",
                        "years_min": 5,
                        "years_max": None,
                        "requirements": {"git": 3, "sql": 2},
                        "id": "L2",
                        "changes": "Owns **whole** services.",
                        "groups": [
                            {
                                "name": "A main language",
                                "at_least": 1,
                                "proficiency": 3,
                                "skills": ["go", "java", "python"],
                            }
                        ],
                        "competencies": [
                            {
                                "theme": "delivery",
                                "criterion": "Plans work of several weeks.",
                                "examples": ["Split a migration into safe steps", "Ran a launch"],
                                "id": "c-1",
                                "proficiency": "Practitioner",
                                "links": [{"label": "Guide", "url": "https://example.org/g"}],
                            },
                            {"theme": "people", "criterion": "Mentors a junior."},
                        ],
                    },
                ],
            }
        ],
        "transitions": [],
    }


def test_the_extended_keys_are_stored():
    result = import_tracks(extended())
    assert result.slugs == ["backend"]
    assert result.created["themes"] == 2
    assert result.created["competencies"] == 3
    track = Track.objects.get(slug="backend")
    assert not track.published
    assert (track.source_name, track.source_url, track.licence, track.source_version) == (
        "A friendly framework",
        "https://example.org/framework",
        "CC-BY-4.0",
        "2.1",
    )
    assert list(track.themes.values_list("slug", "position", "external_id")) == [
        ("delivery", 0, ""),
        ("people", 1, "t-people"),
    ]
    senior = Level.objects.get(slug="senior")
    assert senior.external_id == "L2"
    assert senior.changes == "Owns **whole** services."
    group = RequirementGroup.objects.get(level=senior)
    assert (group.name, group.at_least, group.proficiency) == ("A main language", 1, 3)
    assert sorted(group.skills.values_list("slug", flat=True)) == ["go", "java", "python"]
    planned = Competency.objects.get(external_id="c-1")
    assert planned.theme.slug == "delivery"
    assert planned.example_list == ["Split a migration into safe steps", "Ran a launch"]
    assert planned.links == [{"label": "Guide", "url": "https://example.org/g"}]
    assert planned.proficiency == "Practitioner"


def test_export_then_import_into_an_empty_database_then_export_gives_the_same_bytes():
    import_tracks(extended())
    first = dumps(export_tracks())
    assert loads(first) == extended()  # the file above is already in the canonical form
    Track.objects.all().delete()
    assert not Theme.objects.exists()
    import_tracks(loads(first))
    assert dumps(export_tracks()) == first


def test_loading_the_same_file_twice_writes_nothing():
    import_tracks(extended())
    again = import_tracks(extended())
    assert again.changes == 0
    assert "(0 rows written)" in load_tracks(extended())


def test_reloading_replaces_groups_competencies_and_themes_matching_by_id():
    import_tracks(extended())
    planned_pk = Competency.objects.get(external_id="c-1").pk
    data = extended()
    track = data["tracks"][0]
    track["themes"] = track["themes"][:1]  # "people" goes, with its competencies
    senior = track["levels"][1]
    senior["competencies"] = [
        {"theme": "delivery", "criterion": "Plans a quarter.", "id": "c-2"},
        {**senior["competencies"][0], "criterion": "Plans work of a month."},
    ]
    senior["groups"][0]["skills"] = ["go", "python"]
    result = import_tracks(data)
    assert result.deleted["themes"] == 1
    assert result.created["competencies"] == 1
    assert result.updated["competencies"] == 1
    assert result.updated["groups"] == 1
    kept = Competency.objects.get(external_id="c-1")
    assert kept.pk == planned_pk
    assert (kept.criterion, kept.position) == ("Plans work of a month.", 1)
    level = Level.objects.get(slug="senior")
    assert list(level.competencies.order_by("position").values_list("external_id", flat=True)) == [
        "c-2",
        "c-1",
    ]
    assert sorted(level.groups.get().skills.values_list("slug", flat=True)) == ["go", "python"]


def test_a_dry_run_writes_nothing_but_counts():
    result = import_tracks(extended(), dry_run=True)
    assert result.created["competencies"] == 3
    assert not Track.objects.exists()


def _senior(data: dict) -> dict:
    return data["tracks"][0]["levels"][1]


@pytest.mark.parametrize(
    ("change", "path", "words"),
    [
        (
            lambda d: _senior(d)["competencies"][1].update(theme="magic"),
            "tracks[0].levels[1].competencies[1].theme",
            "not one of this track's themes",
        ),
        (
            lambda d: _senior(d)["competencies"].append(
                {"theme": "people", "criterion": "Again.", "id": "c-1"}
            ),
            "tracks[0].levels[1].competencies[2].id",
            "used twice",
        ),
        (
            lambda d: _senior(d)["groups"][0].update(at_least=4),
            "tracks[0].levels[1].groups[0].skills",
            "fewer than at_least (4)",
        ),
        (
            lambda d: _senior(d)["groups"][0]["skills"].append("cobol"),
            "tracks[0].levels[1].groups[0].skills[3]",
            "unknown skill",
        ),
        (
            lambda d: _senior(d)["groups"][0]["skills"].append("sql"),
            "tracks[0].levels[1].groups[0].skills[3]",
            "also a plain requirement",
        ),
        (
            lambda d: _senior(d)["groups"][0]["skills"].append("go"),
            "tracks[0].levels[1].groups[0].skills[3]",
            "listed twice in this group",
        ),
        (
            lambda d: _senior(d)["groups"][0].update(proficiency=5),
            "tracks[0].levels[1].groups[0].proficiency",
            "from 1 to 4",
        ),
        (
            lambda d: _senior(d)["competencies"][0]["examples"].append("two\nlines"),
            "tracks[0].levels[1].competencies[0].examples[2]",
            "one line",
        ),
        (
            lambda d: _senior(d)["competencies"][0]["links"][0].update(url="javascript:x"),
            "tracks[0].levels[1].competencies[0].links[0].url",
            "not a valid http(s) URL",
        ),
        (
            lambda d: d["tracks"][0]["themes"].append({"slug": "delivery", "name": "Again"}),
            "tracks[0].themes[2].slug",
            "duplicate theme slug",
        ),
        (
            lambda d: d["tracks"][0]["source"].update(url="ftp://x"),
            "tracks[0].source.url",
            "not a valid http(s) URL",
        ),
        (
            lambda d: d["tracks"][0]["levels"][0].update(id="L2"),
            "tracks[0].levels[1].id",
            "used twice",
        ),
    ],
)
def test_a_bad_extended_file_is_refused_with_the_path_and_nothing_is_written(change, path, words):
    data = copy.deepcopy(extended())
    change(data)
    with pytest.raises(TracksImportError) as caught:
        import_tracks(data)
    assert any(p.path == path and words in p.message for p in caught.value.problems), [
        str(p) for p in caught.value.problems
    ]
    assert not Track.objects.exists()
    assert not Theme.objects.exists()


def test_a_competency_is_not_blamed_when_the_themes_themselves_are_broken():
    data = extended()
    data["tracks"][0]["themes"][1]["slug"] = "Not a slug!"
    with pytest.raises(TracksImportError) as caught:
        import_tracks(data)
    assert [p.path for p in caught.value.problems] == ["tracks[0].themes[1].slug"]


def test_the_export_command_prints_the_named_tracks(tmp_path):
    from io import StringIO

    from django.core.management import CommandError, call_command

    import_tracks(extended())
    out = StringIO()
    call_command("export_tracks", "backend", stdout=out)
    assert out.getvalue() == dumps(export_tracks())
    target = tmp_path / "tracks.json"
    call_command("export_tracks", "-o", str(target), stderr=StringIO())
    assert target.read_text(encoding="utf-8") == out.getvalue()
    with pytest.raises(CommandError, match="No track with the slug nothing"):
        call_command("export_tracks", "nothing")


def test_export_runs_a_constant_number_of_queries(django_assert_max_num_queries):
    import_tracks(extended())
    data = extended()
    for n in range(2, 6):
        more = copy.deepcopy(data["tracks"][0])
        more["slug"] = f"backend-{n}"
        data["tracks"].append(more)
    import_tracks(data)
    with django_assert_max_num_queries(9):
        exported = export_tracks()
    assert len(exported["tracks"]) == 5


def test_a_competency_that_moves_level_or_theme_keeps_its_row():
    import_tracks(extended())
    planned = Competency.objects.get(external_id="c-1")
    data = extended()
    track = data["tracks"][0]
    track["themes"] = [{"slug": "planning", "name": "Planning"}, track["themes"][1]]
    moved = {**track["levels"][1]["competencies"].pop(0), "theme": "planning"}
    track["levels"][0]["competencies"] = [
        {**track["levels"][0]["competencies"][0], "theme": "planning"},
        moved,
    ]
    result = import_tracks(data)
    assert (result.created["themes"], result.deleted["themes"]) == (1, 1)
    assert result.created["competencies"] == 0
    again = Competency.objects.get(external_id="c-1")
    assert again.pk == planned.pk
    assert (again.level.slug, again.theme.slug, again.position) == ("junior", "planning", 1)
    assert Competency.objects.count() == 3


def test_a_competency_id_is_used_once_in_a_track():
    data = extended()
    data["tracks"][0]["levels"][0]["competencies"][0]["id"] = "c-1"
    with pytest.raises(TracksImportError) as caught:
        import_tracks(data)
    assert [p.path for p in caught.value.problems] == ["tracks[0].levels[1].competencies[0].id"]


def test_the_demo_tracks_round_trip_byte_for_byte():
    from careers.demo import load as load_tracks_demo
    from skills.demo import load as load_skills

    load_skills()
    load_tracks_demo()
    first = dumps(export_tracks())
    Track.objects.all().delete()
    import_tracks(loads(first))
    assert dumps(export_tracks()) == first
