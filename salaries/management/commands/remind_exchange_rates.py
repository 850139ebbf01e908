"""`manage.py remind_exchange_rates [--dry-run]`: mail the site's admins which years and
currencies of approved salary points have no exchange rate (a scheduled job, weekly).

Points without a rate are left out of every statistic converted to another currency, so
curators need to know. The command only reads: run twice, it mails the same list twice
and changes nothing; with every rate present it mails nobody.
"""

from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.core.management.base import BaseCommand
from django.urls import reverse

from salaries.rates import MissingRate, missing_rates


def admin_addresses() -> list[str]:
    """Who hears about it: `ADMINS` and every active staff superuser with an address,
    each address once (compared without case), in that order."""
    configured = [
        entry if isinstance(entry, str) else entry[1]  # Django < 6 took (name, address)
        for entry in getattr(settings, "ADMINS", [])
    ]
    superusers = (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True, is_superuser=True)
        .exclude(email="")
        .order_by("pk")
        .values_list("email", flat=True)
    )
    seen: set[str] = set()
    addresses = []
    for address in [*configured, *superusers]:
        if address and address.lower() not in seen:
            seen.add(address.lower())
            addresses.append(address)
    return addresses


def table(missing: Iterable[MissingRate]) -> str:
    lines = [f"  {'year':<6}{'currency':<10}{'points':>10}"]
    lines += [f"  {m.year:<6}{m.currency:<10}{m.points:>10,}" for m in missing]
    return "\n".join(lines)


def message(missing: list[MissingRate]) -> tuple[str, str]:
    """The reminder's subject and body."""
    points = sum(m.points for m in missing)
    subject = (
        f"Careerpath: exchange rates missing for {len(missing)} year and currency "
        f"pair(s) ({points:,} salary points)"
    )
    body = (
        "These approved salary points are in a currency that has no exchange rate for\n"
        "their year, so every statistic converted to another currency leaves them out:\n\n"
        f"{table(missing)}\n\n"
        "Add the rates (one unit of the currency in US dollars, the year's average) by\n"
        f"uploading a CSV with columns currency,year,rate_to_usd in the admin\n"
        f"({reverse('admin:salaries_exchangerate_load')}) or with\n"
        "  python manage.py load_exchange_rates FILE.csv\n\n"
        "This reminder is sent every week until every such year and currency has a rate.\n"
    )
    return subject, body


class Command(BaseCommand):
    help = (
        "Mail the site's admins (ADMINS and active staff superusers) the years and "
        "currencies of approved salary points that have no exchange rate. Nothing is "
        "sent when every rate exists."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="print what would be sent; send nothing"
        )

    def handle(self, *args, dry_run: bool, **options) -> None:
        missing = missing_rates()
        if not missing:
            self.stdout.write("Every approved salary point has an exchange rate: nothing to send.")
            return
        subject, body = message(missing)
        recipients = admin_addresses()
        if dry_run:
            self.stdout.write(f"Dry run: would mail {', '.join(recipients) or 'nobody'}:")
            self.stdout.write(f"Subject: {subject}\n\n{body}")
            return
        if not recipients:
            # Reported, not raised: a scheduler would only retry, and nobody could be told.
            self.stderr.write(
                "Exchange rates are missing, but there is nobody to mail: set ADMINS or "
                "give a staff superuser an email address.\n" + table(missing)
            )
            return
        send_mail(subject, body, None, recipients)
        self.stdout.write(
            f"Mailed {len(recipients)} admin(s): {len(missing)} year and currency pair(s) "
            "without an exchange rate."
        )
