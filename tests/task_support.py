"""Running background tasks in a test: a worker in the test's own process."""

import io

from django.core.management import call_command


def run_worker() -> str:
    """`manage.py db_worker` until the queue is empty (with the `queued_tasks` fixture);
    what it said on stderr."""
    err = io.StringIO()
    call_command(
        "db_worker",
        "--batch",
        "--no-startup-delay",
        "--no-reload",
        "--interval",
        "0",
        stdout=io.StringIO(),
        stderr=err,
    )
    return err.getvalue()
