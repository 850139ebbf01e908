"""Wait until the database answers (used by the container's entrypoint)."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection


class Command(BaseCommand):
    help = "Wait until the database accepts connections, or fail after --timeout seconds."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--timeout", type=float, default=60.0)

    def handle(self, *args, timeout: float, **options) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                connection.ensure_connection()
                self.stdout.write("The database is answering.")
                return
            except DatabaseError as exc:
                if time.monotonic() >= deadline:
                    raise CommandError(
                        f"The database did not answer within {timeout:g} s: {exc}"
                    ) from exc
                connection.close()
                time.sleep(1)
