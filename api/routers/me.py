"""The signed-in person's own data: progress, roadmap completion, profile, readiness and
pay. Token or session only.

Everything is looked up through `request.auth` (the person the token or session belongs
to), never by an id from the request, so nobody can reach another person's data.
A PUT goes through the tracking app's own form and `SkillProgress.objects.record`, so it
validates, normalises and records progress events exactly as the HTML tracking does.
"""

from typing import Literal

from django import forms
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from ninja import Field, Path, Query, Router, Schema
from ninja import Status as Reply
from ninja.decorators import decorate_view
from ninja.errors import HttpError, ValidationError
from ninja.pagination import paginate
from pydantic import ConfigDict

from accounts.export import profile_part
from accounts.models import Profile, profile_of
from api.auth import PERSONAL
from api.pagination import Pagination
from api.schemas import (
    GoalOut,
    MyRoadmapOut,
    PayOut,
    PlanOut,
    ProfileOut,
    ProgressOut,
    ReadinessOut,
    responses,
)
from careers.models import Level, Track
from dashboard.myplan import goal_form
from dashboard.pay import pay_for
from dashboard.plan import Forecast, GoalStatus, my_goals, plan_for
from dashboard.readiness import readiness_for, standings
from dashboard.views import my_profile
from planning.goals import create_goal, delete_goal
from salaries.mine import own_pay, position
from salaries.stats import display_currency
from skills.models import Roadmap, Skill
from tracking.focus import target_of
from tracking.forms import ProgressForm
from tracking.models import (
    EVIDENCE_URL_MAX_LENGTH,
    NOTES_MAX_LENGTH,
    SkillProgress,
    Status,
    roadmaps_with_progress,
)

router = Router(tags=["me"], auth=PERSONAL)

StatusValue = Literal[tuple(Status.values)]  # type: ignore[valid-type]


def _no_default(schema: dict) -> None:
    """An omitted field keeps its value; `null` is not a value (so no default shown)."""
    schema.pop("default", None)


class ProgressIn(Schema):
    """Any of the four fields; omitted ones keep their value. `null` is refused."""

    model_config = ConfigDict(extra="forbid")

    status: StatusValue = Field(None, json_schema_extra=_no_default)
    proficiency: int = Field(
        None,
        ge=0,
        le=4,
        strict=True,
        json_schema_extra=_no_default,
        description="0 none, 1 aware, 2 working, 3 practitioner, 4 expert.",
    )
    notes: str = Field(
        None, max_length=NOTES_MAX_LENGTH, strict=True, json_schema_extra=_no_default
    )
    evidence_url: str = Field(
        None,
        max_length=EVIDENCE_URL_MAX_LENGTH,
        strict=True,
        json_schema_extra=_no_default,
        description="An http(s) link to your work, or an empty string to clear it.",
    )


def form_errors(form: forms.Form) -> list[dict]:
    """The tracking form's errors in pydantic's shape, for the API's 422."""
    return [
        {
            "loc": ("body", "payload", *([name] if name != "__all__" else [])),
            "msg": error["message"],
            "type": error["code"] or "invalid",
        }
        for name, errors in form.errors.get_json_data().items()
        for error in errors
    ]


@router.get(
    "/progress",
    response=responses(list[ProgressOut], 401, 422),
    summary="My progress on every skill I have tracked",
)
@decorate_view(never_cache)
@paginate(Pagination)
def list_progress(request: HttpRequest):
    return SkillProgress.objects.for_user(request.auth).select_related("skill")


@router.put(
    "/progress/{slug:skill_slug}",
    response=responses(ProgressOut, 400, 401, 403, 404, 413, 422),
    summary="Update my progress on one skill",
    description=(
        "Send any of `status`, `proficiency`, `notes`, `evidence_url`; omitted fields "
        "keep their value, `null` is refused. A change of status or proficiency is "
        "recorded in my history, as on the site."
    ),
)
@decorate_view(never_cache)
def update_progress(
    request: HttpRequest,
    payload: ProgressIn,
    skill_slug: str = Path(..., description="The skill's slug.", example="python"),
):
    skill = get_object_or_404(Skill, slug=skill_slug)
    progress = SkillProgress.objects.for_user(request.auth).filter(skill=skill).first()
    form = ProgressForm(payload.model_dump(exclude_unset=True), progress=progress)
    if not form.is_valid():
        raise ValidationError(form_errors(form))
    progress, _event = SkillProgress.objects.record(request.auth, skill, form.changes())
    return progress


