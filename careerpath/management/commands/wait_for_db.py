"""Wait until the database answers (used by the container's entrypoint).

With `--migrated`, also wait until every migration is applied: a process that does not
migrate itself (web replicas, workers, the scheduler) starts only once whoever does
(compose's `migrate` service, Kubernetes' migration Job) has finished, so new code never
meets an old schema.
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections
from django.db.migrations.executor import MigrationExecutor


def unapplied_migrations() -> int:
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


class Command(BaseCommand):
    help = (
        "Wait until the database accepts connections (and, with --migrated, until every "
        "migration is applied), or fail after --timeout seconds."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--timeout", type=float, default=60.0)
        parser.add_argument(
            "--migrated", action="store_true", help="also wait until no migration is pending"
        )

    def handle(self, *args, timeout: float, migrated: bool, **options) -> None:
        deadline = time.monotonic() + timeout
        said_waiting = False
        while True:
            try:
                connection.ensure_connection()
                pending = unapplied_migrations() if migrated else 0
                if not pending:
                    self.stdout.write("The database is answering.")
                    return
                problem = f"{pending} migration(s) not applied yet"
                if not said_waiting:
                    self.stdout.write(f"Waiting: {problem}.")
                    said_waiting = True
            except DatabaseError as exc:
                problem = str(exc)
            if time.monotonic() >= deadline:
                raise CommandError(f"The database was not ready within {timeout:g} s: {problem}")
            connection.close()
            time.sleep(1)
