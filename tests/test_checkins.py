"""Check-ins (issue 20): three steps, the reviewer's blindness to the self-rating, the
frozen snapshot, history, and who may see a check-in."""

import pytest
from django.core import mail
from django.test import Client

from careers.models import Competency
from checkins.models import CheckIn, State
from tests.factories import (
    CompetencyFactory,
    LevelFactory,
    MembershipFactory,
    RequirementFactory,
    RequirementGroupFactory,
    SkillFactory,
    TeamFactory,
    UserFactory,
)

SELF_NOTE = "Self-note-q8: I led the migration"
SELF_ITEM_NOTE = "Item-note-q8: shipped the parser"
REVIEW_NOTE = "Review-note-q8: strong on delivery"


@pytest.fixture
def setup(db, owner):
    level = LevelFactory(slug="senior", name="Senior")
    python = SkillFactory(slug="python", name="Python")
    RequirementFactory(level=level, skill=python, proficiency=3)
    group = RequirementGroupFactory(level=level, name="A data store", proficiency=2)
    group.skills.add(SkillFactory(slug="sql", name="SQL"))
    criterion = CompetencyFactory(level=level, criterion="Explains trade-offs clearly.")
    team = TeamFactory(slug="crew")
    MembershipFactory(team=team, user=owner, role="member")
    peer = UserFactory(username="peer", email="peer@example.com")
    MembershipFactory(team=team, user=peer, role="member")
    return {"level": level, "group": group, "criterion": criterion, "team": team, "peer": peer}


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def self_form(setup, python="2", group="met", criterion="met") -> dict:
    return {
        "value-skill:python": python,
        "note-skill:python": SELF_ITEM_NOTE,
        f"value-group:{setup['group'].pk}": group,
        f"value-competency:{setup['criterion'].pk}": criterion,
        "notes": SELF_NOTE,
    }


def start(owner_client, setup) -> CheckIn:
    response = owner_client.post("/checkins/", {"level": setup["level"].pk})
    checkin = CheckIn.objects.latest("pk")
    assert response["Location"] == f"/checkins/{checkin.pk}/"
    return checkin


def to_review(owner_client, setup) -> CheckIn:
    checkin = start(owner_client, setup)
    response = owner_client.post(f"/checkins/{checkin.pk}/self/", self_form(setup))
    assert response.status_code == 302
    response = owner_client.post(
        f"/checkins/{checkin.pk}/reviewer/", {"reviewer": setup["peer"].pk}
    )
    assert response.status_code == 302
    checkin.refresh_from_db()
    return checkin


def test_three_steps_end_in_a_frozen_snapshot(owner_client, owner, setup):
    checkin = start(owner_client, setup)
    page = owner_client.get(f"/checkins/{checkin.pk}/").content.decode()
    assert "Step 1: rate yourself" in page and "Explains trade-offs clearly." in page

    # Step 1: save, then send to a teammate, who is mailed.
    owner_client.post(f"/checkins/{checkin.pk}/self/", self_form(setup))
    checkin.refresh_from_db()
    assert checkin.self_ratings["skill:python"] == {"value": 2, "note": SELF_ITEM_NOTE}
    assert checkin.self_notes == SELF_NOTE
    owner_client.post(f"/checkins/{checkin.pk}/reviewer/", {"reviewer": setup["peer"].pk})
    checkin.refresh_from_db()
    assert checkin.state == State.REVIEW and checkin.reviewer == setup["peer"]
    [message] = mail.outbox
    assert message.to == ["peer@example.com"] and f"/checkins/{checkin.pk}/" in message.body

    # Step 2: the reviewer rates without seeing the self-rating.
    peer = client_for(setup["peer"])
    page = peer.get(f"/checkins/{checkin.pk}/").content.decode()
    assert "Step 2: your review" in page
    assert SELF_NOTE not in page and SELF_ITEM_NOTE not in page
    response = peer.post(
        f"/checkins/{checkin.pk}/review/",
        {
            "value-skill:python": "3",
            f"value-group:{setup['group'].pk}": "met",
            f"value-competency:{setup['criterion'].pk}": "not_yet",
            "notes": REVIEW_NOTE,
        },
    )
    assert response.status_code == 302
    checkin.refresh_from_db()
    assert checkin.state == State.DISCUSS

    # Step 3: both see both sides and the differences.
    for client in (owner_client, peer):
        page = client.get(f"/checkins/{checkin.pk}/").content.decode()
        assert SELF_NOTE in page and REVIEW_NOTE in page and "differs" in page
    response = peer.post(
        f"/checkins/{checkin.pk}/close/",
        {
            "value-skill:python": "3",
            f"value-group:{setup['group'].pk}": "met",
            f"value-competency:{setup['criterion'].pk}": "not_yet",
        },
    )
    assert response.status_code == 302
    checkin.refresh_from_db()
    assert checkin.state == State.CLOSED and checkin.closed_at is not None
    assert (checkin.snapshot["met"], checkin.snapshot["total"]) == (2, 3)
    assert sorted(mail.outbox[-1].to) == ["owner@example.com", "peer@example.com"]

    # Later edits to the framework change nothing in the closed check-in.
    Competency.objects.filter(pk=setup["criterion"].pk).update(criterion="A new wording.")
    setup["level"].requirements.update(proficiency=1)
    page = owner_client.get(f"/checkins/{checkin.pk}/").content.decode()
    assert "Explains trade-offs clearly." in page and "A new wording." not in page
    assert "2 of 3 expectations met" in page
    assert "practitioner" in page


