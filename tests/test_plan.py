"""My plan: mentor-like next steps, the effort forecast at my pace, goals; page and API.

The crafted world (`world`): track Backend, Middle (2) → Senior (3). Senior expects
SQL ≥ practitioner (estimate 20 h to working), Docker ≥ working (10 h) and Git ≥ working
(no estimate). The person is at Middle aiming at Senior, learning Docker (aware).

By hand: SQL 20 * (3 - 0) / 2 = 30 h, Docker 10 * (2 - 1) / 2 = 5 h: 35 hours, Git not
counted and named. At 5 hours a week: 7 weeks, 4.9 to 9.1: 35 to 64 days from today.
"""

from __future__ import annotations

import datetime
import json
import re

import pytest
from django.utils import dateformat, timezone

from accounts.models import Profile, profile_of
from careers.models import Level, LevelRequirement, Track
from dashboard.plan import plan_for
from planning.models import Goal
from skills.models import Skill
from tests.api_helpers import token_client
from tests.conftest import PASSWORD
from tests.factories import UserFactory
from tracking.models import ProgressEvent, SkillProgress

pytestmark = pytest.mark.django_db

PLAN = "/plan/"
API_PLAN = "/api/v1/me/plan"
API_GOALS = "/api/v1/me/goals"


def text_of(response) -> str:
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


@pytest.fixture
def world(db) -> dict:
    track = Track.objects.create(slug="backend", name="Backend")
    middle = Level.objects.create(track=track, slug="middle", name="Middle", rank=2)
    senior = Level.objects.create(track=track, slug="senior", name="Senior", rank=3)
    skills = {
        "sql": Skill.objects.create(slug="sql", name="SQL", effort_hours=20),
        "docker": Skill.objects.create(slug="docker", name="Docker", effort_hours=10),
        "git": Skill.objects.create(slug="git", name="Git"),
    }
    for slug, proficiency in {"sql": 3, "docker": 2, "git": 2}.items():
        LevelRequirement.objects.create(level=senior, skill=skills[slug], proficiency=proficiency)
    return {"track": track, "middle": middle, "senior": senior, "skills": skills}


@pytest.fixture
def person(owner, world):
    profile = profile_of(owner)
    profile.track = world["track"]
    profile.current_level = world["middle"]
    profile.target_level = world["senior"]
    profile.save()
    SkillProgress.objects.record(
        owner, world["skills"]["docker"], {"status": "learning", "proficiency": 1}
    )
    return owner


def set_pace(user, hours: int | None) -> None:
    Profile.objects.filter(user=user).update(weekly_pace_hours=hours)


