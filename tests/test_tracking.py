"""Tracking skills: POST /track/<slug>/ by plain form and by htmx, events, page controls."""

import re

import pytest
from django.test import Client

from tests.factories import (
    PlacementFactory,
    ProgressFactory,
    RoadmapFactory,
    SectionFactory,
    SkillFactory,
)
from tracking.models import ProgressEvent, SkillProgress, completion_percent

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def roadmap(db):
    roadmap = RoadmapFactory(slug="backend", title="Backend")
    basics = SectionFactory(roadmap=roadmap, slug="basics", title="Basics", position=1)
    web = SectionFactory(roadmap=roadmap, slug="web", title="Web", position=2)
    for slug in ("python", "git", "sql"):
        PlacementFactory(section=basics, skill=SkillFactory(slug=slug, name=slug.title()))
    PlacementFactory(section=web, skill=SkillFactory(slug="http", name="HTTP"))
    return roadmap


def progress_of(user, slug):
    return SkillProgress.objects.filter(user=user, skill__slug=slug).first()


# Plain POST ----------------------------------------------------------------------


def test_plain_post_saves_records_and_redirects_back_with_a_message(owner_client, owner, roadmap):
    response = owner_client.post(
        "/track/python/",
        {"status": "done", "proficiency": "3", "next": "/roadmaps/backend/#skill-python"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/roadmaps/backend/#skill-python"
    progress = progress_of(owner, "python")
    assert (progress.status, progress.proficiency) == ("done", 3)
    event = ProgressEvent.objects.get(user=owner)
    assert (event.from_status, event.to_status) == ("not_started", "done")
    assert (event.from_proficiency, event.to_proficiency) == (0, 3)
    page = owner_client.get(response["Location"]).content.decode()
    assert "Saved: Python is done, proficiency practitioner." in page


@pytest.mark.parametrize(
    "next_url", ["https://evil.example.com/", "//evil.example.com/x", "javascript:alert(1)", ""]
)
def test_next_outside_the_site_goes_to_the_skill_page(owner_client, roadmap, next_url):
    response = owner_client.post("/track/python/", {"status": "learning", "next": next_url})
    assert response.status_code == 302
    assert response["Location"] == "/skills/python/"


def test_every_change_is_an_event_and_no_change_is_none(owner_client, owner, roadmap):
    owner_client.post("/track/git/", {"status": "learning", "proficiency": "1"})
    owner_client.post("/track/git/", {"status": "learning", "proficiency": "1"})  # same again
    owner_client.post("/track/git/", {"proficiency": "2"})
    owner_client.post("/track/git/", {"status": "done"})
    owner_client.post("/track/git/", {"notes": "Rebased a lot."})  # notes are not progress
    events = list(
        ProgressEvent.objects.filter(user=owner)
        .order_by("created_at", "id")
        .values_list("from_status", "to_status", "from_proficiency", "to_proficiency")
    )
    assert events == [
        ("not_started", "learning", 0, 1),
        ("learning", "learning", 1, 2),
        ("learning", "done", 2, 2),
    ]
    progress = progress_of(owner, "git")
    assert progress.notes == "Rebased a lot."
    assert (progress.status, progress.proficiency) == ("done", 2)


def test_fields_left_out_keep_their_value(owner_client, owner, roadmap):
    owner_client.post(
        "/track/sql/",
        {
            "status": "learning",
            "proficiency": "2",
            "notes": "Window functions",
            "evidence_url": "https://example.com/sql",
        },
    )
    owner_client.post("/track/sql/", {"status": "done"})
    progress = progress_of(owner, "sql")
    assert progress.status == "done"
    assert progress.proficiency == 2
    assert progress.notes == "Window functions"
    assert progress.evidence_url == "https://example.com/sql"


@pytest.mark.parametrize(
    "data, field",
    [
        ({"status": "finished"}, "status"),
        ({"status": ""}, "status"),
        ({"proficiency": "7"}, "proficiency"),
        ({"proficiency": "-1"}, "proficiency"),
        ({"proficiency": "two"}, "proficiency"),
        ({"evidence_url": "javascript:alert(1)"}, "evidence_url"),
        ({"evidence_url": "not a link"}, "evidence_url"),
        ({"evidence_url": "ftp://example.com/file"}, "evidence_url"),
        ({"notes": "x" * 5001}, "notes"),
        ({}, None),
    ],
)
def test_bad_input_re_renders_with_errors_and_saves_nothing(
    owner_client, owner, roadmap, data, field
):
    response = owner_client.post("/track/python/", {**data, "next": "/roadmaps/backend/"})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'class="form-errors"' in body
    if field:
        assert f'id="id_{field}"' in body
        assert re.search(rf'<[^>]+aria-invalid="true"[^>]+id="id_{field}"', body) or re.search(
            rf'id="id_{field}"[^>]+aria-invalid="true"', body
        )
    assert 'value="/roadmaps/backend/"' in body  # the way back is kept
    assert not SkillProgress.objects.filter(user=owner).exists()
    assert not ProgressEvent.objects.filter(user=owner).exists()


def test_bad_evidence_link_keeps_the_notes_typed(owner_client, roadmap):
    response = owner_client.post(
        "/track/python/", {"notes": "My long notes", "evidence_url": "nope", "full": "1"}
    )
    assert response.status_code == 200
    assert "My long notes" in response.content.decode()


def test_evidence_link_without_scheme_gets_https(owner_client, owner, roadmap):
    owner_client.post("/track/python/", {"evidence_url": "github.com/ada/engine"})
    assert progress_of(owner, "python").evidence_url == "https://github.com/ada/engine"


def test_unknown_skill_is_404(owner_client, roadmap):
    assert owner_client.post("/track/cobol/", {"status": "done"}).status_code == 404


def test_get_is_not_allowed(owner_client, roadmap):
    assert owner_client.get("/track/python/").status_code == 405


def test_anonymous_is_sent_to_sign_in_and_nothing_is_saved(client, roadmap):
    response = client.post("/track/python/", {"status": "done", "next": "/roadmaps/backend/"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/roadmaps/backend/")
    response = client.post("/track/python/", {"status": "done"}, **HTMX)
    assert response.status_code == 401
    assert response["HX-Redirect"].startswith("/accounts/login/")
    assert not SkillProgress.objects.exists()


def test_csrf_is_required(owner, roadmap):
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    assert client.post("/track/python/", {"status": "done"}).status_code == 403
    assert not SkillProgress.objects.exists()


def test_each_person_changes_only_their_own_progress(owner_client, owner, other_user, roadmap):
    theirs = ProgressFactory(
        user=other_user, skill=roadmap.sections.first().placements.first().skill
    )
    owner_client.post(f"/track/{theirs.skill.slug}/", {"status": "skipped", "proficiency": "0"})
    theirs.refresh_from_db()
    assert (theirs.status, theirs.proficiency) == ("done", 2)
    assert progress_of(owner, theirs.skill.slug).status == "skipped"
    assert not ProgressEvent.objects.filter(user=other_user).exists()


# htmx -----------------------------------------------------------------------------


def test_htmx_gets_the_row_and_the_progress_bars_out_of_band(owner_client, owner, roadmap):
    basics = roadmap.sections.get(slug="basics")
    response = owner_client.post(
        "/track/python/",
        {"status": "done", "proficiency": "2", "section": basics.pk, "next": "/roadmaps/backend/"},
        **HTMX,
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body and "<main" not in body
    assert body.count('class="skill-row"') == 1
    assert 'id="skill-python"' in body
    assert re.search(r'<option value="done" selected>', body)
    assert re.search(r'<option value="2" selected>', body)
    # Basics: 1 of 3 done; the roadmap: 1 of 4.
    assert re.search(r'id="section-progress-basics" hx-swap-oob="true"', body)
    assert 'value="33"' in body
    assert re.search(r'id="roadmap-progress" hx-swap-oob="true"', body)
    assert 'value="25"' in body
    assert "Saved: Python is done" in body
    assert progress_of(owner, "python").status == "done"
    assert not list(response.wsgi_request._messages)  # no message left for the next page


def test_the_row_form_names_its_section_plainly_past_a_thousand(owner_client, owner, roadmap):
    """Numbers are shown with thousands separators; a section id in a form must not be
    (a regression: id 1,199 came back as no section and the row lost its name)."""
    section = SectionFactory(id=12345, roadmap=roadmap, slug="later", title="Later", position=3)
    PlacementFactory(section=section, skill=SkillFactory(slug="docker", name="Docker"))
    page = owner_client.get("/roadmaps/backend/").content.decode()
    form = re.search(r'<form[^>]*action="/track/docker/".*?</form>', page, re.S).group(0)
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form))
    assert fields["section"] == "12345"

    fields.update(status="done")
    body = owner_client.post("/track/docker/", fields, **HTMX).content.decode()
    assert body.count('class="skill-row"') == 1
    assert 'id="skill-docker"' in body
    assert progress_of(owner, "docker").status == "done"


def test_htmx_with_a_section_that_does_not_hold_the_skill_gets_the_controls_only(
    owner_client, roadmap
):
    web = roadmap.sections.get(slug="web")
    response = owner_client.post("/track/python/", {"status": "done", "section": web.pk}, **HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'class="skill-row"' not in body
    assert 'class="track-form"' in body


def test_htmx_bad_value_returns_the_row_with_an_error(owner_client, owner, roadmap):
    basics = roadmap.sections.get(slug="basics")
    response = owner_client.post(
        "/track/python/", {"status": "finished", "section": basics.pk}, **HTMX
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'aria-invalid="true"' in body
    assert "Select a valid choice" in body
    assert "was not saved" in body
    assert not SkillProgress.objects.filter(user=owner).exists()


def test_htmx_from_the_skill_page_gets_the_whole_form_back(owner_client, owner, roadmap):
    response = owner_client.post(
        "/track/python/",
        {"status": "learning", "proficiency": "1", "notes": "Decorators", "full": "1"},
        **HTMX,
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="track-skill"' in body
    assert "Decorators" in body
    assert "Saved." in body
    bad = owner_client.post("/track/python/", {"evidence_url": "nope", "full": "1"}, **HTMX)
    assert "Enter a valid URL" in bad.content.decode()
    assert progress_of(owner, "python").notes == "Decorators"


def test_htmx_answer_runs_a_fixed_number_of_queries(
    owner_client, owner, roadmap, django_assert_max_num_queries
):
    basics = roadmap.sections.get(slug="basics")
    for i in range(50):
        skill = PlacementFactory(section=basics).skill
        SkillProgress.objects.record(owner, skill, {"status": "done"})
        if i % 5 == 0:
            PlacementFactory(section=basics, skill=SkillFactory()).skill.prerequisites.add(skill)
    python = basics.placements.get(skill__slug="python").skill
    for other in SkillProgress.objects.filter(user=owner)[:20]:
        python.prerequisite_links.get_or_create(requires=other.skill)
    with django_assert_max_num_queries(19):  # with the person's version, bumped and read
        response = owner_client.post(
            "/track/python/", {"status": "done", "section": basics.pk}, **HTMX
        )
    assert response.status_code == 200


# The roadmap and skill pages -------------------------------------------------------


def test_roadmap_page_has_labelled_controls_with_the_contract_names(owner_client, owner, roadmap):
    git = SkillFactory(slug="git")
    ProgressFactory(user=owner, skill=git, status="learning", proficiency=1)
    body = owner_client.get("/roadmaps/backend/").content.decode()
    for slug in ("python", "git", "sql", "http"):
        assert f'action="/track/{slug}/"' in body
    assert body.count('name="status"') == 4
    assert body.count('name="proficiency"') == 4
    for value in ("not_started", "learning", "done", "skipped"):
        assert f'<option value="{value}"' in body
    for value, label in enumerate(["none", "aware", "working", "practitioner", "expert"]):
        assert f'<option value="{value}"' in body and label in body
    # Every select has a label naming the skill.
    for select_id in re.findall(r'<select name="\w+" id="([^"]+)"', body):
        assert f'<label class="visually-hidden" for="{select_id}">' in body
    assert "Status of Git" in body and "Proficiency in Git" in body
    git_form = body[body.index('action="/track/git/"') :]
    git_form = git_form[: git_form.index("</form>")]
    assert '<option value="learning" selected>' in git_form
    assert '<option value="1" selected>' in git_form
    # Works without JavaScript: a Save button for no-script browsers, and htmx on change.
    assert "<noscript><button" in git_form
    assert 'hx-post="/track/git/"' in git_form
    assert "Skipped skills are not counted" in body
    assert 'id="section-progress-basics"' in body and 'id="roadmap-progress"' in body


def test_roadmap_page_progress_excludes_skipped(owner_client, owner, roadmap):
    Skill = SkillProgress.skill.field.related_model
    ProgressFactory(user=owner, skill=Skill.objects.get(slug="python"), status="done")
    ProgressFactory(user=owner, skill=Skill.objects.get(slug="git"), status="skipped")
    body = owner_client.get("/roadmaps/backend/").content.decode()
    section = body[body.index('id="section-progress-basics"') :]
    assert 'value="50"' in section[:400]  # 1 done of 2 counted
    assert "1 skipped" in section[:800]
    assert completion_percent(1, 3, 1) == 50
    assert completion_percent(0, 2, 2) == 0


def test_anonymous_sees_no_controls_but_an_invitation(client, roadmap):
    body = client.get("/roadmaps/backend/").content.decode()
    assert 'name="status"' not in body
    assert "to mark each skill" in body
    skill_page = client.get("/skills/python/").content.decode()
    assert 'name="status"' not in skill_page
    assert "to track this skill" in skill_page


def test_another_persons_progress_never_shows(other_client, owner, roadmap):
    Skill = SkillProgress.skill.field.related_model
    ProgressFactory(
        user=owner, skill=Skill.objects.get(slug="python"), status="done", notes="secret"
    )
    body = other_client.get("/roadmaps/backend/").content.decode()
    assert '<option value="done" selected>' not in body
    skill_page = other_client.get("/skills/python/").content.decode()
    assert "secret" not in skill_page
    assert '<option value="done" selected>' not in skill_page


def test_progress_counts_in_every_roadmap_that_has_the_skill(owner_client, owner, roadmap):
    other = RoadmapFactory(slug="devops", title="DevOps")
    PlacementFactory(
        section=SectionFactory(roadmap=other, slug="tools"), skill=SkillFactory(slug="git")
    )
    owner_client.post("/track/git/", {"status": "done"})
    body = owner_client.get("/roadmaps/devops/").content.decode()
    git_form = body[body.index('action="/track/git/"') :]
    assert '<option value="done" selected>' in git_form[: git_form.index("</form>")]
    assert 'value="100"' in body


def test_skill_page_has_the_full_form(owner_client, owner, roadmap):
    owner_client.post(
        "/track/python/",
        {
            "status": "learning",
            "proficiency": "2",
            "notes": "Async",
            "evidence_url": "https://e.org/x",
        },
    )
    body = owner_client.get("/skills/python/").content.decode()
    assert 'id="track-skill"' in body
    assert "Async" in body and "https://e.org/x" in body
    assert '<label for="id_notes">' in body and '<label for="id_evidence_url">' in body


def grow_roadmap(roadmap, owner, count):
    section = SectionFactory(roadmap=roadmap)
    placements = [PlacementFactory(section=section) for _ in range(count)]
    for i, placement in enumerate(placements):
        SkillProgress.objects.record(
            owner, placement.skill, {"status": "done", "proficiency": i % 5}
        )
        if i:
            placement.skill.prerequisite_links.create(requires=placements[i - 1].skill)


def test_roadmap_page_query_count_does_not_grow_with_tracked_skills(
    owner_client, owner, roadmap, django_assert_max_num_queries
):
    grow_roadmap(roadmap, owner, 10)
    with django_assert_max_num_queries(20) as small:
        assert owner_client.get("/roadmaps/backend/").status_code == 200
    grow_roadmap(roadmap, owner, 290)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = owner_client.get("/roadmaps/backend/")
    assert response.status_code == 200
    assert response.content.decode().count('name="status"') == 304


def test_skill_page_query_count_does_not_grow(
    owner_client, owner, roadmap, django_assert_max_num_queries
):
    grow_roadmap(roadmap, owner, 10)
    with django_assert_max_num_queries(20) as small:
        assert owner_client.get("/skills/python/").status_code == 200
    grow_roadmap(roadmap, owner, 200)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert owner_client.get("/skills/python/").status_code == 200
