"""Salary moderation and bulk changes in the admin are written to the audit log:
who, what and when, one entry per object changed, visible in the admin's log."""

from decimal import Decimal

import pytest
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from salaries import moderation
from salaries.models import ExchangeRate, ImportBatch, SalaryDataPoint, Status
from tests.salary_support import add_points, level, write_csv

pytestmark = pytest.mark.django_db

LOG = reverse("admin:admin_logentry_changelist")


def entries(model) -> list[LogEntry]:
    kind = ContentType.objects.get_for_model(model)
    return list(LogEntry.objects.filter(content_type=kind).order_by("object_id"))


def submit(user, amount: str, year: int = 2024):
    return moderation.submit(
        user,
        level=level("backend", "senior"),
        country="DE",
        currency="EUR",
        amount=Decimal(amount),
        year=year,
    )


@pytest.mark.parametrize(
    ("action", "word", "status"),
    [
        ("approve_points", "Approved", Status.APPROVED),
        ("reject_points", "Rejected", Status.REJECTED),
    ],
)
@pytest.mark.parametrize(
    "changelist", ["/admin/salaries/pendingcontribution/", "/admin/salaries/salarydatapoint/"]
)
def test_moderation_is_logged_per_point_with_who_what_and_when(
    staff_client, staff, owner, other_user, salary_tracks, action, word, status, changelist
):
    mine, theirs = submit(owner, "85000"), submit(other_user, "91000")
    already = add_points(level("backend", "junior"), [50_000])[0]  # approved: not moderated
    chosen = [mine.data_point_id, theirs.data_point_id, already.pk]

    response = staff_client.post(
        changelist, {"action": action, "_selected_action": chosen}, follow=True
    )

    assert response.status_code == 200
    assert set(
        SalaryDataPoint.objects.filter(pk__in=chosen[:2]).values_list("status", flat=True)
    ) == {status}
    logged = entries(SalaryDataPoint)
    assert [int(e.object_id) for e in logged] == sorted(chosen[:2])  # not the approved one
    assert {(e.user, e.action_flag, e.change_message) for e in logged} == {
        (staff, CHANGE, f"{word} (moderation).")
    }
    reprs = {e.object_repr for e in logged}
    assert "Backend engineering: Senior backend engineer, DE 2024: 85000.00 EUR" in reprs
    # Who sent it is never written down: only the moderator is.
    assert all("owner" not in e.object_repr and "other" not in e.object_repr for e in logged)
    # And the log in the admin shows them.
    page = staff_client.get(LOG).content.decode()
    assert f"{word} (moderation)." in page
    assert "Senior backend engineer, DE 2024: 91000.00 EUR" in page


def test_nothing_is_logged_when_nothing_was_pending(staff_client, salary_tracks):
    point = add_points(level("backend", "junior"), [50_000])[0]
    staff_client.post(
        "/admin/salaries/salarydatapoint/",
        {"action": "approve_points", "_selected_action": [point.pk]},
    )
    assert LogEntry.objects.count() == 0


def test_rolling_back_imports_is_logged_per_batch(staff_client, staff, salary_tracks, tmp_path):
    from salaries.importing.run import Importer

    rows = [["backend", "junior", "US", "USD", "85000", "2024"]] * 3
    for name in ("a.csv", "b.csv"):
        path = write_csv(tmp_path / name, rows)
        with path.open("rb") as f:
            assert Importer(source_name=name, user=staff).run(f, name).ok
    batches = list(ImportBatch.objects.order_by("pk"))

    staff_client.post(
        "/admin/salaries/importbatch/",
        {"action": "roll_back_batches", "_selected_action": [b.pk for b in batches]},
    )

    logged = entries(ImportBatch)
    assert [(int(e.object_id), e.user, e.action_flag) for e in logged] == [
        (b.pk, staff, CHANGE) for b in batches
    ]
    assert {e.change_message for e in logged} == {"Rolled back: 3 data point(s) deleted."}
    assert "a.csv → a.csv" in {e.object_repr for e in logged}
    assert "Rolled back: 3 data point(s) deleted." in staff_client.get(LOG).content.decode()


def test_an_admin_import_is_logged_as_an_addition(staff_client, staff, salary_tracks, tmp_path):
    content = write_csv(tmp_path / "s.csv", [["backend", "junior", "US", "USD", "1", "2024"]])
    staff_client.post(
        "/admin/salaries/importbatch/import/",
        {"file": SimpleUploadedFile("s.csv", content.read_bytes()), "source": "Admin survey"},
    )
    (entry,) = entries(ImportBatch)
    assert (entry.user, entry.action_flag, entry.object_id) == (
        staff,
        ADDITION,
        str(ImportBatch.objects.get().pk),
    )
    assert "Imported 1 data point(s)" in entry.change_message


def test_a_dry_run_import_logs_nothing(staff_client, salary_tracks, tmp_path):
    content = write_csv(tmp_path / "s.csv", [["backend", "junior", "US", "USD", "1", "2024"]])
    staff_client.post(
        "/admin/salaries/importbatch/import/",
        {"file": SimpleUploadedFile("s.csv", content.read_bytes()), "dry_run": "on"},
    )
    assert LogEntry.objects.count() == 0


def test_loading_exchange_rates_is_logged_per_rate(staff_client, staff):
    ExchangeRate.objects.create(currency="EUR", year=2022, rate_to_usd=Decimal("1.05"))
    table = b"currency,year,rate_to_usd\nEUR,2023,1.0797\nGBP,2024,1.25\n"
    staff_client.post(
        "/admin/salaries/exchangerate/load/",
        {"file": SimpleUploadedFile("rates.csv", table, content_type="text/csv")},
    )
    logged = entries(ExchangeRate)
    assert sorted(e.object_repr for e in logged) == [
        "EUR 2023: 1.0797000000 USD",
        "GBP 2024: 1.2500000000 USD",
    ]  # not the 2022 rate the table did not touch
    assert {(e.user, e.change_message) for e in logged} == {
        (staff, "Loaded from a CSV table: rates.csv.")
    }
