"""Deleting an account and everything in it.

Profile, skill progress, progress events, email addresses and the pay a person recorded
for themselves (salaries.OwnPay) go with the user row
(foreign keys with CASCADE); the current session is flushed, and any other session
can no longer find the account, so it is signed out. Salary contributions follow the salaries app's
rule, applied by `salary_contributions_on_delete` before the user is deleted: figures
that are already anonymous and approved stay in the statistics with nothing linking
them to the person; all others are deleted.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from salaries.privacy import forget_contributions, pending_count
from tracking.models import ProgressEvent, SkillProgress


def salary_contributions_on_delete(user: AbstractBaseUser) -> None:
    """Approved figures are already anonymous (unlinked) and stay; figures waiting for
    review and every private record of a contribution are deleted."""
    forget_contributions(user)


BEFORE_DELETE: list[Callable[[AbstractBaseUser], None]] = [salary_contributions_on_delete]


def summary(user: AbstractBaseUser) -> dict[str, int]:
    """What deletion will remove, for the confirmation page."""
    return {
        "progress": SkillProgress.objects.for_user(user).count(),
        "events": ProgressEvent.objects.for_user(user).count(),
        "salary_pending": pending_count(user),
    }


def delete_account(user: AbstractBaseUser) -> None:
    with transaction.atomic():
        for hook in BEFORE_DELETE:
            hook(user)
        user.delete()
