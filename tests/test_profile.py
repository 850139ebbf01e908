"""The profile form (/profile/) and the shared profile page (/u/<handle>/)."""

import datetime
import re

import pytest
from django.test import Client
from django.utils import dateformat, timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import Profile, suggest_handle
from careers.models import Transition
from tests.factories import (
    LevelFactory,
    PlacementFactory,
    ProgressFactory,
    RoadmapFactory,
    SectionFactory,
    SkillFactory,
    TrackFactory,
)
from tracking.models import ProgressEvent, SkillProgress


@pytest.fixture
def ladder(db):
    backend = TrackFactory(slug="backend", name="Backend Developer")
    management = TrackFactory(slug="management", name="Engineering Management")
    levels = {
        "junior": LevelFactory(track=backend, slug="junior", name="Junior", rank=1),
        "middle": LevelFactory(track=backend, slug="middle", name="Middle", rank=2),
        "senior": LevelFactory(track=backend, slug="senior", name="Senior", rank=3),
        "em": LevelFactory(track=management, slug="em", name="Engineering Manager", rank=1),
        "head": LevelFactory(track=management, slug="head", name="Head of Engineering", rank=2),
    }
    Transition.objects.create(from_level=levels["senior"], to_level=levels["em"])
    return {"backend": backend, "management": management, **levels}


