"""`manage.py remind_exchange_rates`: admins hear which years and currencies lack a rate."""

import io
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from salaries.models import ExchangeRate, SalaryDataPoint, Status
from salaries.rates import load_rates
from tests.factories import UserFactory
from tests.salary_support import add_points, level


@pytest.fixture
def points(salary_tracks):
    senior = level("backend", "senior")
    add_points(senior, [50_000] * 3, currency="EUR", year=2023)
    add_points(senior, [60_000] * 2, currency="EUR", year=2024)
    add_points(senior, [40_000], currency="GBP", year=2024)
    add_points(senior, [70_000] * 4, currency="USD", year=2024)  # needs no rate
    add_points(senior, [45_000] * 7, currency="CHF", year=2024, status=Status.PENDING)
    add_points(senior, [55_000], currency="SEK", year=2024)
    ExchangeRate.objects.create(currency="SEK", year=2024, rate_to_usd="0.095")


@pytest.fixture
def admins(db, settings):
    settings.ADMINS = ["ops@example.com"]
    UserFactory(username="root", email="root@example.com", is_staff=True, is_superuser=True)
    UserFactory(username="ops", email="OPS@example.com", is_staff=True, is_superuser=True)
    UserFactory(username="editor", email="editor@example.com", is_staff=True)
    UserFactory(
        username="gone", email="gone@example.com", is_staff=True, is_superuser=True, is_active=False
    )


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("remind_exchange_rates", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def rows(body: str) -> list[list[str]]:
    """The table's rows as the admin reads them: year, currency, points."""
    return [line.split() for line in body.splitlines() if line.startswith("  20")]


def test_admins_get_one_mail_listing_each_year_and_currency_without_a_rate(points, admins):
    out, _ = run()

    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    # ADMINS and active staff superusers, each address once; not plain staff, not inactive.
    assert sent.to == ["ops@example.com", "root@example.com"]
    assert "exchange rates missing" in sent.subject
    assert rows(sent.body) == [["2023", "EUR", "3"], ["2024", "EUR", "2"], ["2024", "GBP", "1"]]
    assert "load_exchange_rates" in sent.body
    assert "/admin/salaries/exchangerate/load/" in sent.body
    assert "Mailed 2 admin(s): 3 year and currency pair(s)" in out


def test_nothing_is_sent_once_every_rate_exists(points, admins):
    report = load_rates(io.BytesIO(b"currency,year,rate_to_usd\nEUR,2023,1.08\nEUR,2024,1.08\n"))
    assert report.ok
    run()
    assert rows(mail.outbox[0].body) == [["2024", "GBP", "1"]]

    load_rates(io.BytesIO(b"currency,year,rate_to_usd\nGBP,2024,1.27\n"))
    out, _ = run()
    assert len(mail.outbox) == 1  # no second mail
    assert "nothing to send" in out


def test_running_twice_changes_nothing_and_says_the_same(points, admins):
    before = (SalaryDataPoint.objects.count(), ExchangeRate.objects.count())
    run()
    run()
    assert (SalaryDataPoint.objects.count(), ExchangeRate.objects.count()) == before
    first, second = mail.outbox
    assert (first.subject, first.body, first.to) == (second.subject, second.body, second.to)


def test_dry_run_prints_the_mail_and_sends_nothing(points, admins):
    out, _ = run("--dry-run")
    assert mail.outbox == []
    assert "would mail ops@example.com, root@example.com" in out
    assert rows(out) == [["2023", "EUR", "3"], ["2024", "EUR", "2"], ["2024", "GBP", "1"]]


def test_without_anyone_to_mail_it_says_so_and_succeeds(points, settings):
    settings.ADMINS = []
    UserFactory(username="staffer", email="staff@example.com", is_staff=True)
    _, err = run()
    assert mail.outbox == []
    assert "nobody to mail" in err
    assert ["2024", "GBP", "1"] in rows(err)


def test_queries_do_not_grow_with_the_points(points, admins, django_assert_max_num_queries):
    add_points(level("backend", "senior"), [1] * 50, currency="JPY", year=2020)
    with django_assert_max_num_queries(2):
        run("--dry-run")
