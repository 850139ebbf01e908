"""The dashboard and the compare page, against a small crafted world with hand-computed answers.

The world (see `world`):

    Roadmap "Crafted" (published)
      Section A: Git, HTTP, SQL
      Section B: Docker, Kubernetes, Linux, YAML, MySQL
    Prerequisites: Kubernetes needs Docker and YAML; Docker needs Linux.

    Track backend:  junior (1): Git ≥ 2, HTTP ≥ 2
                    middle (2): Git ≥ 3, HTTP ≥ 2, SQL ≥ 2, Docker ≥ 2, Kubernetes ≥ 1, MySQL ≥ 1
    Track devops:   devops-engineer (1): Linux ≥ 2, Docker ≥ 2;  senior-devops (2): Kubernetes ≥ 3
    Track management: team-lead (1): Git ≥ 1

The person (see `person`): backend, current level junior, no target (so the next is
middle), country DE; Git done/3, HTTP learning/1, Linux done/2, Docker learning/1,
MySQL skipped/0; SQL, Kubernetes and YAML untracked.
"""

from __future__ import annotations

import datetime
import itertools
import random
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import profile_of
from careers.models import Level, LevelRequirement, Track, TrackKind
from core import charts
from dashboard.readiness import (
    ancestors,
    next_steps,
    prerequisite_graph,
    requirements_with_mine,
)
from salaries.models import SalaryDataPoint, Source
from skills.models import Prerequisite, Roadmap, Section, Skill, SkillPlacement
from tracking.history import EventRow, HistoryPoint, activity, history, streak_weeks, thin
from tracking.models import ProgressEvent, SkillProgress, Status, roadmaps_with_progress

DASHBOARD = "/dashboard/"


# The crafted world ------------------------------------------------------------------------


def make_world() -> dict:
    roadmap = Roadmap.objects.create(slug="crafted", title="Crafted", published=True)
    section_a = Section.objects.create(roadmap=roadmap, slug="a", title="Section A", position=1)
    section_b = Section.objects.create(roadmap=roadmap, slug="b", title="Section B", position=2)
    names = {
        "git": "Git",
        "http": "HTTP",
        "sql": "SQL",
        "docker": "Docker",
        "kubernetes": "Kubernetes",
        "linux": "Linux",
        "yaml": "YAML",
        "mysql": "MySQL",
    }
    skills = {slug: Skill.objects.create(slug=slug, name=name) for slug, name in names.items()}
    for position, slug in enumerate(["git", "http", "sql"], start=1):
        SkillPlacement.objects.create(section=section_a, skill=skills[slug], position=position)
    for position, slug in enumerate(["docker", "kubernetes", "linux", "yaml", "mysql"], start=1):
        SkillPlacement.objects.create(section=section_b, skill=skills[slug], position=position)
    for skill, requires in [("kubernetes", "docker"), ("kubernetes", "yaml"), ("docker", "linux")]:
        Prerequisite.objects.create(skill=skills[skill], requires=skills[requires])

    backend = Track.objects.create(slug="backend", name="Backend", position=1)
    management = Track.objects.create(
        slug="management", name="Management", kind=TrackKind.MANAGEMENT, position=2
    )
    devops = Track.objects.create(
        slug="devops", name="DevOps", kind=TrackKind.SPECIALISATION, position=3
    )
    levels = {
        "junior": Level.objects.create(track=backend, slug="junior", name="Junior", rank=1),
        "middle": Level.objects.create(track=backend, slug="middle", name="Middle", rank=2),
        "team-lead": Level.objects.create(
            track=management, slug="team-lead", name="Team lead", rank=1
        ),
        "devops-engineer": Level.objects.create(
            track=devops, slug="devops-engineer", name="DevOps engineer", rank=1
        ),
        "senior-devops": Level.objects.create(
            track=devops, slug="senior-devops", name="Senior DevOps", rank=2
        ),
    }
    requirements = {
        "junior": {"git": 2, "http": 2},
        "middle": {"git": 3, "http": 2, "sql": 2, "docker": 2, "kubernetes": 1, "mysql": 1},
        "team-lead": {"git": 1},
        "devops-engineer": {"linux": 2, "docker": 2},
        "senior-devops": {"kubernetes": 3},
    }
    for level, wanted in requirements.items():
        for slug, proficiency in wanted.items():
            LevelRequirement.objects.create(
                level=levels[level], skill=skills[slug], proficiency=proficiency
            )
    return {
        "roadmap": roadmap,
        "skills": skills,
        "levels": levels,
        "tracks": {"backend": backend, "management": management, "devops": devops},
    }


PROGRESS = {
    "git": (Status.DONE, 3),
    "http": (Status.LEARNING, 1),
    "linux": (Status.DONE, 2),
    "docker": (Status.LEARNING, 1),
    "mysql": (Status.SKIPPED, 0),
}


@pytest.fixture
def world(db) -> dict:
    return make_world()


def set_profile(user, world, *, track="backend", current="junior", target=None, country="DE"):
    profile = profile_of(user)
    profile.track = world["tracks"][track] if track else None
    profile.current_level = world["levels"][current] if current else None
    profile.target_level = world["levels"][target] if target else None
    profile.country = country
    profile.save()
    return profile


def track(user, world, progress=PROGRESS) -> None:
    for slug, (status, proficiency) in progress.items():
        SkillProgress.objects.create(
            user=user, skill=world["skills"][slug], status=status, proficiency=proficiency
        )


@pytest.fixture
def person(owner, world):
    set_profile(owner, world)
    track(owner, world)
    return owner