def form_data(ladder, **changes):
    data = {
        "display_name": "Ada Lovelace",
        "handle": "ada",
        "track": ladder["backend"].pk,
        "current_level": ladder["middle"].pk,
        "target_level": ladder["senior"].pk,
        "country": "GB",
        "years_experience": "4",
        "bio": "I like engines.",
        "visibility": "private",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_every_new_account_has_a_private_profile(owner):
    profile = Profile.objects.get(user=owner)
    assert profile.handle == "owner"
    assert profile.visibility == "private"


def test_profile_saves_and_redirects_with_a_message(owner_client, owner, ladder):
    response = owner_client.post("/profile/", form_data(ladder), follow=True)
    assert response.redirect_chain == [("/profile/", 302)]
    page = response.content.decode()
    assert "Your profile is saved." in page
    # Issue 22: and where to go next, as a link (not escaped markup).
    assert '<a href="/roadmaps/">mark the skills you have on a roadmap</a>' in page
    profile = Profile.objects.get(user=owner)
    assert profile.handle == "ada"
    assert profile.current_level == ladder["middle"]
    assert profile.target_level == ladder["senior"]
    assert profile.country.code == "GB"
    assert profile.years_experience == 4


def test_profile_page_needs_sign_in(client, db):
    response = client.get("/profile/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/profile/")
    response = client.post("/profile/", {"handle": "intruder"})
    assert response.status_code == 302
    assert not Profile.objects.filter(handle="intruder").exists()


def test_each_person_edits_only_their_own_profile(owner_client, other_client, owner, ladder):
    other_client.post("/profile/", form_data(ladder, handle="other-one"))
    assert Profile.objects.get(user=owner).handle == "owner"
    page = owner_client.get("/profile/").content.decode()
    assert 'value="owner"' in page
    assert "other-one" not in page


@pytest.mark.parametrize(
    "handle, message",
    [
        ("Bad Handle!", "Use lowercase letters"),
        ("a", "at least 3 characters"),
        ("-ada", "Use lowercase letters"),
        ("ada--x", "Use lowercase letters"),
        ("x" * 31, "at most 30 characters"),
        ("", "This field is required"),
    ],
)
def test_bad_handle_is_refused_next_to_the_field(owner_client, owner, ladder, handle, message):
    response = owner_client.post("/profile/", form_data(ladder, handle=handle))
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body
    assert 'aria-invalid="true"' in body
    assert 'class="form-errors"' in body
    assert Profile.objects.get(user=owner).handle == "owner"
    # Nothing is lost: the other values are still in the form.
    assert "I like engines." in body


def test_handle_is_lowercased_and_must_be_unique(owner_client, other_user, owner, ladder):
    assert owner_client.post("/profile/", form_data(ladder, handle="Ada")).status_code == 302
    assert Profile.objects.get(user=owner).handle == "ada"
    response = owner_client.post("/profile/", form_data(ladder, handle="other"))
    assert response.status_code == 200
    assert "already exists" in response.content.decode()


def test_bad_country_is_refused(owner_client, owner, ladder):
    response = owner_client.post("/profile/", form_data(ladder, country="ZZ"))
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    response = owner_client.post("/profile/", form_data(ladder, country="Germany"))
    assert response.status_code == 200
    assert Profile.objects.get(user=owner).country == ""


def test_country_list_is_iso_3166(owner_client):
    page = owner_client.get("/profile/").content.decode()
    for code in ("DE", "US", "GB", "JP", "BR"):
        assert f'<option value="{code}"' in page


def test_target_below_current_is_refused(owner_client, owner, ladder):
    response = owner_client.post(
        "/profile/",
        form_data(ladder, current_level=ladder["senior"].pk, target_level=ladder["junior"].pk),
    )
    assert response.status_code == 200
    assert "is not a step up from" in response.content.decode()
    same = owner_client.post(
        "/profile/",
        form_data(ladder, current_level=ladder["middle"].pk, target_level=ladder["middle"].pk),
    )
    assert same.status_code == 200
    assert Profile.objects.get(user=owner).target_level is None


def test_target_in_another_track_needs_a_transition(owner_client, owner, ladder):
    no_path = owner_client.post(
        "/profile/",
        form_data(ladder, current_level=ladder["middle"].pk, target_level=ladder["em"].pk),
    )
    assert no_path.status_code == 200
    via_transition = owner_client.post(
        "/profile/",
        form_data(ladder, current_level=ladder["senior"].pk, target_level=ladder["em"].pk),
    )
    assert via_transition.status_code == 302
    beyond = owner_client.post(
        "/profile/",
        form_data(ladder, current_level=ladder["senior"].pk, target_level=ladder["head"].pk),
    )
    assert beyond.status_code == 302
    assert Profile.objects.get(user=owner).target_level == ladder["head"]


def test_current_level_must_be_in_the_track(owner_client, owner, ladder):
    response = owner_client.post(
        "/profile/",
        form_data(ladder, track=ladder["management"].pk, current_level=ladder["middle"].pk),
    )
    assert response.status_code == 200
    assert (
        "Middle is not a level of the Engineering Management track. Pick one of its levels."
        in response.content.decode()
    )


def test_target_needs_a_current_level(owner_client, ladder):
    response = owner_client.post("/profile/", form_data(ladder, current_level=""))
    assert response.status_code == 200
    assert "Set your current level first." in response.content.decode()


def test_track_is_taken_from_the_current_level_when_left_empty(owner_client, owner, ladder):
    assert owner_client.post("/profile/", form_data(ladder, track="")).status_code == 302
    assert Profile.objects.get(user=owner).track == ladder["backend"]


def test_ten_thousand_character_bio_is_refused(owner_client, owner, ladder):
    response = owner_client.post("/profile/", form_data(ladder, bio="x" * 10_000))
    assert response.status_code == 200
    assert "at most 2000 characters" in response.content.decode()
    assert Profile.objects.get(user=owner).bio == ""


@pytest.mark.parametrize("years", ["-1", "61", "many"])
def test_years_of_experience_must_be_a_sensible_number(owner_client, ladder, years):
    response = owner_client.post("/profile/", form_data(ladder, years_experience=years))
    assert response.status_code == 200


def test_suggested_handles_are_valid_and_free(db, owner):
    assert suggest_handle("owner@example.com") == "owner-2"
    assert suggest_handle("J.R.R._Tolkien+books@example.com") == "j-r-r-tolkien"
    assert suggest_handle("x@example.com") == "x-dev"
    assert suggest_handle("☃@example.com", fallback="") == "member"


# /u/<handle>/ ---------------------------------------------------------------------


def make_public(user, **fields):
    Profile.objects.filter(user=user).update(visibility="public", **fields)


def test_public_profile_is_shown_to_anyone(client, other_client, owner):
    make_public(owner, display_name="Ada", bio="Engines & <b>looms</b>")
    for visitor in (client, other_client):
        response = visitor.get("/u/owner/")
        assert response.status_code == 200
        body = response.content.decode()
        assert "Ada" in body
        assert "Engines &amp; &lt;b&gt;looms&lt;/b&gt;" in body


def without_tokens(response) -> str:
    """The page with its per-render CSRF tokens blanked out."""
    body = response.content.decode()
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body)
    return re.sub(r'"X-CSRFToken": "[^"]+"', "", body)


