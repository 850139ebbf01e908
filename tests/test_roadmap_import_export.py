"""Roadmap JSON: exact round trips, every invalid file refused whole, the demo content."""

import copy
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from careers.models import Level, LevelRequirement, Track, Transition
from skills.models import Prerequisite, Resource, Roadmap, Section, Skill, SkillPlacement
from skills.roadmap_io import (
    RoadmapImportError,
    dumps,
    export_roadmap,
    import_roadmap,
    loads,
)
from tests.content_data import build_content, clear_content
from tests.factories import SkillFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[1]
DEMO_ROADMAP = ROOT / "skills" / "demo" / "backend.json"


def small_roadmap() -> dict:
    return {
        "format": "careerpath.roadmap/1",
        "slug": "backend",
        "title": "Backend Developer",
        "summary": "Servers and what they need.",
        "published": True,
        "sections": [
            {
                "slug": "internet",
                "title": "Internet",
                "summary": "How requests travel.",
                "skills": [
                    {
                        "slug": "http",
                        "name": "HTTP",
                        "kind": "core",
                        "description": "Requests and **responses**.",
                        "prerequisites": [],
                        "resources": [
                            {
                                "title": "MDN: HTTP",
                                "url": "https://developer.mozilla.org/en-US/docs/Web/HTTP",
                                "kind": "docs",
                            },
                            {
                                "title": "RFC 9110",
                                "url": "https://www.rfc-editor.org/rfc/rfc9110",
                                "kind": "docs",
                            },
                        ],
                    },
                    {
                        "slug": "dns",
                        "name": "DNS",
                        "kind": "optional",
                        "description": "",
                        "prerequisites": [],
                        "resources": [],
                    },
                ],
            },
            {
                "slug": "apis",
                "title": "APIs",
                "summary": "",
                "skills": [
                    {
                        "slug": "rest",
                        "name": "REST",
                        "kind": "core",
                        "description": "Resources over HTTP.",
                        "prerequisites": ["dns", "http"],
                        "resources": [],
                    },
                    {
                        "slug": "graphql",
                        "name": "GraphQL",
                        "kind": "alternative",
                        "description": "",
                        "prerequisites": ["rest"],
                        "resources": [
                            {
                                "title": "GraphQL docs",
                                "url": "https://graphql.org/learn/",
                                "kind": "docs",
                            }
                        ],
                    },
                ],
            },
        ],
    }


def everything() -> list:
    """Every row of the content tables, to show that nothing changed."""
    models = [Roadmap, Section, Skill, SkillPlacement, Prerequisite, Resource]
    models += [Track, Level, LevelRequirement, Transition]
    return [list(model.objects.order_by("pk").values()) for model in models]


# Round trips ----------------------------------------------------------------------------


def test_export_import_into_an_empty_database_export_is_exact():
    content = build_content(40)
    first = dumps(export_roadmap(content.roadmap))
    clear_content()
    assert not Skill.objects.exists()
    import_roadmap(loads(first))
    second = dumps(export_roadmap(Roadmap.objects.get(slug="grown")))
    assert second == first
    assert len(json.loads(second)["sections"]) == 10


def test_a_small_file_round_trips_exactly():
    data = small_roadmap()
    import_roadmap(data)
    assert export_roadmap(Roadmap.objects.get()) == data


def test_a_section_to_choose_from_and_effort_estimates_round_trip_exactly():
    data = small_roadmap()
    internet = data["sections"][0]
    data["sections"][0] = {
        "slug": internet["slug"],
        "title": internet["title"],
        "summary": internet["summary"],
        "choose": {"at_least": 1},
        "skills": internet["skills"],
    }
    http = internet["skills"][0]
    internet["skills"][0] = {
        **{key: http[key] for key in ("slug", "name", "kind", "description")},
        "effort_hours": 12,
        **{key: http[key] for key in ("prerequisites", "resources")},
    }
    import_roadmap(data)
    assert Section.objects.get(slug="internet").choose_at_least == 1
    assert Section.objects.get(slug="apis").choose_at_least is None
    assert Skill.objects.get(slug="http").effort_hours == 12
    assert Skill.objects.get(slug="dns").effort_hours is None
    exported = export_roadmap(Roadmap.objects.get())
    assert exported == data
    assert dumps(exported) == dumps(data)  # key order too
    # Dropping both from the file clears them on the next import.
    import_roadmap(small_roadmap())
    assert Section.objects.get(slug="internet").choose_at_least is None
    assert Skill.objects.get(slug="http").effort_hours is None


