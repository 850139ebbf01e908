"""Tracking a skill: `POST /track/<skill-slug>/`.

A plain form POST saves and redirects back to `next` with a message (PRG). An htmx
request (header `HX-Request: true`) gets back only the swapped part: the skill's row
on a roadmap, plus out-of-band updates of that section's and the roadmap's progress
bars; or, on the skill's own page, the tracking form.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from skills.models import Skill
from tracking import rows
from tracking.forms import ProgressForm
from tracking.models import SkillProgress


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def safe_next(request: HttpRequest, skill: Skill) -> str:
    """Where to go back to: `next` when it is on this site, else the skill's page."""
    candidate = request.POST.get("next", "")
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return skill.get_absolute_url()


@require_POST
def track(request: HttpRequest, slug: str) -> HttpResponse:
    skill = get_object_or_404(Skill, slug=slug)
    next_url = safe_next(request, skill)
    if not request.user.is_authenticated:
        to_login = redirect_to_login(next_url)
        if is_htmx(request):  # htmx would swap a redirect's page into the row
            response = HttpResponse(status=401)
            response["HX-Redirect"] = to_login.url
            return response
        return to_login

    progress = SkillProgress.objects.for_user(request.user).filter(skill=skill).first()
    form = ProgressForm(request.POST, progress=progress)
    if form.is_valid():
        progress, _event = SkillProgress.objects.record(request.user, skill, form.changes())
        if is_htmx(request):
            return rows.render_tracked(request, skill, progress, next_url)
        messages.success(request, saved_message(skill, progress))
        return redirect(next_url)

    if is_htmx(request):
        return rows.render_tracked(request, skill, progress, next_url, form=form)
    context = {"skill": skill, "form": form, "next": next_url}
    return render(request, "tracking/track_form.html", context)


def saved_message(skill: Skill, progress: SkillProgress) -> str:
    return _("Saved: %(skill)s is %(status)s, proficiency %(proficiency)s.") % {
        "skill": skill.name,
        "status": progress.get_status_display(),
        "proficiency": progress.get_proficiency_display(),
    }
