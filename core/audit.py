"""The audit log's one write: recording an admin action on objects, as the admin does.

Django's admin records every add, change and delete it makes as a `LogEntry`. Admin
*actions* that change objects in bulk (e.g. approving salary data points) are not logged
by Django; they call `audit()` for each object they change. `core.admin` shows the log.
"""

from collections.abc import Iterable

from django.contrib.admin.models import CHANGE, LogEntry
from django.db.models import Model
from django.http import HttpRequest


def audit(
    request: HttpRequest, objects: Iterable[Model], message: str, action_flag: int = CHANGE
) -> None:
    """Log an admin action on each object, as the admin logs its own changes."""
    objects = list(objects)
    if objects:
        LogEntry.objects.log_actions(
            user_id=request.user.pk,
            queryset=objects,
            action_flag=action_flag,
            change_message=message,
        )