def test_export_lists_sections_skills_and_resources_in_order():
    import_roadmap(small_roadmap())
    data = export_roadmap(Roadmap.objects.get())
    assert [s["slug"] for s in data["sections"]] == ["internet", "apis"]
    assert [k["slug"] for k in data["sections"][1]["skills"]] == ["rest", "graphql"]
    http = data["sections"][0]["skills"][0]
    assert [r["title"] for r in http["resources"]] == ["MDN: HTTP", "RFC 9110"]
    assert list(data) == ["format", "slug", "title", "summary", "published", "sections"]


def test_importing_the_same_file_twice_changes_nothing():
    first = import_roadmap(small_roadmap())
    assert first.created
    before = everything()
    again = import_roadmap(small_roadmap())
    assert not again.created
    assert again.changes == 0
    assert "unchanged" in again.summary()
    assert everything() == before


def test_import_updates_an_existing_roadmap_in_place():
    import_roadmap(small_roadmap())
    roadmap_id = Roadmap.objects.get().pk
    skill_ids = dict(Skill.objects.values_list("slug", "pk"))
    data = small_roadmap()
    data["title"] = "Backend Developer 2"
    internet, apis = data["sections"]
    data["sections"] = [apis, internet]  # swap the sections
    internet["skills"].reverse()  # and two skills
    internet["skills"][1]["name"] = "Hypertext Transfer Protocol"
    internet["skills"][1]["resources"].pop()
    apis["skills"][1]["kind"] = "optional"
    apis["skills"][0]["prerequisites"] = ["http"]
    moved = apis["skills"].pop()  # graphql leaves this roadmap...
    data["sections"].append(
        {"slug": "extras", "title": "Extras", "summary": "", "skills": [moved]}
    )  # ...and comes back in a new section
    result = import_roadmap(data)
    assert not result.created
    assert Roadmap.objects.get().pk == roadmap_id
    assert dict(Skill.objects.values_list("slug", "pk")) == skill_ids  # same skills
    assert export_roadmap(Roadmap.objects.get()) == data
    assert Section.objects.count() == 3


def test_a_skill_dropped_from_the_roadmap_is_kept_for_other_roadmaps_and_progress():
    import_roadmap(small_roadmap())
    data = small_roadmap()
    data["sections"][1]["skills"].pop()  # graphql
    import_roadmap(data)
    assert Skill.objects.filter(slug="graphql").exists()
    assert not SkillPlacement.objects.filter(skill__slug="graphql").exists()


def test_a_prerequisite_may_name_a_skill_already_in_the_database():
    SkillFactory(slug="tcp-ip", name="TCP/IP")
    data = small_roadmap()
    data["sections"][0]["skills"][0]["prerequisites"] = ["tcp-ip"]
    import_roadmap(data)
    assert Prerequisite.objects.filter(skill__slug="http", requires__slug="tcp-ip").exists()


def test_a_dry_run_checks_but_writes_nothing():
    result = import_roadmap(small_roadmap(), dry_run=True)
    assert result.skills_created == 4
    assert not Roadmap.objects.exists()
    assert not Skill.objects.exists()


# Invalid files --------------------------------------------------------------------------


def edit(path: str, value):
    """A change to small_roadmap(): set the value at a dotted path (ints index lists)."""

    def apply(data):
        *parents, last = path.split(".")
        node = data
        for key in parents:
            node = node[int(key)] if key.isdigit() else node[key]
        if last.isdigit():
            node[int(last)] = value
        else:
            node[last] = value

    return apply


def remove(path: str):
    def apply(data):
        *parents, last = path.split(".")
        node = data
        for key in parents:
            node = node[int(key)] if key.isdigit() else node[key]
        del node[last]

    return apply


