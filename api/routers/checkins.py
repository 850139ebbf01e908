"""Check-ins: start one, rate myself, ask a teammate for a review, review, close, read.
Token or session only.

Everything goes through the check-ins app's actions (checkins/actions.py) and read model
(checkins/read.py), as the pages do. A check-in is found only among those the caller may
see (theirs, theirs to review, or shared with a team they manage): anyone else gets the
404 of a missing one. The reviewer sees neither the self-ratings nor the person's notes
until they have submitted their own. Ratings use the framework's own scale: a
proficiency 0 to 4 for a skill, "met" or "not_yet" for a group or a criterion.
"""

from datetime import date as date_type
from datetime import datetime
from typing import Annotated, Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.views.decorators.cache import never_cache
from ninja import Field, Path, Router, Schema, Status
from ninja.decorators import decorate_view
from ninja.errors import HttpError
from pydantic import AfterValidator, ConfigDict

from api.auth import PERSONAL
from api.errors import refused_as
from api.schemas import responses
from careers.models import Level
from checkins import actions
from checkins.models import PARTY, PERSON, REVIEWER, CheckIn, EvidenceKind, State
from checkins.read import checkin_data

mine = Router(tags=["check-ins"], auth=PERSONAL)
router = Router(tags=["check-ins"], auth=PERSONAL)


