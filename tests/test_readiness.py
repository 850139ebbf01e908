"""Readiness that explains itself: skills, groups counted once, behaviours; every gap named.

The world (see `world`):

    Track backend: middle (2), senior (3)
    Senior expects: SQL ≥ practitioner, Docker ≥ working (plain requirements);
                    "A main language": one of C#, Go, Java, Node.js, Python, Rust at
                    practitioner or better (a group);
                    Delivery: "Ships a feature…", "Splits work…"; Communication: "Writes
                    design notes…" (three behaviour criteria).

The person: a backend developer at middle aiming at senior, with expert Python and
nothing else. By hand: technical 1 of 3 (the language group, counted once; SQL and Docker
missing), behaviours 0 of 3, overall 1 of 6 = 17%.
"""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import profile_of
from careers.models import Level, LevelRequirement, Track
from core.versions import CONTENT, bump
from dashboard.readiness import readiness_for, standings
from skills.models import Skill
from tests.api_helpers import token_client
from tests.factories import (
    AssessmentFactory,
    CompetencyFactory,
    RequirementGroupFactory,
    SkillFactory,
    ThemeFactory,
    UserFactory,
)
from tracking.models import CompetencyAssessment, SkillProgress, levels_with_readiness

pytestmark = pytest.mark.django_db

SENIOR = "/careers/backend/senior/"
ASSESS = "/careers/backend/senior/assess/"
READINESS = "/api/v1/me/readiness"
LANGUAGES = {
    "csharp": "C#",
    "go": "Go",
    "java": "Java",
    "nodejs": "Node.js",
    "python": "Python",
    "rust": "Rust",
}


@pytest.fixture
def world() -> dict:
    track = Track.objects.create(slug="backend", name="Backend")
    middle = Level.objects.create(track=track, slug="middle", name="Middle", rank=2)
    senior = Level.objects.create(track=track, slug="senior", name="Senior", rank=3)
    skills = {slug: Skill.objects.create(slug=slug, name=name) for slug, name in LANGUAGES.items()}
    skills["sql"] = Skill.objects.create(slug="sql", name="SQL")
    skills["docker"] = Skill.objects.create(slug="docker", name="Docker")
    LevelRequirement.objects.create(level=senior, skill=skills["sql"], proficiency=3)
    LevelRequirement.objects.create(level=senior, skill=skills["docker"], proficiency=2)
    group = RequirementGroupFactory(
        level=senior,
        name="A main language",
        at_least=1,
        proficiency=3,
        skills=[skills[slug] for slug in LANGUAGES],
    )
    delivery = ThemeFactory(track=track, slug="delivery", name="Delivery", position=1)
    communication = ThemeFactory(
        track=track, slug="communication", name="Communication", position=2
    )
    criteria = [
        CompetencyFactory(
            level=senior,
            theme=delivery,
            criterion="Ships a feature end to end without close guidance.",
            examples="Led the billing export\nCut the release checklist",
            position=1,
        ),
        CompetencyFactory(
            level=senior,
            theme=delivery,
            criterion="Splits work so that others can pick it up.",
            position=2,
        ),
        CompetencyFactory(
            level=senior,
            theme=communication,
            criterion="Writes design notes the team can decide from.",
            position=1,
        ),
    ]
    return {
        "track": track,
        "middle": middle,
        "senior": senior,
        "skills": skills,
        "group": group,
        "criteria": criteria,
    }


def aim_at_senior(user, world) -> None:
    profile = profile_of(user)
    profile.track = world["track"]
    profile.current_level = world["middle"]
    profile.save()


def knows(user, world, **levels: int) -> None:
    for slug, proficiency in levels.items():
        SkillProgress.objects.create(
            user=user, skill=world["skills"][slug], status="done", proficiency=proficiency
        )


@pytest.fixture
def pythonista(owner, world):
    """Expert Python and nothing else, at middle, aiming at the next level (senior)."""
    aim_at_senior(owner, world)
    knows(owner, world, python=4)
    return owner


def text_of(response) -> str:
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


# The count ------------------------------------------------------------------------------


def test_expert_python_meets_the_language_group_once_and_nothing_else(pythonista, world):
    readiness = readiness_for(world["senior"], pythonista)
    assert (readiness.technical.met, readiness.technical.total) == (1, 3)
    assert (readiness.behaviour.met, readiness.behaviour.total) == (0, 3)
    assert (readiness.met, readiness.total, readiness.percent) == (1, 6, 17)