def text_of(response) -> str:
    """The page's visible text, whitespace collapsed."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


# Access -----------------------------------------------------------------------------------


def test_anonymous_visitor_is_sent_to_sign_in(client, world):
    for url in (DASHBOARD, reverse("dashboard:compare")):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith("/accounts/login/")
        assert "next=" in response.url


def test_url_names_and_nav_link(owner_client, world):
    assert reverse("dashboard:index") == DASHBOARD
    assert reverse("dashboard:compare") == "/dashboard/compare/"
    response = owner_client.get(DASHBOARD)
    assert response.status_code == 200
    assert '<a href="/dashboard/" aria-current="page">' in response.content.decode()


def test_each_person_sees_only_their_own_progress(person, other_client, world):
    """Another signed-in person sees their own (empty) dashboard, never the owner's data."""
    response = other_client.get(DASHBOARD)
    assert response.status_code == 200
    text = text_of(response)
    assert "Track your first skills" in text
    assert "Start by choosing your career track" in text
    assert "Ready for Middle" not in text


def test_dashboard_only_answers_get(owner_client, world):
    assert owner_client.post(DASHBOARD).status_code == 405


# Readiness and missing skills -------------------------------------------------------------


def test_readiness_and_missing_skills_for_a_crafted_person(person, owner_client):
    response = owner_client.get(DASHBOARD)
    assert response.status_code == 200
    ctx = response.context
    # Junior: Git 3 ≥ 2 met, HTTP 1 < 2 missing → 1 of 2.
    assert (ctx["current"].met, ctx["current"].total, ctx["current"].percent) == (1, 2, 50)
    # Middle: only Git 3 ≥ 3 is met → 1 of 6 = 16.7 → 17%.
    assert (ctx["target"].met, ctx["target"].total, ctx["target"].percent) == (1, 6, 17)
    assert ctx["target"].level.slug == "middle"
    assert ctx["target_is_next"] is True
    # Missing for Middle, largest gap first, then by name: mine vs required.
    missing = [(r.skill.slug, r.mine, r.proficiency) for r in ctx["missing_target"]]
    assert missing == [
        ("sql", 0, 2),
        ("docker", 1, 2),
        ("http", 1, 2),
        ("kubernetes", 0, 1),
        ("mysql", 0, 1),
    ]
    assert [(r.skill.slug, r.mine) for r in ctx["missing_current"]] == [("http", 1)]

    text = text_of(response)
    assert "17% ready for Middle" in text
    assert "1 of 6 expectations met" in text
    assert "Every expectation counts once" in text
    assert "HTTP aware working" in text  # the row: skill, mine, required
    assert 'href="/skills/sql/"' in response.content.decode()


def test_readiness_counts_proficiency_not_status(owner, owner_client, world):
    """Done with proficiency 1 does not meet a minimum of 2; learning at 3 meets it."""
    set_profile(owner, world, current=None, target="junior")
    track(owner, world, {"git": (Status.DONE, 1), "http": (Status.LEARNING, 3)})
    ctx = owner_client.get(DASHBOARD).context
    assert ctx["current"] is None
    assert (ctx["target"].met, ctx["target"].total) == (1, 2)
    assert [r.skill.slug for r in ctx["missing_target"]] == ["git"]
    assert ctx["target_is_next"] is False


def test_requirements_with_mine_for_untracked_skills_is_zero(person, world):
    rows = requirements_with_mine(
        LevelRequirement.objects.filter(level=world["levels"]["middle"]), person
    ).order_by("skill__slug")
    assert [(r.skill.slug, r.mine, r.my_status) for r in rows] == [
        ("docker", 1, "learning"),
        ("git", 3, "done"),
        ("http", 1, "learning"),
        ("kubernetes", 0, "not_started"),
        ("mysql", 0, "skipped"),
        ("sql", 0, "not_started"),
    ]


def test_target_in_another_track(person, owner_client, world):
    set_profile(person, world, target="devops-engineer")
    ctx = owner_client.get(DASHBOARD).context
    # DevOps engineer: Linux 2 ≥ 2 met, Docker 1 < 2 missing.
    assert ctx["target"].level.slug == "devops-engineer"
    assert (ctx["target"].met, ctx["target"].total) == (1, 2)
    assert [s.skill.slug for s in ctx["suggestions"]] == ["docker"]


def test_current_level_outside_the_profile_track(person, owner_client, world):
    """A current level in another track than the profile's: its next rank is the target."""
    set_profile(person, world, current="devops-engineer")
    ctx = owner_client.get(DASHBOARD).context
    assert ctx["current"].level.slug == "devops-engineer"
    assert ctx["target"].level.slug == "senior-devops"
    assert (ctx["target"].met, ctx["target"].total) == (0, 1)


def test_top_of_the_ladder_has_no_next_level(person, owner_client, world):
    set_profile(person, world, current="middle")
    response = owner_client.get(DASHBOARD)
    ctx = response.context
    assert ctx["target"] is None
    assert ctx["current"].level.slug == "middle"
    assert ctx["suggestions"] == []


# What to learn next -----------------------------------------------------------------------


def test_next_steps_largest_gap_first_prerequisites_before_what_needs_them(person, owner_client):
    response = owner_client.get(DASHBOARD)
    suggestions = response.context["suggestions"]
    # Middle: SQL is two steps away (none → working); Docker and HTTP one (both learning,
    # at aware), ready now; Kubernetes one, but it waits on YAML (not started) and Docker,
    # so YAML comes just before it. MySQL is skipped; Git is met.
    assert [(s.skill.slug, s.action) for s in suggestions] == [
        ("sql", "start"),
        ("docker", "continue"),
        ("http", "continue"),
        ("yaml", "start"),
        ("kubernetes", "start"),
    ]
    assert [s.reason for s in suggestions] == [
        "Middle expects working; you have not started it.",
        "Middle expects working; you are at aware.",
        "Middle expects working; you are at aware.",
        "Needed for Kubernetes, which Middle expects.",
        "Middle expects aware; you have not started it.",
    ]
    assert [s.slug for s in suggestions[3].unlocks] == ["kubernetes"]
    text = text_of(response)
    assert "Continue Docker — Middle expects working; you are at aware." in text
    assert "YAML — Needed for Kubernetes, which Middle expects." in text


