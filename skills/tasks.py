"""Roadmap work done by background tasks: importing a file uploaded in the admin.

`queue_import()` stores the file (a RoadmapUpload) and queues `import_roadmap_upload` in
one transaction. The import is the one `manage.py import_roadmap` runs
(skills/roadmap_io.py), once, all or nothing, retried when the database goes away, and
queued again when its worker is killed (core/uploads.py).
"""

from typing import Any

from django.db import transaction
from django.tasks import task
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core import uploads
from core.uploads import perform, printable
from skills.models import RoadmapUpload
from skills.roadmap_io import RoadmapImportError, import_roadmap, loads


def queue_import(
    content: bytes, file_name: str, *, dry_run: bool = False, user: Any = None
) -> RoadmapUpload:
    """Store the file and queue its import; the upload, with its task's id.

    With the immediate backend (the default) the import has run when this returns."""
    with transaction.atomic():
        upload = RoadmapUpload.objects.create(
            file_name=printable(file_name)[:255] or "roadmap.json",
            content=content,
            size=len(content),
            dry_run=dry_run,
            created_by=user if user is not None and user.is_authenticated else None,
        )
        # In this transaction: the worker sees the task only with its file.
        result = import_roadmap_upload.enqueue(upload.pk)
        RoadmapUpload.objects.filter(pk=upload.pk).update(task_id=result.id)
    upload.refresh_from_db()
    return upload


@task
def import_roadmap_upload(upload_id: int, attempt: int = 1) -> dict[str, Any]:
    """Import an uploaded roadmap file, all or nothing, once (core/uploads.py)."""
    return perform(import_roadmap_upload, RoadmapUpload, upload_id, attempt, run_import)


def run_import(upload: RoadmapUpload) -> None:
    """The import itself, in the task's transaction; its result kept on the upload."""
    try:
        result = import_roadmap(loads(bytes(upload.content)), dry_run=upload.dry_run)
    except RoadmapImportError as exc:
        upload.ok = False
        upload.error_count = len(exc.problems)
        upload.errors = [
            {"path": printable(problem.path), "message": printable(problem.message)}
            for problem in exc.problems
        ]
        upload.summary = ngettext(
            "The file has %(count)d problem; nothing was imported.",
            "The file has %(count)d problems; nothing was imported.",
            upload.error_count,
        ) % {"count": upload.error_count}
        return
    upload.ok = True
    if upload.dry_run:
        upload.summary = _("The file is valid; nothing was written (check only). %(summary)s") % {
            "summary": result.summary()
        }
    else:
        upload.summary = result.summary()
        upload.roadmap = result.roadmap
    upload.summary = printable(upload.summary)


def requeue_unfinished() -> int:
    """Queue again the roadmap imports a stopped worker left unfinished; how many."""
    return uploads.requeue_unfinished(RoadmapUpload, import_roadmap_upload)
