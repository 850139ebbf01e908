"""A person's goals: a level (or a set of skills) to reach by a date."""

from __future__ import annotations

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
