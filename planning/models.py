"""A person's goals (a level, or a set of skills, to reach by a date) and their opt-in to
the weekly digest."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from careers.models import Level
from skills.models import Skill

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

GOALS_MAX = 20  # per person: a plan, not a backlog
GOAL_SKILLS_MAX = 50


class GoalQuerySet(models.QuerySet):
    def for_user(self, user: AbstractBaseUser) -> GoalQuerySet:
        if not user.is_authenticated:
            return self.none()
        return self.filter(user=user)


class Goal(models.Model):
    """Reach `level` (its skill requirements), or every skill of `skills` at working
    proficiency, by `due`. One of the two is set (checked by the forms, as a set of
    skills cannot be checked by the database)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="goals"
    )
    level = models.ForeignKey(
        Level,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("level"),
    )
    skills = models.ManyToManyField(Skill, blank=True, related_name="+", verbose_name=_("skills"))
    due = models.DateField(_("due date"))
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    objects = GoalQuerySet.as_manager()

    class Meta:
        ordering = ["due", "pk"]
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        indexes = [
            # The plan page and the dashboard list a person's goals by date.
            models.Index(fields=["user", "due"], name="goal_user_due"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.level_id or 'skills'} by {self.due}"


class DigestQuerySet(models.QuerySet):
    def subscribed(self) -> DigestQuerySet:
        return self.filter(subscribed=True)

    def due(self, week_start: datetime.datetime) -> DigestQuerySet:
        """Subscribed, with an active account and an address, and not yet sent a digest
        this week (the week that began at `week_start`)."""
        return (
            self.subscribed()
            .filter(user__is_active=True)
            .exclude(user__email="")
            .filter(models.Q(last_sent_at__isnull=True) | models.Q(last_sent_at__lt=week_start))
        )


class DigestSubscription(models.Model):
    """A person's opt-in to the weekly digest (planning/digests.py): what changed last
    week, what is next, how their goals stand. The row stays when they unsubscribe, so
    `last_sent_at` still keeps a digest from going out twice in one week."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest"
    )
    subscribed = models.BooleanField(_("weekly digest"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    last_sent_at = models.DateTimeField(_("last sent"), null=True, blank=True)

    objects = DigestQuerySet.as_manager()

    class Meta:
        verbose_name = _("digest subscription")
        verbose_name_plural = _("digest subscriptions")
        indexes = [
            # send_digests reads the subscribed people not yet sent this week's digest.
            models.Index(
                fields=["last_sent_at"],
                name="digest_due",
                condition=models.Q(subscribed=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {'subscribed' if self.subscribed else 'unsubscribed'}"
