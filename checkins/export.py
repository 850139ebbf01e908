"""The check-ins part of `/me/export/` (registered by `CheckinsConfig.ready()`): my
evidence log, my check-ins in full, and the reviews I wrote (my ratings and notes only).
All of it goes with the account: evidence and my check-ins by CASCADE; a check-in I
reviewed stays with its person, without me as reviewer."""

from typing import Any

from django.contrib.auth.models import AbstractBaseUser

from checkins.models import CheckIn, Evidence


def checkins_part(user: AbstractBaseUser) -> dict[str, Any]:
    evidence = Evidence.objects.for_user(user).prefetch_related("skills", "competencies")
    return {
        "evidence": [
            {
                "date": entry.date,
                "kind": entry.kind,
                "text": entry.text,
                "link": entry.link,
                "skills": sorted(skill.slug for skill in entry.skills.all()),
                "competencies": sorted(c.pk for c in entry.competencies.all()),
                "created_at": entry.created_at,
            }
            for entry in evidence
        ],
        "checkins": [
            {
                "id": checkin.pk,
                "level": checkin.level_key,
                "state": checkin.state,
                "self_ratings": checkin.self_ratings,
                "self_notes": checkin.self_notes,
                "review_ratings": checkin.review_ratings if checkin.state != "review" else {},
                "review_notes": checkin.review_notes if checkin.state != "review" else "",
                "agreed": checkin.agreed,
                "snapshot": checkin.snapshot,
                "created_at": checkin.created_at,
                "closed_at": checkin.closed_at,
            }
            for checkin in CheckIn.objects.of_person(user)
        ],
        "reviews_written": [
            {
                "id": checkin.pk,
                "level": checkin.level_key,
                "ratings": checkin.review_ratings,
                "notes": checkin.review_notes,
                "reviewed_at": checkin.reviewed_at,
            }
            for checkin in CheckIn.objects.filter(reviewer=user, reviewed_at__isnull=False)
        ],
    }
