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
from django.db.models import Case, Count, F, Func, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, Least, Length
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from careers.models import Competency, LevelRequirement, RequirementGroup
from core.queries import count_of
from core.versions import bump, user_scope
from skills.models import Proficiency, Section, Skill, SkillPlacement

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


class CompetencyAssessmentQuerySet(models.QuerySet):
    def for_user(self, user: AbstractBaseUser | AnonymousUser) -> CompetencyAssessmentQuerySet:
        """This person's own assessments; nothing at all for an anonymous visitor."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(user=user)

    def record(
        self, user: AbstractBaseUser, ratings: dict[int, tuple[str | None, str, str]]
    ) -> int:
        """Save this person's self-assessment of criteria: {competency id: (rating, note,
        evidence link)}, validated. A rating of None means "not assessed": the row goes.
        Criteria left out keep their assessment. Returns how many changed; a fixed number
        of queries however many criteria, and the person's cached pages are refreshed."""
        with transaction.atomic():
            existing = {
                row.competency_id: row
                for row in self.select_for_update().filter(user=user, competency_id__in=ratings)
            }
            created, updated, removed = [], [], []
            for competency_id, (rating, note, evidence_url) in ratings.items():
                row = existing.get(competency_id)
                if rating is None:
                    if row is not None:
                        removed.append(row.pk)
                elif row is None:
                    created.append(
                        CompetencyAssessment(
                            user=user,
                            competency_id=competency_id,
                            rating=rating,
                            note=note,
                            evidence_url=evidence_url,
                        )
                    )
                elif (row.rating, row.note, row.evidence_url) != (rating, note, evidence_url):
                    row.rating, row.note, row.evidence_url = rating, note, evidence_url
                    row.updated_at = timezone.now()
                    updated.append(row)
            if created:
                self.bulk_create(created)
            if updated:
                self.bulk_update(updated, ["rating", "note", "evidence_url", "updated_at"])
            if removed:
                self.filter(pk__in=removed).delete()
            changed = len(created) + len(updated) + len(removed)
            if changed:  # bulk writes send no signals: refresh the person's pages here
                bump(user_scope(user.pk))
        return changed


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

    objects = CompetencyAssessmentQuerySet.as_manager()

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


PROGRESS_COUNTS = ("progress_total", "progress_done", "progress_learning", "progress_skipped")


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


def chosen_counts(
    total: int, done: int, learning: int, skipped: int, at_least: int | None
) -> tuple[int, int, int, int]:
    """A section's (total, done, learning, skipped) as completion counts them.

    A section to choose from (`at_least` set, e.g. one programming language of six)
    counts as `at_least` skills, complete when that many are done: done is
    min(done, at_least), learning fills what is left, and skipped skills do not matter
    (nobody has to skip the languages they did not pick). Other sections count every
    skill. The roadmap page's arithmetic; `sections_with_progress` is the same in SQL.
    """
    if at_least is None:
        return total, done, learning, skipped
    wanted = min(at_least, total)
    done = min(done, wanted)
    return wanted, done, min(learning, wanted - done), 0


def sections_with_progress(
    sections: models.QuerySet, user: AbstractBaseUser | AnonymousUser
) -> models.QuerySet:
    """Sections annotated with this person's progress on their skills, as completion
    counts it (see progress_counts for the names, chosen_counts for the rule): a
    section to choose from counts as `choose_at_least` skills."""
    placed = progress_counts(SkillPlacement.objects.filter(section=OuterRef("pk")), user)
    raw = {name.replace("progress_", "placed_"): count for name, count in placed.items()}
    whole = models.IntegerField()
    plain = Q(choose_at_least__isnull=True)
    wanted = Least(F("choose_at_least"), F("placed_total"), output_field=whole)
    done = Least(F("placed_done"), wanted, output_field=whole)
    learning = Least(F("placed_learning"), wanted - done, output_field=whole)
    return sections.alias(**raw).annotate(
        progress_total=Case(When(plain, then=F("placed_total")), default=wanted),
        progress_done=Case(When(plain, then=F("placed_done")), default=done),
        progress_learning=Case(When(plain, then=F("placed_learning")), default=learning),
        progress_skipped=Case(When(plain, then=F("placed_skipped")), default=Value(0)),
    )