def test_private_profile_is_the_same_404_as_an_unknown_handle(client, other_client, owner):
    for visitor in (client, other_client):
        unknown = visitor.get("/u/nobody-here/")
        assert unknown.status_code == 404
        response = visitor.get("/u/owner/")
        assert response.status_code == 404
        assert without_tokens(response) == without_tokens(unknown)


def test_owner_may_preview_a_private_profile(owner_client):
    response = owner_client.get("/u/owner/")
    assert response.status_code == 200
    assert "Only you can see this page" in response.content.decode()
    assert response["Cache-Control"] == "private, no-store"


def test_public_profile_shows_progress_by_section_and_levels(client, owner, ladder):
    make_public(owner, current_level=ladder["middle"], target_level=ladder["senior"])
    roadmap = RoadmapFactory(slug="backend", title="Backend")
    basics = SectionFactory(roadmap=roadmap, title="Basics", slug="basics")
    skills = [PlacementFactory(section=basics).skill for _ in range(4)]
    ProgressFactory(user=owner, skill=skills[0], status="done")
    ProgressFactory(user=owner, skill=skills[1], status="skipped")
    ladder["senior"].requirements.create(skill=skills[0], proficiency=2)
    ladder["senior"].requirements.create(skill=skills[2], proficiency=2)
    body = client.get("/u/owner/").content.decode()
    # 1 done of 3 counted (the skipped one is left out): 33%.
    assert 'value="33"' in body
    assert "33% of the Backend roadmap done" in body
    assert "Skipped skills are not counted" in body
    assert "50% ready: 1 of 2 skills" in body


def test_public_profile_counts_skills_done_week_by_week(client, owner):
    """Only changes to done count, in the week they happened, over the last 12 weeks."""
    make_public(owner)
    now = timezone.now()
    this_week = timezone.localdate() - datetime.timedelta(days=timezone.localdate().weekday())
    skills = [SkillFactory() for _ in range(5)]

    def event(skill, days_ago, from_status, to_status, proficiency=(0, 2)):
        ProgressEvent.objects.create(
            user=owner,
            skill=skill,
            created_at=now - datetime.timedelta(days=days_ago),
            from_status=from_status,
            to_status=to_status,
            from_proficiency=proficiency[0],
            to_proficiency=proficiency[1],
        )

    event(skills[0], 0, "learning", "done")
    event(skills[1], 0, "not_started", "learning")  # not done
    event(skills[0], 0, "done", "done", (2, 3))  # already done: a better proficiency only
    event(skills[2], 21, "not_started", "done")
    event(skills[3], 120, "not_started", "done")  # before the 12 weeks
    body = client.get("/u/owner/").content.decode()
    assert "2 skills marked done in the last 12 weeks." in body
    rows = re.findall(r'<tr><td>([^<]+)</td><td class="num">(\d+)</td></tr>', body)
    assert len(rows) == 12
    assert rows[-1] == (dateformat.format(this_week, "N j, Y"), "1")  # English DATE_FORMAT
    assert sum(int(n) for _, n in rows) == 2


