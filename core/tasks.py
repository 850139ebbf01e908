"""What background tasks share: retries with back-off, and work left by a stopped worker.

Tasks are Django's (`django.tasks`: `@task`, `.enqueue()`), run by the backend settings.py
names: in the process that queues them (`TASKS_BACKEND=immediate`, the default) or by
`manage.py db_worker` processes reading django-tasks-db's table (`database`).

Two faults a task must survive, and the helpers for them:
- the database (or a mail server) is briefly away: the task queues itself again, after a
  back-off that doubles, and fails for good after MAX_ATTEMPTS (`retry_later`);
- the worker is killed mid-task: django-tasks-db leaves the task RUNNING for ever. Work
  that records its own state (an upload's row, locked while its import runs) can tell
  it was abandoned, and `resume` puts its task back in the queue.
"""

import logging
from datetime import timedelta
from typing import Any

from django.db import InterfaceError, OperationalError, close_old_connections, connection
from django.tasks import Task, TaskResult, TaskResultStatus
from django.tasks.exceptions import TaskResultDoesNotExist
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger(__name__)

# The database went away or refused us for now (a restart, a fail-over, a lock timeout):
# worth another try. Anything else is a bug or bad input, and another try fails the same.
TRANSIENT_ERRORS: tuple[type[Exception], ...] = (OperationalError, InterfaceError)
MAX_ATTEMPTS = 6
FIRST_DELAY = timedelta(seconds=10)


def backoff(attempt: int) -> timedelta:
    """The wait after failed attempt `attempt` (1, 2, …): 10 s, 20 s, 40 s, doubling."""
    return FIRST_DELAY * 2 ** (max(attempt, 1) - 1)


def retry_later(task: Task, attempt: int, *args: Any, **kwargs: Any) -> TaskResult | None:
    """Queue `task(*args, attempt=attempt + 1, **kwargs)` to run after a back-off; None
    when the attempts are spent or the backend cannot wait (the immediate backend runs
    everything at once: there the error stands)."""
    if attempt >= MAX_ATTEMPTS or not task.get_backend().supports_defer:
        return None
    if not connection.in_atomic_block:
        close_old_connections()  # a connection the error broke: the next query opens anew
    later = task.using(run_after=timezone.now() + backoff(attempt))
    result = later.enqueue(*args, attempt=attempt + 1, **kwargs)
    logger.warning("Task %s failed (attempt %d); retrying as %s", task.name, attempt, result.id)
    return result


def resume(task: Task, task_id: str, *args: Any) -> str | None:
    """Make sure the work queued as `task_id` runs: the id it is queued under again, or
    None when it is still waiting in the queue (nothing to do).

    Call it only for work nobody is doing (its lock is free). A task left RUNNING (its
    worker was killed) goes back to the queue under the same id; one that failed, or is
    gone, is queued anew as `task(*args)`.
    """
    status = _status(task, task_id)
    if status == TaskResultStatus.READY:
        return None
    if status == TaskResultStatus.RUNNING and _requeue_running(task_id):
        logger.warning("Task %s was left running by a stopped worker; queued again", task_id)
        return task_id
    result = task.enqueue(*args)
    logger.warning("Task %s did not finish its work; queued again as %s", task_id, result.id)
    return result.id


def _status(task: Task, task_id: str) -> TaskResultStatus | None:
    backend = task.get_backend()
    if not task_id or not backend.supports_get_result:
        return None
    try:
        return backend.get_result(task_id).status
    except TaskResultDoesNotExist:  # pruned, or an id of another backend
        return None


def _requeue_running(task_id: str) -> bool:
    """Put a RUNNING task of django-tasks-db back in the queue (READY), keeping its id."""
    updated = DBTaskResult.objects.filter(id=task_id, status=TaskResultStatus.RUNNING).update(
        status=TaskResultStatus.READY, started_at=None
    )
    return updated == 1


def result_admin_url(task: Task, task_id: str) -> str:
    """The admin page of a queued task's result (state, error, traceback) where the
    backend keeps results (the database backend), else ""."""
    if not task_id or not task.get_backend().supports_get_result:
        return ""
    try:
        return reverse("admin:django_tasks_database_dbtaskresult_change", args=[task_id])
    except NoReverseMatch:
        return ""