def roadmaps_with_progress(
    roadmaps: models.QuerySet, user: AbstractBaseUser | AnonymousUser
) -> models.QuerySet:
    """Roadmaps annotated with this person's progress: the sums of their sections'
    figures (sections_with_progress), in the database."""
    sections = sections_with_progress(Section.objects.filter(roadmap=OuterRef("pk")), user)
    sums = {}
    for name in PROGRESS_COUNTS:
        total = sections.order_by().annotate(n=Func(F(name), function="SUM")).values("n")[:1]
        sums[name] = Coalesce(Subquery(total, output_field=models.IntegerField()), 0)
    return roadmaps.annotate(**sums)


def completion_percent(done: int, total: int, skipped: int = 0) -> int:
    """Done as a whole percentage of the skills not skipped (skipped ones do not count)."""
    counted = total - skipped
    if counted <= 0:
        return 0
    return round(100 * done / counted)


def levels_with_readiness(
    levels: models.QuerySet, user: AbstractBaseUser | AnonymousUser
) -> models.QuerySet:
    """Levels annotated with what they expect and how much of it this person meets.

    The one home of the readiness count (dashboard, compare, level page, API, profile):

    - `requirements_total`, `requirements_met`: plain skill requirements, met when the
      person's proficiency in the skill is at least the level's minimum (status does
      not matter: proficiency is what a level asks);
    - `groups_total`, `groups_met`: requirement groups, each counted ONCE, met when at
      least `at_least` of its skills have the person's proficiency at or above the
      group's minimum;
    - `competencies_total`, `competencies_met`: behaviour criteria the person rated
      "met" (no assessment, or "not yet", is not met);
    - `technical_total`, `technical_met`: requirements and groups together.

    Every count is a subquery per level: one query however many levels or criteria.
    """
    requirements = LevelRequirement.objects.filter(level=OuterRef("pk"))
    groups = RequirementGroup.objects.filter(level=OuterRef("pk"))
    competencies = Competency.objects.filter(level=OuterRef("pk"))
    if user.is_authenticated:
        members_met = RequirementGroup.skills.through.objects.filter(
            requirementgroup=OuterRef("pk"),
            skill__progress__user=user,
            skill__progress__proficiency__gte=OuterRef("proficiency"),
        )
        requirements_met = count_of(
            requirements.filter(
                skill__progress__user=user, skill__progress__proficiency__gte=F("proficiency")
            )
        )
        groups_met = count_of(
            groups.alias(members_met=count_of(members_met)).filter(members_met__gte=F("at_least"))
        )
        competencies_met = count_of(
            competencies.filter(assessments__user=user, assessments__rating=Rating.MET)
        )
    else:
        requirements_met = groups_met = competencies_met = Value(0)
    return levels.annotate(
        requirements_total=count_of(requirements),
        requirements_met=requirements_met,
        groups_total=count_of(groups),
        groups_met=groups_met,
        competencies_total=count_of(competencies),
        competencies_met=competencies_met,
    ).annotate(
        technical_total=F("requirements_total") + F("groups_total"),
        technical_met=F("requirements_met") + F("groups_met"),
    )


def technical_met_by(
    user_ids: Iterable[int], level_ids: Iterable[int]
) -> dict[tuple[int, int], int]:
    """{(user id, level id): technical expectations met}, for many people and levels in
    two queries.

    The rule of `levels_with_readiness`'s `technical_met` (plain requirements met at the
    level's minimum, plus groups with at least `at_least` skills at the group's minimum)
    for pages that show several people's readiness, such as a team's. Pairs with nothing
    met are left out; the totals are `levels_with_readiness`'s `technical_total`.
    Behaviour criteria are left out on purpose: self-assessments stay private.
    """
    user_ids, level_ids = list(user_ids), list(level_ids)
    met: dict[tuple[int, int], int] = {}
    requirements = (
        LevelRequirement.objects.filter(
            level_id__in=level_ids,
            skill__progress__user_id__in=user_ids,
            skill__progress__proficiency__gte=F("proficiency"),
        )
        .values_list("skill__progress__user_id", "level_id")
        .annotate(met=Count("pk"))
        .order_by()
    )
    for user_id, level_id, count in requirements:
        met[user_id, level_id] = count
    groups = (
        RequirementGroup.skills.through.objects.filter(
            requirementgroup__level_id__in=level_ids,
            skill__progress__user_id__in=user_ids,
            skill__progress__proficiency__gte=F("requirementgroup__proficiency"),
        )
        .values_list(
            "skill__progress__user_id",
            "requirementgroup_id",
            "requirementgroup__level_id",
            "requirementgroup__at_least",
        )
        .annotate(have=Count("pk"))
        .order_by()
    )
    for user_id, _group_id, level_id, at_least, have in groups:
        if have >= at_least:
            met[user_id, level_id] = met.get((user_id, level_id), 0) + 1
    return met
