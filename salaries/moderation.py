"""Contributions: submitting, withdrawing, outlier flags, and moderation."""

from decimal import Decimal

from django.db import transaction
from django.db.models import QuerySet

from careers.models import Level
from salaries.models import (
    CONTRIBUTIONS_SOURCE_NAME,
    Contribution,
    SalaryDataPoint,
    Source,
    Statistic,
    Status,
)
from salaries.stats import invalidate, salary_stats

OUTLIER_IQRS = 3


def is_outlier(amount: Decimal, *, level: Level, country: str, currency: str) -> bool:
    """Beyond 3 IQR of its group (the level in that country, else worldwide)?
    Groups too small to have figures flag nothing."""
    stats = salary_stats(level=level, country=country, currency=currency)
    if stats.suppressed:
        stats = salary_stats(level=level, currency=currency)
    if stats.suppressed or stats.iqr is None:
        return False
    value = float(amount)
    reach = OUTLIER_IQRS * stats.iqr
    return value < stats.p25 - reach or value > stats.p75 + reach


def contributions_source() -> Source:
    source, _ = Source.objects.get_or_create(
        name=CONTRIBUTIONS_SOURCE_NAME,
        defaults={
            "publisher": "Careerpath",
            "licence": "Shared by the people who earn it; shown only as statistics",
            "notes": "Salaries submitted by signed-in people, checked by moderators, "
            "stored without a link to the account once moderated.",
        },
    )
    return source


def submit(
    user,
    *,
    level: Level,
    country: str,
    currency: str,
    amount: Decimal,
    year: int,
    bonus: Decimal | None = None,
    equity: Decimal | None = None,
    implausible: str = "",
) -> Contribution:
    """A pending data point and the person's private record of it. `bonus` and `equity`
    per year, in `currency`; None: not known. `implausible` is why it looked implausible
    (salaries.plausibility), for the moderators."""
    outlier = is_outlier(amount, level=level, country=country, currency=currency)
    with transaction.atomic():
        point = SalaryDataPoint.objects.create(
            source=contributions_source(),
            track_id=level.track_id,
            level=level,
            country=country,
            currency=currency,
            amount=amount,
            bonus=bonus,
            equity=equity,
            year=year,
            statistic=Statistic.INDIVIDUAL,
            status=Status.PENDING,
            outlier=outlier,
            implausible=implausible[:300],
        )
        return Contribution.objects.create(user=user, year=year, data_point=point)


def withdraw(contribution: Contribution) -> None:
    """Delete a pending submission and its record (the person can submit again)."""
    with transaction.atomic():
        point = contribution.data_point
        contribution.delete()
        if point is not None:
            point.delete()
        invalidate()


def _moderate(points: QuerySet, status: str) -> int:
    with transaction.atomic():
        ids = list(points.filter(status=Status.PENDING).values_list("pk", flat=True))
        # Cut the link first: a moderated point carries nothing about who sent it.
        Contribution.objects.filter(data_point__in=ids).update(status=status, data_point=None)
        count = SalaryDataPoint.objects.filter(pk__in=ids).update(status=status)
        invalidate()
        return count


def approve(points: QuerySet) -> int:
    """Approve pending points; returns how many."""
    return _moderate(points, Status.APPROVED)


def reject(points: QuerySet) -> int:
    """Reject pending points (kept out of every statistic); returns how many."""
    return _moderate(points, Status.REJECTED)
