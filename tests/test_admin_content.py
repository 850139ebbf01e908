"""Admin curation of roadmaps, skills and tracks: access, inlines, ordering, import/export."""

import json
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from careers.models import Level, Transition
from skills.models import Prerequisite, Roadmap, Section, SkillPlacement
from skills.roadmap_io import dumps, export_roadmap
from tests.content_data import build_content, clear_content
from tests.factories import (
    LevelFactory,
    PlacementFactory,
    RoadmapFactory,
    SectionFactory,
    SkillFactory,
    TrackFactory,
    UserFactory,
)
from tests.test_roadmap_import_export import small_roadmap

pytestmark = pytest.mark.django_db

MODELS = [
    "skills/roadmap",
    "skills/section",
    "skills/skill",
    "skills/prerequisite",
    "skills/skillplacement",
    "skills/resource",
    "careers/track",
    "careers/level",
    "careers/levelrequirement",
    "careers/transition",
]


class FormReader(HTMLParser):
    """What a browser would submit from a page's form: every field with its value."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, str] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "file"):
            if a.get("type") == "checkbox":
                if "checked" in a:
                    self.data[name] = a.get("value") or "on"
            else:
                self.data[name] = a.get("value") or ""
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in a:
            self.data[self._select] = a.get("value") or ""
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea] += data.removeprefix("\n")


def form_of(client: Client, url: str) -> dict[str, str]:
    response = client.get(url)
    assert response.status_code == 200
    reader = FormReader()
    reader.feed(response.content.decode())
    data = {k: v for k, v in reader.data.items() if "__prefix__" not in k}
    data.pop("csrfmiddlewaretoken", None)
    return data


def row_index(data: dict[str, str], prefix: str, field: str, value) -> int:
    """The inline row whose `field` has `value`."""
    total = int(data[f"{prefix}-TOTAL_FORMS"])
    for i in range(total):
        if data.get(f"{prefix}-{i}-{field}") == str(value):
            return i
    raise AssertionError(f"no {prefix} row with {field}={value}")


# Who may use it -------------------------------------------------------------------------


@pytest.fixture
def some_content():
    return build_content(12)


def test_every_content_admin_page_renders_for_staff(staff_client, some_content):
    roadmap = some_content.roadmap
    ids = {
        "skills/roadmap": roadmap.pk,
        "skills/section": Section.objects.first().pk,
        "skills/skill": some_content.skills[3].pk,
        "skills/prerequisite": Prerequisite.objects.first().pk,
        "skills/skillplacement": SkillPlacement.objects.first().pk,
        "skills/resource": some_content.skills[3].resources.first().pk,
        "careers/track": some_content.track.pk,
        "careers/level": some_content.levels[1].pk,
        "careers/levelrequirement": some_content.levels[1].requirements.first().pk,
        "careers/transition": Transition.objects.first().pk,
    }
    for model in MODELS:
        for url in (
            f"/admin/{model}/",
            f"/admin/{model}/add/",
            f"/admin/{model}/{ids[model]}/change/",
            f"/admin/{model}/?q=grown",
        ):
            assert staff_client.get(url).status_code == 200, url
    assert staff_client.get("/admin/skills/roadmap/import/").status_code == 200


def test_content_admin_refuses_people_who_are_not_staff(client, owner_client, some_content):
    for model in MODELS:
        for c in (client, owner_client):
            response = c.get(f"/admin/{model}/")
            assert response.status_code == 302
            assert response.url.startswith("/admin/login/")
    for url in (
        "/admin/skills/roadmap/import/",
        f"/admin/skills/roadmap/{some_content.roadmap.pk}/export/",
    ):
        assert owner_client.get(url).status_code == 302


def test_staff_without_permissions_get_403(some_content):
    clerk = UserFactory(username="clerk", is_staff=True)
    c = Client()
    c.force_login(clerk)
    assert c.get("/admin/skills/roadmap/").status_code == 403
    assert c.get("/admin/skills/roadmap/import/").status_code == 403
    assert c.get(f"/admin/skills/roadmap/{some_content.roadmap.pk}/export/").status_code == 403
    clerk.user_permissions.add(Permission.objects.get(codename="view_roadmap"))
    c.force_login(clerk)
    assert c.get(f"/admin/skills/roadmap/{some_content.roadmap.pk}/export/").status_code == 200
    assert c.get("/admin/skills/roadmap/import/").status_code == 403  # needs add + change


def test_changelists_show_counts_and_run_constant_queries(staff_client):
    def measure():
        counts = {}
        for url in ("/admin/skills/roadmap/", "/admin/skills/skill/", "/admin/careers/level/",
                    "/admin/skills/section/", "/admin/careers/track/"):  # fmt: skip
            with CaptureQueriesContext(connection) as queries:
                assert staff_client.get(url).status_code == 200
            counts[url] = len(queries)
        return counts

    build_content(10)
    staff_client.get("/admin/")  # the first request loads the signed-in user into the cache
    small = measure()
    clear_content()
    build_content(300)
    assert measure() == small
    html = staff_client.get("/admin/skills/roadmap/").content.decode()
    assert '<td class="field-section_count">10</td>' in html
    assert '<td class="field-skill_count">300</td>' in html
    html = staff_client.get("/admin/skills/skill/?q=grown-5").content.decode()
    assert '<td class="field-prerequisite_count">2</td>' in html
    assert '<td class="field-resource_count">2</td>' in html


def test_skill_autocomplete_answers_staff(staff_client, some_content):
    response = staff_client.get(
        "/admin/autocomplete/",
        {"app_label": "skills", "model_name": "skillplacement", "field_name": "skill",
         "term": "Grown skill 01"},
    )  # fmt: skip
    assert response.status_code == 200
    names = [r["text"] for r in response.json()["results"]]
    assert "Grown skill 010" in names


def test_roadmap_change_page_links_to_preview_and_export(staff_client):
    roadmap = RoadmapFactory(slug="draft", published=False)
    html = staff_client.get(f"/admin/skills/roadmap/{roadmap.pk}/change/").content.decode()
    assert 'href="/roadmaps/draft/">Preview the public page' in html
    assert f'href="/admin/skills/roadmap/{roadmap.pk}/export/">Export JSON' in html
    assert staff_client.get("/roadmaps/draft/").status_code == 200


# Ordering numbers in inlines ------------------------------------------------------------


@pytest.fixture
def section_of_three():
    section = SectionFactory(roadmap=RoadmapFactory(slug="r"), slug="s", title="S", position=1)
    for n, name in enumerate(["Ant", "Bee", "Cat"], start=1):
        PlacementFactory(section=section, skill=SkillFactory(slug=name.lower(), name=name),
                         position=n)  # fmt: skip
    return section


def order_in(section: Section) -> list[str]:
    return [p.skill.name for p in section.placements.select_related("skill")]


def test_swapping_two_positions_in_an_inline_saves(staff_client, section_of_three):
    url = f"/admin/skills/section/{section_of_three.pk}/change/"
    data = form_of(staff_client, url)
    ant = row_index(data, "placements", "position", 1)
    cat = row_index(data, "placements", "position", 3)
    data[f"placements-{ant}-position"], data[f"placements-{cat}-position"] = "3", "1"
    response = staff_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert order_in(section_of_three) == ["Cat", "Bee", "Ant"]


def test_a_new_row_with_a_blank_position_goes_last(staff_client, section_of_three):
    SkillFactory(slug="dog", name="Dog")
    url = f"/admin/skills/section/{section_of_three.pk}/change/"
    data = form_of(staff_client, url)
    new = int(data["placements-INITIAL_FORMS"])
    data[f"placements-{new}-skill"] = str(SkillFactory(slug="dog").pk)
    data[f"placements-{new}-kind"] = "optional"
    data[f"placements-{new}-position"] = ""
    assert staff_client.post(url, data).status_code == 302
    assert order_in(section_of_three) == ["Ant", "Bee", "Cat", "Dog"]
    assert section_of_three.placements.get(skill__slug="dog").position == 4


def test_moving_onto_a_deleted_rows_position_saves(staff_client, section_of_three):
    url = f"/admin/skills/section/{section_of_three.pk}/change/"
    data = form_of(staff_client, url)
    ant = row_index(data, "placements", "position", 1)
    cat = row_index(data, "placements", "position", 3)
    data[f"placements-{ant}-DELETE"] = "on"
    data[f"placements-{cat}-position"] = "1"
    assert staff_client.post(url, data).status_code == 302
    assert order_in(section_of_three) == ["Cat", "Bee"]


def test_two_rows_with_one_position_are_refused_with_a_message(staff_client, section_of_three):
    url = f"/admin/skills/section/{section_of_three.pk}/change/"
    data = form_of(staff_client, url)
    cat = row_index(data, "placements", "position", 3)
    data[f"placements-{cat}-position"] = "2"
    response = staff_client.post(url, data)
    assert response.status_code == 200
    assert "Another row already has 2 here" in response.content.decode()
    assert order_in(section_of_three) == ["Ant", "Bee", "Cat"]


def test_a_skill_already_in_another_section_of_the_roadmap_is_refused(
    staff_client, section_of_three
):
    other = SectionFactory(roadmap=section_of_three.roadmap, slug="o", title="Other", position=2)
    url = f"/admin/skills/section/{other.pk}/change/"
    data = form_of(staff_client, url)
    data["placements-0-skill"] = str(SkillFactory(slug="ant").pk)
    data["placements-0-kind"] = "core"
    response = staff_client.post(url, data)
    assert response.status_code == 200
    assert "is already in the section “S” of this roadmap" in response.content.decode()
    assert not other.placements.exists()


def test_sections_of_a_roadmap_can_be_reordered(staff_client):
    roadmap = RoadmapFactory(slug="r2", title="R2")
    SectionFactory(roadmap=roadmap, slug="a", title="A", position=1)
    SectionFactory(roadmap=roadmap, slug="b", title="B", position=2)
    url = f"/admin/skills/roadmap/{roadmap.pk}/change/"
    data = form_of(staff_client, url)
    a = row_index(data, "sections", "slug", "a")
    b = row_index(data, "sections", "slug", "b")
    data[f"sections-{a}-position"], data[f"sections-{b}-position"] = "2", "1"
    assert staff_client.post(url, data).status_code == 302
    assert list(roadmap.sections.values_list("slug", flat=True)) == ["b", "a"]


def test_levels_of_a_track_can_be_reordered_by_rank(staff_client):
    track = TrackFactory(slug="t", name="T")
    LevelFactory(track=track, slug="one", name="One", rank=1)
    LevelFactory(track=track, slug="two", name="Two", rank=2)
    url = f"/admin/careers/track/{track.pk}/change/"
    data = form_of(staff_client, url)
    one = row_index(data, "levels", "slug", "one")
    two = row_index(data, "levels", "slug", "two")
    data[f"levels-{one}-rank"], data[f"levels-{two}-rank"] = "2", "1"
    assert staff_client.post(url, data).status_code == 302
    assert list(track.levels.values_list("slug", flat=True)) == ["two", "one"]


# Validation messages --------------------------------------------------------------------


def test_a_prerequisite_cycle_in_the_admin_is_refused_naming_the_cycle(staff_client):
    a, b = SkillFactory(slug="a", name="Alpha"), SkillFactory(slug="b", name="Beta")
    Prerequisite.objects.create(skill=b, requires=a)
    url = f"/admin/skills/skill/{a.pk}/change/"
    data = form_of(staff_client, url)
    data["prerequisite_links-0-requires"] = str(b.pk)
    response = staff_client.post(url, data)
    assert response.status_code == 200
    assert "would make a cycle (each needs the next): Alpha → Beta → Alpha" in (
        response.content.decode()
    )
    assert not Prerequisite.objects.filter(skill=a).exists()


def test_a_prerequisite_that_is_fine_is_saved_from_the_admin(staff_client):
    a, b = SkillFactory(slug="a", name="Alpha"), SkillFactory(slug="b", name="Beta")
    url = f"/admin/skills/skill/{b.pk}/change/"
    data = form_of(staff_client, url)
    data["prerequisite_links-0-requires"] = str(a.pk)
    assert staff_client.post(url, data).status_code == 302
    assert Prerequisite.objects.filter(skill=b, requires=a).exists()


def test_a_transition_to_the_same_level_is_refused_with_a_message(staff_client):
    level = LevelFactory(slug="x", name="X")
    url = f"/admin/careers/level/{level.pk}/change/"
    data = form_of(staff_client, url)
    data["transitions_out-0-to_level"] = str(level.pk)
    response = staff_client.post(url, data)
    assert response.status_code == 200
    assert "A level cannot lead to itself." in response.content.decode()
    assert not Transition.objects.exists()


def test_a_level_with_years_out_of_order_is_refused_with_a_message(staff_client):
    level = LevelFactory(slug="x", name="X", years_min=1, years_max=3)
    url = f"/admin/careers/level/{level.pk}/change/"
    data = form_of(staff_client, url)
    data["years_min"], data["years_max"] = "5", "2"
    response = staff_client.post(url, data)
    assert response.status_code == 200
    assert "must not be less than" in response.content.decode()
    level.refresh_from_db()
    assert level.years_min == 1


# Import and export from the admin -------------------------------------------------------


def upload(data: dict | bytes, name: str = "roadmap.json") -> SimpleUploadedFile:
    raw = data if isinstance(data, bytes) else json.dumps(data).encode()
    return SimpleUploadedFile(name, raw, content_type="application/json")


def test_admin_import_creates_the_roadmap_and_links_to_it(staff_client):
    response = staff_client.post("/admin/skills/roadmap/import/", {"file": upload(small_roadmap())})
    roadmap = Roadmap.objects.get(slug="backend")
    assert response.status_code == 302
    page = staff_client.get(response.url).content.decode()
    assert "Roadmap “backend” created: 2 sections, 4 skills" in page
    assert f'href="/admin/skills/roadmap/{roadmap.pk}/change/"' in page
    assert 'http-equiv="refresh"' not in page  # finished: the page stops reloading


def test_admin_import_lists_every_problem_and_writes_nothing(staff_client):
    data = small_roadmap()
    data["sections"][0]["skills"][0]["resources"][0]["url"] = "javascript:alert(1)"
    data["sections"][1]["skills"][0]["prerequisites"] = ["cobol"]
    response = staff_client.post(
        "/admin/skills/roadmap/import/", {"file": upload(data)}, follow=True
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "The file has 2 problems; nothing was imported." in html
    assert "<code>sections[0].skills[0].resources[0].url</code>" in html
    assert "<code>sections[1].skills[0].prerequisites[0]</code>" in html
    assert not Roadmap.objects.exists()


def test_admin_import_of_a_file_that_is_not_json_says_so(staff_client):
    response = staff_client.post("/admin/skills/roadmap/import/", {"file": upload(b"{nope")})
    assert response.status_code == 200
    assert "not valid JSON" in response.content.decode()
    response = staff_client.post("/admin/skills/roadmap/import/", {})
    assert "This field is required." in response.content.decode()


def test_admin_import_check_only_writes_nothing(staff_client):
    response = staff_client.post(
        "/admin/skills/roadmap/import/", {"file": upload(small_roadmap()), "dry_run": "on"}
    )
    assert response.status_code == 302
    assert not Roadmap.objects.exists()
    page = staff_client.get(response.url).content.decode()
    assert "The file is valid; nothing was written" in page


def test_admin_export_downloads_the_same_json_as_the_command(staff_client):
    staff_client.post("/admin/skills/roadmap/import/", {"file": upload(small_roadmap())})
    roadmap = Roadmap.objects.get()
    response = staff_client.get(f"/admin/skills/roadmap/{roadmap.pk}/export/")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="roadmap-backend.json"'
    assert response.content.decode() == dumps(export_roadmap(roadmap))
    assert json.loads(response.content) == small_roadmap()
    assert staff_client.get("/admin/skills/roadmap/999999/export/").status_code == 404


def test_admin_index_lists_the_content_models(staff_client):
    html = staff_client.get("/admin/").content.decode()
    assert "Roadmaps and skills" in html
    assert "Career tracks and levels" in html
    assert Level.objects.count() == 0


def test_staff_edit_effort_estimates_and_sections_to_choose_from(staff_client, some_content):
    skill = some_content.skills[3]
    section = Section.objects.first()
    skill_page = staff_client.get(f"/admin/skills/skill/{skill.pk}/change/").content.decode()
    assert 'name="effort_hours"' in skill_page
    assert "Effort (hours)" in skill_page
    section_page = staff_client.get(f"/admin/skills/section/{section.pk}/change/").content.decode()
    assert 'name="choose_at_least"' in section_page
    assert "Choose at least" in section_page