def test_a_skill_comes_once_its_prerequisites_are_done(person, owner_client, world):
    SkillProgress.objects.filter(user=person, skill__slug="docker").update(status=Status.DONE)
    SkillProgress.objects.create(
        user=person, skill=world["skills"]["yaml"], status=Status.DONE, proficiency=2
    )
    steps = owner_client.get(DASHBOARD).context["suggestions"]
    # Docker is done but still below its minimum: a step to start again, not to continue.
    assert [(s.skill.slug, s.action) for s in steps] == [
        ("sql", "start"),
        ("docker", "start"),
        ("http", "continue"),
        ("kubernetes", "start"),
    ]


def test_the_smaller_effort_first_among_equal_gaps(person, owner_client, world):
    Skill.objects.filter(slug="http").update(effort_hours=5)
    Skill.objects.filter(slug="docker").update(effort_hours=20)
    steps = owner_client.get(DASHBOARD).context["suggestions"]
    assert [s.skill.slug for s in steps[:3]] == ["sql", "http", "docker"]


def test_next_steps_never_suggest_a_skill_before_its_prerequisites(world):
    """A chain c0 → c1 → c2 → c3, all required: in prerequisite order."""
    skills = [Skill.objects.create(slug=f"c{i}", name=f"Chain {i}") for i in range(4)]
    for before, after in itertools.pairwise(skills):
        Prerequisite.objects.create(skill=after, requires=before)
    level = world["levels"]["senior-devops"]
    missing = [LevelRequirement.objects.create(level=level, skill=s, proficiency=1) for s in skills]
    for req in missing:
        req.mine = 0
    steps = next_steps(level, missing, {}, prerequisite_graph())
    assert [s.skill.slug for s in steps] == ["c0", "c1", "c2", "c3"]
    assert steps[0].reason == "Senior DevOps expects aware; you have not started it."
    assert [s.slug for s in steps[0].unlocks] == ["c1", "c2", "c3"]
    # Once c0 and c1 are done, c2 is first.
    statuses = {skills[0].pk: Status.DONE, skills[1].pk: Status.DONE}
    remaining = missing[2:]
    assert [s.skill.slug for s in next_steps(level, remaining, statuses, prerequisite_graph())] == [
        "c2",
        "c3",
    ]


def test_a_prerequisite_outside_the_level_is_needed_for_what_waits_on_it(world):
    base = Skill.objects.create(slug="base", name="Base")
    top = Skill.objects.create(slug="top", name="Top")
    Prerequisite.objects.create(skill=top, requires=base)
    level = world["levels"]["senior-devops"]
    need = LevelRequirement.objects.create(level=level, skill=top, proficiency=3)
    need.mine = 1
    steps = next_steps(level, [need], {top.pk: Status.LEARNING}, prerequisite_graph())
    assert [(s.skill.slug, s.action, s.reason) for s in steps] == [
        ("base", "start", "Needed for Top, which Senior DevOps expects."),
        ("top", "continue", "Senior DevOps expects practitioner; you are at aware."),
    ]
    # Skipped, the prerequisite holds nothing back.
    steps = next_steps(
        level, [need], {base.pk: Status.SKIPPED, top.pk: Status.LEARNING}, prerequisite_graph()
    )
    assert [s.skill.slug for s in steps] == ["top"]


def test_next_steps_at_most_five(world):
    level = world["levels"]["senior-devops"]
    missing = []
    for i in range(8):
        skill = Skill.objects.create(slug=f"x{i}", name=f"X{i}")
        req = LevelRequirement.objects.create(level=level, skill=skill, proficiency=1)
        req.mine = 0
        missing.append(req)
    steps = next_steps(level, missing, {}, prerequisite_graph())
    assert [s.skill.slug for s in steps] == ["x0", "x1", "x2", "x3", "x4"]
    assert len(next_steps(level, missing, {}, prerequisite_graph(), limit=None)) == 8


def test_ancestors_are_transitive(world):
    requires = prerequisite_graph().requires
    ids = {s.pk: slug for slug, s in world["skills"].items()}
    got = {ids[pk] for pk in ancestors(world["skills"]["kubernetes"].pk, requires)}
    assert got == {"docker", "yaml", "linux"}


# Other tracks -----------------------------------------------------------------------------


def test_other_tracks_readiness_for_their_entry_levels(person, owner_client):
    others = owner_client.get(DASHBOARD).context["other_tracks"]
    # Team lead: Git 3 ≥ 1 → 1/1. DevOps engineer: Linux met, Docker not → 1/2.
    # Senior DevOps (rank 2) is not an entry level; backend is my own track.
    assert [(r.level.slug, r.met, r.total, r.percent) for r in others] == [
        ("team-lead", 1, 1, 100),
        ("devops-engineer", 1, 2, 50),
    ]


# Roadmap completion -----------------------------------------------------------------------


def test_roadmap_completion_overall_and_per_section(person, owner_client):
    response = owner_client.get(DASHBOARD)
    ctx = response.context
    (roadmap,) = ctx["roadmaps"]
    # 8 skills, 2 done, 1 skipped (not counted): 2 / 7 = 28.6 → 29%.
    assert (roadmap.progress_total, roadmap.progress_done, roadmap.progress_skipped) == (8, 2, 1)
    assert roadmap.percent == 29
    assert ctx["roadmap_percent"] == 29
    a, b = roadmap.section_list
    # A: Git done, HTTP learning, SQL not started → 1/3 = 33%.
    assert (a.progress_done, a.progress_learning, a.progress_not_started, a.percent) == (
        1,
        1,
        1,
        33,
    )
    # B: Linux done, Docker learning, MySQL skipped, Kubernetes and YAML not started → 1/4.
    assert (b.progress_done, b.progress_learning, b.progress_not_started, b.percent) == (
        1,
        1,
        2,
        25,
    )


