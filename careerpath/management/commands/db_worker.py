"""`manage.py db_worker`: django-tasks-db's worker, which first queues again the imports
that a stopped worker left unfinished.

django-tasks-db leaves a task RUNNING for ever when its worker dies (killed, out of
memory, the machine gone). Imports record their own state and hold their upload's row
locked while they run (core/uploads.py), so an unfinished upload that nobody holds was
abandoned: each worker, as it starts, puts those back in the queue. Whatever restarts a
dead worker (docker-compose, Kubernetes) thereby finishes its import.
"""

from typing import Any

from django_tasks_db.management.commands import db_worker

from salaries import tasks as salary_tasks
from skills import tasks as roadmap_tasks


class Command(db_worker.Command):
    help = (
        "Run a worker for tasks queued in the database (TASKS_BACKEND=database), after "
        "queuing again the imports a stopped worker left unfinished."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        for kind, requeue in (
            ("salary", salary_tasks.requeue_unfinished),
            ("roadmap", roadmap_tasks.requeue_unfinished),
        ):
            if count := requeue():
                self.stderr.write(f"Queued again {count} unfinished {kind} import(s).")
        super().handle(*args, **options)