def in_days(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


# Next steps ---------------------------------------------------------------------------------


def test_middle_to_senior_with_only_expert_python_starts_with_what_senior_requires(db):
    """On our demo content: the first three steps are skills Senior requires, each with
    the sentence saying why; Python (met, expert) is never suggested."""
    from careers.demo import load as load_tracks
    from skills.demo import load as load_roadmaps

    load_roadmaps()
    load_tracks()
    person = UserFactory()
    SkillProgress.objects.create(
        user=person, skill=Skill.objects.get(slug="python"), status="done", proficiency=4
    )
    senior = Level.objects.get(track__slug="backend", slug="senior")
    profile = profile_of(person)
    profile.current_level = Level.objects.get(track__slug="backend", slug="middle")
    profile.target_level = senior
    profile.save()

    api, _, _ = token_client(person)
    body = api.get(API_PLAN).json()
    assert body["target"] == "backend/senior"
    required = {
        r.skill.slug: r
        for r in LevelRequirement.objects.filter(level=senior).select_related("skill")
    }
    first = body["steps"][:3]
    assert len(first) == 3
    for step in first:
        requirement = required[step["skill"]]  # a skill Senior actually requires
        assert step["action"] == "start"
        assert step["reason"].startswith(
            f"{senior.name} expects {requirement.get_proficiency_display()}; "
            "you have not started it."
        )
        assert step["effort_hours"] == requirement.skill.effort_hours
    assert "python" not in {s["skill"] for s in body["steps"]}
    # Relational database concepts, required itself, comes before SQL, which needs it, and
    # says which later step it comes before.
    names = [s["name"] for s in body["steps"]]
    by_slug = {s["skill"]: (i, s) for i, s in enumerate(body["steps"])}
    position, concepts = by_slug["relational-databases"]
    assert position < by_slug["sql"][0]
    before = re.fullmatch(r".+ It comes before (.+)\.", concepts["reason"])
    assert before and names.index(before[1]) > position
    # Largest gap first: the first step is a skill Senior expects at its highest bar.
    assert required[first[0]["skill"]].proficiency == max(r.proficiency for r in required.values())


def test_a_learning_skill_is_to_continue_and_the_page_says_why(person, owner_client):
    response = owner_client.get(PLAN)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    steps = response.context["plan"].steps
    # SQL: three steps away; Git two; Docker one.
    assert [(s.skill.slug, s.action) for s in steps] == [
        ("sql", "start"),
        ("git", "start"),
        ("docker", "continue"),
    ]
    text = text_of(response)
    assert "Start SQL — Senior expects practitioner; you have not started it." in text
    assert "Continue Docker — Senior expects working; you are at aware." in text
    assert "about 20 hours to working" in text
    assert "no estimate yet" in text


# Forecast --------------------------------------------------------------------------------------


def test_the_forecast_is_a_range_from_the_remaining_effort_and_my_pace(person, world):
    set_pace(person, 5)
    today = datetime.date(2027, 3, 1)
    plan = plan_for(person, Profile.objects.get(user=person), today=today)
    forecast = plan.forecast
    assert forecast.remaining_hours == 35
    assert [s.slug for s in forecast.unestimated] == ["git"]
    assert forecast.earliest == today + datetime.timedelta(days=35)
    assert forecast.latest == today + datetime.timedelta(days=64)


def test_without_a_pace_there_is_no_date_only_the_hours(person, owner_client):
    text = text_of(owner_client.get(PLAN))
    assert "Senior: about 35 hours of learning left" in text
    assert "Set a weekly pace below" in text
    assert "1 skill has no estimate and is not counted: Git." in text
    assert owner_client.get(API_PLAN).json()["forecast"] == {
        "remaining_hours": 35,
        "pace_hours_per_week": None,
        "earliest": None,
        "latest": None,
        "unestimated": [{"skill": "git", "name": "Git"}],
    }


def test_setting_a_pace_shows_the_range_and_marking_a_skill_done_moves_it(
    person, owner_client, world
):
    response = owner_client.post("/plan/pace/", {"weekly_pace_hours": "5"})
    assert response.status_code == 302
    assert Profile.objects.get(user=person).weekly_pace_hours == 5
    text = text_of(owner_client.get(PLAN))
    earliest, latest = in_days(35), in_days(64)
    assert (
        f"Senior: between {dateformat.format(earliest, 'N j, Y')} "  # English DATE_FORMAT
        f"and {dateformat.format(latest, 'N j, Y')}"
    ) in text
    assert "About 35 hours of learning left, at 5 hours a week." in text

    # SQL at practitioner: 5 hours left (Docker), one week at 5 a week.
    api, _, _ = token_client(person)
    put = api.put(
        "/api/v1/me/progress/sql",
        json.dumps({"status": "done", "proficiency": 3}),
        content_type="application/json",
    )
    assert put.status_code == 200
    forecast = owner_client.get(API_PLAN).json()["forecast"]
    assert forecast["remaining_hours"] == 5
    assert forecast["earliest"] == in_days(5).isoformat()
    assert forecast["latest"] == in_days(10).isoformat()
    assert "About 5 hours of learning left" in text_of(owner_client.get(PLAN))


@pytest.mark.parametrize("value", ["0", "81", "-3", "many"])
def test_a_wrong_pace_is_refused_with_the_field_named(person, owner_client, value):
    response = owner_client.post("/plan/pace/", {"weekly_pace_hours": value})
    assert response.status_code == 200
    assert "weekly_pace_hours" in response.context["pace_form"].errors
    assert "Please correct this error: Hours a week" in text_of(response)
    assert Profile.objects.get(user=person).weekly_pace_hours is None


# Goals -------------------------------------------------------------------------------------


def test_a_goal_behind_says_by_how_much_and_what_would_bring_it_back(person, owner_client, world):
    set_pace(person, 5)
    response = owner_client.post("/plan/goals/", {"level": "backend/senior", "date": in_days(30)})
    assert response.status_code == 302
    goal = Goal.objects.get(user=person)
    assert (goal.level, goal.due) == (world["senior"], in_days(30))
    # The range ends 64 days from now: 34 days late. Ending it on day 30 takes
    # 35 * 1.3 / (30 / 7) = 10.6, so 11 hours a week: 6 more.
    text = text_of(owner_client.get(PLAN))
    assert "Behind. At your pace, up to 34 days late." in text
    assert "About 6 more hours a week would bring it back." in text
    dashboard = text_of(owner_client.get("/dashboard/"))
    assert "Senior by" in dashboard and "up to 34 days late" in dashboard
    [listed] = owner_client.get(API_GOALS).json()
    assert listed["on_track"] is False
    assert (listed["behind_days"], listed["more_hours_per_week"]) == (34, 6)


def test_a_goal_of_skills_on_track(person, owner_client, world):
    set_pace(person, 5)
    response = owner_client.post("/plan/goals/", {"skills": ["docker"], "date": in_days(60)})
    assert response.status_code == 302
    goal = Goal.objects.get(user=person)
    assert goal.level is None and [s.slug for s in goal.skills.all()] == ["docker"]
    # Docker from aware to working: 5 hours, one week.
    text = text_of(owner_client.get(PLAN))
    assert "Docker by" in text
    assert "On track." in text


def test_without_a_pace_a_goal_asks_for_one(person, owner_client, world):
    Goal.objects.create(user=person, level=world["senior"], due=in_days(30))
    text = text_of(owner_client.get(PLAN))
    assert "About 35 hours left. Set a weekly pace to know whether you are on track." in text


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"date": "2027-01-01"}, "level", "Choose a level, or at least one skill."),
        (
            {"level": "backend/senior", "skills": ["sql"], "date": "2030-01-01"},
            "skills",
            "Choose a level or skills, not both.",
        ),
        ({"level": "backend/senior", "date": "2001-01-01"}, "date", "Choose a date after today."),
        ({"level": "backend/senior", "date": "soon"}, "date", "Give a date as YYYY-MM-DD."),
        ({"level": "nope/none", "date": "2030-01-01"}, "level", "There is no level “nope/none”."),
    ],
)
def test_a_wrong_goal_is_refused_with_the_field_named(person, owner_client, data, field, message):
    response = owner_client.post("/plan/goals/", data)
    assert response.status_code == 200
    errors = response.context["goal_form"].errors
    assert any(message in error for error in errors[field])
    assert not Goal.objects.exists()

    api, _, _ = token_client(person)
    response = api.post(API_GOALS, json.dumps(data), content_type="application/json")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == field
    assert not Goal.objects.exists()


