"""The evidence log (/evidence/) and check-ins (/checkins/). Private: a check-in is seen
by its person, its reviewer, and the managers of a team the person shares check-ins
with; anyone else gets a 404. The reviewer sees neither the self-ratings, the person's
notes nor the evidence that feeds it until they have submitted their own ratings;
managers never see any of them. Nothing here is cached."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from checkins import actions
from checkins.evidence import evidence_for, for_display
from checkins.expectations import Expectation, choices_for, expectations_of, label_of
from checkins.forms import EvidenceForm, ReviewerForm, StartForm
from checkins.history import history_of
from checkins.models import PARTY, PERSON, REVIEWER, CheckIn, Evidence, State


def visible_checkin(request: HttpRequest, pk: int, role: str | None = None) -> CheckIn:
    """A check-in I may see (and, when `role` is given, am its person, its reviewer or
    either: checkins.models.PARTY), or the 404 of a missing one."""
    checkin = get_object_or_404(
        CheckIn.objects.visible_to(request.user).select_related(
            "person__profile", "reviewer__profile", "level__track"
        ),
        pk=pk,
    )
    if role is not None and not checkin.has_party(request.user, role):
        raise Http404
    return checkin


def url_of(request: HttpRequest) -> actions.UrlOf:
    return lambda checkin: request.build_absolute_uri(checkin.get_absolute_url())


# Evidence ------------------------------------------------------------------------------


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def evidence(request: HttpRequest) -> HttpResponse:
    form = EvidenceForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        entry = form.save(commit=False)
        entry.user = request.user
        entry.save()
        form.save_m2m()
        messages.success(request, _("Evidence recorded."))
        return redirect("checkins:evidence")
    entries = (
        Evidence.objects.for_user(request.user)
        .prefetch_related("skills", "competencies")
        .order_by("-date", "-pk")
    )
    return render(request, "checkins/evidence.html", {"form": form, "entries": entries})


@never_cache
@login_required
@require_POST
def delete_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(Evidence.objects.for_user(request.user), pk=pk)
    entry.delete()
    messages.success(request, _("Evidence deleted."))
    return redirect("checkins:evidence")


# Check-ins -----------------------------------------------------------------------------


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def checkin_list(request: HttpRequest) -> HttpResponse:
    form = StartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        checkin = actions.start(request.user, form.cleaned_data["level"])
        messages.success(request, _("Check-in started: rate yourself on each expectation."))
        return redirect(checkin)
    visible = CheckIn.objects.visible_to(request.user).select_related(
        "person__profile", "reviewer__profile"
    )
    mine = [c for c in visible if c.person_id == request.user.pk]
    others = [c for c in visible if c.person_id != request.user.pk]
    context = {
        "form": form,
        "history": history_of(mine),
        "to_review": [c for c in others if c.reviewer_id == request.user.pk],
        "shared": [c for c in others if c.reviewer_id != request.user.pk],
    }
    return render(request, "checkins/list.html", context)


def ratings_from(data: QueryDict, expectations: list[Expectation]) -> dict[str, dict[str, Any]]:
    """The rating form's fields (`value-<key>`, `note-<key>`) for the rated expectations."""
    ratings = {}
    for e in expectations:
        value = data.get(f"value-{e.key}", "")
        if value != "":
            ratings[e.key] = {"value": value, "note": data.get(f"note-{e.key}", "")}
    return ratings


def rows_for(
    checkin: CheckIn,
    expectations: list[Expectation],
    *,
    show_self: bool,
    show_review: bool,
    evidence: dict[str, list[dict]] | None = None,
    posted: QueryDict | None = None,
) -> list[dict[str, Any]]:
    rows = []
    for e in expectations:
        mine = checkin.self_ratings.get(e.key, {}) if show_self else {}
        theirs = checkin.review_ratings.get(e.key, {}) if show_review else {}
        row = {
            "e": e,
            "choices": choices_for(e),
            "self": mine.get("value"),
            "self_label": label_of(e.kind, mine.get("value")),
            "self_note": mine.get("note", ""),
            "review": theirs.get("value"),
            "review_label": label_of(e.kind, theirs.get("value")),
            "review_note": theirs.get("note", ""),
            "evidence": for_display((evidence or {}).get(e.key, [])),
        }
        row["differs"] = show_self and show_review and row["self"] != row["review"]
        if posted is not None:
            row["posted"] = posted.get(f"value-{e.key}", "")
            row["posted_note"] = posted.get(f"note-{e.key}", "")
        rows.append(row)
    return rows