INVALID = [
    (edit("format", "careerpath.roadmap/9"), "format", "must be"),
    (remove("title"), "title", "is missing"),
    (edit("title", "  "), "title", "must not be empty"),
    (edit("title", "x" * 201), "title", "too long"),
    (edit("slug", "Not a slug!"), "slug", "is not a slug"),
    (edit("published", "yes"), "published", "true or false"),
    (edit("sections", {}), "sections", "must be a list"),
    (edit("colour", "red"), "colour", "unknown field"),
    (edit("sections.1.slug", "internet"), "sections[1].slug", "duplicate section slug"),
    (
        edit("sections.1.skills.0.slug", "http"),
        "sections[1].skills[0].slug",
        "duplicate skill slug “http” (first at sections[0].skills[0])",
    ),
    (edit("sections.0.skills.1.kind", "mandatory"), "sections[0].skills[1].kind", "not one of"),
    (remove("sections.0.skills.1.name"), "sections[0].skills[1].name", "is missing"),
    (
        edit("sections.1.skills.0.prerequisites", ["http", "cobol"]),
        "sections[1].skills[0].prerequisites[1]",
        "unknown prerequisite “cobol”",
    ),
    (
        edit("sections.1.skills.0.prerequisites", ["rest"]),
        "sections[1].skills[0].prerequisites[0]",
        "cannot require itself",
    ),
    (
        edit("sections.1.skills.0.prerequisites", ["http", "http"]),
        "sections[1].skills[0].prerequisites[1]",
        "listed twice",
    ),
    (
        edit("sections.0.skills.0.prerequisites", ["graphql"]),
        "sections[0].skills[0].prerequisites",
        "cycle (each needs the next): http → graphql → rest → http",
    ),
    (
        edit("sections.0.skills.0.resources.1.url", "javascript:alert(1)"),
        "sections[0].skills[0].resources[1].url",
        "not a valid http(s) URL",
    ),
    (
        edit("sections.0.skills.0.resources.1.url", "ftp://example.com/file"),
        "sections[0].skills[0].resources[1].url",
        "not a valid http(s) URL",
    ),
    (
        edit("sections.0.skills.0.resources.1.url", "not a url"),
        "sections[0].skills[0].resources[1].url",
        "not a valid http(s) URL",
    ),
    (
        edit("sections.0.skills.0.resources.0.kind", "podcast"),
        "sections[0].skills[0].resources[0].kind",
        "not one of",
    ),
    (
        edit("sections.0.skills.0.resources.0", "https://example.com/"),
        "sections[0].skills[0].resources[0]",
        "must be an object",
    ),
    (
        edit("sections.0.choose", {"at_least": 3}),
        "sections[0].choose.at_least",
        "asks for 3 of the section's skills, but it has 2",
    ),
    (edit("sections.0.choose", {"at_least": 0}), "sections[0].choose.at_least", "from 1 to"),
    (edit("sections.0.choose", {"any": 1}), "sections[0].choose.any", "unknown field"),
    (
        edit("sections.0.skills.0.effort_hours", -4),
        "sections[0].skills[0].effort_hours",
        "from 1 to 2000",
    ),
]


@pytest.mark.parametrize(("change", "path", "words"), INVALID)
def test_an_invalid_file_is_refused_with_the_path_and_nothing_is_written(change, path, words):
    data = small_roadmap()
    change(data)
    with pytest.raises(RoadmapImportError) as caught:
        import_roadmap(data)
    problems = caught.value.problems
    assert any(p.path == path and words in p.message for p in problems), [str(p) for p in problems]
    assert not Roadmap.objects.exists()
    assert not Skill.objects.exists()


def test_an_invalid_file_leaves_an_existing_roadmap_untouched():
    import_roadmap(small_roadmap())
    before = everything()
    data = small_roadmap()
    data["title"] = "Renamed"
    data["sections"][0]["skills"][0]["resources"][0]["url"] = "nope"
    with pytest.raises(RoadmapImportError):
        import_roadmap(data)
    assert everything() == before


