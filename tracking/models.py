"""A person's progress on each skill, and the dated history of every change to it.

Progress is kept per skill, not per roadmap: a skill placed in several roadmaps, or
required by several levels, counts the same everywhere it appears.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.validators import URLValidator
from django.db import models, transaction
from django.db.models import Count, F, OuterRef, Q, Value
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from careers.models import LevelRequirement
from core.queries import count_of
from skills.models import Proficiency, Skill, SkillPlacement

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

TRACKED_FIELDS = ("status", "proficiency", "notes", "evidence_url")
NOTES_MAX_LENGTH = 5000
EVIDENCE_URL_MAX_LENGTH = 500
http_url = URLValidator(schemes=["http", "https"])


class Status(models.TextChoices):
    NOT_STARTED = "not_started", _("not started")
    LEARNING = "learning", _("learning")
    DONE = "done", _("done")
    SKIPPED = "skipped", _("skipped")


class SkillProgressQuerySet(models.QuerySet):
    def for_user(self, user: AbstractBaseUser | AnonymousUser) -> SkillProgressQuerySet:
        """This person's progress; nothing at all for an anonymous visitor."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(user=user)

    def by_skill_id(self) -> dict[int, SkillProgress]:
        """One query: {skill id: progress}, for pages that show many skills."""
        return {progress.skill_id: progress for progress in self}

    def record(
        self, user: AbstractBaseUser, skill: Skill, changes: dict[str, Any]
    ) -> tuple[SkillProgress, ProgressEvent | None]:
        """Apply validated `changes` (any of TRACKED_FIELDS) to this person's progress.

        Fields left out keep their value. A change of status or proficiency is recorded
        as a ProgressEvent (from → to); notes and evidence edits only move updated_at.
        Returns the progress and the new event, if any.
        """
        unknown = set(changes) - set(TRACKED_FIELDS)
        if unknown:
            raise ValueError(f"Not a tracked field: {', '.join(sorted(unknown))}")
        with transaction.atomic():
            progress, _created = self.select_for_update().get_or_create(user=user, skill=skill)
            before = (progress.status, progress.proficiency)
            changed = [name for name, value in changes.items() if getattr(progress, name) != value]
            for name in changed:
                setattr(progress, name, changes[name])
            if changed:
                progress.save(update_fields=[*changed, "updated_at"])
            event = None
            if (progress.status, progress.proficiency) != before:
                event = ProgressEvent.objects.create(
                    user=user,
                    skill=skill,
                    created_at=progress.updated_at,
                    from_status=before[0],
                    to_status=progress.status,
                    from_proficiency=before[1],
                    to_proficiency=progress.proficiency,
                )
        return progress, event


class SkillProgress(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="skill_progress"
    )
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="progress")
    status = models.CharField(
        _("status"), max_length=12, choices=Status, default=Status.NOT_STARTED
    )
    proficiency = models.PositiveSmallIntegerField(
        _("proficiency"), choices=Proficiency, default=Proficiency.NONE
    )
    notes = models.TextField(_("notes"), blank=True, max_length=NOTES_MAX_LENGTH)
    evidence_url = models.URLField(
        _("evidence link"),
        max_length=EVIDENCE_URL_MAX_LENGTH,
        blank=True,
        validators=[http_url],
        help_text=_("A link that shows your work: a repository, a certificate, a post."),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = SkillProgressQuerySet.as_manager()

    class Meta:
        ordering = ["user", "skill__name"]
        verbose_name = _("skill progress")
        verbose_name_plural = _("skill progress")
        constraints = [
            # Also the index every roadmap, skill and dashboard page uses: (user, skill).
            models.UniqueConstraint(fields=["user", "skill"], name="progress_unique_skill"),
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="progress_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(proficiency__gte=0, proficiency__lte=4),
                name="progress_proficiency_range",
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("notes"), NOTES_MAX_LENGTH),
                name="progress_notes_length",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.skill} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return self.skill.get_absolute_url()


class Rating(models.TextChoices):
    """How a person rates themselves on a behaviour criterion (docs/content.md, "Scale")."""

    NOT_YET = "not_yet", _("not yet")
    MET = "met", _("met")


