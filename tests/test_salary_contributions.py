"""Contributing one's own pay, withdrawing it, and moderation."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError
from django.test import Client

from salaries import moderation
from salaries.models import (
    CONTRIBUTIONS_SOURCE_NAME,
    Contribution,
    SalaryDataPoint,
    Status,
)
from salaries.stats import salary_stats
from tests.salary_support import add_points, level

URL = "/salaries/contribute/"
THIS_YEAR = date.today().year


def form(**changes) -> dict:
    data = {
        "level": "backend/senior",
        "country": "DE",
        "currency": "EUR",
        "amount": "85000",
        "year": str(THIS_YEAR),
    }
    data.update(changes)
    return data


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_signing_in_is_required(client, salary_tracks):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/salaries/contribute/")
    assert client.post(URL, form()).status_code == 302
    assert SalaryDataPoint.objects.count() == 0


def test_a_person_shares_their_pay_for_review(owner_client, owner, salary_tracks):
    page = owner_client.get(URL)
    assert page.status_code == 200
    html = page.content.decode()
    assert '<optgroup label="Backend engineering">' in html
    assert 'value="backend/senior"' in html
    assert 'name="csrfmiddlewaretoken"' in html

    response = owner_client.post(URL, form(), follow=True)

    assert response.redirect_chain == [(URL, 302)]
    assert "waits for a moderator" in text(response)
    point = SalaryDataPoint.objects.get()
    assert (point.level.slug, point.track.slug, point.country, point.currency) == (
        "senior",
        "backend",
        "DE",
        "EUR",
    )
    assert point.amount == Decimal("85000")
    assert point.status == Status.PENDING
    assert point.source.name == CONTRIBUTIONS_SOURCE_NAME
    contribution = Contribution.objects.get()
    assert (contribution.user, contribution.year, contribution.data_point) == (
        owner,
        THIS_YEAR,
        point,
    )
    assert "Waiting for review" in text(response)
    assert "€85,000" in text(response)
    # Pending pay is in no statistic.
    assert salary_stats(level=point.level).count == 0


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"amount": "-10"}, "amount", "greater than or equal to 0.01"),
        ({"amount": "lots"}, "amount", "Enter a number"),
        ({"level": "backend/wizard"}, "level", "Select a valid choice"),
        ({"country": "XX"}, "country", "Select a valid choice"),
        ({"currency": "ABC"}, "currency", "Select a valid choice"),
        ({"year": str(THIS_YEAR + 1)}, "year", "less than or equal to"),
        ({"year": "1900"}, "year", "greater than or equal to 1990"),
    ],
)
def test_bad_input_re_renders_with_the_field_error(
    owner_client, salary_tracks, changes, field, message
):
    response = owner_client.post(URL, form(**changes))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Please correct the errors below." in html
    error_list = re.search(rf'<ul class="errorlist" id="id_{field}_error">(.*?)</ul>', html, re.S)
    assert error_list and message in error_list.group(1)
    assert 'aria-invalid="true"' in html
    assert SalaryDataPoint.objects.count() == 0


def test_one_submission_per_person_per_year(owner_client, other_client, salary_tracks):
    owner_client.post(URL, form())

    again = owner_client.post(URL, form(amount="99000"))

    assert again.status_code == 200
    assert f"You have already shared your pay for {THIS_YEAR}" in text(again)
    assert SalaryDataPoint.objects.count() == 1
    owner_client.post(URL, form(year=str(THIS_YEAR - 1)))  # another year is fine
    other_client.post(URL, form())  # and so is another person
    assert SalaryDataPoint.objects.count() == 3


def test_the_database_also_refuses_a_second_submission(owner, salary_tracks):
    senior = level("backend", "senior")
    moderation.submit(owner, level=senior, country="DE", currency="EUR", amount=1, year=2024)
    with pytest.raises(IntegrityError):
        moderation.submit(owner, level=senior, country="DE", currency="EUR", amount=2, year=2024)


def test_a_pending_submission_can_be_withdrawn(owner_client, owner, salary_tracks):
    owner_client.post(URL, form())
    contribution = Contribution.objects.get()

    response = owner_client.post(f"{URL}{contribution.pk}/withdraw/", follow=True)

    assert response.redirect_chain == [(URL, 302)]
    assert f"Your submission for {THIS_YEAR} was withdrawn." in text(response)
    assert Contribution.objects.count() == 0
    assert SalaryDataPoint.objects.count() == 0
    owner_client.post(URL, form())  # and the person may submit again
    assert SalaryDataPoint.objects.count() == 1


def test_no_one_else_can_withdraw_it(owner_client, other_client, client, salary_tracks):
    owner_client.post(URL, form())
    contribution = Contribution.objects.get()
    url = f"{URL}{contribution.pk}/withdraw/"

    assert other_client.post(url).status_code == 404
    assert client.post(url).status_code == 302  # to sign in
    assert other_client.get(url).status_code == 405
    assert "€85,000" not in text(other_client.get(URL))
    assert SalaryDataPoint.objects.count() == 1


def test_withdrawing_needs_a_csrf_token(owner, salary_tracks):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(owner)
    moderation.submit(
        owner, level=level("backend", "senior"), country="DE", currency="EUR", amount=1, year=2024
    )
    contribution = Contribution.objects.get()

    response = browser.post(f"{URL}{contribution.pk}/withdraw/")

    assert response.status_code == 403
    assert Contribution.objects.count() == 1


def test_approval_unlinks_the_point_from_the_person(
    owner_client, owner, staff_client, salary_tracks
):
    senior = level("backend", "senior")
    add_points(senior, [80_000, 82_000, 84_000, 86_000], country="DE", currency="EUR")
    owner_client.post(URL, form())
    point = SalaryDataPoint.objects.get(status=Status.PENDING)

    listing = staff_client.get("/admin/salaries/pendingcontribution/")
    assert listing.status_code == 200
    assert "85000" in listing.content.decode()
    response = staff_client.post(
        "/admin/salaries/pendingcontribution/",
        {"action": "approve_points", "_selected_action": [point.pk]},
        follow=True,
    )

    assert "Approved 1 data point." in text(response)
    point.refresh_from_db()
    assert point.status == Status.APPROVED
    contribution = Contribution.objects.get()
    assert contribution.status == Status.APPROVED
    assert contribution.data_point is None
    assert not hasattr(point, "contribution") or point.contribution is None
    assert salary_stats(level=senior, country="DE", currency="EUR").count == 5
    page = text(owner_client.get(URL))
    assert "No longer linked to your account" in page and "Approved" in page
    assert "€85,000" not in page
    # Approved: no longer withdrawable, and still one per year.
    assert owner_client.post(f"{URL}{contribution.pk}/withdraw/").status_code == 404
    assert "already shared" in text(owner_client.post(URL, form()))


def test_rejected_pay_counts_nowhere_and_may_be_sent_again(owner, owner_client, salary_tracks):
    owner_client.post(URL, form(amount="9999999"))

    assert moderation.reject(SalaryDataPoint.objects.all()) == 1

    assert Contribution.objects.get().data_point is None
    assert Contribution.objects.get().status == Status.REJECTED
    assert salary_stats().count == 0
    owner_client.post(URL, form())
    assert Contribution.objects.filter(status=Status.PENDING).count() == 1


def test_the_database_keeps_moderated_contributions_unlinked(owner, salary_tracks):
    moderation.submit(
        owner, level=level("backend", "senior"), country="DE", currency="EUR", amount=1, year=2024
    )
    contribution = Contribution.objects.get()
    contribution.status = Status.APPROVED
    with pytest.raises(IntegrityError):
        contribution.save()


def test_outliers_beyond_three_iqr_are_flagged(owner, other_user, salary_tracks):
    senior = level("backend", "senior")
    add_points(senior, [100_000, 110_000, 120_000, 130_000, 140_000])  # IQR 20,000
    # Fences: 110,000 - 60,000 = 50,000 and 130,000 + 60,000 = 190,000

    ordinary = moderation.submit(
        owner, level=senior, country="US", currency="USD", amount=Decimal(185_000), year=2024
    )
    high = moderation.submit(
        other_user, level=senior, country="US", currency="USD", amount=Decimal(195_000), year=2024
    )
    low = moderation.submit(
        owner, level=senior, country="US", currency="USD", amount=Decimal(45_000), year=2023
    )

    assert ordinary.data_point.outlier is False
    assert high.data_point.outlier is True
    assert low.data_point.outlier is True


def test_outliers_use_worldwide_data_when_the_country_has_too_little(owner, salary_tracks):
    senior = level("backend", "senior")
    add_points(senior, [100_000, 110_000, 120_000, 130_000, 140_000], country="US")

    flagged = moderation.submit(
        owner, level=senior, country="LT", currency="USD", amount=Decimal(1_000_000), year=2024
    )
    assert flagged.data_point.outlier is True


def test_too_small_a_group_flags_nothing(owner, salary_tracks):
    contribution = moderation.submit(
        owner,
        level=level("backend", "junior"),
        country="US",
        currency="USD",
        amount=Decimal(10_000_000),
        year=2024,
    )
    assert contribution.data_point.outlier is False


def test_the_moderation_list_shows_only_pending_contributions(owner, staff_client, salary_tracks):
    add_points(level("backend", "senior"), [123_456])
    add_points(level("backend", "senior"), [654_321], status=Status.PENDING)  # an import
    moderation.submit(
        owner,
        level=level("backend", "junior"),
        country="DE",
        currency="EUR",
        amount=77_777,
        year=2024,
    )

    html = staff_client.get("/admin/salaries/pendingcontribution/").content.decode()

    assert "77777" in html
    assert "123456" not in html and "654321" not in html
    assert "owner" not in html