def test_public_profile_query_count_does_not_grow(client, owner, django_assert_max_num_queries):
    make_public(owner)
    roadmap = RoadmapFactory()

    def grow(n):
        section = SectionFactory(roadmap=roadmap)
        for _ in range(n):
            skill = PlacementFactory(section=section).skill
            SkillProgress.objects.record(owner, skill, {"status": "done", "proficiency": 3})

    grow(3)
    with django_assert_max_num_queries(12) as small:
        assert client.get("/u/owner/").status_code == 200
    grow(60)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get("/u/owner/").status_code == 200


def test_profile_of_a_user_made_before_profiles_is_created_on_first_visit(db):
    from tests.factories import UserFactory

    user = UserFactory(username="old", email="old@example.com")
    Profile.objects.filter(user=user).delete()
    client = Client()
    client.force_login(user)
    assert client.get("/profile/").status_code == 200
    assert Profile.objects.filter(user=user, handle="old").exists()


def test_skill_factory_sanity(db):
    assert SkillFactory().slug.startswith("skill-")


def test_profile_page_query_count_is_small(owner_client, ladder, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        assert owner_client.get("/profile/").status_code == 200


def test_levels_are_grouped_by_track_and_the_saved_one_is_selected(owner_client, ladder):
    owner_client.post("/profile/", form_data(ladder))
    page = owner_client.get("/profile/").content.decode()
    assert '<optgroup label="Backend Developer">' in page
    assert '<optgroup label="Engineering Management">' in page
    assert f'<option value="{ladder["middle"].pk}" selected>Middle</option>' in page
    assert f'<option value="{ladder["senior"].pk}" selected>Senior</option>' in page


@given(email=st.emails() | st.text(max_size=80))
@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_any_address_gives_a_valid_handle(db, email):
    handle = suggest_handle(email)
    assert 3 <= len(handle) <= 30
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", handle), handle


def level_options(page: str, field: str) -> list[str]:
    select = page.split(f'name="{field}"', 1)[1].split("</select>", 1)[0]
    return re.findall(r'<option value="\d+"[^>]*>([^<]+)</option>', select)


def test_level_lists_offer_the_chosen_tracks_levels(owner_client, owner, ladder):
    """Issue 22: every track's levels were listed after a track was chosen."""
    everything = owner_client.get("/profile/").content.decode()
    assert "Head of Engineering" in level_options(everything, "current_level")
    Profile.objects.filter(user=owner).update(track=ladder["backend"])
    page = owner_client.get("/profile/").content.decode()
    assert level_options(page, "current_level") == ["Junior", "Middle", "Senior"]
    # The target list adds where the track's career moves lead (senior → management).
    assert level_options(page, "target_level") == [
        "Junior", "Middle", "Senior", "Engineering Manager", "Head of Engineering"
    ]  # fmt: skip


def test_choosing_a_track_brings_its_levels_without_saving(owner_client, owner, ladder):
    """What htmx asks for when the track select changes: the form as typed, unsaved."""
    response = owner_client.get(
        "/profile/",
        {"track": ladder["management"].pk, "display_name": "Typed, not saved", "handle": "x"},
        headers={"HX-Request": "true"},
    )
    page = response.content.decode()
    assert level_options(page, "current_level") == ["Engineering Manager", "Head of Engineering"]
    assert 'value="Typed, not saved"' in page
    assert Profile.objects.get(user=owner).display_name == ""


def test_a_target_out_of_reach_is_explained_in_a_sentence(owner_client, owner, ladder):
    response = owner_client.post(
        "/profile/",
        form_data(ladder, current_level=ladder["senior"].pk, target_level=ladder["junior"].pk),
    )
    assert (
        "Junior (Backend Developer) is not a step up from Senior (Backend Developer). Choose "
        "a higher level in the same track, or one that a career move leads to."
    ) in response.content.decode()