def test_every_language_at_practitioner_still_counts_the_group_once(owner, world):
    knows(owner, world, **dict.fromkeys(LANGUAGES, 3))
    readiness = readiness_for(world["senior"], owner)
    assert (readiness.technical.met, readiness.technical.total) == (1, 3)


def test_a_group_of_at_least_two_needs_two_at_its_minimum(owner, world):
    world["group"].at_least = 2
    world["group"].save()
    knows(owner, world, python=4, go=2)  # Go is below practitioner
    assert readiness_for(world["senior"], owner).technical.met == 0
    SkillProgress.objects.filter(user=owner, skill=world["skills"]["go"]).update(proficiency=3)
    assert readiness_for(world["senior"], owner).technical.met == 1


def test_behaviours_count_only_when_rated_met(pythonista, world):
    first, second, _third = world["criteria"]
    AssessmentFactory(user=pythonista, competency=first, rating="met")
    AssessmentFactory(user=pythonista, competency=second, rating="not_yet")
    AssessmentFactory(competency=world["criteria"][2], rating="met")  # someone else's
    readiness = readiness_for(world["senior"], pythonista)
    assert (readiness.behaviour.met, readiness.behaviour.total) == (1, 3)
    assert (readiness.met, readiness.total, readiness.percent) == (2, 6, 33)


def test_an_anonymous_visitor_meets_nothing(world, django_user_model):
    from django.contrib.auth.models import AnonymousUser

    level = levels_with_readiness(Level.objects.filter(pk=world["senior"].pk), AnonymousUser())
    level = level.get()
    assert (level.technical_met, level.technical_total) == (0, 3)
    assert (level.competencies_met, level.competencies_total) == (0, 3)


# Every gap named with what it needs -------------------------------------------------------


def test_the_pythonista_is_told_exactly_what_senior_still_needs(pythonista, world):
    gaps = standings([world["senior"]], pythonista)[world["senior"].pk].gaps()
    assert [gap.text for gap in gaps] == [
        "SQL at practitioner or better; you are at none",
        "Docker at working or better; you are at none",
        "Delivery: “Ships a feature end to end without close guidance.”; not assessed yet",
        "Delivery: “Splits work so that others can pick it up.”; not assessed yet",
        "Communication: “Writes design notes the team can decide from.”; not assessed yet",
    ]
    assert [gap.kind for gap in gaps] == [
        "skill",
        "skill",
        "competency",
        "competency",
        "competency",
    ]


def test_an_unmet_group_names_its_skills_and_my_best(owner, world):
    aim_at_senior(owner, world)
    knows(owner, world, python=2, go=1, sql=3)
    AssessmentFactory(user=owner, competency=world["criteria"][0], rating="not_yet")
    gaps = standings([world["senior"]], owner)[world["senior"].pk].gaps()
    assert [gap.text for gap in gaps] == [
        "Docker at working or better; you are at none",
        "A main language: one of C#, Go, Java, Node.js, Python, Rust at practitioner or "
        "better; your best is Python at working",
        "Delivery: “Ships a feature end to end without close guidance.”; not yet met",
        "Delivery: “Splits work so that others can pick it up.”; not assessed yet",
        "Communication: “Writes design notes the team can decide from.”; not assessed yet",
    ]
    group = gaps[1].data
    assert group["any_of"] == ["csharp", "go", "java", "nodejs", "python", "rust"]
    assert group["best"] == {"skill": "python", "mine": 2}
    assert group["have"] == []


def test_the_dashboard_shows_both_parts_and_every_gap(pythonista, owner_client, world):
    response = owner_client.get("/dashboard/")
    ctx = response.context
    assert (ctx["target"].level.slug, ctx["target"].percent) == ("senior", 17)
    text = text_of(response)
    assert "17% ready for Senior" in text
    assert "1 of 6 expectations met" in text
    assert "Skills 33% · behaviours 0%" in text
    assert "skills 1 of 3 (33%) · behaviours 0 of 3 (0%)" in text
    assert "SQL none practitioner" in text  # the missing-skills row: skill, mine, required
    assert "3 behaviours not yet met" in text
    assert "Writes design notes the team can decide from." in text
    assert "A main language" not in text  # met: no gap


