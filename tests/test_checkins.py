"""Check-ins (issue 20): three steps, the reviewer's blindness to the self-rating, the
frozen snapshot, history, and who may see a check-in."""

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from careers.models import Competency
from checkins.models import CheckIn, Evidence, State
from skills.models import Skill
from tests.factories import (
    CheckInFactory,
    CompetencyFactory,
    EvidenceFactory,
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
    closed = {tuple(m.to) for m in mail.outbox[-2:]}  # one mail each, in their language
    assert closed == {("owner@example.com",), ("peer@example.com",)}

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
    EvidenceFactory(user=owner).skills.add(Skill.objects.get(slug="python"))
    with django_assert_max_num_queries(16) as few:
        assert owner_client.get(f"/checkins/{checkin.pk}/").status_code == 200
    with django_assert_max_num_queries(12) as api:
        assert owner_client.get(f"/api/v1/checkins/{checkin.pk}").status_code == 200
    for n in range(20):
        skill = SkillFactory(slug=f"extra-{n}")
        RequirementFactory(level=setup["level"], skill=skill)
        criterion = CompetencyFactory(level=setup["level"])
        entry = EvidenceFactory(user=owner)
        entry.skills.add(skill)
        entry.competencies.add(criterion)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = owner_client.get(f"/checkins/{checkin.pk}/")
    assert page.content.decode().count("1 piece of evidence") == 41
    with django_assert_max_num_queries(len(api.captured_queries)):
        assert owner_client.get(f"/api/v1/checkins/{checkin.pk}").status_code == 200
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


# Evidence in a check-in ----------------------------------------------------------------------

EVIDENCE = "Evidence-q8: wrote the parser in Python"
EVIDENCE_LINK = "https://example.com/evidence-q8"
CRITERION_EVIDENCE = "Evidence-q8: explained the storage trade-offs"
OLD_EVIDENCE = "Evidence-q8: before the previous check-in"
UNTAGGED = "Evidence-q8: tagged with nothing"


def feeds(owner, setup) -> None:
    """The owner's evidence: two entries that feed the check-in, one from before their
    previous check-in (which closed 30 days ago) and one tagged with nothing."""
    today = timezone.localdate()
    CheckInFactory(
        person=owner,
        level=setup["level"],
        state="closed",
        closed_at=timezone.now() - timedelta(days=30),
    )
    python = Skill.objects.get(slug="python")
    EvidenceFactory(
        user=owner, text=EVIDENCE, link=EVIDENCE_LINK, date=today - timedelta(days=5)
    ).skills.add(python)
    EvidenceFactory(
        user=owner, text=CRITERION_EVIDENCE, date=today - timedelta(days=29)
    ).competencies.add(setup["criterion"])
    EvidenceFactory(user=owner, text=OLD_EVIDENCE, date=today - timedelta(days=31)).skills.add(
        python
    )
    EvidenceFactory(user=owner, text=UNTAGGED, date=today)


def everything(client: Client, checkin: CheckIn) -> str:
    """Every page and endpoint where a check-in could show, as this client sees them."""
    return "\n".join(
        client.get(url).content.decode()
        for url in (
            f"/checkins/{checkin.pk}/",
            "/checkins/",
            f"/api/v1/checkins/{checkin.pk}",
            "/teams/crew/",
            "/api/v1/teams/crew/members/",
        )
    )


def test_evidence_reaches_the_reviewer_after_their_ratings_and_nobody_else(
    owner, owner_client, setup
):
    feeds(owner, setup)
    boss, mate, outsider = (UserFactory(username=name) for name in ("boss", "mate", "outsider"))
    MembershipFactory(team=setup["team"], user=boss, role="manager")
    MembershipFactory(team=setup["team"], user=mate, share_checkins=True)
    owner.team_memberships.update(share_checkins=True)
    others = {"manager": boss, "member who shares": mate, "outsider": outsider}
    fed = (EVIDENCE, EVIDENCE_LINK, CRITERION_EVIDENCE)

    def nobody_else_sees_it(checkin: CheckIn) -> None:
        for role, user in others.items():
            body = everything(client_for(user), checkin)
            for text in (*fed, OLD_EVIDENCE, UNTAGGED):
                assert text not in body, f"the {role} sees {text!r} ({checkin.state})"

    # Step 1: the person sees what feeds it, and only that.
    checkin = start(owner_client, setup)
    page = owner_client.get(f"/checkins/{checkin.pk}/").content.decode()
    assert all(text in page for text in fed)
    assert OLD_EVIDENCE not in page and UNTAGGED not in page
    api = owner_client.get(f"/api/v1/checkins/{checkin.pk}").json()
    by_key = {row["key"]: row["evidence"] for row in api["expectations"]}
    assert [e["text"] for e in by_key["skill:python"]] == [EVIDENCE]
    assert by_key["skill:python"][0]["link"] == EVIDENCE_LINK
    assert by_key["skill:python"][0]["kind"] == "win"
    assert [e["text"] for e in by_key[f"competency:{setup['criterion'].pk}"]] == [
        CRITERION_EVIDENCE
    ]
    nobody_else_sees_it(checkin)

    # Step 2: the reviewer rates without it, even when a review is sent back.
    owner_client.post(f"/checkins/{checkin.pk}/self/", self_form(setup))
    owner_client.post(f"/checkins/{checkin.pk}/reviewer/", {"reviewer": setup["peer"].pk})
    peer = client_for(setup["peer"])
    body = everything(peer, checkin)
    refused = peer.post(f"/checkins/{checkin.pk}/review/", {"value-skill:python": "3"})
    assert refused.status_code == 422
    body += refused.content.decode()
    assert not any(text in body for text in fed)
    api = peer.get(f"/api/v1/checkins/{checkin.pk}").json()
    assert all(row["evidence"] is None for row in api["expectations"])
    nobody_else_sees_it(checkin)

    # Step 3: once their ratings are in, the reviewer sees it beside each expectation.
    close_form = {
        "value-skill:python": "3",
        f"value-group:{setup['group'].pk}": "met",
        f"value-competency:{setup['criterion'].pk}": "met",
    }
    peer.post(f"/checkins/{checkin.pk}/review/", close_form)
    for client in (peer, owner_client):
        page = client.get(f"/checkins/{checkin.pk}/").content.decode()
        assert all(text in page for text in fed) and OLD_EVIDENCE not in page
        api = client.get(f"/api/v1/checkins/{checkin.pk}").json()
        assert [e["text"] for e in api["expectations"][0]["evidence"]] == [EVIDENCE]
    nobody_else_sees_it(checkin)

    # Closed: frozen with the rest, whatever happens to the log afterwards.
    assert peer.post(f"/checkins/{checkin.pk}/close/", close_form).status_code == 302
    checkin.refresh_from_db()
    assert [e["text"] for e in checkin.snapshot["expectations"][0]["evidence"]] == [EVIDENCE]
    Evidence.objects.filter(text=EVIDENCE).update(text="Rewritten later")
    for client in (peer, owner_client):
        page = client.get(f"/checkins/{checkin.pk}/").content.decode()
        assert all(text in page for text in fed) and "Rewritten later" not in page
        api = client.get(f"/api/v1/checkins/{checkin.pk}").json()
        assert [e["text"] for e in api["expectations"][0]["evidence"]] == [EVIDENCE]
    nobody_else_sees_it(checkin)
    assert boss.pk != checkin.reviewer_id
    assert client_for(boss).get(f"/checkins/{checkin.pk}/").status_code == 200  # the result


def test_each_person_is_mailed_in_their_own_language(owner_client, setup):
    """The reviewer reads German; the person who asked, English (no profile language)."""
    from accounts.models import Profile

    Profile.objects.filter(user=setup["peer"]).update(language="de")
    checkin = to_review(owner_client, setup)
    [asked] = mail.outbox
    assert asked.subject.endswith("bittet dich um das Review eines Check-ins")
    peer = client_for(setup["peer"])
    ratings = {
        "value-skill:python": "3",
        f"value-group:{setup['group'].pk}": "met",
        f"value-competency:{setup['criterion'].pk}": "met",
    }
    peer.post(f"/checkins/{checkin.pk}/review/", {**ratings, "notes": REVIEW_NOTE})
    peer.post(f"/checkins/{checkin.pk}/close/", ratings)
    subjects = {m.to[0]: m.subject for m in mail.outbox[1:]}
    assert subjects["owner@example.com"] == "Check-in closed: Senior"
    assert subjects["peer@example.com"].startswith("Check-in abgeschlossen")