def test_roadmap_figures_match_the_roadmap_pages_count(person, owner_client, world):
    """Summed from its sections, a roadmap's counts equal tracking's roadmap count (the
    roadmap page's), also with a skill placed in two sections and a second roadmap."""
    SkillPlacement.objects.create(
        section=Section.objects.get(slug="b"), skill=world["skills"]["git"], position=9
    )
    other = Roadmap.objects.create(slug="other", title="Other", published=True, position=2)
    section = Section.objects.create(roadmap=other, slug="c", title="Section C", position=1)
    SkillPlacement.objects.create(section=section, skill=world["skills"]["sql"], position=1)
    Roadmap.objects.create(slug="draft", title="Draft", published=False)
    shown = owner_client.get(DASHBOARD).context["roadmaps"]
    expected = {
        r.slug: (r.progress_total, r.progress_done, r.progress_learning, r.progress_skipped)
        for r in roadmaps_with_progress(Roadmap.objects.published(), person)
    }
    got = {
        r.slug: (r.progress_total, r.progress_done, r.progress_learning, r.progress_skipped)
        for r in shown
    }
    # "Other" has no progress of mine (SQL is untracked), so only Crafted is shown.
    assert got == {"crafted": expected["crafted"]}
    assert got["crafted"] == (9, 3, 2, 1)  # Git now counted twice: done 3, learning 2


# Empty states -----------------------------------------------------------------------------


def test_empty_state_teaches_a_new_person(owner_client, world):
    response = owner_client.get(DASHBOARD)
    assert response.status_code == 200
    text = text_of(response)
    html = response.content.decode()
    assert "Start by choosing your career track" in text
    assert 'href="/profile/"' in html
    assert "Track your first skills" in text
    assert 'href="/roadmaps/crafted/"' in html
    assert "Your history starts with the first skill you track." in text
    assert "0 changes in the last 52 weeks. Days with at least one change: 0." in text
    assert "No streak at the moment: a change this week starts one." in text
    assert response.context["history_chart"] is None
    # Without a track the dashboard still shows where one could start.
    assert "Where you could start" in text
    assert [r.level.slug for r in response.context["other_tracks"]] == [
        "junior",
        "team-lead",
        "devops-engineer",
    ]


def test_track_without_progress_points_to_the_roadmap(owner, owner_client, world):
    set_profile(owner, world)
    response = owner_client.get(DASHBOARD)
    text = text_of(response)
    assert "Start by choosing your career track" not in text
    assert "Track your first skills" in text
    assert "Your next step is Middle. Track your skills to see how ready you are." in text


def test_dashboard_renders_with_no_content_at_all(owner_client, db):
    response = owner_client.get(DASHBOARD)
    assert response.status_code == 200
    assert "No roadmap is published yet." in text_of(response)


# Pay --------------------------------------------------------------------------------------


def add_points(level: Level, country: str, amounts: list[int], *, source: Source, year=2024):
    for amount in amounts:
        SalaryDataPoint.objects.create(
            source=source,
            track=level.track,
            level=level,
            country=country,
            currency="USD",
            amount=Decimal(amount),
            year=year,
        )


def test_pay_in_my_country_with_the_difference(person, owner_client, world):
    survey = Source.objects.create(name="Crafted survey")
    # Junior in DE: 50, 60, 70, 80, 90 (thousands): p25 60, median 70, p75 80.
    add_points(
        world["levels"]["junior"],
        "DE",
        [50_000, 60_000, 70_000, 80_000, 90_000],
        source=survey,
        year=2023,
    )
    # Middle in DE: 80..120: median 100.
    add_points(
        world["levels"]["middle"], "DE", [80_000, 90_000, 100_000, 110_000, 120_000], source=survey
    )
    response = owner_client.get(DASHBOARD)
    pay = response.context["pay"]
    assert pay.current.stats.median == 70_000
    assert (pay.current.stats.p25, pay.current.stats.p75) == (60_000, 80_000)
    assert pay.next.stats.median == 100_000
    assert pay.difference == 30_000
    assert pay.difference_percent == 43  # 30 / 70 = 42.9%
    text = text_of(response)
    assert "Middle pays $30,000 more at the median (+43%), both figures for Germany." in text
    assert "$70,000" in text
    assert "$60,000\u2013$80,000" in text
    assert "Crafted survey · 2023" in text
    assert "Crafted survey · 2024" in text
    assert "Germany" in text


def test_pay_difference_can_be_less(person, owner_client, world):
    survey = Source.objects.create(name="Crafted survey")
    add_points(world["levels"]["junior"], "DE", [100_000] * 5, source=survey)
    add_points(world["levels"]["middle"], "DE", [90_000] * 5, source=survey)
    response = owner_client.get(DASHBOARD)
    assert response.context["pay"].difference == -10_000
    assert "Middle pays $10,000 less at the median (-10%), both figures for Germany." in text_of(
        response
    )


def test_pay_falls_back_to_the_region_for_both_levels_with_a_label(person, owner_client, world):
    survey = Source.objects.create(name="Crafted survey")
    other = Source.objects.create(name="Other survey")
    # Junior: only 2 points in DE (too few), 4 more in FR: the EU/EEA has 6 points.
    add_points(world["levels"]["junior"], "DE", [40_000, 50_000], source=survey)
    add_points(world["levels"]["junior"], "FR", [60_000, 70_000, 80_000, 90_000], source=other)
    # Middle: 5 points in DE, enough there, but compared from the EU/EEA with junior.
    add_points(
        world["levels"]["middle"], "DE", [80_000, 90_000, 100_000, 110_000, 120_000], source=survey
    )
    add_points(world["levels"]["middle"], "US", [500_000] * 5, source=other)  # not the region
    response = owner_client.get(DASHBOARD)
    pay = response.context["pay"]
    assert pay.current.pay.fell_back is True
    assert pay.current.pay.scope == pay.next.pay.scope == "region"
    assert pay.current.stats.count == 6
    # EU/EEA median of 40..90 (6 points): (60 + 70) / 2 = 65.
    assert pay.current.stats.median == 65_000
    assert pay.current.sources == ["Crafted survey", "Other survey"]
    assert pay.next.stats.median == 100_000
    assert pay.next.sources == ["Crafted survey"]
    assert pay.comparable is True
    assert pay.difference == 35_000
    text = text_of(response)
    assert "EU/EEA (too few data points for Germany)" in text
    assert "Middle pays $35,000 more at the median (+54%), both figures for EU/EEA." in text
    assert "$65,000" in text
    assert "500,000" not in text