def test_what_to_learn_next_offers_one_language_while_the_group_is_unmet(
    owner, owner_client, world
):
    aim_at_senior(owner, world)
    knows(owner, world, go=1, python=2)
    suggestions = owner_client.get("/dashboard/").context["suggestions"]
    offered = [s.skill.slug for s in suggestions]
    assert [slug for slug in offered if slug in LANGUAGES] == ["python"]  # my best, only
    assert set(offered) == {"python", "sql", "docker"}
    python = next(s for s in suggestions if s.skill.slug == "python")
    assert python.text == (
        "Counts toward “A main language”: Senior expects practitioner; you are at working."
    )

    python = SkillProgress.objects.get(user=owner, skill__slug="python")
    python.proficiency = 3
    python.save()
    suggestions = owner_client.get("/dashboard/").context["suggestions"]
    assert not {s.skill.slug for s in suggestions} & set(LANGUAGES)  # met: none offered


def test_the_compare_page_understands_groups_and_behaviours(pythonista, owner_client, world):
    response = owner_client.get("/dashboard/compare/", {"level": "backend/senior"})
    text = text_of(response)
    assert "17% ready for Senior (Backend)" in text
    assert "Skills: 1 of 3 (33%) · behaviours: 0 of 3 (0%)" in text
    assert "A main language one of C#, Go, Java, Node.js, Python, Rust at practitioner" in text
    assert "met with Python at expert" in text
    assert "Splits work so that others can pick it up. Not assessed" in text.replace(
        "not assessed", "Not assessed"
    )


# The level page and the self-assessment form ----------------------------------------------


def test_the_level_page_shows_groups_behaviours_and_what_changed(client, world):
    world["senior"].changes = "Owns **delivery** of whole features."
    world["senior"].save()
    response = client.get(SENIOR)
    html = response.content.decode()
    text = text_of(response)
    assert "<strong>delivery</strong>" in html  # Level.changes as Markdown
    assert "A main language: one of C#, Go, Java, Node.js, Python, Rust at practitioner" in text
    assert "Delivery Ships a feature end to end without close guidance." in text
    assert "Led the billing export" in text  # its examples
    assert "Communication Writes design notes" in text
    assert "Sign in to see where you stand" in text
    assert 'action="/careers/backend/senior/assess/"' not in html  # no form for visitors
    assert "you are at" not in text


def test_the_level_page_shows_my_standing_when_signed_in(pythonista, owner_client, world):
    AssessmentFactory(
        user=pythonista, competency=world["criteria"][0], rating="met", note="The export."
    )
    response = owner_client.get(SENIOR)
    text = text_of(response)
    assert "You are 33% ready for Senior · skills 1 of 3 · behaviours 1 of 3" in text
    assert "met with Python at expert" in text
    assert "missing: you are none" in text  # SQL and Docker rows
    assert "Your note: The export." in text
    assert "What you still need for Senior" in text
    assert "SQL at practitioner or better; you are at none" in text
    assert 'action="/careers/backend/senior/assess/"' in response.content.decode()


