"""Every change to evidence and check-ins, one function each, for the pages and the API.

Each raises `CheckInError` (a message for the person) when the change is not allowed in
the check-in's state or the input is not on the expectation's scale, so callers only
turn it into a form error, a message or a JSON error. Mails: "review requested" to the
reviewer, "check-in closed" to both.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.language import speaking_to
from checkins.evidence import evidence_for
from checkins.expectations import Expectation, clean_value, expectations_of, is_met, label_of
from checkins.models import CheckIn, State

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    from careers.models import Level

UrlOf = Callable[[CheckIn], str]


class CheckInError(Exception):
    """A change that is not allowed; the message is for the person who asked."""


NOTE_MAX = 2000
NOTES_MAX = 5000


def clean_text(text: object, limit: int) -> str:
    """Text without NUL or lone surrogates (neither can be stored), stripped, at most
    `limit` characters."""
    text = str(text or "")
    if "\x00" in text or any(0xD800 <= ord(c) <= 0xDFFF for c in text):
        raise CheckInError(_("The text holds characters that are not text."))
    text = text.strip()
    if len(text) > limit:
        raise CheckInError(_("A note may be up to %(limit)d characters long.") % {"limit": limit})
    return text


def name_of(user: AbstractBaseUser) -> str:
    profile = getattr(user, "profile", None)
    return (getattr(profile, "display_name", "") or getattr(profile, "handle", "")) or (
        user.get_username()
    )


def reviewer_candidates(person: AbstractBaseUser) -> QuerySet:
    """Everyone who shares a team with `person` (any role): who may review them."""
    return (
        get_user_model()
        .objects.filter(team_memberships__team__memberships__user=person, is_active=True)
        .exclude(pk=person.pk)
        .select_related("profile")
        .distinct()
        .order_by("profile__handle", "pk")
    )


def start(person: AbstractBaseUser, level: Level) -> CheckIn:
    return CheckIn.objects.create(person=person, level=level, level_key=level.key)


def clean_ratings(
    expectations: Iterable[Expectation], ratings: Mapping[str, Mapping[str, Any]], *, complete: bool
) -> dict[str, dict[str, Any]]:
    """{key: {"value", "note"}} checked against the level's expectations and scales."""
    by_key = {e.key: e for e in expectations}
    unknown = sorted(set(ratings) - set(by_key))
    if unknown:
        raise CheckInError(
            _("Not an expectation of this level: %(keys)s") % {"keys": ", ".join(unknown)}
        )
    cleaned: dict[str, dict[str, Any]] = {}
    for key, rating in ratings.items():
        note = clean_text(rating.get("note"), NOTE_MAX)
        try:
            value = clean_value(by_key[key].kind, rating.get("value"))
        except ValueError as error:
            raise CheckInError(f"{key}: {error}") from None
        cleaned[key] = {"value": value, "note": note}
    if complete:
        missing = [key for key in by_key if key not in cleaned]
        if missing:
            raise CheckInError(
                _("Rate every expectation first; missing: %(keys)s") % {"keys": ", ".join(missing)}
            )
    return cleaned


def live_expectations(checkin: CheckIn) -> list[Expectation]:
    if checkin.level is None:
        raise CheckInError(_("This level no longer exists."))
    return expectations_of(checkin.level)


def save_self(checkin: CheckIn, ratings: Mapping[str, Mapping[str, Any]], notes: str) -> None:
    """The person's own ratings (all or some of them) and notes, while in the first step."""
    if checkin.state != State.SELF:
        raise CheckInError(_("Your self-rating is already with the reviewer."))
    cleaned = clean_ratings(live_expectations(checkin), ratings, complete=False)
    notes = clean_text(notes, NOTES_MAX)
    checkin.self_ratings = {**checkin.self_ratings, **cleaned}
    checkin.self_notes = notes
    checkin.save(update_fields=["self_ratings", "self_notes"])


