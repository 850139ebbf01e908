"""Exchange rates: a yearly table from CSV, by command or from the admin."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from salaries.models import ExchangeRate

TABLE = "currency,year,rate_to_usd\r\nEUR,2023,1.0797\r\neur,2024,1.1111\r\nGBP,2024,1.25\r\n"


def rates() -> dict[tuple[str, int], Decimal]:
    return {(r.currency, r.year): r.rate_to_usd for r in ExchangeRate.objects.all()}


def test_the_command_loads_a_yearly_table(db, tmp_path):
    path = tmp_path / "rates.csv"
    path.write_text("\ufeff" + TABLE, encoding="utf-8")
    out = io.StringIO()

    call_command("load_exchange_rates", str(path), stdout=out)

    assert rates() == {
        ("EUR", 2023): Decimal("1.0797"),
        ("EUR", 2024): Decimal("1.1111"),
        ("GBP", 2024): Decimal("1.25"),
    }
    assert "Loaded 3 new and 0 updated" in out.getvalue()


def test_loading_again_replaces_the_same_years(db, tmp_path):
    ExchangeRate.objects.create(currency="EUR", year=2024, rate_to_usd=Decimal("2"))
    path = tmp_path / "rates.csv"
    path.write_text(TABLE)
    out = io.StringIO()

    call_command("load_exchange_rates", str(path), stdout=out)

    assert rates()[("EUR", 2024)] == Decimal("1.1111")
    assert ExchangeRate.objects.count() == 3
    assert "2 new and 1 updated" in out.getvalue()


def test_bad_rows_are_each_reported_and_nothing_changes(db, tmp_path):
    ExchangeRate.objects.create(currency="EUR", year=2024, rate_to_usd=Decimal("2"))
    path = tmp_path / "rates.csv"
    path.write_text(
        "currency,year,rate_to_usd\n"
        "EUR,2024,1.1\n"
        "XYZ,2024,1\n"
        "GBP,twenty,1\n"
        "GBP,2024,-1\n"
        "GBP,2023,abc\n"
        "GBP,2024\n"
        "EUR,2024,1.2\n"
    )
    err = io.StringIO()

    with pytest.raises(CommandError) as caught:
        call_command("load_exchange_rates", str(path), stdout=io.StringIO(), stderr=err)

    assert caught.value.returncode == 1
    lines = err.getvalue().splitlines()
    assert lines == [
        "line 3, column currency, value 'XYZ': unknown currency (use an ISO 4217 code)",
        "line 4, column year, value 'twenty': not a whole number",
        "line 5, column rate_to_usd, value '-1': not positive",
        "line 6, column rate_to_usd, value 'abc': not a number",
        "line 7, value '2': wrong column count: expected 3 fields, found 2",
        "line 8, value 'EUR 2024': a second rate for that year",
    ]
    assert rates() == {("EUR", 2024): Decimal("2")}


def test_missing_columns_are_named(db, tmp_path):
    path = tmp_path / "rates.csv"
    path.write_text("currency,rate\nEUR,1\n")
    with pytest.raises(CommandError):
        call_command("load_exchange_rates", str(path), stderr=(err := io.StringIO()))
    assert "missing required column(s): year, rate_to_usd" in err.getvalue()


def test_staff_load_a_table_from_the_admin(staff_client):
    page = staff_client.get("/admin/salaries/exchangerate/")
    assert 'href="/admin/salaries/exchangerate/load/"' in page.content.decode()

    upload = SimpleUploadedFile("rates.csv", TABLE.encode(), content_type="text/csv")
    response = staff_client.post(
        "/admin/salaries/exchangerate/load/", {"file": upload}, follow=True
    )

    assert response.status_code == 200
    assert "Loaded 3 new" in response.content.decode()
    assert len(rates()) == 3


def test_the_admin_shows_bad_rows_and_changes_nothing(staff_client):
    upload = SimpleUploadedFile("rates.csv", b"currency,year,rate_to_usd\nEUR,2024,0\n")

    response = staff_client.post("/admin/salaries/exchangerate/load/", {"file": upload})

    html = response.content.decode()
    assert "not positive" in html and "1 problem" in html
    assert ExchangeRate.objects.count() == 0


def test_the_database_refuses_a_rate_that_is_not_positive(db):
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        ExchangeRate.objects.create(currency="EUR", year=2024, rate_to_usd=Decimal("0"))
