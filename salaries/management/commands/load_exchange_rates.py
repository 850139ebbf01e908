"""`manage.py load_exchange_rates FILE.csv [--dry-run]`: a yearly table of rates to USD."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from salaries.rates import load_rates


class Command(BaseCommand):
    help = (
        "Load yearly exchange rates from a CSV with columns currency,year,rate_to_usd "
        "(one unit of the currency in US dollars). Replaces rates for the same currency "
        "and year. All or nothing."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="check and report only")

    def handle(self, *args, **options) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file.")
        with path.open("rb") as file:
            report = load_rates(file, dry_run=options["dry_run"])
        for error in report.errors:
            self.stderr.write(str(error))
        if not report.ok:
            raise CommandError(report.summary(), returncode=1)
        prefix = "Dry run: would have " if options["dry_run"] else ""
        self.stdout.write(self.style.SUCCESS(prefix + report.summary()))
