"""The evidence log and check-ins.

Evidence: what a person did or heard (a win, feedback received, an action taken), dated,
tagged with the skills and behaviour criteria it speaks for, optionally linked. Only its
author sees the log; the entries that feed a check-in (checkins/evidence.py) are shown
beside its expectations to the person, and to the reviewer once their ratings are in.

A check-in is a three-step conversation about one level: the person rates themselves on
every expectation of the level (state `self`), the reviewer they choose rates
independently without seeing those ratings (`review`), then both see the differences
and agree a result (`discuss`); closing it (`closed`) freezes a snapshot of the
expectations' texts and all three ratings, so that later edits to the framework or to
progress never change it. Ratings are kept by expectation key (`skill:<slug>`,
`group:<id>`, `competency:<id>`) on the framework's own scale: a proficiency 0 to 4 for a
skill, "met" / "not_yet" for a group or a criterion.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from teams.models import MANAGER_ROLES
from tracking.models import EVIDENCE_URL_MAX_LENGTH, NOTES_MAX_LENGTH, http_url

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

EVIDENCE_TEXT_MAX_LENGTH = 2000


class EvidenceKind(models.TextChoices):
    WIN = "win", _("win")
    FEEDBACK = "feedback", _("feedback received")
    ACTION = "action", _("action")


class EvidenceQuerySet(models.QuerySet):
    def for_user(self, user: AbstractBaseUser | AnonymousUser) -> EvidenceQuerySet:
        if not user.is_authenticated:
            return self.none()
        return self.filter(user=user)


class Evidence(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="evidence"
    )
    date = models.DateField(_("date"), default=timezone.localdate)
    kind = models.CharField(_("kind"), max_length=8, choices=EvidenceKind, default=EvidenceKind.WIN)
    text = models.TextField(_("what happened"), max_length=EVIDENCE_TEXT_MAX_LENGTH)
    link = models.URLField(
        _("link"), max_length=EVIDENCE_URL_MAX_LENGTH, blank=True, validators=[http_url]
    )
    skills = models.ManyToManyField(
        "skills.Skill", blank=True, related_name="+", verbose_name=_("skills")
    )
    competencies = models.ManyToManyField(
        "careers.Competency", blank=True, related_name="+", verbose_name=_("behaviours")
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    objects = EvidenceQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        indexes = [
            # The evidence page and the check-in rating form: one person's entries by date.
            models.Index(fields=["user", "date"], name="evidence_user_date"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=EvidenceKind.values), name="evidence_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.text[:60]}"

    def get_absolute_url(self) -> str:
        return reverse("checkins:evidence")


# Who acts on a check-in (CheckIn.has_party): its person, its reviewer, or either.
PERSON, REVIEWER, PARTY = "person", "reviewer", "party"


class State(models.TextChoices):
    SELF = "self", _("self-rating")
    REVIEW = "review", _("with the reviewer")
    DISCUSS = "discuss", _("to discuss")
    CLOSED = "closed", _("closed")


class CheckInQuerySet(models.QuerySet):
    def visible_to(self, user: AbstractBaseUser | AnonymousUser) -> CheckInQuerySet:
        """Mine, those I review, and those of people who share their check-ins with a team
        I manage."""
        if not user.is_authenticated:
            return self.none()
        managed = CheckIn.objects.filter(
            person__team_memberships__share_checkins=True,
            person__team_memberships__team__memberships__user=user,
            person__team_memberships__team__memberships__role__in=MANAGER_ROLES,
        ).values("pk")
        return self.filter(Q(person=user) | Q(reviewer=user) | Q(pk__in=managed))

    def of_person(self, user: AbstractBaseUser | AnonymousUser) -> CheckInQuerySet:
        if not user.is_authenticated:
            return self.none()
        return self.filter(person=user)


class CheckIn(models.Model):
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="checkins"
    )
    # Kept for the live steps; a closed check-in reads its snapshot and outlives the level.
    level = models.ForeignKey(
        "careers.Level", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    level_key = models.CharField(_("level"), max_length=130)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reviews",
        verbose_name=_("reviewer"),
    )
    state = models.CharField(_("state"), max_length=8, choices=State, default=State.SELF)
    self_ratings = models.JSONField(_("self-ratings"), default=dict, blank=True)
    self_notes = models.TextField(_("my notes"), blank=True, max_length=NOTES_MAX_LENGTH)
    review_ratings = models.JSONField(_("reviewer's ratings"), default=dict, blank=True)
    review_notes = models.TextField(_("reviewer's notes"), blank=True, max_length=NOTES_MAX_LENGTH)
    agreed = models.JSONField(_("agreed result"), default=dict, blank=True)
    snapshot = models.JSONField(_("frozen snapshot"), default=dict, blank=True)
    created_at = models.DateTimeField(_("started"), default=timezone.now, editable=False)
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    objects = CheckInQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        indexes = [
            # The check-ins page: one person's history by date; the reviewer's list.
            models.Index(fields=["person", "created_at"], name="checkin_person_date"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(state__in=State.values), name="checkin_state_valid"),
            models.CheckConstraint(
                condition=~Q(reviewer=models.F("person")), name="checkin_not_own_reviewer"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person}: {self.level_key} ({self.get_state_display()})"

    def get_absolute_url(self) -> str:
        return reverse("checkins:detail", args=[self.pk])

    @property
    def is_closed(self) -> bool:
        return self.state == State.CLOSED

    def has_party(self, user: AbstractBaseUser | AnonymousUser, role: str) -> bool:
        """Whether `user` is this check-in's `role`: PERSON, REVIEWER or either (PARTY)."""
        if not user.is_authenticated:
            return False
        if role == PERSON:
            return self.person_id == user.pk
        if role == REVIEWER:
            return self.reviewer_id == user.pk
        if role == PARTY:
            return user.pk in (self.person_id, self.reviewer_id)
        raise ValueError(f"Not a party to a check-in: {role}")