def test_pay_falls_back_to_worldwide_when_the_region_has_too_few(person, owner_client, world):
    survey = Source.objects.create(name="Crafted survey")
    add_points(world["levels"]["junior"], "US", [60_000] * 5, source=survey)
    add_points(world["levels"]["middle"], "DE", [80_000] * 5, source=survey)
    pay = owner_client.get(DASHBOARD).context["pay"]
    assert pay.current.pay.scope == pay.next.pay.scope == "worldwide"
    assert pay.next.stats.count == 5
    assert pay.difference == 20_000
    assert "Worldwide (too few data points for Germany)" in text_of(owner_client.get(DASHBOARD))


def test_pay_suppressed_shows_no_figures(person, owner_client, world):
    survey = Source.objects.create(name="Crafted survey")
    add_points(world["levels"]["middle"], "DE", [80_000, 90_000, 100_000], source=survey)
    response = owner_client.get(DASHBOARD)
    pay = response.context["pay"]
    assert pay.next.shown is False
    assert pay.next.stats.median is None
    text = text_of(response)
    assert "Not shown: only 3 data points" in text
    assert "90,000" not in text
    assert "Not enough salary data for this level yet." in text


def test_pay_empty_state_without_a_track(owner_client, world):
    text = text_of(owner_client.get(DASHBOARD))
    assert "Choose your track and level to see what your level and the next one pay." in text
    # Issue 22: the headline card gave "not enough salary data" as the reason.
    assert "Not enough salary data" not in text
    assert (
        "No level chosen yet: choose your track and level to see what the next level pays." in text
    )
    page = owner_client.get(DASHBOARD).content.decode()
    assert '<a href="/profile/">choose your track and level</a>' in page


# History ----------------------------------------------------------------------------------


def event(skill, day, from_status, to_status, from_prof, to_prof) -> EventRow:
    at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
    return EventRow(skill, at, from_status, to_status, from_prof, to_prof)


def test_history_from_events_walks_back_from_today():
    day = datetime.date(2026, 11, 1)
    git, http, linux = 1, 2, 3
    state = {
        git: (Status.DONE, 3),
        http: (Status.LEARNING, 1),
        linux: (Status.DONE, 2),  # predates the events: counted all along
    }
    events = [  # newest first, as event_rows returns them
        event(http, day + datetime.timedelta(days=2), "not_started", "learning", 0, 1),
        event(git, day + datetime.timedelta(days=1), "learning", "done", 2, 3),
        event(git, day, "not_started", "learning", 0, 2),
    ]
    points = history(events, state, {git: 3, http: 2}, today=day + datetime.timedelta(days=4))
    assert [(p.day.day, p.done, p.met, p.percent) for p in points] == [
        # No invented point before the first event (issue 19): it starts on day 1.
        (1, 1, 0, 0),  # Git learning at 2: below 3, only Linux done
        (2, 2, 1, 50),  # Git done at 3: met
        (3, 2, 1, 50),  # HTTP learning at 1: not met
        (5, 2, 1, 50),  # today
    ]


