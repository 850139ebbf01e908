"""One check-in as a given person may see it, as plain data (the API's answer).

The same rules as the pages: the person sees their own ratings, notes and evidence, the
reviewer theirs; each sees the other's only once both are in (the discussion, or
closed). A team manager the person shares check-ins with sees the state and, once
closed, the agreed result, never the ratings, notes or evidence. A closed check-in is
read from its snapshot only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from checkins.evidence import evidence_for
from checkins.expectations import expectations_of
from checkins.models import CheckIn, State

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


def handle(user: AbstractBaseUser | None) -> str | None:
    if user is None:
        return None
    profile = getattr(user, "profile", None)
    return getattr(profile, "handle", "") or user.get_username()


def checkin_data(checkin: CheckIn, viewer: AbstractBaseUser) -> dict[str, Any]:
    is_person = checkin.person_id == viewer.pk
    is_reviewer = checkin.reviewer_id == viewer.pk
    both_in = checkin.state in (State.DISCUSS, State.CLOSED)
    show_self = is_person or (is_reviewer and both_in)
    show_review = is_reviewer or (is_person and both_in)
    data: dict[str, Any] = {
        "id": checkin.pk,
        "level": checkin.level_key,
        "state": checkin.state,
        "person": handle(checkin.person),
        "reviewer": handle(checkin.reviewer),
        "created_at": checkin.created_at,
        "reviewed_at": checkin.reviewed_at,
        "closed_at": checkin.closed_at,
        "self_notes": checkin.self_notes if show_self else None,
        "review_notes": checkin.review_notes if show_review else None,
        "met": None,
        "total": None,
        "expectations": [],
    }
    if checkin.is_closed:
        snapshot = checkin.snapshot
        data["met"], data["total"] = snapshot.get("met"), snapshot.get("total")
        data["self_notes"] = snapshot.get("self_notes") if show_self else None
        data["review_notes"] = snapshot.get("review_notes") if show_review else None
        for row in snapshot.get("expectations", []):
            data["expectations"].append(
                {
                    "key": row["key"],
                    "kind": row["kind"],
                    "text": row["text"],
                    "required": row["required"],
                    "self": row["self"] if show_self else None,
                    "self_note": row["self_note"] if show_self else None,
                    "review": row["review"] if show_review else None,
                    "review_note": row["review_note"] if show_review else None,
                    "agreed": row["agreed"],
                    "met": row["met"],
                    "evidence": evidence_out(row.get("evidence", [])) if show_self else None,
                }
            )
        return data
    if checkin.level is None or not (is_person or is_reviewer):
        return data
    expectations = expectations_of(checkin.level)
    evidence = evidence_for(checkin, expectations) if show_self else {}
    for e in expectations:
        mine = checkin.self_ratings.get(e.key, {}) if show_self else {}
        theirs = checkin.review_ratings.get(e.key, {}) if show_review else {}
        data["expectations"].append(
            {
                "key": e.key,
                "kind": e.kind,
                "text": e.text,
                "required": e.required,
                "self": mine.get("value"),
                "self_note": mine.get("note") if show_self else None,
                "review": theirs.get("value"),
                "review_note": theirs.get("note") if show_review else None,
                "agreed": None,
                "met": None,
                "evidence": evidence_out(evidence[e.key]) if show_self else None,
            }
        )
    return data


def evidence_out(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Evidence rows (checkins.evidence.as_row, or a snapshot's) as the API gives them."""
    return [{key: row[key] for key in ("date", "kind", "text", "link")} for row in rows]
