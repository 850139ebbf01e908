"""Reads that may go to a PostgreSQL read replica (docs/scaling.md).

With `DATABASE_REPLICA_URL` set, settings add a `replica` database and this router.
Only code that says so reads from the replica: heavy, lag-tolerant reads such as the
salary statistics, wrapped in `with replica():`. Everything else, and every write, uses
the primary, so a person always reads back what they just wrote. Without a replica,
`replica()` changes nothing.
"""

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar

from django.conf import settings
from django.db.models import Model

REPLICA = "replica"
_reading_from_replica: ContextVar[bool] = ContextVar("reading_from_replica", default=False)


@contextlib.contextmanager
def replica() -> Iterator[str]:
    """Inside the block, reads go to the replica when there is one. Yields the alias."""
    token = _reading_from_replica.set(True)
    try:
        yield REPLICA if REPLICA in settings.DATABASES else "default"
    finally:
        _reading_from_replica.reset(token)


class ReplicaRouter:
    """Reads inside `replica()` go to the replica; everything else to `default`."""

    def db_for_read(self, model: type[Model], **hints) -> str | None:
        if _reading_from_replica.get() and REPLICA in settings.DATABASES:
            return REPLICA
        return None

    def db_for_write(self, model: type[Model], **hints) -> str | None:
        return "default"

    def allow_relation(self, obj1: Model, obj2: Model, **hints) -> bool | None:
        # One database, copied: objects from either side may be related.
        return True

    def allow_migrate(self, db: str, app_label: str, **hints) -> bool | None:
        # The replica follows the primary; only the primary is migrated.
        return db == "default"
