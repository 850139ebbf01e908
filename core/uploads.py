"""Files uploaded for a background import: what salary and roadmap uploads share, and
the size limit of every import form's file (`read_import_file`).

An app's upload model extends `Upload` (the file, who sent it, its task, its state and
result) and its import task calls `perform()`, which gives every import the same
guarantees:

- exactly once: the import locks its upload's row, checks that it is not finished, and
  records its result in the transaction that writes what it imports. Another run of
  the same upload waits for the first, then finds it finished and does nothing;
- nothing half-written: the import is one transaction. A worker killed in the middle
  leaves an unfinished upload whose row nobody locks any more; the next worker to
  start queues it again (`requeue_unfinished`, called by `manage.py db_worker`);
- retried: when the database goes away mid-import, the task queues itself again with a
  back-off (core/tasks.py); any other error fails both the task and the upload, with
  the error on the upload's page and in the admin's task results.
"""

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import DatabaseError, models, transaction
from django.tasks import Task
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.tasks import TRANSIENT_ERRORS, resume, retry_later

logger = logging.getLogger(__name__)

MAX_IMPORT_BYTES = 5 * 1024 * 1024


def read_import_file(upload: UploadedFile) -> bytes:
    """The bytes of a file sent to an import form (a roadmap, a framework); refused when
    it is larger than 5 MB."""
    if upload.size is not None and upload.size > MAX_IMPORT_BYTES:
        raise forms.ValidationError(_("The file is larger than 5 MB."))
    return upload.read()


class UploadState(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")
    DONE = "done", _("done")  # imported, or checked, or refused with its problems listed
    FAILED = "failed", _("failed")  # the import raised an error (`error` says which)


UNFINISHED = [UploadState.QUEUED, UploadState.RUNNING]


class UploadQuerySet(models.QuerySet):
    def unfinished(self) -> "UploadQuerySet":
        return self.filter(state__in=UNFINISHED)

    def without_file(self) -> "UploadQuerySet":
        """Everything but the file itself (megabytes), for pages and lists."""
        return self.defer("content")


class Upload(models.Model):
    """A file queued for import and what became of it. The file is kept in the database
    so that a worker on any machine can read it, until its import ends."""

    file_name = models.CharField(_("file name"), max_length=255)
    content = models.BinaryField(_("file"), editable=False)
    size = models.PositiveBigIntegerField(_("bytes"), default=0)
    dry_run = models.BooleanField(_("check only"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    task_id = models.CharField(_("task"), max_length=64, blank=True)
    state = models.CharField(
        _("state"), max_length=16, choices=UploadState, default=UploadState.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # The result, once DONE: succeeded (imported, or valid when only checked), or why not.
    ok = models.BooleanField(_("succeeded"), default=False)
    summary = models.TextField(_("summary"), blank=True)
    error_count = models.PositiveIntegerField(_("problems"), default=0)
    errors = models.JSONField(_("problems found"), default=list, blank=True)
    error = models.TextField(_("error"), blank=True)  # FAILED: the exception

    objects = UploadQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.file_name

    @property
    def finished(self) -> bool:
        return self.state not in UNFINISHED


U = TypeVar("U", bound=Upload)


def perform(  # noqa: UP047  (kept to the syntax every tool reads)
    task: Task, model: type[U], upload_id: int, attempt: int, work: Callable[[U], None]
) -> dict[str, Any]:
    """The body of an import task: `work(upload)` once, in one transaction, for an
    unfinished upload (see the module's docstring). `work` imports the file and sets
    the result (`ok`, `summary`, `errors`...); this saves it, finished."""
    try:
        if not start(model, upload_id):
            return {"upload": upload_id, "ran": False}
        with transaction.atomic():
            # FOR NO KEY UPDATE: other runs wait; rows that refer to it (progress) do not.
            upload = model.objects.select_for_update(no_key=True).filter(pk=upload_id).first()
            if upload is None or upload.finished:
                return {"upload": upload_id, "ran": False}  # another run finished it
            work(upload)
            upload.state = UploadState.DONE
            upload.finished_at = timezone.now()
            upload.content = b""  # the file has served
            upload.save()
        return {"upload": upload_id, "ran": True, "ok": upload.ok}
    except TRANSIENT_ERRORS as exc:
        retried = retry_later(task, attempt, upload_id)
        if retried is None:
            record_failure(model, upload_id, exc)
        else:
            model.objects.filter(pk=upload_id).update(task_id=retried.id, state=UploadState.QUEUED)
        raise
    except Exception as exc:
        record_failure(model, upload_id, exc)
        raise


def start(model: type[Upload], upload_id: int) -> bool:
    """Mark the upload running, committed at once so that its page says so; False when
    it is gone or already finished."""
    with transaction.atomic():
        upload = (
            model.objects.without_file().select_for_update(no_key=True).filter(pk=upload_id).first()
        )
        if upload is None or upload.finished:
            return False
        upload.state = UploadState.RUNNING
        upload.attempts += 1
        upload.started_at = timezone.now()
        upload.save(update_fields=["state", "attempts", "started_at"])
    return True


def record_failure(model: type[Upload], upload_id: int, exc: BaseException) -> None:
    """Mark the upload failed with the error (when the database lets us)."""
    try:
        model.objects.unfinished().filter(pk=upload_id).update(
            state=UploadState.FAILED,
            error=printable(f"{type(exc).__name__}: {exc}")[:2000],
            finished_at=timezone.now(),
        )
    except (DatabaseError, ValueError):  # the database is away; `upload_id` is no id
        logger.exception("Could not record the failure of upload %s", upload_id)


def requeue_unfinished(model: type[Upload], task: Task) -> int:
    """Queue again every import of `model` a stopped worker left unfinished; how many.

    A running import holds its upload's row locked: the unfinished rows that can be
    locked now are imports nobody runs. Their task goes back to the queue (or, still
    waiting there, is left as it is)."""
    requeued = 0
    with transaction.atomic():
        uploads = (
            model.objects.unfinished()
            .without_file()
            .select_for_update(skip_locked=True)
            .order_by("pk")
        )
        for upload in uploads:
            task_id = resume(task, upload.task_id, upload.pk)
            if task_id is None:
                continue
            requeued += 1
            if task_id != upload.task_id:
                upload.task_id = task_id
                upload.save(update_fields=["task_id"])
    return requeued


def printable(text: str) -> str:
    """Text the database stores whatever it holds: PostgreSQL refuses NUL characters
    (a file may hold them) and any text refuses lone surrogates."""
    return text.replace("\x00", "\\x00").encode("utf-8", "backslashreplace").decode("utf-8")