@router.get(
    "/roadmaps/",
    response=responses(list[MyRoadmapOut], 401, 422),
    summary="My completion of every published roadmap",
    description=(
        "The figures the roadmap pages, the dashboard and the public profile show: a "
        "section to choose from counts as the number to choose, and skipped skills are "
        "left out of `percent`."
    ),
)
@decorate_view(never_cache)
@paginate(Pagination)
def list_my_roadmaps(request: HttpRequest):
    return roadmaps_with_progress(Roadmap.objects.published(), request.auth).order_by(
        "position", "title", "pk"
    )


@router.get("/profile", response=responses(ProfileOut, 401), summary="My profile")
@decorate_view(never_cache)
def get_profile(request: HttpRequest):
    profile_of(request.auth)  # made on first use, as the profile page does
    return profile_part(request.auth)


LEVEL_KEY = r"^[-a-zA-Z0-9_]+/[-a-zA-Z0-9_]+$"


def part(met: int, total: int, percent: int) -> dict:
    return {"met": met, "total": total, "percent": percent}


@router.get(
    "/readiness",
    response=responses(ReadinessOut, 401, 404, 422),
    summary="My readiness for a level, both parts, and every gap",
    description=(
        "Technical (skill requirements, and groups counted once each), behaviour "
        "(criteria I rated met) and overall, with every unmet expectation named with what "
        "it needs. Without `level`: my target level, else the level after my current one, "
        "else the first level of my track; 422 when my profile names none of these. An "
        "unknown level is 404."
    ),
)
@decorate_view(never_cache)
def get_readiness(
    request: HttpRequest,
    level: str | None = Query(
        None,
        max_length=121,
        pattern=LEVEL_KEY,
        description="`track/level`; defaults to my target or next level.",
        example="backend/senior",
    ),
):
    user = request.auth
    if level is None:
        profile = (
            Profile.objects.for_user(user)
            .select_related("current_level", "target_level__track")
            .first()
        )
        found = target_of(profile) if profile else None
        if found is None:
            raise ValidationError(
                [
                    {
                        "loc": ("query", "level"),
                        "msg": _(
                            "Give a level as track/level: your profile names no target, "
                            "current level or track to choose one from."
                        ),
                        "type": "missing",
                    }
                ]
            )
    else:
        track_slug, level_slug = level.split("/")
        found = (
            Level.objects.select_related("track")
            .filter(track__in=Track.objects.visible_to(user))
            .filter(track__slug=track_slug, slug=level_slug)
            .first()
        )
        if found is None:
            raise HttpError(404, _("There is no level “%(level)s”.") % {"level": level})
    readiness = readiness_for(found, user)
    standing = standings([found], user)[found.pk]
    return {
        "level": found.key,
        "name": found.name,
        "technical": part(
            readiness.technical.met, readiness.technical.total, readiness.technical.percent
        ),
        "behaviour": part(
            readiness.behaviour.met, readiness.behaviour.total, readiness.behaviour.percent
        ),
        "overall": part(readiness.met, readiness.total, readiness.percent),
        "gaps": [{"kind": gap.kind, "text": gap.text, **gap.data} for gap in standing.gaps()],
    }


def _level_pay_out(figure) -> dict | None:
    if figure is None:
        return None
    pay, stats = figure.pay, figure.stats
    region = pay.region
    return {
        "track": pay.level.track.slug,
        "level": pay.level.slug,
        "name": pay.level.name,
        "count": stats.count,
        "p25": stats.p25,
        "median": stats.median,
        "p75": stats.p75,
        "currency": stats.currency,
        "suppressed": stats.suppressed,
        "scope": pay.scope,
        "region": region.value if region else None,
        "place": pay.label,
        "year_min": stats.year_min,
        "year_max": stats.year_max,
        "excluded_without_rate": stats.excluded_without_rate,
    }


# My plan and goals ------------------------------------------------------------------------


def forecast_out(forecast: Forecast) -> dict:
    return {
        "remaining_hours": forecast.remaining_hours,
        "pace_hours_per_week": forecast.pace,
        "earliest": forecast.earliest,
        "latest": forecast.latest,
        "unestimated": [{"skill": s.slug, "name": s.name} for s in forecast.unestimated],
    }


def goal_out(status: GoalStatus) -> dict:
    goal = status.goal
    return {
        "id": goal.pk,
        "level": goal.level.key if goal.level_id else None,
        "skills": [s.slug for s in goal.skills.all()],
        "date": goal.due,
        "created_at": goal.created_at,
        "on_track": status.on_track,
        "behind_days": status.behind_days,
        "more_hours_per_week": None if status.on_track is not False else status.more_hours,
        "forecast": forecast_out(status.forecast),
    }


