"""Salary contributions in a person's data export and at account deletion."""

import json
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from salaries import moderation
from salaries.models import Contribution, SalaryDataPoint, Status
from salaries.stats import salary_stats
from tests.conftest import PASSWORD
from tests.salary_support import add_points, level

pytestmark = pytest.mark.django_db


def submit(user, year: int, amount: str, *, slug: str = "senior", country: str = "DE"):
    return moderation.submit(
        user,
        level=level("backend", slug),
        country=country,
        currency="EUR",
        amount=Decimal(amount),
        year=year,
    )


@pytest.fixture
def shared(owner, other_user, salary_tracks):
    """The owner: one approved (2023), one rejected (2022), one pending (2024).
    The other person: one pending and one approved."""
    approved = submit(owner, 2023, "81000")
    rejected = submit(owner, 2022, "9999999", slug="junior")
    pending = submit(owner, 2024, "85000", slug="lead", country="NL")
    moderation.approve(SalaryDataPoint.objects.filter(pk=approved.data_point_id))
    moderation.reject(SalaryDataPoint.objects.filter(pk=rejected.data_point_id))
    theirs_pending = submit(other_user, 2024, "77777")
    theirs_approved = submit(other_user, 2023, "66666")
    moderation.approve(SalaryDataPoint.objects.filter(pk=theirs_approved.data_point_id))
    return {"pending_point": pending.data_point_id, "theirs_pending": theirs_pending}


def test_export_lists_my_contributions_and_nothing_of_anyone_else(owner_client, shared):
    response = owner_client.get("/me/export/")
    data = json.loads(response.content)
    rows = data["salary_contributions"]

    assert [(r["year"], r["status"]) for r in rows] == [
        (2024, "pending"),
        (2023, "approved"),
        (2022, "rejected"),
    ]
    assert rows[0] == {
        "year": 2024,
        "track": "backend",
        "level": "lead",
        "country": "NL",
        "currency": "EUR",
        "amount": "85000.00",
        "bonus": None,
        "equity": None,
        "status": "pending",
        "submitted_at": rows[0]["submitted_at"],
    }
    assert rows[0]["submitted_at"]
    # Moderated: the figure is anonymous now, only my own record of it remains.
    assert {k: rows[1][k] for k in ("track", "level", "country", "currency", "amount")} == {
        "track": None,
        "level": None,
        "country": None,
        "currency": None,
        "amount": None,
    }
    body = response.content.decode()
    assert "77777" not in body and "66666" not in body
    assert "81000" not in body  # approved: no longer linked to me


def test_the_other_person_exports_only_theirs(other_client, shared):
    rows = json.loads(other_client.get("/me/export/").content)["salary_contributions"]
    assert [(r["year"], r["status"], r["amount"]) for r in rows] == [
        (2024, "pending", "77777.00"),
        (2023, "approved", None),
    ]


def test_delete_page_counts_what_waits_for_review(owner_client, shared):
    body = owner_client.get("/profile/delete/").content.decode()
    assert "1 salary figure you contributed that is still waiting for review" in body


def test_deleting_keeps_approved_anonymous_points_and_removes_the_rest(
    owner_client, owner, other_user, shared
):
    add_points(level("backend", "senior"), [80_000] * 4, country="DE", currency="EUR")
    before = salary_stats(level=level("backend", "senior"), country="DE", currency="EUR")
    assert before.count == 6  # four imported, the approved one of each person
    approved_points = set(
        SalaryDataPoint.objects.filter(status=Status.APPROVED).values_list("pk", flat=True)
    )
    pk = owner.pk

    response = owner_client.post("/profile/delete/", {"password": PASSWORD})

    assert response.status_code == 302
    assert not get_user_model().objects.filter(pk=pk).exists()
    # Every private record of mine is gone; my pending point too.
    assert not Contribution.objects.filter(user_id=pk).exists()
    assert not SalaryDataPoint.objects.filter(pk=shared["pending_point"]).exists()
    # Approved points stay, anonymous, and still count (the cache was invalidated).
    assert (
        set(SalaryDataPoint.objects.filter(status=Status.APPROVED).values_list("pk", flat=True))
        == approved_points
    )
    after = salary_stats(level=level("backend", "senior"), country="DE", currency="EUR")
    assert after.count == 6
    assert not Contribution.objects.filter(data_point__status=Status.APPROVED).exists()
    # The other person's pending submission and records are untouched.
    theirs = Contribution.objects.filter(user=other_user)
    assert theirs.count() == 2
    assert SalaryDataPoint.objects.filter(pk=shared["theirs_pending"].data_point_id).exists()
    assert SalaryDataPoint.objects.filter(status=Status.PENDING).count() == 1


def test_a_pending_point_never_outlives_its_contributor_in_the_moderation_list(
    owner, staff_client, shared
):
    from accounts import deletion

    deletion.delete_account(owner)

    listing = staff_client.get("/admin/salaries/pendingcontribution/").content.decode()
    assert "85000" not in listing
    assert "77777" in listing