def test_the_reviewer_cannot_review_before_it_is_theirs_nor_see_the_notes(owner_client, setup):
    checkin = start(owner_client, setup)
    owner_client.post(f"/checkins/{checkin.pk}/self/", self_form(setup))
    peer = client_for(setup["peer"])
    # Not yet asked: the check-in is not theirs to see.
    assert peer.get(f"/checkins/{checkin.pk}/").status_code == 404
    owner_client.post(f"/checkins/{checkin.pk}/reviewer/", {"reviewer": setup["peer"].pk})
    page = peer.get(f"/checkins/{checkin.pk}/").content.decode()
    assert SELF_NOTE not in page and SELF_ITEM_NOTE not in page
    # Nor through the list page.
    assert SELF_NOTE not in peer.get("/checkins/").content.decode()
    # An incomplete review is refused with a message, and stays a review.
    response = peer.post(f"/checkins/{checkin.pk}/review/", {"value-skill:python": "3"})
    assert response.status_code == 422
    body = response.content.decode()
    assert "Rate every expectation first" in body and SELF_NOTE not in body
    checkin.refresh_from_db()
    assert checkin.state == State.REVIEW


def test_outsiders_and_managers_without_consent_get_404(owner, owner_client, setup):
    checkin = to_review(owner_client, setup)
    outsider = client_for(UserFactory(username="outsider"))
    manager_user = UserFactory(username="boss")
    MembershipFactory(team=setup["team"], user=manager_user, role="manager")
    manager = client_for(manager_user)
    urls = [f"/checkins/{checkin.pk}/"]
    posts = ["self", "reviewer", "review", "close"]
    for client in (outsider, manager):
        for url in urls:
            assert client.get(url).status_code == 404
        for step in posts:
            assert client.post(f"/checkins/{checkin.pk}/{step}/", {}).status_code == 404
    # Shared with the team: the manager sees that it exists, never the ratings or notes.
    owner.team_memberships.update(share_checkins=True)
    page = manager.get(f"/checkins/{checkin.pk}/").content.decode()
    assert SELF_NOTE not in page and SELF_ITEM_NOTE not in page
    assert "with the reviewer" in page
    assert outsider.get(f"/checkins/{checkin.pk}/").status_code == 404


def test_the_person_cannot_write_the_review(owner_client, setup):
    checkin = to_review(owner_client, setup)
    response = owner_client.post(
        f"/checkins/{checkin.pk}/review/", {"value-skill:python": "4", "notes": "me"}
    )
    assert response.status_code == 404
    checkin.refresh_from_db()
    assert checkin.review_ratings == {}


def test_a_rating_off_the_scale_is_refused_with_a_message(owner_client, setup):
    checkin = start(owner_client, setup)
    response = owner_client.post(
        f"/checkins/{checkin.pk}/self/", self_form(setup, python="9", criterion="maybe")
    )
    assert response.status_code == 422
    assert "proficiency from 0 to 4" in response.content.decode()
    checkin.refresh_from_db()
    assert checkin.self_ratings == {}


def test_a_reviewer_must_share_a_team(owner_client, setup):
    checkin = start(owner_client, setup)
    owner_client.post(f"/checkins/{checkin.pk}/self/", self_form(setup))
    stranger = UserFactory(username="stranger")
    response = owner_client.post(f"/checkins/{checkin.pk}/reviewer/", {"reviewer": stranger.pk})
    assert response.status_code == 422
    checkin.refresh_from_db()
    assert checkin.state == State.SELF and checkin.reviewer is None


def test_sending_an_incomplete_self_rating_is_refused(owner_client, setup):
    checkin = start(owner_client, setup)
    owner_client.post(f"/checkins/{checkin.pk}/self/", {"value-skill:python": "2"})
    response = owner_client.post(
        f"/checkins/{checkin.pk}/reviewer/", {"reviewer": setup["peer"].pk}
    )
    assert response.status_code == 422
    assert "Rate every expectation first" in response.content.decode()
    assert not mail.outbox


def close_one(owner_client, setup, python: str) -> CheckIn:
    """A check-in through all three steps, agreed as the reviewer rated it."""
    checkin = to_review(owner_client, setup)
    peer = client_for(setup["peer"])
    values = {
        "value-skill:python": python,
        f"value-group:{setup['group'].pk}": "met",
        f"value-competency:{setup['criterion'].pk}": "not_yet",
    }
    peer.post(f"/checkins/{checkin.pk}/review/", values)
    assert peer.post(f"/checkins/{checkin.pk}/close/", values).status_code == 302
    return checkin