class CompetencyAssessment(models.Model):
    """A person's own rating of one behaviour criterion of a level, with a note or evidence.

    No row means not assessed yet. Only the person sees it (and, in the teams issue, a
    team they share it with)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assessments"
    )
    competency = models.ForeignKey(
        "careers.Competency", on_delete=models.CASCADE, related_name="assessments"
    )
    rating = models.CharField(_("rating"), max_length=8, choices=Rating, default=Rating.NOT_YET)
    note = models.TextField(_("note"), blank=True, max_length=NOTES_MAX_LENGTH)
    evidence_url = models.URLField(
        _("evidence link"),
        max_length=EVIDENCE_URL_MAX_LENGTH,
        blank=True,
        validators=[http_url],
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["user", "competency"]
        verbose_name = _("competency self-assessment")
        verbose_name_plural = _("competency self-assessments")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "competency"], name="assessment_unique_competency"
            ),
            models.CheckConstraint(
                condition=Q(rating__in=Rating.values), name="assessment_rating_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.competency} ({self.get_rating_display()})"


class ProgressEventQuerySet(models.QuerySet):
    def for_user(self, user: AbstractBaseUser | AnonymousUser) -> ProgressEventQuerySet:
        if not user.is_authenticated:
            return self.none()
        return self.filter(user=user)


class ProgressEvent(models.Model):
    """One change of a skill's status or proficiency: from → to, and when."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="progress_events"
    )
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="progress_events")
    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=False)
    from_status = models.CharField(_("from status"), max_length=12, choices=Status)
    to_status = models.CharField(_("to status"), max_length=12, choices=Status)
    from_proficiency = models.PositiveSmallIntegerField(_("from proficiency"), choices=Proficiency)
    to_proficiency = models.PositiveSmallIntegerField(_("to proficiency"), choices=Proficiency)

    objects = ProgressEventQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("progress event")
        verbose_name_plural = _("progress events")
        indexes = [
            # The dashboard's history and the public profile's chart: one person's events by date.
            models.Index(fields=["user", "created_at"], name="event_user_date"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(from_status__in=Status.values, to_status__in=Status.values),
                name="event_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(from_proficiency__lte=4, to_proficiency__lte=4),
                name="event_proficiency_range",
            ),
            models.CheckConstraint(
                condition=~Q(from_status=F("to_status"), from_proficiency=F("to_proficiency")),
                name="event_changes_something",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.skill} {self.from_status} → {self.to_status}"


# Completion, counted in the database -------------------------------------------------


def progress_counts(
    through: models.QuerySet, user: AbstractBaseUser | AnonymousUser
) -> dict[str, Any]:
    """Annotations counting one person's progress on the skills of each row.

    `through` is a queryset of rows with a `skill` foreign key, correlated to the
    annotated model with OuterRef, e.g. for sections
    `SkillPlacement.objects.filter(section=OuterRef("pk"))`, for levels
    `LevelRequirement.objects.filter(level=OuterRef("pk"))`. Adds `progress_total`,
    `progress_done`, `progress_learning` and `progress_skipped` (all 0 for an
    anonymous visitor). Use `completion_percent()` on the result.
    """
    counts: dict[str, Any] = {"progress_total": count_of(through)}
    for status in (Status.DONE, Status.LEARNING, Status.SKIPPED):
        if user.is_authenticated:
            counts[f"progress_{status}"] = count_of(
                through.filter(skill__progress__user=user, skill__progress__status=status)
            )
        else:
            counts[f"progress_{status}"] = Value(0)
    return counts


def sections_with_progress(
    sections: models.QuerySet, user: AbstractBaseUser | AnonymousUser
) -> models.QuerySet:
    """Sections annotated with this person's progress on their skills (see progress_counts)."""
    return sections.annotate(
        **progress_counts(SkillPlacement.objects.filter(section=OuterRef("pk")), user)
    )


def roadmaps_with_progress(
    roadmaps: models.QuerySet, user: AbstractBaseUser | AnonymousUser
) -> models.QuerySet:
    """Roadmaps annotated with this person's progress on all their skills."""
    return roadmaps.annotate(
        **progress_counts(SkillPlacement.objects.filter(section__roadmap=OuterRef("pk")), user)
    )


def completion_percent(done: int, total: int, skipped: int = 0) -> int:
    """Done as a whole percentage of the skills not skipped (skipped ones do not count)."""
    counted = total - skipped
    if counted <= 0:
        return 0
    return round(100 * done / counted)


def levels_with_readiness(
    levels: models.QuerySet, user: AbstractBaseUser | AnonymousUser
) -> models.QuerySet:
    """Levels annotated with `requirements_total` and `requirements_met`.

    A requirement is met when the person's proficiency in the skill is at least the
    level's minimum (status does not matter here: proficiency is what a level asks).
    """
    requirements = LevelRequirement.objects.filter(level=OuterRef("pk"))
    met = (
        count_of(
            requirements.filter(
                skill__progress__user=user, skill__progress__proficiency__gte=F("proficiency")
            )
        )
        if user.is_authenticated
        else Value(0)
    )
    return levels.annotate(requirements_total=count_of(requirements), requirements_met=met)


def requirements_met_by(
    user_ids: Iterable[int], level_ids: Iterable[int]
) -> dict[tuple[int, int], int]:
    """{(user id, level id): requirements met}, for many people and levels in one query.

    The rule of `levels_with_readiness` (proficiency at least the level's minimum) for
    pages that show several people's readiness, such as a team's. Pairs with nothing met
    are left out; the totals are `levels_with_readiness`'s `requirements_total`.
    """
    rows = (
        LevelRequirement.objects.filter(
            level_id__in=list(level_ids),
            skill__progress__user_id__in=list(user_ids),
            skill__progress__proficiency__gte=F("proficiency"),
        )
        .values_list("skill__progress__user_id", "level_id")
        .annotate(met=Count("pk"))
        .order_by()
    )
    return {(user_id, level_id): met for user_id, level_id, met in rows}
