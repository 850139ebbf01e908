"""The dashboard: where I stand, what to learn next, what it is worth; and compare."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from accounts.models import Profile, profile_of
from careers.models import Level
from core import charts
from core.pages import render_page
from core.versions import CONTENT, SALARIES
from dashboard.forms import CompareForm
from dashboard.pay import pay_for
from dashboard.plan import goal_statuses
from dashboard.readiness import (
    READINESS_METHOD,
    Readiness,
    dashboard_levels,
    next_level,
    next_steps,
    prerequisite_graph,
    readiness_by_section,
    readiness_for,
    standings,
)
from salaries.mine import own_pay, position
from salaries.stats import display_currency
from tracking.completion import roadmap_completion, started
from tracking.history import activity, event_rows, history, progress_state, thin
from tracking.models import completion_percent

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


def my_profile(user: AbstractBaseUser) -> Profile:
    """The person's profile with its track and levels, in one query."""
    profile = (
        Profile.objects.for_user(user)
        .select_related("track", "current_level__track", "target_level__track")
        .first()
    )
    return profile or profile_of(user)


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    """Where I stand. Rendered from my progress, my profile, content and salary data, and
    served from the cache until any of them changes (core/pages.py)."""
    return render_page(
        request,
        "dashboard/index.html",
        lambda: index_context(request),
        scopes=[CONTENT, SALARIES],  # and mine (render_page)
        vary=timezone.localdate(),  # the history runs to today
        login_required=True,
    )


def index_context(request: HttpRequest) -> dict:
    user = request.user
    profile = my_profile(user)
    current_track_id = profile.current_level.track_id if profile.current_level else None
    track_id = profile.track_id or current_track_id
    levels = dashboard_levels(
        user, [track_id, current_track_id], [profile.current_level_id, profile.target_level_id]
    )
    by_pk = {level.pk: level for level in levels}
    current = by_pk.get(profile.current_level_id)
    target = by_pk.get(profile.target_level_id) or next_level(
        levels, current, current.track_id if current else track_id
    )
    focus = [level for level in (current, target) if level is not None]

    standing = standings(focus, user)
    mine_now = standing[current.pk] if current else None
    mine_next = standing[target.pk] if target else None
    missing_current = mine_now.missing_requirements if mine_now else []
    missing_target = mine_next.missing_requirements if mine_next else []
    missing_target.sort(key=lambda r: (r.mine - r.proficiency, r.skill.name))

    state = progress_state(user)
    statuses = {skill_id: status for skill_id, (status, _p) in state.items()}
    needs = mine_next.needs() if mine_next else []
    suggestions = next_steps(target, needs, statuses, prerequisite_graph()) if needs else []

    events = event_rows(user)
    history_level = target or current  # readiness over time: for the next level if any
    history_requirements = (
        {r.skill_id: r.proficiency for r in standing[history_level.pk].requirements}
        if history_level
        else {}
    )
    points = thin(history(events, state, history_requirements))
    history_chart = charts.history_chart(
        [(p.day, p.done, p.percent) for p in points],
        readiness_name=(
            _("Skill requirements of %(level)s met") % {"level": history_level.name}
            if history_level
            else None
        ),
        done_name=_("Skills done"),
    )

    entry_rank: dict[int, int] = {}
    for level in levels:
        entry_rank[level.track_id] = min(level.rank, entry_rank.get(level.track_id, level.rank))
    other_tracks = [
        Readiness.of(level)
        for level in levels
        if level.track_id != track_id and level.rank == entry_rank[level.track_id]
    ]
    activity_now = activity(user)
    every_roadmap = roadmap_completion(user)
    roadmaps = started(every_roadmap) or every_roadmap[:1]  # else the first, to begin with
    done_total = sum(r.progress_done for r in roadmaps)
    counted_total = sum(r.progress_total - r.progress_skipped for r in roadmaps)

    context = {
        "profile": profile,
        "has_track": bool(track_id),
        "has_progress": bool(state),
        "current": Readiness.of(current) if current else None,
        "target": Readiness.of(target) if target else None,
        "target_is_next": target is not None and target.pk != profile.target_level_id,
        "missing_current": missing_current,
        "missing_target": missing_target,
        "standing_current": mine_now,
        "standing_target": mine_next,
        "suggestions": suggestions,
        "other_tracks": other_tracks,
        "roadmaps": roadmaps,
        "roadmap_percent": completion_percent(done_total, counted_total),
        "history_points": points,
        "history_chart": history_chart,
        "history_level": history_level,
        "activity": activity_now,
        "activity_map": charts.heatmap([(d.day, d.level, d.label) for d in activity_now.days]),
        "readiness_method": READINESS_METHOD,
        **pay_context(request.user, profile, current, target),
        "goals": goal_statuses(user, profile.weekly_pace_hours, state, standing=standing),
    }
    return context


def pay_context(
    user: AbstractBaseUser, profile: Profile, current: Level | None, target: Level | None
) -> dict:
    """Pay at my level and the next from one place, in my currency, and where my own pay
    (when I recorded it) sits among my level's."""
    country = profile.country.code or None
    currency = display_currency(profile.currency, country)
    pay = pay_for(country, current, target, currency)
    return {
        "pay": pay,
        "pay_currency": currency,
        "my_pay": position(own_pay(user), pay.current.pay if pay.current else None, currency),
    }


@login_required
@require_safe
def compare(request: HttpRequest) -> HttpResponse:
    user = request.user
    levels = list(Level.objects.in_order())
    form = CompareForm(request.GET if "level" in request.GET else None, levels=levels)
    level = None
    if form.is_bound:
        if form.is_valid():
            level = form.cleaned_data["level"]
    else:
        profile = my_profile(user)
        by_pk = {lv.pk: lv for lv in levels}
        current = by_pk.get(profile.current_level_id)
        level = by_pk.get(profile.target_level_id) or next_level(
            levels, current, current.track_id if current else profile.track_id
        )
        if level is not None:
            form = CompareForm(initial={"level": level.key}, levels=levels)

    context: dict = {"form": form, "level": level}
    if level is not None:
        sections = readiness_by_section(level, user)
        readiness = readiness_for(level, user)
        standing = standings([level], user)[level.pk]
        requirements = sorted(standing.requirements, key=lambda r: (r.is_met, r.skill.name))
        context |= {
            "readiness": readiness,
            "sections": sections,
            "chart": charts.bar_chart(
                [
                    (
                        s.title,
                        s.percent,
                        _("%(met)d of %(total)d") % {"met": s.met, "total": s.total},
                    )
                    for s in sections
                ]
            ),
            "requirements": requirements,
            "standing": standing,
            "readiness_method": READINESS_METHOD,
        }
    return render(request, "dashboard/compare.html", context)