def test_history_shows_the_change_since_the_last_check_in(owner_client, setup):
    close_one(owner_client, setup, python="1")  # python below the minimum: 1 of 3 met
    close_one(owner_client, setup, python="4")  # 2 of 3 met
    page = owner_client.get("/checkins/").content.decode()
    assert "1 of 3" in page and "2 of 3" in page and "+1" in page


def test_pages_run_a_constant_number_of_queries(
    owner, owner_client, setup, django_assert_max_num_queries
):
    checkin = start(owner_client, setup)
    for n in range(20):
        skill = SkillFactory(slug=f"extra-{n}")
        RequirementFactory(level=setup["level"], skill=skill)
        CompetencyFactory(level=setup["level"])
    with django_assert_max_num_queries(16):
        assert owner_client.get(f"/checkins/{checkin.pk}/").status_code == 200
    for _ in range(10):
        CheckIn.objects.create(person=owner, level=setup["level"], level_key="x/y")
    with django_assert_max_num_queries(8):
        assert owner_client.get("/checkins/").status_code == 200


@pytest.mark.parametrize(
    ("role", "shares", "sees"),
    [
        ("outsider", False, False),
        ("member", False, False),  # a peer in the team who shares nothing
        ("member", True, False),  # a peer who shares check-ins too: still not theirs
        ("manager", False, True),
        ("admin", False, True),
    ],
)
def test_each_team_role_sees_only_what_it_may(owner, owner_client, setup, role, shares, sees):
    checkin = to_review(owner_client, setup)
    viewer = UserFactory(username="viewer")
    if role != "outsider":
        MembershipFactory(team=setup["team"], user=viewer, role=role, share_checkins=shares)
    client = client_for(viewer)
    # Not shared: 404 for every role but the reviewer.
    assert client.get(f"/checkins/{checkin.pk}/").status_code == 404
    owner.team_memberships.update(share_checkins=True)
    response = client.get(f"/checkins/{checkin.pk}/")
    assert response.status_code == (200 if sees else 404)
    listing = client.get("/checkins/").content.decode()
    assert (f"/checkins/{checkin.pk}/" in listing) == sees
    for body in (response.content.decode(), listing):
        assert SELF_NOTE not in body and SELF_ITEM_NOTE not in body
    api = client.get(f"/api/v1/checkins/{checkin.pk}")
    assert api.status_code == (200 if sees else 404)
    assert SELF_NOTE not in api.content.decode()


def test_text_that_cannot_be_stored_is_refused(owner_client, setup):
    text = "nul\x00here"
    checkin = start(owner_client, setup)
    form = {**self_form(setup), "notes": text}
    response = owner_client.post(f"/checkins/{checkin.pk}/self/", form)
    assert response.status_code == 422
    form = {**self_form(setup), "note-skill:python": text}
    assert owner_client.post(f"/checkins/{checkin.pk}/self/", form).status_code == 422
    checkin.refresh_from_db()
    assert checkin.self_notes == "" and checkin.self_ratings == {}


def test_the_reviewer_and_discussion_pages_run_a_constant_number_of_queries(
    owner_client, setup, django_assert_max_num_queries
):
    checkin = to_review(owner_client, setup)
    peer = client_for(setup["peer"])
    with django_assert_max_num_queries(12) as few:
        assert peer.get(f"/checkins/{checkin.pk}/").status_code == 200
    for _ in range(20):
        CompetencyFactory(level=setup["level"])
        RequirementFactory(level=setup["level"], skill=SkillFactory())
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert peer.get(f"/checkins/{checkin.pk}/").status_code == 200


def test_a_dropped_expectation_does_not_block_the_review(owner_client, setup):
    checkin = start(owner_client, setup)
    owner_client.post(f"/checkins/{checkin.pk}/self/", self_form(setup))
    setup["criterion"].delete()  # the framework changes while the check-in is open
    response = owner_client.post(
        f"/checkins/{checkin.pk}/reviewer/", {"reviewer": setup["peer"].pk}
    )
    assert response.status_code == 302
    checkin.refresh_from_db()
    assert checkin.state == State.REVIEW


def test_withdrawing_consent_hides_the_check_in_at_once(owner, owner_client, setup):
    checkin = to_review(owner_client, setup)
    boss = UserFactory(username="boss")
    MembershipFactory(team=setup["team"], user=boss, role="manager")
    manager = client_for(boss)
    owner.team_memberships.update(share_checkins=True)
    assert manager.get(f"/checkins/{checkin.pk}/").status_code == 200
    owner.team_memberships.update(share_checkins=False)
    assert manager.get(f"/checkins/{checkin.pk}/").status_code == 404
    assert f"/checkins/{checkin.pk}/" not in manager.get("/checkins/").content.decode()