@router.get(
    "/pay",
    response=responses(PayOut, 401),
    summary="Pay at my level and the next, in my currency, and where my own pay sits",
    description=(
        "Both levels' figures come from one place: my country, else my region, else "
        "worldwide (the narrowest with enough data points for both), in my profile's "
        "currency. With my own pay recorded (private, never in any statistic): its "
        "percentile rank among my level's data points and its compa-ratio."
    ),
)
@decorate_view(never_cache)
def my_pay(request: HttpRequest):
    profile = (
        Profile.objects.for_user(request.auth)
        .select_related("current_level__track", "target_level__track")
        .first()
    ) or profile_of(request.auth)
    current = profile.current_level
    target = profile.target_level
    if target is None and current is not None:
        target = (
            Level.objects.select_related("track")
            .filter(track_id=current.track_id, rank__gt=current.rank)
            .order_by("rank")
            .first()
        )
    country = profile.country.code or None
    currency = display_currency(profile.currency, country)
    pay = pay_for(country, current, target, currency)
    own = own_pay(request.auth)
    mine = position(own, pay.current.pay if pay.current else None, currency)
    if mine is None and own is not None:  # no level set: my pay, not placed
        mine_out = {
            "amount": float(own.amount),
            "currency": own.currency,
            "year": own.year,
            "converted": None,
            "converted_currency": currency,
            "rate_year": None,
            "percentile_rank": None,
            "compa_ratio": None,
        }
    else:
        mine_out = mine.as_dict() if mine else None
    return {
        "currency": currency,
        "current": _level_pay_out(pay.current),
        "next": _level_pay_out(pay.next),
        "uplift": pay.difference,
        "uplift_percent": pay.difference_percent,
        "mine": mine_out,
    }


@router.get(
    "/plan",
    response=responses(PlanOut, 401),
    summary="My plan: what to learn next toward my target, and a forecast",
    description=(
        "The steps a mentor would give, in order: largest gap first (required minus mine; "
        "a requirement group counted once), prerequisites before what needs them, "
        "`continue` for skills I am learning. The forecast divides the remaining effort "
        "by my weekly pace and gives a range of dates, not one."
    ),
)
@decorate_view(never_cache)
def get_plan(request: HttpRequest):
    user = request.auth
    plan = plan_for(user, my_profile(user))
    return {
        "target": plan.target.key if plan.target else None,
        "steps": [
            {
                "skill": s.skill.slug,
                "name": s.skill.name,
                "reason": s.reason,
                "effort_hours": s.effort_hours,
                "action": s.action,
            }
            for s in plan.steps
        ],
        "forecast": forecast_out(plan.forecast) if plan.forecast else None,
    }


class GoalIn(Schema):
    """A level (`track/level`) or a list of skill slugs, and a date after today."""

    model_config = ConfigDict(extra="forbid")

    level: str | None = Field(None, max_length=121, examples=["backend/senior"])
    skills: list[str] = Field(default_factory=list, max_length=100, examples=[["sql", "docker"]])
    date: str = Field(..., max_length=10, examples=["2027-06-30"], description="YYYY-MM-DD.")


@router.get("/goals", response=responses(list[GoalOut], 401), summary="My goals")
@decorate_view(never_cache)
def list_goals(request: HttpRequest):
    user = request.auth
    return [goal_out(g) for g in plan_for(user, my_profile(user)).goals]


@router.post(
    "/goals",
    response={201: GoalOut, **responses(GoalOut, 400, 401, 413, 422)},
    summary="Set a goal",
    description="422 names the field at fault, as the plan page's form does.",
)
@decorate_view(never_cache)
def create_my_goal(request: HttpRequest, payload: GoalIn):
    user = request.auth
    data = {"level": payload.level or "", "skills": payload.skills, "date": payload.date}
    form = goal_form(user, None, data, goal_count=my_goals(user).count())
    if not form.is_valid():
        raise ValidationError(form_errors(form))
    clean = form.cleaned_data
    goal = create_goal(user, clean["level"], clean["skills"], clean["date"])
    status = next(g for g in plan_for(user, my_profile(user)).goals if g.goal.pk == goal.pk)
    return Reply(201, goal_out(status))


@router.delete(
    "/goals/{int:goal_id}",
    response={204: None, **responses(None, 401, 404)},
    summary="Delete one of my goals",
)
@decorate_view(never_cache)
def delete_my_goal(request: HttpRequest, goal_id: int):
    if not delete_goal(request.auth, goal_id):
        raise HttpError(404, _("You have no goal %(id)d.") % {"id": goal_id})
    return Reply(204, None)
