"""Imported and copied tracks: their source and licence on the pages, the API's
competencies, groups and source, the admin's import form, inlines and "Copy track",
and unpublished tracks kept from people until staff publish them."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from careers.forks import copy_slug, copy_track
from careers.frameworks import import_framework
from careers.models import Competency, Level, RequirementGroup, Theme, Track
from tests.factories import LevelFactory, RequirementFactory, SkillFactory, TrackFactory

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parent / "data" / "frameworks"


@pytest.fixture
def imported() -> Track:
    import_framework((DATA / "ft-small.yml").read_bytes(), licence="CC-BY-4.0", source_version="v3")
    return Track.objects.get(slug="platform-engineering")


@pytest.fixture
def backend() -> Track:
    """Our own track with a language group, themes and competencies."""
    track = TrackFactory(slug="backend", name="Backend")
    senior = LevelFactory(track=track, slug="senior", name="Senior", rank=1)
    git, python, go = (SkillFactory(slug=s, name=s.title()) for s in ("git", "python", "go"))
    RequirementFactory(level=senior, skill=git, proficiency=3)
    group = RequirementGroup.objects.create(
        level=senior, name="A main language", at_least=1, proficiency=3
    )
    group.skills.set([python, go])
    delivery = Theme.objects.create(track=track, slug="delivery", name="Delivery", position=0)
    people = Theme.objects.create(track=track, slug="people", name="People", position=1)
    Competency.objects.create(level=senior, theme=people, criterion="Mentors two people.")
    Competency.objects.create(
        level=senior, theme=delivery, criterion="Plans a quarter.", examples="A\nB"
    )
    return track


# Pages -----------------------------------------------------------------------------------


def test_an_imported_track_shows_its_source_and_licence(client, imported):
    html = client.get("/careers/platform-engineering/").content.decode()
    assert "Source:" in html
    assert 'href="https://github.com/Financial-Times/engineering-progression"' in html
    assert "FT engineering progression</a> (v3)" in html
    assert 'href="https://spdx.org/licenses/CC-BY-4.0.html"' in html
    assert "Behaviours each level expects" in html
    assert "Shipping" in html and "3 criteria" in html
    assert "2 behaviours" in html  # platform-1's two criteria, in its ladder step
    assert "0+ years" not in html  # the framework gives no years
    assert "Each level in a sentence" not in html  # nor sentences
    assert 'Designs the release process other teams follow. <span class="muted">(Expert)' in html
    level = client.get("/careers/platform-engineering/platform-2/").content.decode()
    assert "Licence:" in level and "CC-BY-4.0" in level


def test_our_own_track_shows_no_source_line(client, backend):
    html = client.get("/careers/backend/").content.decode()
    assert "Source:" not in html and "Licence:" not in html


def test_an_unpublished_track_is_for_staff_only(client, owner_client, staff_client, backend):
    copy = copy_track(backend)
    assert copy.slug not in client.get("/careers/").content.decode()
    for who in (client, owner_client):
        assert who.get(f"/careers/{copy.slug}/").status_code == 404
        assert who.get(f"/api/v1/tracks/{copy.slug}/").status_code == 404
    assert copy.slug not in client.get("/api/v1/tracks/").content.decode()
    html = staff_client.get(f"/careers/{copy.slug}/").content.decode()
    assert "Not published" in html
    assert 'Copied from <a href="/careers/backend/">Backend</a>' in html


def test_a_person_picks_only_published_tracks_levels(owner_client, backend, imported):
    hidden = TrackFactory(slug="hidden", name="Hidden ladder", published=False)
    LevelFactory(track=hidden, slug="secret", name="Secret level", rank=1)
    html = owner_client.get("/profile/").content.decode()
    assert "Senior platform engineer" in html  # an imported, published track
    assert "Hidden ladder" not in html and "Secret level" not in html
    secret = Level.objects.get(slug="secret")
    response = owner_client.post(
        "/profile/", {"handle": "ada", "current_level": secret.pk, "visibility": "private"}
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


# API -------------------------------------------------------------------------------------


def test_the_api_gives_competencies_groups_and_source(client, backend, imported):
    body = client.get("/api/v1/tracks/backend/").json()
    assert body["source"] is None
    senior = body["levels"][0]
    assert senior["groups"] == [
        {"name": "A main language", "any_of": ["go", "python"], "at_least": 1, "proficiency": 3}
    ]
    assert senior["competencies"] == [
        {"theme": "Delivery", "criterion": "Plans a quarter."},
        {"theme": "People", "criterion": "Mentors two people."},
    ]
    body = client.get("/api/v1/tracks/platform-engineering/").json()
    assert body["source"] == {
        "name": "FT engineering progression",
        "url": "https://github.com/Financial-Times/engineering-progression",
        "licence": "CC-BY-4.0",
    }
    assert [len(level["competencies"]) for level in body["levels"]] == [2, 1, 2]


def test_the_track_api_runs_constant_queries_with_competencies_and_groups(
    client, backend, django_assert_max_num_queries
):
    senior = Level.objects.get(slug="senior")
    theme = Theme.objects.get(slug="delivery")
    for n in range(30):
        Competency.objects.create(level=senior, theme=theme, criterion=f"Criterion {n}.")
        group = RequirementGroup.objects.create(level=senior, name=f"Group {n}", position=n + 1)
        group.skills.set(senior.track.levels.get().skills.all())
    with django_assert_max_num_queries(6):
        body = client.get("/api/v1/tracks/backend/").json()
    assert len(body["levels"][0]["competencies"]) == 32


# Fork ------------------------------------------------------------------------------------


def test_copying_a_track_copies_everything_it_expects(backend, django_assert_max_num_queries):
    with django_assert_max_num_queries(19):  # the same for any size: bulk writes
        copy = copy_track(backend)
    assert (copy.slug, copy.name, copy.published, copy.forked_from) == (
        "backend-copy",
        "Backend (copy)",
        False,
        backend,
    )
    senior = copy.levels.get()
    assert senior.slug == "senior"
    assert list(senior.requirements.values_list("skill__slug", "proficiency")) == [("git", 3)]
    group = senior.groups.get()
    assert sorted(group.skills.values_list("slug", flat=True)) == ["go", "python"]
    assert list(copy.themes.values_list("slug", flat=True)) == ["delivery", "people"]
    assert {(c.theme.track_id, c.criterion) for c in senior.competencies.all()} == {
        (copy.pk, "Plans a quarter."),
        (copy.pk, "Mentors two people."),
    }
    assert copy_track(backend).slug == "backend-copy-2"
    assert Competency.objects.filter(level__track=backend).count() == 2  # the original intact


def test_copying_runs_the_same_queries_for_a_larger_track(backend):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        copy_track(backend)
    theme = Theme.objects.get(track=backend, slug="people")
    for rank in range(2, 12):
        level = LevelFactory(track=backend, slug=f"l{rank}", rank=rank)
        Competency.objects.create(level=level, theme=theme, criterion="More.")
        group = RequirementGroup.objects.create(level=level, name="Any")
        group.skills.set(backend.levels.get(slug="senior").skills.all())
    with CaptureQueriesContext(connection) as large:
        copy_track(backend)
    assert len(large) == len(small)


def test_a_copy_slug_stays_a_valid_slug():
    long = "a" * 60
    assert len(copy_slug(long, set())) <= 60
    assert copy_slug("x", {"x-copy", "x-copy-2"}) == "x-copy-3"


# Admin -----------------------------------------------------------------------------------


def test_staff_copy_a_track_with_the_admin_action(staff_client, backend):
    response = staff_client.post(
        "/admin/careers/track/",
        {"action": "copy_tracks", "_selected_action": [backend.pk]},
        follow=True,
    )
    copy = Track.objects.get(slug="backend-copy")
    assert response.redirect_chain[-1][0] == f"/admin/careers/track/{copy.pk}/change/"
    assert "unpublished until you publish it" in response.content.decode()
    assert not copy.published


def test_staff_import_a_framework_from_the_admin(staff_client):
    page = staff_client.get("/admin/careers/track/import/")
    assert page.status_code == 200
    assert 'type="file"' in page.content.decode()
    upload = SimpleUploadedFile("monzo.md", (DATA / "monzo-small.md").read_bytes())
    response = staff_client.post(
        "/admin/careers/track/import/", {"file": upload, "licence": "MIT"}, follow=True
    )
    track = Track.objects.get(slug="data-engineering")
    assert response.redirect_chain[-1][0] == f"/admin/careers/track/{track.pk}/change/"
    assert "3 levels, 2 themes, 5 competencies" in response.content.decode()
    assert track.licence == "MIT"


def test_the_admin_import_lists_every_problem_and_writes_nothing(staff_client):
    upload = SimpleUploadedFile("bad.yml", (DATA / "ft-bad.yml").read_bytes())
    response = staff_client.post(
        "/admin/careers/track/import/", {"file": upload, "format": "ft", "licence": "MIT"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "competencies[0].id (line 12)" in html
    assert "levels[1].id (line 6)" in html
    assert not Track.objects.exists()
    upload = SimpleUploadedFile("ft.yml", (DATA / "ft-small.yml").read_bytes())
    response = staff_client.post("/admin/careers/track/import/", {"file": upload})
    assert "gives no licence" in response.content.decode()
    upload = SimpleUploadedFile("ft.yml", (DATA / "ft-small.yml").read_bytes())
    response = staff_client.post(
        "/admin/careers/track/import/",
        {"file": upload, "licence": "MIT", "dry_run": "on"},
        follow=True,
    )
    assert "Dry run: nothing was written." in response.content.decode()
    assert not Track.objects.exists()


def test_people_cannot_import_or_export_in_the_admin(owner_client, backend):
    assert owner_client.get("/admin/careers/track/import/").status_code == 302
    assert owner_client.get(f"/admin/careers/track/{backend.pk}/export/").status_code == 302


def test_the_admin_exports_a_track_as_json(staff_client, imported):
    response = staff_client.get(f"/admin/careers/track/{imported.pk}/export/")
    assert response["Content-Disposition"] == (
        'attachment; filename="track-platform-engineering.json"'
    )
    again = import_framework(response.content)  # its own licence, read back in place
    assert again.result.changes == 0


def test_the_admin_edits_themes_groups_and_competencies_inline(staff_client, backend):
    track_page = staff_client.get(f"/admin/careers/track/{backend.pk}/change/")
    assert "themes-TOTAL_FORMS" in track_page.content.decode()
    senior = Level.objects.get(slug="senior")
    html = staff_client.get(f"/admin/careers/level/{senior.pk}/change/").content.decode()
    assert "groups-TOTAL_FORMS" in html
    assert "competencies-TOTAL_FORMS" in html
    other = TrackFactory(slug="other")
    Theme.objects.create(track=other, slug="alien", name="Alien theme")
    assert "Alien theme" not in html  # only the level's own track's themes
    assert staff_client.get("/admin/careers/level/add/").status_code == 200


def test_staff_add_a_theme_a_group_and_a_competency_in_the_admin(staff_client, backend):
    from tests.test_admin_content import form_of

    url = f"/admin/careers/track/{backend.pk}/change/"
    data = form_of(staff_client, url)
    new = int(data["themes-TOTAL_FORMS"]) - 1  # the blank extra row
    data |= {
        f"themes-{new}-name_en": "Ownership",
        f"themes-{new}-slug": "ownership",
        f"themes-{new}-position": "",  # blank: last
    }
    response = staff_client.post(url, data)
    assert response.status_code == 302
    assert list(backend.themes.values_list("slug", flat=True)) == [
        "delivery",
        "people",
        "ownership",
    ]
    senior = Level.objects.get(slug="senior")
    url = f"/admin/careers/level/{senior.pk}/change/"
    data = form_of(staff_client, url)
    ownership = Theme.objects.get(slug="ownership")
    row = int(data["competencies-TOTAL_FORMS"]) - 1
    data |= {
        f"competencies-{row}-theme": str(ownership.pk),
        f"competencies-{row}-criterion": "Owns a service end to end.",
        f"competencies-{row}-position": "5",
    }
    row = int(data["groups-TOTAL_FORMS"]) - 1
    data |= {
        f"groups-{row}-name_en": "Another language",
        f"groups-{row}-at_least": "1",
        f"groups-{row}-proficiency": "2",
        f"groups-{row}-position": "2",
        f"groups-{row}-skills": [str(SkillFactory(slug="rust", name="Rust").pk)],
    }
    response = staff_client.post(url, data)
    assert response.status_code == 302
    assert senior.competencies.filter(theme=ownership).get().criterion == (
        "Owns a service end to end."
    )
    assert list(
        senior.groups.get(name="Another language").skills.values_list("slug", flat=True)
    ) == ["rust"]


def test_the_track_page_runs_constant_queries_however_many_criteria(
    client, backend, django_assert_max_num_queries
):
    from tests.test_careers import count_queries

    few = count_queries(client, "/careers/backend/")
    senior = Level.objects.get(slug="senior")
    for n in range(40):
        theme = Theme.objects.create(track=backend, slug=f"t{n}", name=f"Theme {n}", position=n + 2)
        Competency.objects.create(level=senior, theme=theme, criterion=f"Criterion {n}.")
        LevelFactory(track=backend, slug=f"l{n}", rank=n + 2, summary="Grows.")
    with django_assert_max_num_queries(few):
        html = client.get("/careers/backend/").content.decode()
    assert "Criterion 39." in html