def request_review(checkin: CheckIn, reviewer: AbstractBaseUser, url_of: UrlOf) -> None:
    """Send the self-rated check-in to a teammate, who is mailed; the second step."""
    if checkin.state != State.SELF:
        raise CheckInError(_("This check-in already has its reviewer."))
    if not reviewer_candidates(checkin.person).filter(pk=reviewer.pk).exists():
        raise CheckInError(_("Choose someone who is in one of your teams."))
    expectations = live_expectations(checkin)
    keys = {e.key for e in expectations}
    # Ratings of expectations the framework has dropped since do not count.
    current = {key: row for key, row in checkin.self_ratings.items() if key in keys}
    clean_ratings(expectations, current, complete=True)
    checkin.reviewer = reviewer
    checkin.state = State.REVIEW
    checkin.save(update_fields=["reviewer", "state"])
    if reviewer.email:
        with speaking_to(reviewer):
            send_mail(
                _("%(person)s asks you to review a check-in") % {"person": name_of(checkin.person)},
                _(
                    "%(person)s has rated themselves against %(level)s and asks you for your own "
                    "rating. You will see theirs once you have submitted yours.\n\n%(url)s\n"
                )
                % {
                    "person": name_of(checkin.person),
                    "level": checkin.level_key,
                    "url": url_of(checkin),
                },
                None,
                [reviewer.email],
            )


def submit_review(checkin: CheckIn, ratings: Mapping[str, Mapping[str, Any]], notes: str) -> None:
    """The reviewer's independent rating of every expectation; then both discuss."""
    if checkin.state != State.REVIEW:
        raise CheckInError(_("This check-in is not waiting for a review."))
    cleaned = clean_ratings(live_expectations(checkin), ratings, complete=True)
    notes = clean_text(notes, NOTES_MAX)
    checkin.review_ratings = cleaned
    checkin.review_notes = notes
    checkin.state = State.DISCUSS
    checkin.reviewed_at = timezone.now()
    checkin.save(update_fields=["review_ratings", "review_notes", "state", "reviewed_at"])


def close(checkin: CheckIn, agreed: Mapping[str, Any], url_of: UrlOf) -> None:
    """Record the agreed result and freeze everything as a snapshot (the expectations'
    texts, the three ratings, the notes and the evidence that fed it); mails both."""
    if checkin.state != State.DISCUSS:
        raise CheckInError(_("Both ratings must be in before the check-in can close."))
    expectations = live_expectations(checkin)
    cleaned = clean_ratings(
        expectations, {key: {"value": value} for key, value in agreed.items()}, complete=True
    )
    level = checkin.level
    evidence = evidence_for(checkin, expectations)  # frozen with the rest
    rows = []
    for e in expectations:
        mine = checkin.self_ratings.get(e.key, {})
        theirs = checkin.review_ratings.get(e.key, {})
        value = cleaned[e.key]["value"]
        rows.append(
            {
                **e.as_dict(),
                "self": mine.get("value"),
                "self_label": label_of(e.kind, mine.get("value")),
                "self_note": mine.get("note", ""),
                "review": theirs.get("value"),
                "review_label": label_of(e.kind, theirs.get("value")),
                "review_note": theirs.get("note", ""),
                "agreed": value,
                "agreed_label": label_of(e.kind, value),
                "met": is_met(e, value),
                "evidence": evidence[e.key],
            }
        )
    now = timezone.now()
    with transaction.atomic():
        checkin.agreed = {key: row["value"] for key, row in cleaned.items()}
        checkin.snapshot = {
            "level": {"key": level.key, "name": level.name, "track": level.track.name},
            "expectations": rows,
            "self_notes": checkin.self_notes,
            "review_notes": checkin.review_notes,
            "met": sum(1 for row in rows if row["met"]),
            "total": len(rows),
            "closed_at": now.isoformat(),
        }
        checkin.state = State.CLOSED
        checkin.closed_at = now
        checkin.save(update_fields=["agreed", "snapshot", "state", "closed_at"])
    for person in (checkin.person, checkin.reviewer):  # each in their own language
        if person is None or not person.email:
            continue
        with speaking_to(person):
            send_mail(
                _("Check-in closed: %(level)s") % {"level": level.name},
                _(
                    "The check-in of %(person)s against %(level)s is closed: %(met)d of %(total)d "
                    "expectations met, as agreed.\n\n%(url)s\n"
                )
                % {
                    "person": name_of(checkin.person),
                    "level": level.name,
                    "met": checkin.snapshot["met"],
                    "total": checkin.snapshot["total"],
                    "url": url_of(checkin),
                },
                None,
                [person.email],
            )