def test_a_cycle_through_edges_already_in_the_database_is_found():
    outside_a = SkillFactory(slug="outside-a")
    outside_b = SkillFactory(slug="outside-b")
    import_roadmap(small_roadmap())
    Prerequisite.objects.create(skill=outside_a, requires=Skill.objects.get(slug="graphql"))
    Prerequisite.objects.create(skill=outside_b, requires=outside_a)
    data = small_roadmap()
    data["sections"][0]["skills"][0]["prerequisites"] = ["outside-b"]  # http needs outside-b
    with pytest.raises(RoadmapImportError) as caught:
        import_roadmap(data)
    assert "http → outside-b → outside-a → graphql → rest → http" in str(caught.value)


def test_every_problem_is_reported_at_once():
    data = small_roadmap()
    data["slug"] = "Bad Slug"
    data["sections"][0]["skills"][1]["kind"] = "x"
    data["sections"][1]["skills"][1]["prerequisites"] = ["nobody"]
    data["sections"][1]["skills"][1]["resources"][0]["url"] = "nope"
    with pytest.raises(RoadmapImportError) as caught:
        import_roadmap(data)
    assert [p.path for p in caught.value.problems] == [
        "slug",
        "sections[0].skills[1].kind",
        "sections[1].skills[1].resources[0].url",
        "sections[1].skills[1].prerequisites[0]",
    ]


def test_an_unknown_field_is_named_with_the_fields_allowed_there():
    data = small_roadmap()
    data["sections"][0]["skills"][0]["resources"][0]["link"] = "https://example.com/"
    with pytest.raises(RoadmapImportError) as caught:
        import_roadmap(data)
    assert [str(p) for p in caught.value.problems] == [
        "sections[0].skills[0].resources[0].link: unknown field (expected one of: title, url, kind)"
    ]


def test_a_quoted_value_is_shown_as_written_braces_and_all():
    data = small_roadmap()
    data["sections"][0]["skills"][1]["kind"] = "{kind}\n"
    data["sections"][1]["slug"] = "a" * 61
    with pytest.raises(RoadmapImportError) as caught:
        import_roadmap(data)
    assert [str(p) for p in caught.value.problems] == [
        "sections[0].skills[1].kind: “{kind}\\n” is not one of: core, optional, alternative",
        "sections[1].slug: is longer than 60 characters",
    ]


def test_a_skill_with_a_bad_field_still_has_its_prerequisites_checked():
    data = small_roadmap()
    rest = data["sections"][1]["skills"][0]
    rest["name"] = ""
    rest["prerequisites"] = ["cobol", "rest", 7]
    data["sections"][1]["skills"][1]["slug"] = "rest"  # graphql now repeats rest's slug
    with pytest.raises(RoadmapImportError) as caught:
        import_roadmap(data)
    assert [str(p) for p in caught.value.problems] == [
        "sections[1].skills[0].name: must not be empty",
        "sections[1].skills[0].prerequisites[2]: must be a string",
        "sections[1].skills[0].prerequisites[1]: a skill cannot require itself",
        "sections[1].skills[1].slug: duplicate skill slug “rest” (first at sections[1].skills[0])",
        "sections[1].skills[0].prerequisites[0]: unknown prerequisite “cobol”: no skill with "
        "this slug in the file or the database",
    ]


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        (b'{"format": "careerpath.roadmap/1",\n "slug": }', "not valid JSON"),
        (b"\xff\xfe\x00", "not UTF-8"),
        (b"[]", "must be an object"),
    ],
)
def test_a_file_that_is_not_a_roadmap_object_is_refused(raw, words):
    with pytest.raises(RoadmapImportError) as caught:
        import_roadmap(loads(raw))
    assert words in str(caught.value)


def test_a_json_syntax_error_says_where():
    with pytest.raises(RoadmapImportError) as caught:
        loads(b'{\n  "slug": "x",\n  oops\n}')
    assert "line 3" in str(caught.value)


def test_a_byte_order_mark_is_accepted():
    data = loads(b"\xef\xbb\xbf" + json.dumps(small_roadmap()).encode())
    assert data["slug"] == "backend"


# Commands -------------------------------------------------------------------------------


