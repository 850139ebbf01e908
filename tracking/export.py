"""Tracking's part of a person's data export (see accounts.export)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser

from tracking.models import CompetencyAssessment, ProgressEvent, SkillProgress


def progress_part(user: AbstractBaseUser) -> list[dict[str, Any]]:
    """Every tracked skill, in the same shape as the API's /api/v1/me/progress."""
    rows = SkillProgress.objects.for_user(user).order_by("skill__slug")
    return [
        {
            "skill": slug,
            "status": status,
            "proficiency": proficiency,
            "notes": notes,
            "evidence_url": evidence_url,
            "created_at": created_at,
            "updated_at": updated_at,
        }
        for slug, status, proficiency, notes, evidence_url, created_at, updated_at in (
            rows.values_list(
                "skill__slug",
                "status",
                "proficiency",
                "notes",
                "evidence_url",
                "created_at",
                "updated_at",
            )
        )
    ]


def events_part(user: AbstractBaseUser) -> list[dict[str, Any]]:
    """Every change of status or proficiency, oldest first."""
    rows = ProgressEvent.objects.for_user(user).order_by("created_at", "id")
    return [
        {
            "skill": slug,
            "at": at,
            "from_status": from_status,
            "to_status": to_status,
            "from_proficiency": from_proficiency,
            "to_proficiency": to_proficiency,
        }
        for slug, at, from_status, to_status, from_proficiency, to_proficiency in (
            rows.values_list(
                "skill__slug",
                "created_at",
                "from_status",
                "to_status",
                "from_proficiency",
                "to_proficiency",
            )
        )
    ]


def assessments_part(user: AbstractBaseUser) -> list[dict[str, Any]]:
    """My self-assessment of behaviour criteria: the level (`track/level`), the theme and
    the criterion as written, my rating, note and evidence link."""
    rows = CompetencyAssessment.objects.for_user(user).order_by(
        "competency__level__track__slug", "competency__level__rank", "competency__position", "id"
    )
    return [
        {
            "level": f"{track}/{level}",
            "theme": theme,
            "criterion": criterion,
            "rating": rating,
            "note": note,
            "evidence_url": evidence_url,
            "updated_at": updated_at,
        }
        for track, level, theme, criterion, rating, note, evidence_url, updated_at in (
            rows.values_list(
                "competency__level__track__slug",
                "competency__level__slug",
                "competency__theme__name",
                "competency__criterion",
                "rating",
                "note",
                "evidence_url",
                "updated_at",
            )
        )
    ]
