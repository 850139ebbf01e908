"""Salary work done by background tasks: importing a queued file, warming statistics.

`queue_import()` stores a file (an ImportUpload) and queues `import_upload` in one
transaction; the admin's upload form and `import_salaries --queue` call it. The import
is the one `manage.py import_salaries` runs (salaries/importing/), once, all or nothing,
retried when the database goes away, and queued again when its worker is killed
(core/uploads.py). Its progress is written as it reads the file (`LiveProgress`).
"""

import io
import logging
import time
from typing import IO, Any

from django.contrib.admin.models import ADDITION, LogEntry
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections, transaction
from django.tasks import task
from django.utils import timezone

from careers.models import Track
from core import uploads
from core.uploads import perform, printable
from salaries.importing.run import Importer
from salaries.models import ImportProgress, ImportUpload
from salaries.stats import (
    level_pay,
    published_figures,
    salary_stats,
    sources_with_counts,
    stats_by_country,
    stats_by_level,
)

logger = logging.getLogger(__name__)


def queue_import(
    file: IO[bytes],
    file_name: str,
    *,
    source_name: str = "",
    dry_run: bool = False,
    force: bool = False,
    user: Any = None,
) -> ImportUpload:
    """Store the file and queue its import; the upload, with its task's id.

    With the immediate backend (the default) the import has run when this returns."""
    content = file.read()
    with transaction.atomic():
        upload = ImportUpload.objects.create(
            file_name=printable(file_name)[:255] or "upload.csv",
            content=content,
            size=len(content),
            source_name=source_name,
            dry_run=dry_run,
            force=force,
            created_by=user if user is not None and user.is_authenticated else None,
        )
        ImportProgress.objects.create(upload=upload)
        # In this transaction: the worker sees the task only with its file.
        result = import_upload.enqueue(upload.pk)
        ImportUpload.objects.filter(pk=upload.pk).update(task_id=result.id)
    upload.refresh_from_db(fields=["task_id", "state"])
    return upload


@task
def import_upload(upload_id: int, attempt: int = 1) -> dict[str, Any]:
    """Import an uploaded file, all or nothing, once (core/uploads.py)."""
    return perform(import_upload, ImportUpload, upload_id, attempt, run_import)


def run_import(upload: ImportUpload) -> None:
    """The import itself, in the task's transaction: the same as `import_salaries` runs,
    its report kept on the upload, its batch in the audit log; statistics warmed after."""
    progress = LiveProgress(upload.pk)
    try:
        importer = Importer(
            source_name=upload.source_name,
            user=upload.created_by,  # read apart: a join would lock the user's row too
            dry_run=upload.dry_run,
            force=upload.force,
            progress=progress,
        )
        report = importer.run(io.BytesIO(bytes(upload.content)), upload.file_name)
    finally:
        progress.close()
    upload.ok = report.ok
    upload.summary = printable(report.summary())
    upload.error_count = report.error_count
    upload.errors = [
        {
            "line": error.line,
            "column": printable(error.column)[:100],
            "value": printable(error.value)[:200],
            "reason": printable(error.reason),
        }
        for error in report.errors
    ]
    upload.batch = report.batch
    if report.batch is not None:
        if upload.created_by_id is not None:
            # The admin's audit log, as core.audit records an admin's action (no request here).
            LogEntry.objects.log_actions(
                user_id=upload.created_by_id,
                queryset=[report.batch],
                action_flag=ADDITION,
                change_message=upload.summary,
            )
        transaction.on_commit(warm_statistics.enqueue)


def requeue_unfinished() -> int:
    """Queue again the salary imports a stopped worker left unfinished; how many."""
    return uploads.requeue_unfinished(ImportUpload, import_upload)


class LiveProgress:
    """The importer's progress, written where every process sees it while the import's
    transaction is still open: through a database connection of its own, committing
    each write, at most every half second. Only on PostgreSQL (on SQLite a second writer
    would wait for the import's lock): there the page says the import runs, no more.
    Progress is a courtesy: if writing it fails, the import goes on without it."""

    EVERY = 0.5  # seconds

    def __init__(self, upload_id: int) -> None:
        self.upload_id = upload_id
        self.written_at = 0.0
        self.connection = (
            connections.create_connection(DEFAULT_DB_ALIAS)
            if connection.vendor == "postgresql"
            else None
        )

    def __call__(self, phase: str, done: int, total: int) -> None:
        if self.connection is None:
            return
        now = time.monotonic()
        if now - self.written_at < self.EVERY and done < total:
            return
        self.written_at = now
        meta = ImportProgress._meta
        quote = self.connection.ops.quote_name
        columns = [quote(meta.get_field(name).column) for name in ("phase", "done", "total")]
        updated_at = quote(meta.get_field("updated_at").column)
        sql = (
            f"UPDATE {quote(meta.db_table)} SET {columns[0]} = %s, {columns[1]} = %s, "  # noqa: S608
            f"{columns[2]} = %s, {updated_at} = %s WHERE {quote(meta.pk.column)} = %s"
        )
        try:
            with self.connection.cursor() as cursor:
                cursor.execute(sql, [phase, done, total, timezone.now(), self.upload_id])
        except DatabaseError:
            logger.warning("Import %s: progress not recorded", self.upload_id, exc_info=True)
            self.close()

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


@task
def warm_statistics() -> int:
    """Compute the salary figures the pages show first (per track, per level, the home
    page's ladder), so the first visitors after an import find them cached: in a shared
    cache (Redis) for every process, else in the cache of the process that runs this
    (the web process itself with the immediate backend). How many were computed."""
    computed = 1
    sources_with_counts()
    for track in Track.objects.prefetch_related("levels"):
        levels = sorted(track.levels.all(), key=lambda level: level.rank)
        salary_stats(track=track)
        by_level = stats_by_level(track, levels=levels)
        published_figures(track=track, include_untracked=True)
        computed += 3
        busiest = max(by_level, key=lambda row: row.stats.count, default=None)
        if busiest is not None and busiest.stats.count:
            stats_by_country(busiest.level)
            computed += 1
        for level in levels:
            level_pay(level)  # a level's worldwide pay (the level pages, the dashboard)
            computed += 1
    return computed