def test_export_command_prints_the_roadmap_and_import_command_reads_it(tmp_path):
    import_roadmap(small_roadmap())
    out = StringIO()
    call_command("export_roadmap", "backend", stdout=out)
    assert json.loads(out.getvalue()) == small_roadmap()
    file = tmp_path / "roadmap.json"
    call_command("export_roadmap", "backend", "--output", str(file), stderr=StringIO())
    assert file.read_text(encoding="utf-8") == out.getvalue()
    clear_content()
    out = StringIO()
    call_command("import_roadmap", str(file), stdout=out)
    assert "Roadmap “backend” created: 2 sections, 4 skills" in out.getvalue()
    assert dumps(export_roadmap(Roadmap.objects.get())) == file.read_text(encoding="utf-8")


def test_export_command_names_the_known_roadmaps_for_an_unknown_slug():
    import_roadmap(small_roadmap())
    with pytest.raises(CommandError) as caught:
        call_command("export_roadmap", "frontend")
    assert "Known roadmaps: backend" in str(caught.value)


def test_import_command_reports_each_problem_and_fails(tmp_path):
    data = small_roadmap()
    data["sections"][0]["skills"][0]["resources"][0]["url"] = "nope"
    data["sections"][1]["skills"][0]["prerequisites"] = ["cobol"]
    file = tmp_path / "bad.json"
    file.write_text(json.dumps(data), encoding="utf-8")
    err = StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("import_roadmap", str(file), stderr=err)
    assert caught.value.returncode == 1
    assert "2 problems found; nothing was imported." in str(caught.value)
    lines = err.getvalue().splitlines()
    assert any("sections[0].skills[0].resources[0].url" in line for line in lines)
    assert any("sections[1].skills[0].prerequisites[0]" in line for line in lines)
    assert not Roadmap.objects.exists()


def test_import_command_dry_run_and_missing_file(tmp_path):
    file = tmp_path / "ok.json"
    file.write_text(json.dumps(small_roadmap()), encoding="utf-8")
    out = StringIO()
    call_command("import_roadmap", str(file), "--dry-run", stdout=out)
    assert "Dry run, nothing written." in out.getvalue()
    assert not Roadmap.objects.exists()
    with pytest.raises(CommandError) as caught:
        call_command("import_roadmap", str(tmp_path / "missing.json"))
    assert "Cannot read" in str(caught.value)


# The demo content -----------------------------------------------------------------------


def test_the_demo_roadmap_file_is_exactly_what_export_writes():
    text = DEMO_ROADMAP.read_text(encoding="utf-8")
    import_roadmap(loads(text))
    assert dumps(export_roadmap(Roadmap.objects.get(slug="backend"))) == text


def test_the_demo_roadmap_is_rich_enough():
    data = json.loads(DEMO_ROADMAP.read_text(encoding="utf-8"))
    skills = [skill for section in data["sections"] for skill in section["skills"]]
    assert data["slug"] == "backend"
    assert data["published"] is True
    assert len(data["sections"]) >= 12
    assert len(skills) >= 80
    for skill in skills:
        assert len(skill["description"]) >= 80, skill["slug"]
        assert skill["resources"], skill["slug"]
    with_prerequisites = [s for s in skills if s["prerequisites"]]
    assert len(with_prerequisites) >= len(skills) * 0.6
    slugs = {s["slug"] for s in skills}
    for needed in [
        "http", "dns", "git", "sql", "rest-apis", "graphql", "grpc", "jwt", "redis",
        "docker", "kubernetes", "owasp-top-10", "cors", "unit-testing", "ci-cd",
    ]:  # fmt: skip
        assert needed in slugs, needed


def test_load_demo_loads_roadmap_and_tracks_and_twice_changes_nothing():
    out = StringIO()
    call_command("load_demo", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("Roadmap “backend” created:")
    assert lines[1].startswith("Tracks: 5 tracks,")
    assert Roadmap.objects.get(slug="backend").published
    assert SkillPlacement.objects.count() >= 80
    before = everything()
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert "unchanged" in out.getvalue()
    assert "(0 rows written)" in out.getvalue()
    assert everything() == before


def test_load_demo_puts_back_what_was_changed():
    call_command("load_demo", stdout=StringIO())
    http = Skill.objects.get(slug="http")
    original = copy.copy(http.name)
    http.name = "Edited"
    http.save()
    Prerequisite.objects.filter(skill=http).delete()
    call_command("load_demo", stdout=StringIO())
    http.refresh_from_db()
    assert http.name == original
    assert Prerequisite.objects.filter(skill=http).exists()