def test_goals_are_deleted_by_their_owner_only(person, owner_client, other_client, world):
    goal = Goal.objects.create(user=person, level=world["senior"], due=in_days(30))
    assert other_client.post(f"/plan/goals/{goal.pk}/delete/").status_code == 404
    other_api, _, _ = token_client(UserFactory())
    assert other_api.delete(f"{API_GOALS}/{goal.pk}").status_code == 404
    assert Goal.objects.filter(pk=goal.pk).exists()
    response = owner_client.post(f"/plan/goals/{goal.pk}/delete/")
    assert response.status_code == 302
    assert not Goal.objects.exists()


def test_the_goals_api_lists_creates_and_deletes(person, world):
    set_pace(person, 5)
    api, _, _ = token_client(person)
    assert api.get(API_GOALS).json() == []
    response = api.post(
        API_GOALS,
        json.dumps({"level": "backend/senior", "date": in_days(100).isoformat()}),
        content_type="application/json",
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["level"], body["skills"], body["date"]) == (
        "backend/senior",
        [],
        in_days(100).isoformat(),
    )
    assert (body["on_track"], body["behind_days"], body["more_hours_per_week"]) == (True, 0, None)
    assert body["forecast"]["remaining_hours"] == 35
    assert [g["id"] for g in api.get(API_GOALS).json()] == [body["id"]]
    assert api.delete(f"{API_GOALS}/{body['id']}").status_code == 204
    assert api.delete(f"{API_GOALS}/{body['id']}").status_code == 404
    assert not Goal.objects.exists()


