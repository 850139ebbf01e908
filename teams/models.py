"""Teams of people, their roles, invitations to join, and what each member shares.

Roles are one value per membership, ordered: member < manager < admin. A manager
reviews (sees what members share with the team); an admin is also a manager and
manages membership (invites, changes roles, removes). The person who creates a team is
its admin. Nothing is shared by joining: each kind of data (readiness, skill progress,
check-ins, goals) is shared per team by the member's own choice, stored on the
membership. What a member shares is seen in that team only: by its managers and admins,
and, for readiness and skill progress, by the members who share that same kind
themselves (give to get); check-ins and goals only by the managers. A member who shares
nothing sees only counts. Notes on skills and pay are never shared.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

INVITATION_DAYS = 14
SHARING_KINDS = ("readiness", "progress", "checkins", "goals")
# The kinds members who share them see of each other; the others only managers see.
RECIPROCAL_KINDS = ("readiness", "progress")
CHECKIN_WEEKS_DEFAULT = 12
CHECKIN_WEEKS_MAX = 104
SHARING_LABELS = {
    "readiness": _("readiness"),
    "progress": _("skill progress"),
    "checkins": _("check-ins"),
    "goals": _("goals"),
}


class Role(models.TextChoices):
    MEMBER = "member", _("member")
    MANAGER = "manager", _("manager")
    ADMIN = "admin", _("admin (also a manager)")


MANAGER_ROLES = (Role.MANAGER, Role.ADMIN)


class TeamQuerySet(models.QuerySet):
    def for_user(self, user: AbstractBaseUser | AnonymousUser) -> TeamQuerySet:
        """The teams this person belongs to; none for an anonymous visitor."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(memberships__user=user)


class Team(models.Model):
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    track = models.ForeignKey(
        "careers.Track",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="teams",
        verbose_name=_("adopted track"),
        help_text=_("The career framework the team uses as its own."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    checkin_weeks = models.PositiveSmallIntegerField(
        _("check-in every (weeks)"),
        default=CHECKIN_WEEKS_DEFAULT,
        help_text=_("How often each member should have a check-in, in weeks."),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    objects = TeamQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        constraints = [
            models.CheckConstraint(
                condition=Q(checkin_weeks__gte=1, checkin_weeks__lte=CHECKIN_WEEKS_MAX),
                name="team_checkin_weeks_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("teams:detail", args=[self.slug])


class MembershipQuerySet(models.QuerySet):
    def for_user(self, user: AbstractBaseUser | AnonymousUser) -> MembershipQuerySet:
        if not user.is_authenticated:
            return self.none()
        return self.filter(user=user)

    def managers(self) -> MembershipQuerySet:
        return self.filter(role__in=MANAGER_ROLES)

    def admins(self) -> MembershipQuerySet:
        return self.filter(role=Role.ADMIN)

    def sharing(self, kind: str) -> MembershipQuerySet:
        """Members who share `kind` (one of SHARING_KINDS) with their team."""
        if kind not in SHARING_KINDS:
            raise ValueError(f"Not a kind of sharing: {kind}")
        return self.filter(**{f"share_{kind}": True})

    def seen_by(self, me: Membership, kind: str) -> MembershipQuerySet:
        """The memberships of my team whose `kind` I may see (`Membership.may_see`): mine,
        and those who share it when I see what is shared of that kind."""
        seen = Q(pk=me.pk)
        if me.sees_shared(kind):
            seen |= Q(**{f"share_{kind}": True})
        return self.filter(seen, team_id=me.team_id)


class Membership(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="team_memberships"
    )
    role = models.CharField(_("role"), max_length=8, choices=Role, default=Role.MEMBER)
    joined_at = models.DateTimeField(_("joined"), default=timezone.now, editable=False)
    # What this member shares with this team: nothing until they say so.
    share_readiness = models.BooleanField(_("share my readiness for levels"), default=False)
    share_progress = models.BooleanField(_("share my skill progress"), default=False)
    share_checkins = models.BooleanField(_("share my check-ins"), default=False)
    share_goals = models.BooleanField(_("share my goals"), default=False)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["team", "joined_at", "pk"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            # Also the index of "my teams" and of every team page's membership check.
            models.UniqueConstraint(fields=["user", "team"], name="membership_unique_person"),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="membership_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.team}: {self.user} ({self.get_role_display()})"

    @property
    def is_manager(self) -> bool:
        return self.role in MANAGER_ROLES

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    def shares(self, kind: str) -> bool:
        if kind not in SHARING_KINDS:
            raise ValueError(f"Not a kind of sharing: {kind}")
        return bool(getattr(self, f"share_{kind}"))

    def sees_shared(self, kind: str) -> bool:
        """Whether I see what others in my team share of `kind`: as a manager, or, for
        readiness and progress, because I share that kind too."""
        if kind not in SHARING_KINDS:
            raise ValueError(f"Not a kind of sharing: {kind}")
        return self.is_manager or (kind in RECIPROCAL_KINDS and self.shares(kind))

    def may_see(self, kind: str, of: Membership) -> bool:
        """Whether I may see `of`'s data of `kind`: my own always; another member's only
        in the same team, when they share that kind with it and I see what is shared."""
        if of.team_id != self.team_id:
            return False
        if of.pk == self.pk:
            return True
        return of.shares(kind) and self.sees_shared(kind)

    @property
    def sharing(self) -> dict[str, bool]:
        return {kind: self.shares(kind) for kind in SHARING_KINDS}


class InvitationQuerySet(models.QuerySet):
    def pending(self) -> InvitationQuerySet:
        """Neither used, revoked nor expired."""
        return self.filter(
            accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )


def invitation_expiry() -> timezone.datetime:
    return timezone.now() + timedelta(days=INVITATION_DAYS)


class Invitation(models.Model):
    """An invitation by email: the link carries the token; it works once, until it expires
    or is revoked, for whoever signs in with it (the link is the secret)."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("email address"))
    role = models.CharField(_("role"), max_length=8, choices=Role, default=Role.MEMBER)
    token = models.CharField(_("token"), max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("expires"), default=invitation_expiry)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accepted by"),
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.CheckConstraint(condition=Q(role__in=Role.values), name="invitation_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.team}: {self.email}"

    def get_absolute_url(self) -> str:
        return reverse("teams:invitation", args=[self.token])

    @property
    def is_pending(self) -> bool:
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )

    @property
    def state(self) -> str:
        if self.accepted_at is not None:
            return str(_("accepted"))
        if self.revoked_at is not None:
            return str(_("revoked"))
        if self.expires_at <= timezone.now():
            return str(_("expired"))
        return str(_("pending"))


def team_scope(team_id: int | str) -> str:
    """The cache scope of one team's membership and sharing (core/versions.py)."""
    return f"team:{team_id}"
