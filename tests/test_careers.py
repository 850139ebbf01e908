"""Career tracks: the public pages, their query counts, the home ladder, the tracks loader."""

import copy
import json
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from careers.models import Level, LevelRequirement, Track, Transition
from careers.tracks_io import TracksImportError, load_tracks
from skills.models import Prerequisite
from tests.content_data import build_content, clear_content
from tests.factories import (
    LevelFactory,
    PlacementFactory,
    RequirementFactory,
    RoadmapFactory,
    SectionFactory,
    SkillFactory,
    TrackFactory,
)

pytestmark = pytest.mark.django_db

TRACKS_FILE = Path(__file__).resolve().parents[1] / "careers" / "demo" / "tracks.json"


@pytest.fixture
def ladder():
    """A small backend ladder: junior → middle → senior, and a move to management."""
    roadmap = RoadmapFactory(slug="backend", title="Backend Developer")
    basics = SectionFactory(roadmap=roadmap, title="Basics", position=1)
    data = SectionFactory(roadmap=roadmap, title="Databases", position=2)
    git = SkillFactory(slug="git", name="Git")
    sql = SkillFactory(slug="sql", name="SQL")
    sharding = SkillFactory(slug="sharding", name="Sharding")
    mentoring = SkillFactory(slug="mentoring", name="Mentoring")  # in no roadmap
    PlacementFactory(section=basics, skill=git, position=1)
    PlacementFactory(section=data, skill=sql, position=1)
    PlacementFactory(section=data, skill=sharding, position=2)
    backend = TrackFactory(slug="backend", name="Backend engineering", position=1)
    management = TrackFactory(
        slug="management", name="Engineering management", kind="management", position=2
    )
    junior = LevelFactory(track=backend, slug="junior", name="Junior", rank=1, years_max=2)
    middle = LevelFactory(
        track=backend, slug="middle", name="Middle", rank=2, years_min=2, years_max=5
    )
    senior = LevelFactory(
        track=backend,
        slug="senior",
        name="Senior",
        rank=3,
        years_min=5,
        years_max=None,
        summary="Leads the design of significant systems.",
        responsibilities="- Leads **design** reviews\n- Mentors others",
    )
    lead = LevelFactory(track=management, slug="team-lead", name="Team lead", rank=1)
    RequirementFactory(level=junior, skill=git, proficiency=1)
    RequirementFactory(level=middle, skill=git, proficiency=2)
    RequirementFactory(level=middle, skill=sql, proficiency=2)
    RequirementFactory(level=senior, skill=git, proficiency=3)
    RequirementFactory(level=senior, skill=sql, proficiency=2)
    RequirementFactory(level=senior, skill=sharding, proficiency=2)
    RequirementFactory(level=senior, skill=mentoring, proficiency=2)
    Transition.objects.create(from_level=senior, to_level=lead, note="People-minded seniors.")
    return {"backend": backend, "senior": senior, "lead": lead}


def test_track_list_shows_every_track_with_its_levels(client, ladder):
    response = client.get("/careers/")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.index("Backend engineering") < html.index("Engineering management")
    assert 'href="/careers/backend/"' in html
    assert 'href="/careers/backend/senior/">Senior</a>' in html
    assert "3 levels" in html
    assert "management" in html


def test_track_list_without_tracks_says_what_they_are(client):
    assert "No career track yet" in client.get("/careers/").content.decode()


