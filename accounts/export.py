"""`/me/export/`: everything a person has entered, collected from each app.

`EXPORT_PARTS` names one function per part; each takes the user and returns plain
JSON-ready data about that user only. The apps below accounts (tracking, planning,
salaries) are listed here; an app above it (api) adds its part with `register_part` in
its `AppConfig.ready()`, so accounts never imports it. Each app's clean-up goes to
`accounts.deletion`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from accounts.models import Profile
from planning.export import digest_part, goals_part
from salaries.privacy import contributions_export, own_pay_export
from tracking.export import assessments_part, events_part, progress_part

FORMAT = "careerpath-export/1"


def account_part(user: AbstractBaseUser) -> dict[str, Any]:
    return {
        "username": user.get_username(),
        "email": getattr(user, "email", ""),
        "date_joined": getattr(user, "date_joined", None),
        "last_login": user.last_login,
        "email_addresses": [
            {"email": address.email, "verified": address.verified, "primary": address.primary}
            for address in EmailAddress.objects.filter(user=user).order_by("-primary", "email")
        ],
    }


def profile_part(user: AbstractBaseUser) -> dict[str, Any] | None:
    profile = (
        Profile.objects.for_user(user)
        .select_related("track", "current_level__track", "target_level__track")
        .first()
    )
    if profile is None:
        return None
    return {
        "handle": profile.handle,
        "display_name": profile.display_name,
        "track": profile.track.slug if profile.track else None,
        "current_level": profile.current_level.key if profile.current_level else None,
        "target_level": profile.target_level.key if profile.target_level else None,
        "country": profile.country.code or None,
        "currency": profile.currency or None,
        "language": profile.language or None,
        "years_experience": profile.years_experience,
        "weekly_pace_hours": profile.weekly_pace_hours,
        "bio": profile.bio,
        "visibility": profile.visibility,
        "created_at": profile.created_at,
        "updated_at": profile.updated_at,
    }


def salary_contributions_part(user: AbstractBaseUser) -> list[dict[str, Any]]:
    """The salary figures this person contributed (the salaries app's own rule: a
    moderated figure is anonymous, so only its year, status and date are listed)."""
    return contributions_export(user)


EXPORT_PARTS: dict[str, Callable[[AbstractBaseUser], Any]] = {
    "account": account_part,
    "profile": profile_part,
    "progress": progress_part,
    "events": events_part,
    "assessments": assessments_part,
    "goals": goals_part,
    "weekly_digest": digest_part,
    "salary_contributions": salary_contributions_part,
    "own_pay": own_pay_export,
}


def register_part(name: str, part: Callable[[AbstractBaseUser], Any]) -> None:
    """Add an app's part to the export (from that app's `AppConfig.ready()`)."""
    EXPORT_PARTS[name] = part


def export_user_data(user: AbstractBaseUser) -> dict[str, Any]:
    data: dict[str, Any] = {"format": FORMAT, "exported_at": timezone.now()}
    for name, part in EXPORT_PARTS.items():
        data[name] = part(user)
    return data
