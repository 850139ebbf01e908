"""The "My plan" page: the steps to my target, the forecast at my pace, my goals; and
the forms that change them (pace, a new goal, deleting one). Private to its owner."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.models import Profile
from careers.models import Level, Track
from core.pages import render_page
from core.versions import CONTENT
from dashboard.plan import Plan, my_goals, plan_for
from dashboard.views import my_profile
from planning.digests import is_subscribed, subscribe, unsubscribe, user_id_of
from planning.forms import GoalForm
from planning.goals import create_goal, delete_goal
from skills.models import Skill

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

UNLOCKS_SHOWN = 3


class DigestForm(forms.Form):
    weekly_digest = forms.BooleanField(
        label=gettext_lazy("Email me a weekly digest"),
        required=False,
        help_text=gettext_lazy(
            "Each Monday: what changed last week, what is next, how your goals stand. "
            "Every email has a link to stop it."
        ),
    )


class PaceForm(forms.ModelForm):
    class Meta:
        model = Profile
        fields = ["weekly_pace_hours"]
        labels = {"weekly_pace_hours": gettext_lazy("Hours a week")}
        help_texts = {
            "weekly_pace_hours": gettext_lazy(
                "What you can keep up, week after week: 1 to 80. Empty: no forecast."
            )
        }
        widgets = {"weekly_pace_hours": forms.NumberInput(attrs={"min": 1, "max": 80})}


def goal_form(
    user: AbstractBaseUser, plan: Plan | None = None, data: dict | None = None, **kwargs
) -> GoalForm:
    """The goal form: any visible level; the skills of my plan's steps to choose from (the
    API accepts any skill)."""
    levels = list(Level.objects.in_order().filter(track__in=Track.objects.visible_to(user)))
    if plan is not None:
        skills = Skill.objects.filter(pk__in=[s.skill.pk for s in plan.steps]).order_by("name")
    else:
        skills = Skill.objects.all()
    initial = {"level": plan.target.key} if plan and plan.target else None
    return GoalForm(data, levels=levels, skills=skills, initial=initial, **kwargs)


def plan_context(
    request: HttpRequest, pace_form: PaceForm | None = None, new_goal: GoalForm | None = None
) -> dict:
    user = request.user
    profile = my_profile(user)
    plan = plan_for(user, profile)
    for step in plan.steps:
        step.unlocks_shown = step.unlocks[:UNLOCKS_SHOWN]
        step.unlocks_more = len(step.unlocks) - len(step.unlocks_shown)
    return {
        "plan": plan,
        "profile": profile,
        "pace_form": pace_form or PaceForm(instance=profile),
        "goal_form": new_goal or goal_form(user, plan),
        "digest_form": DigestForm(initial={"weekly_digest": is_subscribed(user.pk)}),
    }


@require_safe
def plan(request: HttpRequest) -> HttpResponse:
    """My plan, from the cache until my data or the content changes (core/pages.py)."""
    return render_page(
        request,
        "dashboard/plan.html",
        lambda: plan_context(request),
        scopes=[CONTENT],  # and mine (render_page)
        vary=timezone.localdate(),  # the forecast counts from today
        login_required=True,
    )


def invalid(request: HttpRequest, **forms_: forms.BaseForm) -> HttpResponse:
    """The plan again, with the form as typed and its errors."""
    response = render(request, "dashboard/plan.html", plan_context(request, **forms_))
    response["Cache-Control"] = "private, no-store"
    return response


@never_cache
@login_required
@require_POST
def set_pace(request: HttpRequest) -> HttpResponse:
    profile = my_profile(request.user)
    form = PaceForm(request.POST, instance=profile)
    if not form.is_valid():
        return invalid(request, pace_form=form)
    form.save()
    messages.success(request, _("Your pace is saved; the forecast follows it."))
    return redirect(reverse("dashboard:plan") + "#forecast-heading")


@never_cache
@login_required
@require_POST
def add_goal(request: HttpRequest) -> HttpResponse:
    user = request.user
    profile = my_profile(user)
    plan = plan_for(user, profile)
    form = goal_form(user, plan, request.POST, goal_count=my_goals(user).count())
    if not form.is_valid():
        return invalid(request, new_goal=form)
    data = form.cleaned_data
    create_goal(user, data["level"], data["skills"], data["date"])
    messages.success(request, _("Your goal is set."))
    return redirect(reverse("dashboard:plan") + "#goals-heading")


@never_cache
@login_required
@require_POST
def remove_goal(request: HttpRequest, pk: int) -> HttpResponse:
    if not delete_goal(request.user, pk):
        raise Http404("No such goal.")
    messages.success(request, _("The goal is deleted."))
    return redirect(reverse("dashboard:plan") + "#goals-heading")


@never_cache
@login_required
@require_POST
def set_digest(request: HttpRequest) -> HttpResponse:
    """Opt in to the weekly digest, or out (an unticked box sends nothing: out)."""
    form = DigestForm(request.POST)
    form.is_valid()  # a checkbox: always valid, absent means no
    if form.cleaned_data.get("weekly_digest"):
        subscribe(request.user)
        messages.success(request, _("You will get the weekly digest, each Monday."))
    else:
        unsubscribe(request.user.pk)
        messages.success(request, _("You will get no weekly digest."))
    return redirect(reverse("dashboard:plan") + "#digest-heading")


@csrf_exempt  # the token is the credential; mail programs POST it with no cookie (RFC 8058)
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe_digest(request: HttpRequest, token: str) -> HttpResponse:
    """The digest's one-click unsubscribe, signed in or not: GET asks to confirm, POST
    unsubscribes (the confirm button, or a mail program's List-Unsubscribe-Post). A token
    we did not sign is a 404, as an unknown page."""
    user_id = user_id_of(token)
    if user_id is None:
        raise Http404("No such link.")
    if request.method == "POST":
        unsubscribe(user_id)
        return render(request, "dashboard/unsubscribe.html", {"done": True})
    context = {"done": False, "subscribed": is_subscribed(user_id)}
    return render(request, "dashboard/unsubscribe.html", context)
