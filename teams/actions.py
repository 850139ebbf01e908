"""Every change to teams, one function each, used by the pages, the API and the admin alike.

Each raises `TeamError` (with a message for the person) when the change is not allowed,
so callers only translate it into a form error, a message or a JSON error.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.language import speaking_to
from teams.models import SHARING_KINDS, Invitation, Membership, Role, Team

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    from careers.models import Track

SLUG_MAX = 60
RESERVED = {"invitations"}  # /teams/invitations/<token>/ is not a team


class TeamError(Exception):
    """A change that is not allowed; the message is for the person who asked."""


def free_slug(name: str) -> str:
    base = (slugify(name) or "team")[: SLUG_MAX - 4].strip("-") or "team"
    if base in RESERVED:
        base = f"{base}-team"
    taken = set(Team.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


def create_team(user: AbstractBaseUser, name: str, track: Track | None = None) -> Team:
    """A new team whose creator is its admin (and so a manager)."""
    name = " ".join(name.split())
    if not name:
        raise TeamError(_("Give the team a name."))
    for _attempt in range(5):  # two teams with one name at once: the second gets -2
        try:
            with transaction.atomic():
                team = Team.objects.create(
                    name=name, slug=free_slug(name), track=track, created_by=user
                )
                Membership.objects.create(team=team, user=user, role=Role.ADMIN)
                return team
        except IntegrityError:
            continue
    raise TeamError(_("Could not find a free address for this team; try another name."))


def invite(
    team: Team,
    by: AbstractBaseUser,
    email: str,
    role: str,
    url_of: Callable[[Invitation], str],
) -> Invitation:
    """Invite `email` with `role`; mails the link (`url_of(invitation)`, absolute)."""
    if role not in Role.values:
        raise TeamError(_("Choose a role: member, manager or admin."))
    invitation = Invitation.objects.create(
        team=team, email=email, role=role, token=secrets.token_urlsafe(32), invited_by=by
    )
    inviter = getattr(getattr(by, "profile", None), "name", "") or by.get_username()
    someone = get_user_model().objects.filter(email__iexact=email).first()
    with speaking_to(someone):  # their language if they have an account, else the inviter's
        _mail_invitation(invitation, inviter, url_of(invitation))
    return invitation


def _mail_invitation(invitation: Invitation, inviter: str, url: str) -> None:
    team, email = invitation.team, invitation.email
    send_mail(
        _("You are invited to join %(team)s on Careerpath") % {"team": team.name},
        _(
            "%(inviter)s invites you to join the team %(team)s on Careerpath as %(role)s.\n\n"
            "Open this link to accept (it works once, until %(expires)s):\n%(url)s\n\n"
            "Joining shares nothing: you choose afterwards what the team may see.\n"
        )
        % {
            "inviter": inviter,
            "team": team.name,
            "role": invitation.get_role_display(),
            "expires": date_format(timezone.localtime(invitation.expires_at), "DATE_FORMAT"),
            "url": url,
        },
        None,
        [email],
    )


def revoke(invitation: Invitation) -> None:
    if invitation.revoked_at is None and invitation.accepted_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])


def accept(token: str, user: AbstractBaseUser) -> Membership:
    """Join through an invitation: once, before it expires, unless it was revoked.

    Someone already in the team keeps their role (an invitation never demotes) unless
    the invitation's is higher; the invitation is used up either way.
    """
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update()
            .select_related("team")
            .filter(token=token)
            .first()
        )
        if invitation is None or not invitation.is_pending:
            raise TeamError(_("This invitation is no longer valid: ask for a new one."))
        membership, created = Membership.objects.get_or_create(
            team=invitation.team, user=user, defaults={"role": invitation.role}
        )
        order = list(Role.values)
        if not created and order.index(invitation.role) > order.index(membership.role):
            membership.role = invitation.role
            membership.save(update_fields=["role"])
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
    return membership


def set_sharing(membership: Membership, **flags: bool) -> Membership:
    """Change what this member shares with their team (any of SHARING_KINDS)."""
    unknown = set(flags) - set(SHARING_KINDS)
    if unknown:
        raise ValueError(f"Not a kind of sharing: {', '.join(sorted(unknown))}")
    changed = [f"share_{kind}" for kind, value in flags.items() if membership.shares(kind) != value]
    for kind, value in flags.items():
        setattr(membership, f"share_{kind}", bool(value))
    if changed:
        membership.save(update_fields=changed)
    return membership


def _check_admins_remain(membership: Membership) -> None:
    if not membership.is_admin:
        return
    others = Membership.objects.filter(team_id=membership.team_id).exclude(pk=membership.pk)
    if others.exists() and not others.admins().exists():
        raise TeamError(_("The team needs an admin: make another member admin first."))


def set_role(membership: Membership, role: str) -> Membership:
    if role not in Role.values:
        raise TeamError(_("Choose a role: member, manager or admin."))
    if role != Role.ADMIN:
        _check_admins_remain(membership)
    if membership.role != role:
        membership.role = role
        membership.save(update_fields=["role"])
    return membership


def remove(membership: Membership) -> None:
    """Leave, or be removed: at once. The last member leaving deletes the team."""
    with transaction.atomic():
        _check_admins_remain(membership)
        team_id = membership.team_id
        membership.delete()
        if not Membership.objects.filter(team_id=team_id).exists():
            Team.objects.filter(pk=team_id).delete()


def forget_member(user: AbstractBaseUser) -> None:
    """Before an account is deleted: its teams without another member are deleted, and
    a team it was the last admin of gets its longest-standing member as admin. (The
    memberships themselves go with the user row.)"""
    for membership in Membership.objects.for_user(user).select_related("team"):
        others = Membership.objects.filter(team_id=membership.team_id).exclude(user=user)
        if not others.exists():
            membership.team.delete()
        elif membership.is_admin and not others.admins().exists():
            heir = others.order_by("joined_at", "pk").first()
            set_role(heir, Role.ADMIN)