def test_history_agrees_with_replaying_events_forwards():
    """Random but consistent event chains: walking back from today gives, for every day,
    the state that replaying the events forwards from the start reaches."""
    rng = random.Random(6)
    statuses = [Status.NOT_STARTED, Status.LEARNING, Status.DONE, Status.SKIPPED]
    start = datetime.date(2026, 1, 1)
    requirements = {skill: rng.randint(1, 4) for skill in range(0, 30, 2)}
    initial = {skill: (rng.choice(statuses), rng.randint(0, 4)) for skill in range(10)}
    state = dict(initial)
    forwards: list[EventRow] = []
    for n in range(200):
        skill = rng.randrange(40)
        before = state.get(skill, (Status.NOT_STARTED, 0))
        after = (rng.choice(statuses), rng.randint(0, 4))
        if after == before:
            continue
        day = start + datetime.timedelta(days=n // 3)
        forwards.append(event(skill, day, before[0], after[0], before[1], after[1]))
        state[skill] = after
    points = history(list(reversed(forwards)), state, requirements, today=day)

    replay = dict(initial)
    expected = {}
    for row in forwards:
        replay[row.skill_id] = (row.to_status, row.to_proficiency)
        done = sum(1 for status, _p in replay.values() if status == Status.DONE)
        met = sum(1 for k, m in requirements.items() if replay.get(k, ("", 0))[1] >= m)
        expected[timezone.localdate(row.created_at)] = (done, met)
    assert {p.day: (p.done, p.met) for p in points} == expected
    assert points[0].day == start  # the first real event's day, nothing before it


def test_history_is_empty_without_events():
    assert history([], {1: (Status.DONE, 2)}, {1: 2}) == []


def test_long_histories_are_thinned_to_weeks_then_months():
    start = datetime.date(2026, 1, 4)  # a Sunday: the baseline, then daily points
    daily = [HistoryPoint(start + datetime.timedelta(days=i), i, 0, 0) for i in range(71)]
    weekly = thin(daily)
    # The baseline, then the last day of each ISO week (Sundays), then the last day.
    assert weekly[0] is daily[0]
    assert [p.day for p in weekly[1:3]] == [datetime.date(2026, 1, 11), datetime.date(2026, 1, 18)]
    assert weekly[-1] is daily[-1]
    # 4 January + 70 days is Sunday 15 March: 10 whole weeks after the baseline.
    assert len(weekly) == 1 + 10
    assert thin(daily[:60]) == daily[:60]  # short histories are kept whole
    years = [HistoryPoint(start + datetime.timedelta(days=7 * i), i, 0, 0) for i in range(200)]
    monthly = thin(years)
    assert len(monthly) <= 60
    assert len({(p.day.year, p.day.month) for p in monthly[1:]}) == len(monthly) - 1


def record(user, skill, at: datetime.datetime, to_status: str = "learning") -> ProgressEvent:
    return ProgressEvent.objects.create(
        user=user,
        skill=skill,
        created_at=at,
        from_status="not_started",
        to_status=to_status,
        from_proficiency=0,
        to_proficiency=1,
    )


def local(day: datetime.date, hour: int = 12, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def test_activity_counts_changes_per_day_over_52_weeks(person, other_user, world):
    today = datetime.date(2026, 11, 25)  # a Wednesday
    git = world["skills"]["git"]
    for _ in range(3):
        record(person, git, local(today, 9))
    record(person, git, local(datetime.date(2026, 11, 20)))  # last week's Friday
    record(person, git, local(datetime.date(2025, 12, 1), 0, 5))  # the window's first day
    record(person, git, local(datetime.date(2025, 11, 30), 23, 55))  # a day too old
    record(person, git, local(today + datetime.timedelta(days=1)))  # tomorrow: not yet
    record(other_user, git, local(today))  # someone else's
    year = activity(person, today=today)
    # 51 whole weeks from Monday 1 December 2025, and this week's Monday to Wednesday.
    assert year.days[0].day == datetime.date(2025, 12, 1)
    assert year.days[0].day.weekday() == 0
    assert len(year.days) == 51 * 7 + 3
    assert year.days[-1].day == today
    assert (year.total, year.active_days) == (5, 3)
    levels = {d.day: d.level for d in year.days if d.count}
    # ceil(4·1/3) = 2 for the days with one change; the busiest is 4.
    assert levels == {today: 4, datetime.date(2026, 11, 20): 2, datetime.date(2025, 12, 1): 2}
    assert year.days[-1].label == "3 changes on Nov. 25, 2026"
    # This week and the last have changes, the one before none: a streak of 2 weeks.
    assert year.streak == 2
    months = year.months
    assert [m.start for m in months[:2]] == [datetime.date(2025, 12, 1), datetime.date(2026, 1, 1)]
    assert (months[0].changes, months[0].active_days) == (1, 1)
    assert (months[-1].start, months[-1].changes, months[-1].active_days) == (
        datetime.date(2026, 11, 1),
        4,
        2,
    )
    assert len(months) == 12


def test_activity_days_are_local_days(person, world, settings):
    settings.TIME_ZONE = "America/New_York"
    today = datetime.date(2026, 3, 4)
    # 03:30 UTC on the 5th is still the evening of the 4th in New York.
    record(
        person,
        world["skills"]["git"],
        datetime.datetime(2026, 3, 5, 3, 30, tzinfo=datetime.UTC),
    )
    with timezone.override("America/New_York"):
        year = activity(person, today=today)
    assert [(d.day, d.count) for d in year.days if d.count] == [(today, 1)]


@pytest.mark.parametrize(
    ("weeks_ago", "streak"),
    [
        ([], 0),
        ([0], 1),
        ([1], 1),  # this week has no change yet: the streak still holds
        ([2], 0),  # a whole week without one ended it
        ([0, 1, 2, 4], 3),
        ([1, 2, 3], 3),
        (list(range(60)), 52),  # at most the weeks shown
    ],
)
def test_streak_counts_weeks_in_a_row(weeks_ago, streak):
    today = datetime.date(2026, 11, 25)  # a Wednesday
    counts = {today - datetime.timedelta(weeks=w): 1 for w in weeks_ago}
    assert streak_weeks(counts, today, 52) == streak


def test_heatmap_draws_weeks_as_columns_with_month_and_weekday_labels():
    start = datetime.date(2025, 12, 1)  # a Monday
    days = [(start + datetime.timedelta(days=i), i % 5, f"day {i}") for i in range(51 * 7 + 3)]
    chart = charts.heatmap(days)
    assert len(chart.cells) == len(days)
    assert {c.x for c in chart.cells} == {
        charts.HEAT_LEFT + w * charts.HEAT_STEP for w in range(52)
    }
    assert {c.y for c in chart.cells} == {charts.HEAT_TOP + d * charts.HEAT_STEP for d in range(7)}
    first, last = chart.cells[0], chart.cells[-1]
    assert (first.x, first.y, first.level, first.label) == (
        charts.HEAT_LEFT,
        charts.HEAT_TOP,
        0,
        "day 0",
    )
    assert last.y == charts.HEAT_TOP + 2 * charts.HEAT_STEP  # a Wednesday, the third row
    assert [t.label for t in chart.weekdays] == ["Mon", "Wed", "Fri"]
    assert [t.label for t in chart.months][:3] == ["Dec", "Jan", "Feb"]
    assert len(chart.months) == 12
    assert chart.view_box == f"0 0 {charts.HEAT_LEFT + 52 * charts.HEAT_STEP} {chart.height}"
    # A first month with only a week or two shown is not named: it would crowd the next.
    late = [(datetime.date(2026, 3, 23) + datetime.timedelta(days=i), 0, "") for i in range(28)]
    assert [t.label for t in charts.heatmap(late).months] == ["Apr"]
    assert charts.heatmap([]) is None


def test_history_chart_and_strip_on_the_page(person, owner_client, world):
    now = timezone.now()
    git = world["skills"]["git"]
    http = world["skills"]["http"]
    ProgressEvent.objects.create(
        user=person,
        skill=git,
        created_at=now - datetime.timedelta(days=10),
        from_status="not_started",
        to_status="done",
        from_proficiency=0,
        to_proficiency=3,
    )
    ProgressEvent.objects.create(
        user=person,
        skill=http,
        created_at=now - datetime.timedelta(days=3),
        from_status="not_started",
        to_status="learning",
        from_proficiency=0,
        to_proficiency=1,
    )
    response = owner_client.get(DASHBOARD)
    points = response.context["history_points"]
    # Target Middle (6 requirements). Now: Git 3 met → 1/6. Linux is done without an
    # event. The history starts on Git's day, the first real event: no invented point
    # before it (issue 19).
    assert [(p.done, p.met, p.percent) for p in points] == [
        (2, 1, 17),
        (2, 1, 17),
        (2, 1, 17),
    ]
    html = response.content.decode()
    assert '<figure class="chart" tabindex="0"' in html
    assert 'class="chart-line secondary"' in html
    assert "The chart as a table" in html
    text = text_of(response)
    assert "2 changes in the last 52 weeks. Days with at least one change: 2." in text
    # Git 10 days ago, HTTP 3 days ago: in two weeks in a row, the later this week or the last.
    assert "Current streak: 2 weeks in a row with a change." in text
    heatmap = html[
        html.index('<div class="heatmap"') : html.index(
            "</svg>", html.index('<div class="heatmap"')
        )
    ]
    assert heatmap.count("<rect ") == len(response.context["activity"].days)
    assert heatmap.count('<rect class="l4"') == 2  # a change each: both the busiest
    assert "1 change on" in heatmap
    assert "The activity as a table" in text
    months = response.context["activity"].months
    assert sum(m.changes for m in months) == 2


def test_history_without_a_level_draws_skills_done_only(owner, owner_client, world):
    """No track: nothing to be ready for, so the chart has the skills-done line alone."""
    track(owner, world, {"git": (Status.DONE, 3)})
    ProgressEvent.objects.create(
        user=owner,
        skill=world["skills"]["git"],
        from_status="not_started",
        to_status="done",
        from_proficiency=0,
        to_proficiency=3,
    )
    response = owner_client.get(DASHBOARD)
    chart = response.context["history_chart"]
    assert [s.name for s in chart.series] == ["Skills done"]
    assert [(p.done, p.met) for p in response.context["history_points"]] == [(1, 0)]
    text = text_of(response)
    assert "Dashed line: skills marked done (right axis)." in text
    assert "Solid line" not in text
    assert "Requirements of" not in text


def test_history_at_the_top_of_the_ladder_is_for_the_current_level(person, owner_client, world):
    set_profile(person, world, current="middle")
    ProgressEvent.objects.create(
        user=person,
        skill=world["skills"]["git"],
        from_status="learning",
        to_status="done",
        from_proficiency=2,
        to_proficiency=3,
    )
    response = owner_client.get(DASHBOARD)
    # Middle: Git 3 ≥ 3 met now (1 of 6); the history starts with that event.
    assert [(p.met, p.percent) for p in response.context["history_points"]] == [(1, 17)]
    assert "how ready you were for Middle" in text_of(response)


def test_events_of_others_do_not_show(person, other_user, owner_client, world):
    ProgressEvent.objects.create(
        user=other_user,
        skill=world["skills"]["git"],
        from_status="not_started",
        to_status="done",
        from_proficiency=0,
        to_proficiency=3,
    )
    response = owner_client.get(DASHBOARD)
    assert response.context["history_points"] == []
    assert response.context["activity"].total == 0


# Charts -----------------------------------------------------------------------------------


def test_nice_ceiling():
    assert charts.nice_ceiling(0) == (4, 1)
    assert charts.nice_ceiling(3) == (3, 1)
    assert charts.nice_ceiling(4) == (4, 1)
    assert charts.nice_ceiling(7) == (8, 2)
    assert charts.nice_ceiling(13) == (15, 5)
    assert charts.nice_ceiling(120) == (150, 50)


def chart_svg(html: str, title: str) -> str:
    """The inline SVG whose <title> is `title`."""
    return next(svg for svg in re.findall(r"<svg.*?</svg>", html, flags=re.S) if title in svg)


def labels(svg: str) -> list[str]:
    return re.findall(r'<text class="chart-label"[^>]*>([^<]+)</text>', svg)


def frame(svg: str) -> tuple[float, float]:
    _x, _y, width, height = map(float, re.search(r'viewBox="([^"]+)"', svg)[1].split())
    return width, height


def line_points(path: str) -> list[tuple[float, float]]:
    """The corners of an SVG path made of M, H and V commands."""
    points: list[tuple[float, float]] = []
    tokens = re.findall(r"[MHV]|-?\d+(?:\.\d+)?", path)
    x = y = 0.0
    while tokens:
        command = tokens.pop(0)
        if command == "M":
            x, y = float(tokens.pop(0)), float(tokens.pop(0))
        elif command == "H":
            x = float(tokens.pop(0))
        else:
            y = float(tokens.pop(0))
        points.append((x, y))
    return points


def test_the_history_chart_rises_with_readiness_within_its_frame(person, owner_client, world):
    """Git learning 10 days ago, done 5 days ago: the solid readiness line climbs from 0%
    to 17% (Git met) and the dashed skills-done line from 1 to 2; both stay inside the
    drawing, with their axes labelled."""
    for days, (from_status, to_status, from_level, to_level) in (
        (10, ("not_started", "learning", 0, 2)),
        (5, ("learning", "done", 2, 3)),
    ):
        ProgressEvent.objects.create(
            user=person,
            skill=world["skills"]["git"],
            created_at=timezone.now() - datetime.timedelta(days=days),
            from_status=from_status,
            to_status=to_status,
            from_proficiency=from_level,
            to_proficiency=to_level,
        )
    svg = chart_svg(owner_client.get(DASHBOARD).content.decode(), "Your progress over time")

    assert {"0%", "25%", "50%", "75%", "100%"} <= set(labels(svg))
    assert {"0", "1", "2"} <= set(labels(svg))  # skills done, on the right
    width, height = frame(svg)
    lines = dict(re.findall(r'<path class="chart-line ?([a-z]*)" d="([^"]+)"', svg))
    readiness, done = line_points(lines[""]), line_points(lines["secondary"])
    for x, y in readiness + done:
        assert 0 <= x <= width and 0 <= y <= height, (x, y)
    assert readiness[-1][1] < readiness[0][1]  # higher on the screen: more ready
    assert done[-1][1] < done[0][1]
    assert readiness[-1][0] > readiness[0][0]  # time runs left to right


def test_the_compare_bars_are_as_long_as_each_sections_share(person, owner_client):
    """Middle's Section A: 1 of 3 met, a bar a third of the 0 to 100% axis; Section B: 0 of 3."""
    response = owner_client.get(reverse("dashboard:compare"), {"level": "backend/middle"})
    svg = chart_svg(response.content.decode(), "Section A")

    shown = labels(svg)
    assert "1 of 3" in shown and "0 of 3" in shown
    ticks = {
        label: float(x)
        for x, label in re.findall(r'<text class="chart-label" x="([\d.]+)"[^>]*>(\d+%)<', svg)
    }
    full = ticks["100%"] - ticks["0%"]
    bars = {
        name: float(width)
        for width, name in re.findall(
            r'<rect class="chart-bar"[^>]*width="([\d.]+)"[^>]*><title>([^:<]+):', svg
        )
    }
    assert bars["Section A"] == pytest.approx(full / 3, rel=0.02)  # 33%
    assert bars["Section B"] == 0


# Compare ----------------------------------------------------------------------------------


def test_compare_section_by_section(person, owner_client):
    response = owner_client.get(reverse("dashboard:compare"), {"level": "backend/middle"})
    assert response.status_code == 200
    ctx = response.context
    # Middle: A has Git (met), HTTP, SQL → 1/3; B has Docker, Kubernetes, MySQL → 0/3.
    assert [(s.title, s.met, s.total) for s in ctx["sections"]] == [
        ("Section A", 1, 3),
        ("Section B", 0, 3),
    ]
    assert (ctx["readiness"].met, ctx["readiness"].total) == (1, 6)
    text = text_of(response)
    assert "17% ready for Middle (Backend)" in text
    assert "<svg" in response.content.decode()
    # Missing ones first in the full table.
    assert [r.skill.slug for r in ctx["requirements"]][-1] == "git"


def test_compare_defaults_to_the_next_level(person, owner_client):
    response = owner_client.get(reverse("dashboard:compare"))
    assert response.context["level"].slug == "middle"
    assert 'value="backend/middle" selected' in response.content.decode()


def test_compare_unknown_level_is_a_clear_message(person, owner_client):
    response = owner_client.get(reverse("dashboard:compare"), {"level": "backend/wizard"})
    assert response.status_code == 200
    assert response.context["level"] is None
    assert "There is no level “backend/wizard”. Choose one from the list." in text_of(response)


def test_compare_empty_or_malformed_level_is_a_clear_message(person, owner_client):
    url = reverse("dashboard:compare")
    response = owner_client.get(url, {"level": ""})
    assert response.status_code == 200
    assert "Choose a level to compare with." in text_of(response)
    for bad in ("backend", "backend/middle/extra", "../../etc", "backend/%00"):
        response = owner_client.get(url, {"level": bad})
        assert response.status_code == 200
        assert response.context["level"] is None
        assert "Choose one from the list." in text_of(response)


def test_compare_skill_off_any_roadmap(person, owner_client, world):
    loose = Skill.objects.create(slug="loose", name="Loose")
    LevelRequirement.objects.create(level=world["levels"]["team-lead"], skill=loose, proficiency=1)
    response = owner_client.get(reverse("dashboard:compare"), {"level": "management/team-lead"})
    assert [(s.title, s.met, s.total) for s in response.context["sections"]] == [
        ("Section A", 1, 1),
        ("Not on a roadmap", 0, 1),
    ]


# Speed ------------------------------------------------------------------------------------


def grow(user, world, count: int) -> None:
    """`count` more tracked skills, each required by Middle, with an event, a prerequisite
    chain, a roadmap placement and salary data for both levels."""
    section = Section.objects.get(slug="b")
    skills = Skill.objects.bulk_create(
        [Skill(slug=f"grown-{i}", name=f"Grown {i}") for i in range(count)]
    )
    SkillPlacement.objects.bulk_create(
        [SkillPlacement(section=section, skill=s, position=100 + i) for i, s in enumerate(skills)]
    )
    Prerequisite.objects.bulk_create(
        [Prerequisite(skill=b, requires=a) for a, b in itertools.pairwise(skills)]
    )
    LevelRequirement.objects.bulk_create(
        [LevelRequirement(level=world["levels"]["middle"], skill=s, proficiency=2) for s in skills]
    )
    SkillProgress.objects.bulk_create(
        [
            SkillProgress(user=user, skill=s, status=Status.DONE, proficiency=i % 4)
            for i, s in enumerate(skills)
        ]
    )
    ProgressEvent.objects.bulk_create(
        [
            ProgressEvent(
                user=user,
                skill=s,
                created_at=timezone.now() - datetime.timedelta(days=i % 80),
                from_status="not_started",
                to_status="done",
                from_proficiency=0,
                to_proficiency=i % 4,
            )
            for i, s in enumerate(skills)
        ]
    )


@pytest.mark.parametrize("count", [0, 300])
def test_dashboard_query_count_is_constant(
    person, owner_client, world, count, django_assert_max_num_queries
):
    survey = Source.objects.create(name="Crafted survey")
    add_points(world["levels"]["junior"], "DE", [1, 2], source=survey)  # falls back
    add_points(world["levels"]["junior"], "FR", [50_000, 60_000, 70_000], source=survey)
    add_points(world["levels"]["middle"], "DE", [1, 2], source=survey)
    add_points(world["levels"]["middle"], "FR", [80_000, 90_000, 100_000], source=survey)
    grow(person, world, count)
    # The activity heatmap's changes per day are one query (counted by the database).
    with django_assert_max_num_queries(19):
        response = owner_client.get(DASHBOARD)
    assert response.status_code == 200
    assert response.context["target"].total == 6 + count
    assert response.context["activity"].total == count


@pytest.mark.parametrize("count", [0, 300])
def test_compare_query_count_is_constant(
    person, owner_client, world, count, django_assert_max_num_queries
):
    grow(person, world, count)
    with django_assert_max_num_queries(8):
        response = owner_client.get(reverse("dashboard:compare"), {"level": "backend/middle"})
    assert response.context["readiness"].total == 6 + count
