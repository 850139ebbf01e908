"""The evidence that feeds a check-in: the person's entries tagged with the skills or the
behaviour criterion of each expectation, dated in the check-in's period, from the day
the person's previous check-in closed to the day this one closes (today while it is
open). The person sees it while rating themselves; the reviewer only once their own
ratings are in, as with notes; nobody else ever. Closing freezes it in the snapshot.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import DateField, F, Q, Subquery, Value
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from checkins.expectations import Expectation
from checkins.models import CheckIn, Evidence, EvidenceKind

MOST = 200  # entries read for one check-in, newest first


def evidence_for(checkin: CheckIn, expectations: list[Expectation]) -> dict[str, list[dict]]:
    """{expectation key: [entry as a dict (`as_row`)]} for the check-in's person. Three
    queries whatever the number of entries and expectations."""
    skill_ids = {pk for e in expectations for pk in e.skill_ids}
    competency_ids = {e.competency_id for e in expectations if e.competency_id}
    if not skill_ids and not competency_ids:
        return {e.key: [] for e in expectations}
    previous = (
        CheckIn.objects.filter(person_id=checkin.person_id, closed_at__lt=checkin.created_at)
        .exclude(pk=checkin.pk)
        .order_by("-closed_at")
        .annotate(day=TruncDate("closed_at"))
        .values("day")[:1]
    )
    until = timezone.localdate(checkin.closed_at) if checkin.closed_at else timezone.localdate()
    entries = list(
        Evidence.objects.filter(user_id=checkin.person_id, date__lte=until)
        .filter(Q(skills__in=skill_ids) | Q(competencies__in=competency_ids))
        .alias(since=Coalesce(Subquery(previous), Value(date.min), output_field=DateField()))
        .filter(date__gte=F("since"))
        .distinct()
        .order_by("-date", "-pk")
        .prefetch_related("skills", "competencies")[:MOST]
    )
    tags = {
        entry.pk: (
            {s.pk for s in entry.skills.all()},
            {c.pk for c in entry.competencies.all()},
        )
        for entry in entries
    }
    found: dict[str, list[dict]] = {}
    for e in expectations:
        wanted = set(e.skill_ids)
        found[e.key] = [
            as_row(entry)
            for entry in entries
            if wanted & tags[entry.pk][0] or (e.competency_id in tags[entry.pk][1])
        ]
    return found


def as_row(entry: Evidence) -> dict[str, Any]:
    """An entry as a check-in shows it and its snapshot keeps it (JSON-ready)."""
    return {
        "date": entry.date.isoformat(),
        "kind": entry.kind,
        "kind_label": str(EvidenceKind(entry.kind).label),
        "text": entry.text,
        "link": entry.link,
    }


def for_display(rows: list[dict]) -> list[dict]:
    """Rows of `as_row` (or of a snapshot) with their dates as dates, for templates."""
    return [{**row, "date": date.fromisoformat(row["date"])} for row in rows]
