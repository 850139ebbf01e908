"""Tracking skills: POST /track/<slug>/ and a roadmap's one form (/roadmaps/<slug>/track/),
by plain form and by htmx; events; the roadmap page's rows and section editor."""

import re
from html.parser import HTMLParser
from urllib.parse import urlencode

import pytest
from django.test import Client

from skills.models import Skill
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


# htmx on /track/<skill>/ -------------------------------------------------------------


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


def test_a_section_past_a_thousand_is_read_plainly(owner_client, owner, roadmap):
    """A section named by a number with thousands (a regression: id 1,199 once came back
    as no section and the row lost its name)."""
    section = SectionFactory(id=12345, roadmap=roadmap, slug="later", title="Later", position=3)
    PlacementFactory(section=section, skill=SkillFactory(slug="docker", name="Docker"))
    fields = {"status": "done", "section": "12345"}
    body = owner_client.post("/track/docker/", fields, **HTMX).content.decode()
    assert body.count('class="skill-row"') == 1
    assert 'id="skill-docker"' in body
    assert progress_of(owner, "docker").status == "done"


def test_htmx_with_a_section_that_does_not_hold_the_skill_gets_the_skill_form(
    owner_client, roadmap
):
    web = roadmap.sections.get(slug="web")
    response = owner_client.post("/track/python/", {"status": "done", "section": web.pk}, **HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'class="skill-row"' not in body
    assert 'id="track-skill"' in body and "Saved." in body


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
    with django_assert_max_num_queries(21):  # and the versions: the person's, content's
        response = owner_client.post(
            "/track/python/", {"status": "done", "section": basics.pk}, **HTMX
        )
    assert response.status_code == 200


# The roadmap page ------------------------------------------------------------------


class FormFields(HTMLParser):
    """The fields a browser submits with the roadmap's form (id "track"), in order:
    those inside it and those joined to it by the `form` attribute."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.fields: list[tuple[str, str]] = []
        self.in_form = False
        self.select: tuple[str, list[tuple[str, bool]]] | None = None
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = dict(attrs)
        if tag == "form" and a.get("id") == "track":
            self.in_form = True
        ours = self.in_form or a.get("form") == "track"
        if tag == "input" and ours and a.get("name"):
            self.fields.append((a["name"], a.get("value") or ""))
        elif tag == "select" and ours:
            self.select = (a["name"], [])
        elif tag == "option" and self.select:
            self.select[1].append((a["value"], "selected" in a))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.in_form = False
        elif tag == "select" and self.select:
            name, choices = self.select
            chosen = [value for value, selected in choices if selected] or [choices[0][0]]
            self.fields.append((name, chosen[0]))
            self.select = None


def edit_page(client, slug: str) -> tuple[str, list[tuple[str, str]]]:
    """The roadmap with the section of `slug` being edited, and its form's fields."""
    response = client.get(f"/roadmaps/backend/?edit={slug}")
    assert response.status_code == 200
    page = response.content.decode()
    return page, FormFields(page).fields


def choose(fields: list[tuple[str, str]], slug: str, **values: str) -> list[tuple[str, str]]:
    """The fields with a row's status or proficiency chosen, as a person would."""
    chosen, row = [], None
    for name, value in fields:
        if name == "skill":
            row = value
        if row == slug and name in values:
            value = values[name]
        chosen.append((name, value))
    return chosen


def submit(client, fields: list[tuple[str, str]], **extra):
    """POST the roadmap's form as a browser encodes it: every field, in order."""
    body = urlencode(fields)
    form = "application/x-www-form-urlencoded"
    return client.post("/roadmaps/backend/track/", body, content_type=form, **extra)


def row_of(page: str, slug: str) -> str:
    return re.search(rf'<li class="skill-row" id="skill-{slug}".*?</li>', page, re.S).group(0)


def test_roadmap_rows_show_each_status_as_a_chip_that_opens_its_section(
    owner_client, owner, roadmap
):
    ProgressFactory(
        user=owner, skill=Skill.objects.get(slug="git"), status="learning", proficiency=1
    )
    page = owner_client.get("/roadmaps/backend/").content.decode()
    git = row_of(page, "git")
    assert "Learning</a>" in git and 'class="chip chip-learning"' in git
    assert 'aria-label="Status of Git: Learning"' in git
    assert 'href="/roadmaps/backend/?edit=git"' in git
    assert 'class="skill-level level-1">aware<' in git
    assert "Not started</a>" in row_of(page, "python")
    assert "skill-level" not in row_of(page, "python")  # proficiency none: nothing shown
    assert 'name="status"' not in page  # no controls until a section is edited
    assert "Skipped skills are not counted" in page
    assert 'id="section-progress-basics"' in page and 'id="roadmap-progress"' in page


def test_editing_a_section_gives_its_rows_labelled_controls_with_the_contract_names(
    owner_client, owner, roadmap
):
    ProgressFactory(
        user=owner, skill=Skill.objects.get(slug="git"), status="learning", proficiency=1
    )
    page, fields = edit_page(owner_client, "git")
    # Basics (python, git, sql) is edited; Web (http) is not.
    assert [value for name, value in fields if name == "skill"] == ["python", "git", "sql"]
    assert page.count('name="status"') == 3 and page.count('name="proficiency"') == 3
    assert 'name="status"' not in row_of(page, "http")
    for value in ("not_started", "learning", "done", "skipped"):
        assert f'<option value="{value}"' in page
    for value, label in enumerate(["none", "aware", "working", "practitioner", "expert"]):
        assert f'<option value="{value}">{value} · {label}</option>' in page or (
            f'<option value="{value}" selected>{value} · {label}</option>' in page
        )
    git = row_of(page, "git")
    assert 'aria-label="Status of Git"' in git and 'aria-label="Proficiency in Git"' in git
    assert '<option value="learning" selected>' in git and '<option value="1" selected>' in git
    assert "autofocus" in git  # the row whose status was chosen
    assert "autofocus" not in row_of(page, "python")
    # Without JavaScript, Save posts the form; with htmx a change posts its row.
    # The form's, sign-out's and the footer language switch's.
    assert page.count("csrfmiddlewaretoken") == 3
    assert '<noscript><p class="form-actions"><button' in page
    assert 'hx-post="/roadmaps/backend/track/"' in git


def test_a_row_is_the_same_for_everyone_in_its_state(owner_client, other_client, roadmap):
    """A row depends on the content and its state only: no token or per-request value."""
    mine = owner_client.get("/roadmaps/backend/?edit=git").content.decode()
    theirs = other_client.get("/roadmaps/backend/?edit=git").content.decode()
    for slug in ("python", "git", "http"):
        assert row_of(mine, slug) == row_of(theirs, slug)
        assert "csrf" not in row_of(mine, slug).lower()


def test_no_javascript_saves_the_changed_rows_and_comes_back(owner_client, owner, roadmap):
    ProgressFactory(user=owner, skill=Skill.objects.get(slug="sql"), status="done", proficiency=2)
    _page, fields = edit_page(owner_client, "python")
    fields = choose(fields, "python", status="done", proficiency="3")
    fields = choose(fields, "git", status="learning")
    response = submit(owner_client, fields)
    assert response.status_code == 302
    assert response["Location"] == "/roadmaps/backend/#skill-python"
    saved = dict(SkillProgress.objects.filter(user=owner).values_list("skill__slug", "status"))
    assert saved == {"python": "done", "git": "learning", "sql": "done"}
    assert progress_of(owner, "python").proficiency == 3
    assert ProgressEvent.objects.filter(user=owner).count() == 2  # sql was unchanged
    page = owner_client.get(response["Location"]).content.decode()
    assert "Saved 2 changes: Python, Git." in page
    assert 'class="chip chip-done"' in row_of(page, "python")


def test_no_javascript_save_without_changes_says_so(owner_client, owner, roadmap):
    _page, fields = edit_page(owner_client, "python")
    response = submit(owner_client, fields, follow=True)
    assert "Nothing to save" in response.content.decode()
    assert not SkillProgress.objects.filter(user=owner).exists()


def test_a_refused_row_comes_back_with_its_error_and_the_others_are_saved(
    owner_client, owner, roadmap
):
    _page, fields = edit_page(owner_client, "python")
    fields = choose(fields, "python", status="finished")
    fields = choose(fields, "git", status="done", proficiency="2")
    response = submit(owner_client, fields)
    assert response.status_code == 200
    page = response.content.decode()
    assert "This skill was not saved:" in page and 'href="#skill-python">Python<' in page
    python = row_of(page, "python")
    assert 'aria-invalid="true"' in python and "Select a valid choice" in python
    assert '<option value="done" selected>' in row_of(page, "git")  # saved, shown
    assert "Saved: Git is done, proficiency working." in page
    assert progress_of(owner, "git").status == "done"
    assert progress_of(owner, "python") is None
    # The page shown is a working form again: saving it keeps Git, Python still refused.
    assert ("skill", "python") in FormFields(page).fields


def test_a_row_changed_elsewhere_after_the_page_was_built_is_not_undone(
    owner_client, owner, roadmap
):
    _page, fields = edit_page(owner_client, "python")  # python: not started, on this page
    SkillProgress.objects.record(owner, Skill.objects.get(slug="python"), {"status": "done"})
    response = submit(owner_client, choose(fields, "git", status="learning"))
    assert response.status_code == 200
    python = row_of(response.content.decode(), "python")
    assert "Changed elsewhere after this page was loaded: it is now done" in python
    assert '<option value="done" selected>' in python  # shown as it is now
    assert progress_of(owner, "python").status == "done"  # not put back
    assert progress_of(owner, "git").status == "learning"


@pytest.mark.parametrize(
    "data",
    [
        {"skill": ["python", "git"], "status": ["done"], "proficiency": ["1", "2"]},
        {"skill": ["python", "python"], "status": ["done", "done"], "proficiency": ["1", "2"]},
    ],
)
def test_a_form_whose_rows_do_not_line_up_saves_nothing(owner_client, owner, roadmap, data):
    response = owner_client.post("/roadmaps/backend/track/", data, follow=True)
    assert "Nothing was saved: the form was incomplete" in response.content.decode()
    assert not SkillProgress.objects.filter(user=owner).exists()


def test_a_skill_no_longer_on_the_roadmap_is_reported_not_saved(owner_client, owner, roadmap):
    data = {"skill": ["python", "cobol"], "status": ["done", "done"], "proficiency": ["0", "0"]}
    response = owner_client.post("/roadmaps/backend/track/", data, follow=True)
    assert "1 skill is no longer on this roadmap" in response.content.decode()
    assert list(SkillProgress.objects.filter(user=owner).values_list("skill__slug", flat=True)) == [
        "python"
    ]


def test_anonymous_cannot_save_a_roadmap_and_is_sent_to_sign_in(client, roadmap):
    data = {"skill": "python", "status": "done", "proficiency": "1"}
    response = client.post("/roadmaps/backend/track/", data)
    assert response["Location"] == "/accounts/login/?next=/roadmaps/backend/"
    response = client.post("/roadmaps/backend/track/", data, **HTMX)
    assert response.status_code == 401 and response["HX-Redirect"].startswith("/accounts/login/")
    response = client.get("/roadmaps/backend/?edit=python", **HTMX)
    assert response.status_code == 401
    assert not SkillProgress.objects.exists()


def test_a_draft_roadmap_cannot_be_saved_by_people_who_cannot_see_it(owner_client, owner, db):
    draft = RoadmapFactory(slug="draft", published=False)
    PlacementFactory(section=SectionFactory(roadmap=draft), skill=SkillFactory(slug="secret"))
    data = {"skill": "secret", "status": "done", "proficiency": "1"}
    assert owner_client.post("/roadmaps/draft/track/", data).status_code == 404
    assert not SkillProgress.objects.exists()


def test_the_roadmap_form_needs_its_csrf_token(owner, roadmap):
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    data = {"skill": "python", "status": "done", "proficiency": "1"}
    assert client.post("/roadmaps/backend/track/", data).status_code == 403
    assert not SkillProgress.objects.exists()


# htmx on the roadmap page -----------------------------------------------------------


def test_htmx_chip_gets_its_section_editing_in_place(owner_client, owner, roadmap):
    response = owner_client.get("/roadmaps/backend/?edit=git", **HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body and body.count("<details") == 1
    assert 'id="section-basics"' in body and body.count('name="status"') == 3
    assert response["HX-Retarget"] == "#section-basics"
    assert response["HX-Reswap"].startswith("outerHTML")
    assert response["HX-Push-Url"] == "false"
    assert "HX-Request" in response["Vary"]
    assert owner_client.get("/roadmaps/backend/?edit=cobol", **HTMX).status_code == 404
    assert "HX-Request" in owner_client.get("/roadmaps/backend/")["Vary"]


def test_htmx_saves_one_row_and_swaps_it_with_the_progress_bars(owner_client, owner, roadmap):
    row = {"skill": "sql", "status": "learning", "proficiency": "2"}
    response = owner_client.post("/roadmaps/backend/track/", row, **HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count('class="skill-row"') == 1 and 'id="skill-sql"' in body
    assert '<option value="learning" selected>' in body and 'hx-post="/roadmaps/' in body
    assert re.search(r'id="section-progress-basics" hx-swap-oob="true"', body)
    assert "0 of 3 done · 1 learning" in body
    assert re.search(r'id="roadmap-progress" hx-swap-oob="true"', body)
    assert "Saved: Sql is learning, proficiency working." in body
    assert list(SkillProgress.objects.filter(user=owner).values_list("skill__slug", flat=True)) == [
        "sql"
    ]


def test_htmx_refused_row_says_why_and_saves_nothing(owner_client, owner, roadmap):
    row = {"skill": "sql", "status": "learning", "proficiency": "9"}
    body = owner_client.post("/roadmaps/backend/track/", row, **HTMX).content.decode()
    assert 'aria-invalid="true"' in body and "Sql was not saved." in body
    assert not SkillProgress.objects.exists()


def test_htmx_posts_one_row_only(owner_client, owner, roadmap):
    rows = {"skill": ["sql", "git"], "status": ["done", "done"], "proficiency": ["0", "0"]}
    assert owner_client.post("/roadmaps/backend/track/", rows, **HTMX).status_code == 400
    unknown = {"skill": "cobol", "status": "done", "proficiency": "0"}
    assert owner_client.post("/roadmaps/backend/track/", unknown, **HTMX).status_code == 404
    assert not SkillProgress.objects.exists()


def test_roadmap_page_progress_excludes_skipped(owner_client, owner, roadmap):
    ProgressFactory(user=owner, skill=Skill.objects.get(slug="python"), status="done")
    ProgressFactory(user=owner, skill=Skill.objects.get(slug="git"), status="skipped")
    body = owner_client.get("/roadmaps/backend/").content.decode()
    section = body[body.index('id="section-progress-basics"') :]
    assert 'value="50"' in section[:400]  # 1 done of 2 counted
    assert "1 skipped" in section[:800]
    assert completion_percent(1, 3, 1) == 50
    assert completion_percent(0, 2, 2) == 0


def test_anonymous_sees_no_controls_but_an_invitation(client, roadmap):
    for url in ("/roadmaps/backend/", "/roadmaps/backend/?edit=python"):
        body = client.get(url).content.decode()
        assert 'name="status"' not in body and "chip" not in row_of(body, "python")
        assert "to mark each skill" in body
    skill_page = client.get("/skills/python/").content.decode()
    assert 'name="status"' not in skill_page
    assert "to track this skill" in skill_page


def test_another_persons_progress_never_shows(other_client, owner, roadmap):
    ProgressFactory(
        user=owner, skill=Skill.objects.get(slug="python"), status="done", notes="secret"
    )
    body = other_client.get("/roadmaps/backend/?edit=python").content.decode()
    assert '<option value="done" selected>' not in body
    assert "chip-done" not in other_client.get("/roadmaps/backend/").content.decode()
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
    assert 'class="chip chip-done"' in row_of(body, "git")
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
    # Issue 22: "Last changed 0 minutes ago" went stale in the cached page; a date does not.
    changed = SkillProgress.objects.get(user=owner, skill__slug="python").updated_at
    assert f'Last changed on <time datetime="{changed.isoformat()}">' in body
    assert "minutes ago" not in body


def grow_roadmap(roadmap, owner, count):
    section = SectionFactory(roadmap=roadmap)
    placements = [PlacementFactory(section=section) for _ in range(count)]
    for i, placement in enumerate(placements):
        SkillProgress.objects.record(
            owner, placement.skill, {"status": "done", "proficiency": i % 5}
        )
        if i:
            placement.skill.prerequisite_links.create(requires=placements[i - 1].skill)
    return section


def test_roadmap_page_query_count_does_not_grow_with_tracked_skills(
    owner_client, owner, roadmap, django_assert_max_num_queries
):
    grow_roadmap(roadmap, owner, 10)
    with django_assert_max_num_queries(20) as small:
        assert owner_client.get("/roadmaps/backend/").status_code == 200
    section = grow_roadmap(roadmap, owner, 290)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = owner_client.get("/roadmaps/backend/")
    assert response.status_code == 200
    assert response.content.decode().count('class="chip ') == 304
    # Editing a section of 290 skills, and saving it, take no more.
    editing = f"/roadmaps/backend/?edit={section.placements.first().skill.slug}"
    with django_assert_max_num_queries(len(small.captured_queries)):
        page = owner_client.get(editing).content.decode()
    assert page.count('name="status"') == 290
    fields = FormFields(page).fields
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert submit(owner_client, fields).status_code == 302


def test_skill_page_query_count_does_not_grow(
    owner_client, owner, roadmap, django_assert_max_num_queries
):
    grow_roadmap(roadmap, owner, 10)
    with django_assert_max_num_queries(20) as small:
        assert owner_client.get("/skills/python/").status_code == 200
    grow_roadmap(roadmap, owner, 200)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert owner_client.get("/skills/python/").status_code == 200


def test_htmx_row_of_a_draft_roadmap_is_not_shown_to_people_who_cannot_see_it(
    owner_client, owner, db
):
    draft = RoadmapFactory(slug="draft", published=False)
    section = SectionFactory(roadmap=draft, slug="hidden", title="Hidden part")
    PlacementFactory(section=section, skill=SkillFactory(slug="secret", name="Secret"))
    body = owner_client.post(
        "/track/secret/", {"status": "done", "section": section.pk}, **HTMX
    ).content.decode()
    assert 'class="skill-row"' not in body and "Hidden part" not in body
    assert 'id="track-skill"' in body  # the skill's own form instead


@pytest.mark.parametrize("link", ["javascript:alert(1)", "ftp://example.com/file", "not a link"])
def test_a_bad_evidence_link_is_explained_once(owner_client, roadmap, link):
    """Issue 22: `javascript:alert(1)` showed "Enter a valid URL." twice."""
    response = owner_client.post("/track/python/", {"evidence_url": link, "full": "1"})
    assert response.status_code == 200
    page = response.content.decode()
    summary = page.split('class="form-errors"', 1)[1].split("</div>", 1)[0]
    assert "Please correct this error:" in summary
    assert summary.count("Enter a valid URL.") == 1