def test_assessing_saves_my_ratings_and_comes_back_with_a_message(pythonista, owner_client, world):
    first, second, third = world["criteria"]
    response = owner_client.post(
        ASSESS,
        {
            f"rating-{first.pk}": "met",
            f"note-{first.pk}": "  Shipped the export.\r\n",
            f"evidence_url-{first.pk}": "https://example.com/pr/1",
            f"rating-{second.pk}": "not_yet",
            f"note-{second.pk}": "",
            f"evidence_url-{second.pk}": "",
            f"rating-{third.pk}": "",
            f"note-{third.pk}": "",
            f"evidence_url-{third.pk}": "",
        },
        follow=True,
    )
    assert response.redirect_chain == [(f"{SENIOR}#assess-title", 302)]
    assert "Your self-assessment of Senior is saved: 2 criteria changed." in text_of(response)
    saved = CompetencyAssessment.objects.filter(user=pythonista).order_by("competency__position")
    assert sorted(saved.values_list("competency_id", "rating", "note", "evidence_url")) == sorted(
        [
            (first.pk, "met", "Shipped the export.", "https://example.com/pr/1"),
            (second.pk, "not_yet", "", ""),
        ]
    )
    assert "You are 33% ready for Senior" in text_of(response)  # the page is not stale

    # "Not assessed" removes an assessment; criteria left out keep theirs.
    owner_client.post(ASSESS, {f"rating-{second.pk}": ""})
    assert list(CompetencyAssessment.objects.values_list("competency_id", flat=True)) == [first.pk]


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        (
            "evidence_url",
            "javascript:alert(1)",
            "Enter a link that starts with http:// or https://.",
        ),
        (
            "evidence_url",
            "ftp://example.com/file",
            "Enter a link that starts with http:// or https://.",
        ),
        ("rating", "excellent", "Choose met, not yet, or not assessed."),
        ("note", "x" * 5001, "Ensure this value has at most 5000 characters (it has 5001)."),
    ],
)
def test_bad_input_is_shown_again_with_one_clear_error(
    pythonista, owner_client, world, field, value, error
):
    criterion = world["criteria"][0]
    data = {f"rating-{criterion.pk}": "met", f"{field}-{criterion.pk}": value}
    response = owner_client.post(ASSESS, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count(error) == 2  # in the summary at the top and by the field
    assert "Please correct this error:" in html
    if field != "rating":
        assert value[:50] in html  # what was typed is kept
    assert not CompetencyAssessment.objects.exists()


def test_a_note_without_a_rating_is_refused(pythonista, owner_client, world):
    criterion = world["criteria"][0]
    response = owner_client.post(
        ASSESS, {f"rating-{criterion.pk}": "", f"note-{criterion.pk}": "Kept where?"}
    )
    assert "Choose met or not yet to keep a note or a link with this criterion." in text_of(
        response
    )
    assert not CompetencyAssessment.objects.exists()


def test_an_empty_post_saves_nothing(pythonista, owner_client, world):
    response = owner_client.post(ASSESS, {})
    assert "Nothing to save: rate at least one criterion." in text_of(response)


def test_a_bare_host_is_taken_as_https(pythonista, owner_client, world):
    criterion = world["criteria"][0]
    owner_client.post(
        ASSESS,
        {f"rating-{criterion.pk}": "met", f"evidence_url-{criterion.pk}": "example.com/post"},
    )
    assert CompetencyAssessment.objects.get().evidence_url == "https://example.com/post"


def test_nobody_else_sees_or_changes_my_assessment(
    pythonista, owner_client, other_client, other_user, world
):
    criterion = world["criteria"][0]
    AssessmentFactory(user=pythonista, competency=criterion, rating="met", note="Mine-zq")
    assert "Mine-zq" in owner_client.get(SENIOR).content.decode()
    assert "Mine-zq" not in other_client.get(SENIOR).content.decode()
    other_client.post(ASSESS, {f"rating-{criterion.pk}": "not_yet"})
    assert CompetencyAssessment.objects.get(user=pythonista).rating == "met"
    assert CompetencyAssessment.objects.get(user=other_user).rating == "not_yet"


def test_assessing_an_unknown_level_is_404(owner_client, world):
    assert owner_client.post("/careers/backend/principal/assess/", {}).status_code == 404


def test_a_get_of_the_assess_url_is_not_allowed(owner_client, world):
    assert owner_client.get(ASSESS).status_code == 405


# The API -------------------------------------------------------------------------------


def test_my_readiness_through_the_api(pythonista, world):
    api, _, _ = token_client(pythonista)
    AssessmentFactory(user=pythonista, competency=world["criteria"][1], rating="not_yet")
    response = api.get(READINESS, {"level": "backend/senior"})
    assert response.status_code == 200
    body = response.json()
    assert body["level"] == "backend/senior"
    assert body["technical"] == {"met": 1, "total": 3, "percent": 33}
    assert body["behaviour"] == {"met": 0, "total": 3, "percent": 0}
    assert body["overall"] == {"met": 1, "total": 6, "percent": 17}
    assert body["gaps"][0] == {
        "kind": "skill",
        "text": "SQL at practitioner or better; you are at none",
        "skill": "sql",
        "name": "SQL",
        "mine": 0,
        "required": 3,
    }
    assert [(g["kind"], g.get("rating")) for g in body["gaps"][2:]] == [
        ("competency", None),
        ("competency", "not_yet"),
        ("competency", None),
    ]
    assert body["gaps"][3]["criterion"] == "Splits work so that others can pick it up."
    assert body["gaps"][3]["theme"] == "Delivery"


def test_the_api_names_an_unmet_group(owner, world):
    knows(owner, world, python=2)
    api, _, _ = token_client(owner)
    gaps = api.get(READINESS, {"level": "backend/senior"}).json()["gaps"]
    group = next(g for g in gaps if g["kind"] == "group")
    assert group == {
        "kind": "group",
        "text": "A main language: one of C#, Go, Java, Node.js, Python, Rust at practitioner "
        "or better; your best is Python at working",
        "name": "A main language",
        "any_of": ["csharp", "go", "java", "nodejs", "python", "rust"],
        "at_least": 1,
        "proficiency": 3,
        "have": [],
        "best": {"skill": "python", "mine": 2},
    }


def test_without_a_level_the_api_answers_for_my_next_level(pythonista, world):
    api, _, _ = token_client(pythonista)
    assert api.get(READINESS).json()["level"] == "backend/senior"
    profile = profile_of(pythonista)
    profile.target_level = world["middle"]
    profile.save()
    assert api.get(READINESS).json()["level"] == "backend/middle"


def test_without_a_level_or_a_profile_level_the_api_says_what_to_give(owner, world):
    api, _, _ = token_client(owner)
    response = api.get(READINESS)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "level"
    assert response.json()["errors"][0]["location"] == "query"


@pytest.mark.parametrize(
    ("level", "status"),
    [("backend/principal", 404), ("nowhere/senior", 404), ("backend", 422), ("a/b/c", 422)],
)
def test_a_bad_or_unknown_level_is_a_json_error(owner, world, level, status):
    api, _, _ = token_client(owner)
    response = api.get(READINESS, {"level": level})
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"]


def test_the_api_needs_a_token_or_a_session(client, world):
    assert client.get(READINESS, {"level": "backend/senior"}).status_code == 401


def test_the_openapi_schema_describes_readiness(client):
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/me/readiness"]["get"]
    assert operation["parameters"][0]["name"] == "level"
    assert set(schema["components"]["schemas"]["ReadinessOut"]["properties"]) == {
        "level",
        "name",
        "technical",
        "behaviour",
        "overall",
        "gaps",
    }


# A constant number of queries, with 2 or 20 criteria and groups ---------------------------


def grow(world, count: int) -> None:
    """`count` more groups (three skills each, two needed) and `count` more criteria on
    senior."""
    theme = ThemeFactory(track=world["track"])
    for _n in range(count):
        skills = [SkillFactory(), SkillFactory(), SkillFactory()]
        RequirementGroupFactory(level=world["senior"], at_least=2, skills=skills)
        CompetencyFactory(level=world["senior"], theme=theme)


def counts(client) -> dict[str, int]:
    found = {}
    for url in (SENIOR, "/dashboard/", "/dashboard/compare/?level=backend/senior"):
        cache.clear()  # salary statistics and the session are cached: count them each time
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        found[url] = len(queries)
    return found


@pytest.mark.parametrize("count", [2, 20])
def test_pages_and_api_run_a_constant_number_of_queries(
    pythonista, owner_client, world, count, settings, django_assert_max_num_queries
):
    settings.PAGE_CACHE = False
    grow(world, count)
    for competency in world["senior"].competencies.all()[: count // 2]:
        AssessmentFactory(user=pythonista, competency=competency, rating="met")
    for group in world["senior"].groups.all()[: count // 2]:
        for skill in group.skills.all():
            SkillProgress.objects.get_or_create(
                user=pythonista, skill=skill, defaults={"proficiency": 3}
            )
    # The level page: 16, plus the U.S. market figures of the track (salaries.market); the
    # dashboard: 17, plus my goals (dashboard.plan).
    limits = {SENIOR: 17, "/dashboard/": 18, "/dashboard/compare/?level=backend/senior": 12}
    for url, limit in limits.items():
        cache.clear()
        with django_assert_max_num_queries(limit):
            assert owner_client.get(url).status_code == 200
    api, _, _ = token_client(pythonista)
    with django_assert_max_num_queries(12):
        body = api.get(READINESS, {"level": "backend/senior"}).json()
    assert body["technical"]["total"] == 3 + count
    assert body["behaviour"]["total"] == 3 + count


def test_query_counts_do_not_grow_from_2_to_20(pythonista, owner_client, world, settings):
    settings.PAGE_CACHE = False
    grow(world, 2)
    small = counts(owner_client)
    grow(world, 18)
    assert counts(owner_client) == small


# The shared profile --------------------------------------------------------------------


def test_the_shared_profile_counts_the_group_but_not_my_private_assessments(
    client, pythonista, world
):
    profile = profile_of(pythonista)
    profile.visibility = "public"
    profile.target_level = world["senior"]
    profile.save()
    AssessmentFactory(
        user=pythonista, competency=world["criteria"][0], rating="met", note="Private-zq"
    )
    body = client.get(f"/u/{profile.handle}/").content.decode()
    assert "33% ready: 1 of 3 skills at the expected level" in body  # the group, once
    assert "Private-zq" not in body


def test_my_export_carries_my_assessments_and_nobody_elses(pythonista, owner_client, world):
    AssessmentFactory(
        user=pythonista,
        competency=world["criteria"][0],
        rating="met",
        note="The export.",
        evidence_url="https://example.com/pr/1",
    )
    AssessmentFactory(competency=world["criteria"][1], rating="met", note="Someone else's")
    data = owner_client.get("/me/export/").json()
    assert [{k: v for k, v in row.items() if k != "updated_at"} for row in data["assessments"]] == [
        {
            "level": "backend/senior",
            "theme": "Delivery",
            "criterion": "Ships a feature end to end without close guidance.",
            "rating": "met",
            "note": "The export.",
            "evidence_url": "https://example.com/pr/1",
        }
    ]


def test_the_level_page_answers_with_all_three_kinds_of_expectation(client, world):
    text = text_of(client.get(SENIOR))
    assert re.search(
        r"Expects 2 skills ?, 2 of them new since Middle ?; 1 skill group; 3 behaviours\.", text
    )


def test_a_skill_in_a_group_is_listed_as_expected_by_that_level(client, world):
    text = text_of(client.get("/skills/python/"))
    assert "No career level lists this skill yet." not in text
    assert "Backend Senior" in text
    assert "or another of “A main language”" in text

    world["group"].at_least = 2
    world["group"].save()
    assert "as one of 2 from “A main language”" in text_of(client.get("/skills/python/"))


def test_assessing_a_level_without_criteria_says_so(owner_client, world):
    response = owner_client.post(
        "/careers/backend/middle/assess/", {"rating-1": "met"}, follow=True
    )
    assert response.redirect_chain == [("/careers/backend/middle/", 302)]
    assert "This level lists no behaviour criteria to assess." in text_of(response)
    assert not CompetencyAssessment.objects.exists()


def test_a_group_of_two_suggests_the_two_closest_skills_it_still_needs(owner, world):
    world["group"].at_least = 2
    world["group"].save()
    knows(owner, world, rust=1, go=2, java=3)  # Java is there; one more is needed
    needs = standings([world["senior"]], owner)[world["senior"].pk].needs()
    picks = [(n.skill.slug, n.mine) for n in needs if hasattr(n, "group")]
    assert picks == [("go", 2)]  # the closest of the rest, and only as many as missing


def test_an_unpublished_tracks_level_is_404_except_to_staff(
    client, owner_client, staff_client, owner, world
):
    Track.objects.filter(pk=world["track"].pk).update(published=False)
    bump(CONTENT)  # update() sends no signal
    criterion = world["criteria"][0]
    assert client.get(SENIOR).status_code == 404
    assert owner_client.get(SENIOR).status_code == 404
    assert owner_client.post(ASSESS, {f"rating-{criterion.pk}": "met"}).status_code == 404
    assert not CompetencyAssessment.objects.exists()
    api, _, _ = token_client(owner)
    assert api.get(READINESS, {"level": "backend/senior"}).status_code == 404
    assert staff_client.get(SENIOR).status_code == 200


def test_our_backend_ladder_counts_expert_python_once_toward_senior(db):
    """On the demo content (careers/demo): the main-language group is met, once, by
    Python; every other expectation of senior is a gap, its criteria included."""
    from careers.demo import load as load_tracks
    from skills.demo import load as load_roadmaps

    load_roadmaps()
    load_tracks()
    person = UserFactory()
    SkillProgress.objects.create(
        user=person, skill=Skill.objects.get(slug="python"), status="done", proficiency=4
    )
    senior = Level.objects.get(track__slug="backend", slug="senior")
    readiness = readiness_for(senior, person)
    standing = standings([senior], person)[senior.pk]
    language = next(g for g in standing.groups if "language" in g.group.name.lower())
    assert language.is_met and [m.skill.slug for m in language.have] == ["python"]
    assert readiness.technical.met == 1
    assert readiness.behaviour.total == senior.competencies.count() > 0
    gaps = standing.gaps()
    assert len(gaps) == readiness.missing
    assert not any(g.kind == "group" and g.data["name"] == language.group.name for g in gaps)
    assert sum(g.kind == "competency" for g in gaps) == readiness.behaviour.total