def render_checkin(
    request: HttpRequest,
    checkin: CheckIn,
    *,
    error: str = "",
    posted: QueryDict | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    is_person = checkin.person_id == user.pk
    is_reviewer = checkin.reviewer_id == user.pk
    context: dict[str, Any] = {
        "checkin": checkin,
        "is_person": is_person,
        "is_reviewer": is_reviewer,
        "error": error,
        "State": State,
    }
    if checkin.is_closed:
        show_ratings = is_person or is_reviewer
        snapshot = checkin.snapshot
        context["snapshot"] = {
            **snapshot,
            "expectations": [
                # The frozen evidence, for the person and the reviewer only.
                {**row, "evidence": for_display(row.get("evidence", [])) if show_ratings else []}
                for row in snapshot.get("expectations", [])
            ],
        }
        context["show_ratings"] = show_ratings
        return render(request, "checkins/detail.html", context, status=status)
    if checkin.level is None or not (is_person or is_reviewer):
        # A manager sees the state of an open check-in, never its ratings or notes.
        return render(request, "checkins/detail.html", context, status=status)
    expectations = expectations_of(checkin.level)
    # The reviewer sees the self-ratings and notes only once their own are in.
    show_self = is_person or checkin.state == State.DISCUSS
    show_review = is_reviewer or checkin.state == State.DISCUSS
    # The evidence: the person's own while rating themselves; both see it in the
    # discussion, when the reviewer's ratings are in (as with the notes).
    evidence = (
        evidence_for(checkin, expectations)
        if (is_person and checkin.state == State.SELF) or checkin.state == State.DISCUSS
        else None
    )
    context["rows"] = rows_for(
        checkin,
        expectations,
        show_self=show_self,
        show_review=show_review,
        evidence=evidence,
        posted=posted,
    )
    for row in context["rows"]:
        # What the form shows selected: what was just posted, else the rating in hand (in
        # the discussion, the reviewer's rating is the proposed result).
        own = row["self"] if is_person and checkin.state == State.SELF else row["review"]
        own_note = row["self_note"] if is_person else row["review_note"]
        row["current"] = "" if own is None else str(own)
        row["current_note"] = own_note
        if posted is not None:
            row["current"], row["current_note"] = row["posted"], row["posted_note"]
    context["show_self"] = show_self
    context["notes"] = (
        posted.get("notes", "")
        if posted is not None
        else (checkin.self_notes if is_person else checkin.review_notes)
    )
    if is_person and checkin.state == State.SELF:
        context["reviewer_form"] = ReviewerForm(candidates=actions.reviewer_candidates(user))
    return render(request, "checkins/detail.html", context, status=status)


@never_cache
@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render_checkin(request, visible_checkin(request, pk))


Step = Callable[[HttpRequest, CheckIn, list[Expectation]], None]


def rating_step(request: HttpRequest, pk: int, role: str, change: Step, done: str) -> HttpResponse:
    """A step that sends the rating form, taken by the check-in's `role`:
    `change(request, checkin, expectations)`, then back to the check-in with `done`; a
    refusal shows the page again with what was sent (422)."""
    checkin = visible_checkin(request, pk, role)
    try:
        change(request, checkin, actions.live_expectations(checkin))
    except actions.CheckInError as error:
        return render_checkin(request, checkin, error=str(error), posted=request.POST, status=422)
    messages.success(request, done)
    return redirect(checkin)


def save_own_ratings(
    request: HttpRequest, checkin: CheckIn, expectations: list[Expectation]
) -> None:
    ratings = ratings_from(request.POST, expectations)
    actions.save_self(checkin, ratings, request.POST.get("notes", ""))


def submit_review(request: HttpRequest, checkin: CheckIn, expectations: list[Expectation]) -> None:
    ratings = ratings_from(request.POST, expectations)
    actions.submit_review(checkin, ratings, request.POST.get("notes", ""))


def agree(request: HttpRequest, checkin: CheckIn, expectations: list[Expectation]) -> None:
    ratings = ratings_from(request.POST, expectations)
    actions.close(checkin, {key: row["value"] for key, row in ratings.items()}, url_of(request))


@never_cache
@login_required
@require_POST
def save_self(request: HttpRequest, pk: int) -> HttpResponse:
    return rating_step(request, pk, PERSON, save_own_ratings, _("Your ratings are saved."))


@never_cache
@login_required
@require_POST
def choose_reviewer(request: HttpRequest, pk: int) -> HttpResponse:
    checkin = visible_checkin(request, pk, PERSON)
    form = ReviewerForm(request.POST, candidates=actions.reviewer_candidates(request.user))
    if not form.is_valid():
        return render_checkin(
            request, checkin, error=_("Choose a reviewer from your teams."), status=422
        )
    try:
        actions.request_review(checkin, form.cleaned_data["reviewer"], url_of(request))
    except actions.CheckInError as error:
        return render_checkin(request, checkin, error=str(error), status=422)
    messages.success(request, _("Sent for review."))
    return redirect(checkin)


@never_cache
@login_required
@require_POST
def review(request: HttpRequest, pk: int) -> HttpResponse:
    return rating_step(
        request,
        pk,
        REVIEWER,
        submit_review,
        _("Your review is in: compare it and agree a result."),
    )


@never_cache
@login_required
@require_POST
def close(request: HttpRequest, pk: int) -> HttpResponse:
    return rating_step(request, pk, PARTY, agree, _("Check-in closed."))
