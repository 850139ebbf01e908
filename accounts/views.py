"""Profile pages, the data export and account deletion.

Every view here finds the person's data through `request.user`; nothing is looked up
by an id from the URL. The public profile is found by handle, and only when public.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from accounts import deletion, export
from accounts.forms import DeleteAccountForm, ProfileForm
from accounts.language import remember, speak
from accounts.models import Profile, profile_of
from accounts.public import public_profile_context


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    instance = profile_of(request.user)
    if request.method == "POST":
        form = ProfileForm(request.POST, instance=instance)
        if form.is_valid():
            saved = form.save()
            remember(request, saved.language)
            if saved.language:  # the message below comes in the new language
                speak(request, saved.language)
            messages.success(
                request,
                format_html(
                    _(
                        "Your profile is saved. Next: "
                        '<a href="{url}">mark the skills you have on a roadmap</a>.'
                    ),
                    url=reverse("skills:roadmap_list"),
                ),
            )
            return redirect("accounts:profile")
    elif "track" in request.GET:
        # htmx, when a track is chosen: the form again, as typed, with that track's levels.
        form = ProfileForm(instance=instance, initial=request.GET.dict())
    else:
        form = ProfileForm(instance=instance)
    context = {"form": form, "profile": instance}
    return render(request, "accounts/profile_form.html", context)


@require_safe
def public_profile(request: HttpRequest, handle: str) -> HttpResponse:
    """A shared profile. Private and unknown handles get the same 404 (the owner may preview)."""
    found = (
        Profile.objects.visible_to(request.user)
        .select_related("user", "track", "current_level__track", "target_level__track")
        .filter(handle=handle.lower())
        .first()
    )
    if found is None:
        raise Http404("No such profile.")
    context = public_profile_context(found, viewer=request.user)
    response = render(request, "accounts/public_profile.html", context)
    if not found.is_public:
        response["Cache-Control"] = "private, no-store"
        response["X-Robots-Tag"] = "noindex"
    return response


@never_cache
@login_required
@require_safe
def export_data(request: HttpRequest) -> HttpResponse:
    """All my data as a JSON download."""
    data = export.export_user_data(request.user)
    handle = data["profile"]["handle"] if data.get("profile") else "me"
    filename = f"careerpath-{handle}-{timezone.now():%Y-%m-%d}.json"
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def delete_account(request: HttpRequest) -> HttpResponse:
    """Delete the account and everything in it, after the person confirms with a password."""
    if request.method == "POST":
        form = DeleteAccountForm(request.POST, user=request.user)
        if form.is_valid():
            user = request.user
            logout(request)
            deletion.delete_account(user)
            messages.success(request, _("Your account and all its data are deleted."))
            return redirect("home")
    else:
        form = DeleteAccountForm(user=request.user)
    context = {"form": form, "summary": deletion.summary(request.user)}
    return render(request, "accounts/delete_account.html", context)