# Queries, export, deletion --------------------------------------------------------------------


def grow(person, world, count: int) -> None:
    senior = world["senior"]
    skills = Skill.objects.bulk_create(
        Skill(slug=f"g{i}", name=f"Grown {i}", effort_hours=i or None) for i in range(count)
    )
    LevelRequirement.objects.bulk_create(
        LevelRequirement(level=senior, skill=s, proficiency=3) for s in skills
    )
    SkillProgress.objects.bulk_create(
        SkillProgress(user=person, skill=s, status="learning", proficiency=1) for s in skills[::2]
    )
    ProgressEvent.objects.bulk_create(
        ProgressEvent(
            user=person,
            skill=s,
            from_status="not_started",
            to_status="learning",
            from_proficiency=0,
            to_proficiency=1,
        )
        for s in skills
    )
    goal = Goal.objects.create(user=person, due=in_days(40 + count))
    goal.skills.set(skills[:5])
    Goal.objects.create(user=person, level=world["middle"], due=in_days(50 + count))


@pytest.mark.parametrize("count", [3, 60])
def test_plan_page_and_api_queries_do_not_grow(
    person, owner_client, world, count, settings, django_assert_max_num_queries
):
    settings.PAGE_CACHE = False
    set_pace(person, 5)
    grow(person, world, count)
    with django_assert_max_num_queries(17):  # the API's 16 and the digest's switch
        response = owner_client.get(PLAN)
    assert len(response.context["plan"].steps) == 3 + count
    assert len(response.context["plan"].goals) == 2
    api, _, _ = token_client(person)
    with django_assert_max_num_queries(16):
        assert len(api.get(API_PLAN).json()["steps"]) == 3 + count
    with django_assert_max_num_queries(16):
        assert len(api.get(API_GOALS).json()) == 2


def test_export_has_my_goals_and_pace_and_deletion_removes_them(person, owner_client, world):
    set_pace(person, 6)
    goal = Goal.objects.create(user=person, due=in_days(30))
    goal.skills.set([world["skills"]["sql"], world["skills"]["docker"]])
    Goal.objects.create(user=person, level=world["senior"], due=in_days(60))
    other = UserFactory()
    Goal.objects.create(user=other, level=world["senior"], due=in_days(10))

    data = json.loads(owner_client.get("/me/export/").content)
    assert data["profile"]["weekly_pace_hours"] == 6
    assert [(g["level"], g["skills"], g["date"]) for g in data["goals"]] == [
        (None, ["docker", "sql"], in_days(30).isoformat()),
        ("backend/senior", [], in_days(60).isoformat()),
    ]
    response = owner_client.post("/profile/delete/", {"password": PASSWORD})
    assert response.status_code == 302
    assert not Goal.objects.filter(user_id=person.pk).exists()
    assert Goal.objects.filter(user=other).count() == 1


def test_without_a_target_the_plan_says_where_to_start(owner, owner_client, db):
    text = text_of(owner_client.get(PLAN))
    assert "Your plan starts from a target level." in text
    assert owner_client.get(API_PLAN).json() == {"target": None, "steps": [], "forecast": None}


@pytest.mark.parametrize("count", [3, 60])
def test_dashboard_with_goals_runs_a_constant_number_of_queries(
    person, owner_client, world, count, settings, django_assert_max_num_queries
):
    settings.PAGE_CACHE = False
    set_pace(person, 5)
    grow(person, world, count)  # a goal of skills, and one of a level that is not my target
    with django_assert_max_num_queries(23):
        response = owner_client.get("/dashboard/")
    assert len(response.context["goals"]) == 2
