"""A person's salary contributions in their data export and at account deletion.

`accounts.export` and `accounts.deletion` call these. A contribution is linked to its
data point only while it waits for review; moderation cuts the link (a database
constraint keeps moderated records unlinked), so for a moderated contribution only the
person's own record (year, status, date) remains theirs: the figure is anonymous.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from salaries.models import Contribution, OwnPay, SalaryDataPoint
from salaries.stats import invalidate


def contributions_export(user: AbstractBaseUser) -> list[dict[str, Any]]:
    """One dict per contribution of `user`, newest year first (one query). The figure's
    details are null once moderated: they no longer belong to anyone."""
    rows = (
        Contribution.objects.for_user(user)
        .select_related("data_point__track", "data_point__level")
        .order_by("-year", "-submitted_at")
    )
    export = []
    for contribution in rows:
        point = contribution.data_point
        export.append(
            {
                "year": contribution.year,
                "track": point.track.slug if point and point.track else None,
                "level": point.level.slug if point and point.level else None,
                "country": point.country if point else None,
                "currency": point.currency if point else None,
                "amount": point.amount if point else None,
                "bonus": point.bonus if point else None,
                "equity": point.equity if point else None,
                "status": contribution.status,
                "submitted_at": contribution.submitted_at,
            }
        )
    return export


def own_pay_export(user: AbstractBaseUser) -> dict[str, Any] | None:
    """The pay the person recorded for themselves (private; in no statistic), or None.
    It goes with the account (a foreign key with CASCADE)."""
    own = OwnPay.objects.for_user(user).first()
    if own is None:
        return None
    return {
        "amount": own.amount,
        "currency": own.currency,
        "year": own.year,
        "updated_at": own.updated_at,
    }


def forget_contributions(user: AbstractBaseUser) -> int:
    """Before deleting `user`: delete the points still linked to them (pending review)
    and every private record of their contributions. Approved points are already
    anonymous (unlinked) and stay in the statistics. Returns how many points went."""
    with transaction.atomic():
        mine = Contribution.objects.for_user(user)
        linked = list(mine.exclude(data_point=None).values_list("data_point_id", flat=True))
        mine.delete()
        deleted, _ = SalaryDataPoint.objects.filter(pk__in=linked).delete()
        if deleted:
            invalidate()
        return deleted


def pending_count(user: AbstractBaseUser) -> int:
    """How many of `user`'s contributions wait for review (the delete page says so)."""
    return Contribution.objects.for_user(user).pending().count()
