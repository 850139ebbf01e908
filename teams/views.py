"""Team pages. Every page needs a signed-in member of the team: anyone else gets the same
404 as for a missing team. Nothing here is cached (`never_cache`: private, no-store), so
a withdrawn consent or a removal shows on the very next request."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from teams import actions
from teams.forms import CadenceForm, InviteForm, RoleForm, SharingForm, TeamForm, TrackForm
from teams.models import SHARING_KINDS, SHARING_LABELS, Invitation, Membership, Team
from teams.overview import (
    handle_of,
    members_of,
    proficiency_matrix,
    readiness_of,
    skill_shape,
    team_shape,
    track_skills,
)


def my_membership(request: HttpRequest, slug: str) -> Membership:
    """My membership of the team `slug`, or the 404 of a missing team."""
    return get_object_or_404(
        Membership.objects.for_user(request.user).select_related("team__track"), team__slug=slug
    )


def admin_membership(request: HttpRequest, slug: str) -> Membership:
    membership = my_membership(request, slug)
    if not membership.is_admin:
        raise PermissionDenied
    return membership


def invitation_url(request: HttpRequest) -> Callable[[Invitation], str]:
    return lambda invitation: request.build_absolute_uri(invitation.get_absolute_url())


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def team_list(request: HttpRequest) -> HttpResponse:
    form = TeamForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            team = actions.create_team(
                request.user, form.cleaned_data["name"], form.cleaned_data["track"]
            )
        except actions.TeamError as error:
            form.add_error("name", str(error))
        else:
            messages.success(request, _("Team “%(name)s” created.") % {"name": team.name})
            return redirect(team)
    memberships = (
        Membership.objects.for_user(request.user)
        .select_related("team__track")
        .order_by("team__name")
    )
    return render(request, "teams/list.html", {"memberships": memberships, "form": form})


@never_cache
@login_required
def detail(request: HttpRequest, slug: str) -> HttpResponse:
    me = my_membership(request, slug)
    team = me.team
    members = list(members_of(team))
    by_user = {m.user_id: m for m in members}
    me = by_user[request.user.pk]
    shapes = track_skills(team)
    progress_sharers = [m for m in members if m.share_progress]
    skill_shape(shapes, [m.user_id for m in progress_sharers])
    context: dict = {
        "team": team,
        "me": me,
        "members": members,  # check-ins due: {% checkins_due %} (checkins.templatetags)
        "shape": team_shape(team),
        "skills": shapes,
        "gaps": [s for s in shapes if s.is_gap],
        "single_points": [s for s in shapes if s.single_point],
        "progress_sharers": len(progress_sharers),
        "my_readiness": readiness_of([me])[me.user_id],
        "my_sharing": [(SHARING_LABELS[kind], me.shares(kind)) for kind in SHARING_KINDS],
    }
    if me.sees_shared("readiness"):
        readiness_sharers = [m for m in members if m.share_readiness and me.may_see("readiness", m)]
        readiness = readiness_of(readiness_sharers)
        context["readiness_rows"] = [
            (handle_of(m), readiness[m.user_id]) for m in readiness_sharers
        ]
        context["not_sharing_readiness"] = len(members) - len(readiness_sharers)
    if me.sees_shared("progress"):
        progress_seen = [m for m in progress_sharers if me.may_see("progress", m)]
        cells = proficiency_matrix([m.user_id for m in progress_seen], [s.skill.pk for s in shapes])
        for shape in context["single_points"]:
            holder = by_user.get(shape.holder_id)
            shape.holder_handle = handle_of(holder) if holder else ""
        context["matrix"] = [
            (handle_of(m), [cells.get((m.user_id, s.skill.pk), 0) for s in shapes])
            for m in progress_seen
        ]
    return render(request, "teams/detail.html", context)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def members(request: HttpRequest, slug: str) -> HttpResponse:
    """The roster for every member; inviting, roles and removal for admins."""
    me = my_membership(request, slug)
    team = me.team
    form = InviteForm(request.POST or None)
    if request.method == "POST":
        if not me.is_admin:
            raise PermissionDenied
        if form.is_valid():
            actions.invite(
                team,
                request.user,
                form.cleaned_data["email"],
                form.cleaned_data["role"],
                invitation_url(request),
            )
            messages.success(
                request,
                _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]},
            )
            return redirect("teams:members", team.slug)
    return render_members(request, me, form=form)


def render_members(
    request: HttpRequest,
    me: Membership,
    *,
    form: InviteForm | None = None,
    cadence_form: CadenceForm | None = None,
) -> HttpResponse:
    """The members page, with any form that was sent back with errors."""
    team = me.team
    roster = [(handle_of(m), m) for m in members_of(team)]
    context = {
        "team": team,
        "me": me,
        "roster": roster,
        "form": form or InviteForm(),
        "role_form": RoleForm(),
        "track_form": TrackForm(instance=team) if me.is_admin else None,
        "cadence_form": (cadence_form or CadenceForm(instance=team)) if me.is_admin else None,
        "invitations": list(team.invitations.pending()) if me.is_admin else [],
    }
    return render(request, "teams/members.html", context)


def member_of_team(team: Team, handle: str) -> Membership:
    return get_object_or_404(
        Membership.objects.select_related("team", "user__profile"),
        team=team,
        user__profile__handle=handle,
    )


@login_required
@require_POST
def change_role(request: HttpRequest, slug: str, handle: str) -> HttpResponse:
    me = admin_membership(request, slug)
    membership = member_of_team(me.team, handle)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a role: member, manager or admin."))
    else:
        try:
            actions.set_role(membership, form.cleaned_data["role"])
        except actions.TeamError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("%(handle)s is now %(role)s.")
                % {"handle": handle, "role": membership.get_role_display()},
            )
    return redirect("teams:members", me.team.slug)


@login_required
@require_POST
def remove_member(request: HttpRequest, slug: str, handle: str) -> HttpResponse:
    me = admin_membership(request, slug)
    membership = member_of_team(me.team, handle)
    if membership.pk == me.pk:
        return leave(request, slug)
    try:
        actions.remove(membership)
    except actions.TeamError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("%(handle)s left the team.") % {"handle": handle})
    return redirect("teams:members", me.team.slug)


@login_required
@require_POST
def revoke_invitation(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    me = admin_membership(request, slug)
    invitation = get_object_or_404(Invitation.objects.filter(team=me.team), pk=pk)
    actions.revoke(invitation)
    messages.success(
        request, _("The invitation to %(email)s is revoked.") % {"email": invitation.email}
    )
    return redirect("teams:members", me.team.slug)


@login_required
@require_POST
def change_track(request: HttpRequest, slug: str) -> HttpResponse:
    me = admin_membership(request, slug)
    form = TrackForm(request.POST, instance=me.team)
    if form.is_valid():
        form.save()
        messages.success(request, _("The team's framework is saved."))
    else:
        messages.error(request, _("Choose one of the published tracks."))
    return redirect("teams:members", me.team.slug)


@never_cache
@login_required
@require_POST
def change_cadence(request: HttpRequest, slug: str) -> HttpResponse:
    """How often members should have a check-in (admins); errors show on the form."""
    me = admin_membership(request, slug)
    form = CadenceForm(request.POST, instance=me.team)
    if not form.is_valid():
        return render_members(request, me, cadence_form=form)
    form.save()
    weeks = me.team.checkin_weeks
    messages.success(
        request,
        ngettext(
            "Check-ins are now due every week.",
            "Check-ins are now due every %(weeks)d weeks.",
            weeks,
        )
        % {"weeks": weeks},
    )
    return redirect("teams:members", me.team.slug)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def sharing(request: HttpRequest, slug: str) -> HttpResponse:
    me = my_membership(request, slug)
    if request.method == "POST":
        form = SharingForm(request.POST)
        if form.is_valid():
            actions.set_sharing(me, **form.cleaned_data)
            messages.success(request, _("What you share with this team is saved."))
            return redirect("teams:sharing", me.team.slug)
    else:
        form = SharingForm(initial=me.sharing)
    return render(
        request,
        "teams/sharing.html",
        {"team": me.team, "me": me, "form": form, "kinds": SHARING_KINDS},
    )


@login_required
@require_POST
def leave(request: HttpRequest, slug: str) -> HttpResponse:
    me = my_membership(request, slug)
    try:
        actions.remove(me)
    except actions.TeamError as error:
        messages.error(request, str(error))
        return redirect("teams:members", me.team.slug)
    messages.success(request, _("You left “%(name)s”.") % {"name": me.team.name})
    return redirect("teams:list")


@never_cache
@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The link in an invitation: sign in or sign up (coming back here), then accept."""
    found = get_object_or_404(Invitation.objects.select_related("team"), token=token)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('account_login')}?next={found.get_absolute_url()}")
        try:
            membership = actions.accept(token, request.user)
        except actions.TeamError as error:
            messages.error(request, str(error))
            return redirect(found)
        messages.success(
            request,
            _("Welcome to %(team)s. You share nothing yet: choose what the team may see.")
            % {"team": membership.team.name},
        )
        return redirect("teams:sharing", membership.team.slug)
    member = (
        request.user.is_authenticated
        and Membership.objects.filter(team=found.team, user=request.user).exists()
    )
    return render(
        request,
        "teams/invitation.html",
        {"invitation": found, "already_member": member, "next": found.get_absolute_url()},
    )