def plain(value: str) -> str:
    """Text only: no NUL, control character or lone surrogate (none can be stored)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("The text holds characters that are not text.") from None
    if any(ord(c) < 32 and c not in "\t\n\r" for c in value):
        raise ValueError("The text holds characters that are not text.")
    return value


Text = Annotated[str, AfterValidator(plain)]
StateValue = Literal[tuple(State.values)]  # type: ignore[valid-type]
Value = int | Annotated[str, Field(max_length=20)]


class StartIn(Schema):
    model_config = ConfigDict(extra="forbid")
    level: Text = Field(..., max_length=130, strict=True, description="`track/level`.")


class RatingIn(Schema):
    model_config = ConfigDict(extra="forbid")
    key: Text = Field(..., max_length=200, strict=True, description="An expectation's key.")
    value: Value = Field(..., description="0 to 4 for a skill; `met` or `not_yet` otherwise.")
    note: Text = Field("", max_length=2000, strict=True)


class RatingsIn(Schema):
    model_config = ConfigDict(extra="forbid")
    ratings: list[RatingIn] = Field(..., max_length=1000)
    notes: Text = Field("", max_length=5000, strict=True)


class ReviewerIn(Schema):
    model_config = ConfigDict(extra="forbid")
    handle: Text = Field(..., max_length=100, strict=True)


class AgreedIn(Schema):
    model_config = ConfigDict(extra="forbid")
    key: Text = Field(..., max_length=200, strict=True)
    value: Value


class CloseIn(Schema):
    model_config = ConfigDict(extra="forbid")
    agreed: list[AgreedIn] = Field(..., max_length=1000)


class EvidenceOut(Schema):
    date: date_type
    kind: Literal[tuple(EvidenceKind.values)]  # type: ignore[valid-type]
    text: str
    link: str = Field(description="Empty when the entry has no link.")


class ExpectationOut(Schema):
    key: str = Field(description="`skill:<slug>`, `group:<id>` or `competency:<id>`.")
    kind: Literal["skill", "group", "competency"]
    text: str
    required: str = Field(description="What the level asks, in words.")
    self: Value | None = Field(description="Null when not mine to see yet.")
    self_note: str | None
    review: Value | None
    review_note: str | None
    agreed: Value | None = Field(description="Once closed.")
    met: bool | None = Field(description="Whether the agreed result meets it, once closed.")
    evidence: list[EvidenceOut] | None = Field(
        description="The person's evidence tagged with it since their previous check-in; "
        "null when not mine to see (as the self-rating)."
    )


class CheckInOut(Schema):
    id: int
    level: str
    state: StateValue
    person: str
    reviewer: str | None
    created_at: datetime
    reviewed_at: datetime | None
    closed_at: datetime | None
    self_notes: str | None
    review_notes: str | None
    met: int | None = Field(description="Expectations met as agreed, once closed.")
    total: int | None
    expectations: list[ExpectationOut] = Field(
        description="Frozen when closed: later edits to the framework change nothing."
    )


def checkin_for(request: HttpRequest, pk: int, role: str | None = None) -> CheckIn:
    """A check-in I may see (and, when `role` is given, am its person, its reviewer or
    either: checkins.models.PARTY), or the 404 of a missing one."""
    checkin = get_object_or_404(
        CheckIn.objects.visible_to(request.auth).select_related(
            "person__profile", "reviewer__profile", "level__track"
        ),
        pk=pk,
    )
    if role is not None and not checkin.has_party(request.auth, role):
        raise HttpError(404, "Not Found")
    return checkin


def url_of(request: HttpRequest) -> actions.UrlOf:
    return lambda checkin: request.build_absolute_uri(checkin.get_absolute_url())


def ratings(payload: list[RatingIn]) -> dict[str, dict]:
    return {row.key: {"value": row.value, "note": row.note} for row in payload}


def answer(request: HttpRequest, checkin: CheckIn) -> dict:
    return checkin_data(checkin, request.auth)


@mine.post(
    "",
    response=responses(CheckInOut, 400, 401, 403, 404, 422) | {201: CheckInOut},
    summary="Start a check-in against a level",
)
@decorate_view(never_cache)
def start_checkin(request: HttpRequest, payload: StartIn):
    track, _slash, slug = payload.level.partition("/")
    level = get_object_or_404(
        Level.objects.select_related("track").filter(track__published=True),
        track__slug=track,
        slug=slug,
    )
    checkin = actions.start(request.auth, level)
    return Status(201, answer(request, checkin_for(request, checkin.pk)))


@mine.put(
    "/{int:pk}/self",
    response=responses(CheckInOut, 400, 401, 403, 404, 422),
    summary="My own ratings and notes (step 1)",
    description="Some or all expectations; ratings sent before are kept.",
)
@decorate_view(never_cache)
def put_self(request: HttpRequest, payload: RatingsIn, pk: int = Path(...)):
    checkin = checkin_for(request, pk, PERSON)
    with refused_as(422, actions.CheckInError):
        actions.save_self(checkin, ratings(payload.ratings), payload.notes)
    return answer(request, checkin)


@mine.post(
    "/{int:pk}/reviewer",
    response=responses(CheckInOut, 400, 401, 403, 404, 422),
    summary="Ask a teammate for a review (step 2); they are mailed",
)
@decorate_view(never_cache)
def choose_reviewer(request: HttpRequest, payload: ReviewerIn, pk: int = Path(...)):
    checkin = checkin_for(request, pk, PERSON)
    reviewer = (
        actions.reviewer_candidates(request.auth).filter(profile__handle=payload.handle).first()
    )
    if reviewer is None:
        raise HttpError(422, "Choose someone who is in one of your teams.")
    with refused_as(422, actions.CheckInError):
        actions.request_review(checkin, reviewer, url_of(request))
    return answer(request, checkin)


@router.put(
    "/{int:pk}/review",
    response=responses(CheckInOut, 400, 401, 403, 404, 422),
    summary="The reviewer's own ratings of every expectation (step 2)",
)
@decorate_view(never_cache)
def put_review(request: HttpRequest, payload: RatingsIn, pk: int = Path(...)):
    checkin = checkin_for(request, pk, REVIEWER)
    with refused_as(422, actions.CheckInError):
        actions.submit_review(checkin, ratings(payload.ratings), payload.notes)
    return answer(request, checkin)


@router.post(
    "/{int:pk}/close",
    response=responses(CheckInOut, 400, 401, 403, 404, 422),
    summary="Agree the result and close (step 3): frozen from then on",
)
@decorate_view(never_cache)
def close_checkin(request: HttpRequest, payload: CloseIn, pk: int = Path(...)):
    checkin = checkin_for(request, pk, PARTY)
    with refused_as(422, actions.CheckInError):
        actions.close(checkin, {row.key: row.value for row in payload.agreed}, url_of(request))
    return answer(request, checkin)


@router.get(
    "/{int:pk}",
    response=responses(CheckInOut, 401, 404),
    summary="One check-in as I may see it (the frozen snapshot once closed)",
)
@decorate_view(never_cache)
def get_checkin(request: HttpRequest, pk: int = Path(...)):
    return answer(request, checkin_for(request, pk))


__all__ = ["mine", "router"]