def test_track_page_draws_the_ladder_in_rank_order_with_years_and_moves(client, ladder):
    response = client.get("/careers/backend/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "3 levels, from Junior to Senior." in html
    start = html.index('<ol class="ladder">')
    ladder_html = html[start : html.index("</ol>", start)]
    assert ladder_html.index("Junior") < ladder_html.index("Middle") < ladder_html.index("Senior")
    assert "0\u20132 years" in ladder_html  # an en dash
    assert "5+ years" in ladder_html
    assert "4 skills" in ladder_html  # senior's requirement count
    moves = html[html.index("Where this track can lead") :]
    assert 'href="/careers/management/team-lead/">Team lead</a>' in moves
    assert "People-minded seniors." in moves


def test_level_page_groups_expectations_by_section_and_marks_what_is_new(client, ladder):
    response = client.get("/careers/backend/senior/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Senior</h1>" in html
    assert "Expects 4 skills" in html
    assert "2 of them new since Middle" in html
    assert "Leads the design of significant systems." in html
    assert "Leads <strong>design</strong> reviews" in html  # responsibilities as Markdown
    expectations = html[html.index("What this level expects") : html.index("Where it can lead")]
    # Groups in roadmap order; skills in no roadmap last.
    assert (
        expectations.index(">Basics</a>")
        < expectations.index(">Databases</a>")
        < expectations.index("Other skills")
    )
    git_row = expectations[expectations.index(">Git</a>") :][:900]
    assert "Raised" in git_row
    assert "working at Middle" in git_row
    assert 'aria-label="Proficiency: practitioner (3 of 4)"' in git_row
    sharding_row = expectations[expectations.index(">Sharding</a>") :][:500]
    assert ">New<" in sharding_row
    sql_row = expectations[expectations.index(">SQL</a>") :][:400]
    assert ">New<" not in sql_row and "Raised" not in sql_row
    changes = html[html.index("What changes from Middle") : html.index("What this level expects")]
    assert "2 new skills" in changes
    assert "1 skill expected at a higher proficiency" in changes


def test_level_page_shows_where_it_leads_and_where_people_come_from(client, ladder):
    html = client.get("/careers/backend/senior/").content.decode()
    leads = html[html.index("Where it can lead") : html.index("Where people come from")]
    assert 'href="/careers/management/team-lead/">Team lead</a>' in leads
    assert "This is the top of this track." not in leads
    came = html[html.index("Where people come from") :]
    assert 'href="/careers/backend/middle/">Middle</a>' in came
    lead_html = client.get("/careers/management/team-lead/").content.decode()
    assert 'href="/careers/backend/senior/">Senior</a>' in lead_html
    junior_html = client.get("/careers/backend/junior/").content.decode()
    assert "This is where the track starts." in junior_html
    assert "What changes from" not in junior_html


def test_level_page_marks_this_level_on_the_ladder(client, ladder):
    html = client.get("/careers/backend/middle/").content.decode()
    assert '<li class="step-item current">' in html
    assert "This level" in html
    assert "Step 2 of 3 in Backend engineering" in html


def test_unknown_track_or_level_gets_a_helpful_404(client, ladder):
    for url in ("/careers/nope/", "/careers/backend/nope/", "/careers/management/senior/"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert 'href="/careers/"' in response.content.decode()


def test_home_page_shows_the_backend_ladder_in_two_queries(client, ladder):
    with CaptureQueriesContext(connection) as queries:
        html = client.get("/").content.decode()
    # The ladder, the salary data's version and the ladder's pay (tests/test_home_peeks.py).
    assert len(queries) == 3
    peek = html[html.index("A peek at a real ladder") :]
    assert 'href="/careers/backend/junior/">Junior</a>' in peek
    assert peek.index("Junior") < peek.index("Middle") < peek.index("Senior")


def test_home_page_without_the_backend_track_shows_no_ladder(client):
    assert "A peek at a real ladder" not in client.get("/").content.decode()


def test_navigation_links_to_roadmaps_and_careers(client):
    html = client.get("/").content.decode()
    assert html.count('href="/roadmaps/"') >= 2  # header and footer
    assert html.count('href="/careers/"') >= 2


# Query counts ---------------------------------------------------------------------------

PAGES = {
    "/": 3,  # the ladder, the salary data's version, the pay
    "/careers/": 2,
    "/careers/grown-track/": 6,  # track, levels, transitions both ways, themes, criteria
    # Level pages: 7 of their own (6 on a first step), plus the salary data's version and
    # the pay (level_pay; its sources too when it has figures: tests/test_level_pay.py).
    "/careers/grown-track/step-4/": 9,
    "/careers/grown-track/step-1/": 8,
    "/careers/side-track/side-1/": 9,
}


def count_queries(client, url: str) -> int:
    cache.clear()  # salary statistics are cached: count the uncached page
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def test_career_pages_run_a_constant_number_of_queries_from_10_to_300_skills(
    client, django_assert_max_num_queries, monkeypatch
):
    from careerpath import views

    monkeypatch.setattr(views, "HOME_LADDER_TRACK", "grown-track")  # the home page's ladder
    build_content(10)
    small = {url: count_queries(client, url) for url in PAGES}
    clear_content()
    build_content(300)
    assert LevelRequirement.objects.filter(level__slug="step-4").count() == 300
    large = {url: count_queries(client, url) for url in PAGES}
    assert small == large
    for url, limit in PAGES.items():
        cache.clear()
        with django_assert_max_num_queries(limit):
            client.get(url)
    assert "Grown skill 299" in client.get("/careers/grown-track/step-4/").content.decode()


# The tracks file loader -----------------------------------------------------------------


def demo_tracks() -> dict:
    return json.loads(TRACKS_FILE.read_text(encoding="utf-8"))


def small_tracks() -> dict:
    return {
        "format": "careerpath.tracks/1",
        "tracks": [
            {
                "slug": "backend",
                "name": "Backend engineering",
                "kind": "ic",
                "position": 1,
                "summary": "Servers.",
                "levels": [
                    {
                        "slug": "junior",
                        "name": "Junior",
                        "rank": 1,
                        "summary": "Learns.",
                        "responsibilities": "- Ships small changes",
                        "years_min": 0,
                        "years_max": 2,
                        "requirements": {"git": 1},
                    },
                    {
                        "slug": "senior",
                        "name": "Senior",
                        "rank": 2,
                        "years_min": 5,
                        "years_max": None,
                        "requirements": {"git": 3, "sql": 2},
                    },
                ],
            },
            {
                "slug": "dba",
                "name": "Database administration",
                "kind": "specialisation",
                "levels": [{"slug": "dba", "name": "DBA", "rank": 1, "requirements": {"sql": 3}}],
            },
        ],
        "transitions": [{"from": "backend/senior", "to": "dba/dba", "note": "Data people."}],
    }


@pytest.fixture
def known_skills():
    SkillFactory(slug="git", name="Git")
    SkillFactory(slug="sql", name="SQL")


def test_loading_tracks_creates_everything_and_twice_changes_nothing(known_skills):
    summary = load_tracks(small_tracks())
    assert summary.startswith("Tracks: 2 tracks, 3 levels, 4 requirements, 1 transitions")
    senior = Level.objects.get(track__slug="backend", slug="senior")
    assert senior.years_max is None
    assert dict(senior.requirements.values_list("skill__slug", "proficiency")) == {
        "git": 3,
        "sql": 2,
    }
    assert Transition.objects.get().note == "Data people."
    before = snapshot()
    assert "(0 rows written)" in load_tracks(small_tracks())
    assert snapshot() == before


def snapshot() -> list:
    return [
        list(Track.objects.order_by("pk").values()),
        list(Level.objects.order_by("pk").values()),
        list(LevelRequirement.objects.order_by("pk").values()),
        list(Transition.objects.order_by("pk").values()),
    ]


def test_loading_changed_tracks_updates_in_place(known_skills):
    load_tracks(small_tracks())
    senior_id = Level.objects.get(slug="senior").pk
    data = small_tracks()
    backend = data["tracks"][0]
    backend["levels"][0]["rank"], backend["levels"][1]["rank"] = 2, 1  # swap ranks
    backend["levels"][1]["requirements"] = {"git": 4}
    data["transitions"] = []
    load_tracks(data)
    senior = Level.objects.get(slug="senior")
    assert senior.pk == senior_id
    assert senior.rank == 1
    assert Level.objects.get(slug="junior").rank == 2
    assert dict(senior.requirements.values_list("skill__slug", "proficiency")) == {"git": 4}
    assert not Transition.objects.exists()


@pytest.mark.parametrize(
    ("change", "path", "words"),
    [
        (lambda d: d.update(format="other/1"), "format", "careerpath.tracks/1"),
        (lambda d: d["tracks"][0].update(kind="wizard"), "tracks[0].kind", "not one of"),
        (lambda d: d["tracks"][1].update(slug="backend"), "tracks[1].slug", "duplicate track"),
        (
            lambda d: d["tracks"][0]["levels"][1].update(slug=d["tracks"][0]["levels"][0]["slug"]),
            "tracks[0].levels[1].slug",
            "duplicate level slug",
        ),
        (
            lambda d: d["tracks"][0]["levels"][1].update(rank=1),
            "tracks[0].levels[1].rank",
            "used twice",
        ),
        (
            lambda d: d["tracks"][0]["levels"][1]["requirements"].update(git=5),
            "tracks[0].levels[1].requirements.git",
            "must be a whole number from 1 to 4",
        ),
        (
            lambda d: d["tracks"][0]["levels"][0]["requirements"].update(cobol=2),
            "tracks[0].levels[0].requirements.cobol",
            "unknown skill",
        ),
        (
            lambda d: d["tracks"][0]["levels"][0].update(years_min=3),
            "tracks[0].levels[0].years_max",
            "less than years_min",
        ),
        (
            lambda d: d["transitions"][0].update(to="dba/nobody"),
            "transitions[0].to",
            "not a known level",
        ),
        (
            lambda d: d["tracks"][0]["levels"][0].update(colour="red"),
            "tracks[0].levels[0].colour",
            "unknown field (expected one of: slug, name, rank, summary, responsibilities, "
            "years_min, years_max, requirements, id, changes, groups, competencies)",
        ),
        (
            lambda d: d["transitions"][0].update(via="x"),
            "transitions[0].via",
            "unknown field (expected one of: from, to, note)",
        ),
        (
            lambda d: d["tracks"][0]["levels"][0].update(rank=10**30),
            "tracks[0].levels[0].rank",
            "must be a whole number from 1 to 32767",
        ),
        (
            lambda d: d["tracks"][0].update(position=2**31),
            "tracks[0].position",
            "must be a whole number from 0 to 2147483647",
        ),
        (
            lambda d: d["tracks"][0]["levels"][0].update(years_min=True),
            "tracks[0].levels[0].years_min",
            "must be a whole number",
        ),
        (
            lambda d: d["transitions"][0].update(to="backend/senior"),
            "transitions[0]",
            "a level cannot lead to itself",
        ),
    ],
)
def test_a_bad_tracks_file_is_refused_with_the_path_and_nothing_is_written(
    known_skills, change, path, words
):
    data = small_tracks()
    change(data)
    with pytest.raises(TracksImportError) as caught:
        load_tracks(data)
    assert any(p.path == path and words in p.message for p in caught.value.problems), [
        str(p) for p in caught.value.problems
    ]
    assert not Track.objects.exists()


def test_every_problem_in_a_tracks_file_is_reported_at_once(known_skills):
    data = small_tracks()
    data["tracks"][0]["levels"][0]["requirements"]["cobol"] = 2
    data["tracks"][1]["kind"] = "wizard"
    with pytest.raises(TracksImportError) as caught:
        load_tracks(data)
    assert len(caught.value.problems) == 2


def test_demo_tracks_meet_the_contract(client):
    from skills.demo import load as load_skills

    load_skills()
    load_tracks(demo_tracks())
    expected = {
        "backend": ["junior", "middle", "middle-plus", "senior", "lead", "principal"],
        "management": None,
        "devops": None,
        "cloud-architect": None,
        "dba": None,
    }
    for slug, levels in expected.items():
        track = Track.objects.get(slug=slug)
        got = list(track.levels.order_by("rank").values_list("slug", flat=True))
        if levels:
            assert got == levels
        assert got, slug
    management = list(Level.objects.filter(track__slug="management").values_list("slug", flat=True))
    assert {"head-of-engineering", "cto"} <= set(management)
    # Every level has requirements, more (or higher) as rank rises in a track.
    for track in Track.objects.all():
        totals = [
            sum(level.requirements.values_list("proficiency", flat=True))
            for level in track.levels.order_by("rank")
        ]
        assert all(totals), track.slug
        assert totals == sorted(totals), (track.slug, totals)
        for level in track.levels.all():
            assert level.years_max is None or level.years_max >= level.years_min
    senior = Level.objects.get(track__slug="backend", slug="senior")
    targets = set(senior.transitions_out.values_list("to_level__track__slug", flat=True))
    assert {"management", "devops", "cloud-architect", "dba"} <= targets
    assert not Prerequisite.objects.filter(skill__slug="nonexistent").exists()


def test_loader_reports_a_level_left_in_the_database_that_holds_a_rank(known_skills):
    load_tracks(small_tracks())
    data = copy.deepcopy(small_tracks())
    data["tracks"][0]["levels"][0]["slug"] = "trainee"  # "junior" stays in the DB at rank 1
    with pytest.raises(TracksImportError) as caught:
        load_tracks(data)
    assert "taken by the level “backend/junior”" in str(caught.value)


def test_years_read_cleanly(client, ladder):
    html = client.get("/careers/backend/").content.decode()
    assert "(0\u20132 years)" in html
    assert "(5+ years)" in html
