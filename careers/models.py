"""Career tracks → ordered levels → what each level expects; transitions between levels.

A level expects skills (LevelRequirement: one skill at a minimum proficiency), groups of
skills (RequirementGroup: "any one of these languages at practitioner"), and behaviours
(Competency: a criterion under one of the track's themes, such as delivery or
communication). Imported frameworks keep their own ids (`external_id`) so that importing
a newer version updates them in place.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from skills.models import Proficiency, Skill


class TrackKind(models.TextChoices):
    IC = "ic", _("individual contributor")
    MANAGEMENT = "management", _("management")
    SPECIALISATION = "specialisation", _("specialisation")


class TrackQuerySet(models.QuerySet):
    def published(self) -> "TrackQuerySet":
        """The tracks people may see and choose (copies wait until staff publish them)."""
        return self.filter(published=True)

    def visible_to(self, user) -> "TrackQuerySet":
        """Published tracks, and every track for staff (to preview before publishing)."""
        return self if getattr(user, "is_staff", False) else self.published()


class Track(models.Model):
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=TrackKind, default=TrackKind.IC)
    summary = models.TextField(_("summary"), blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    published = models.BooleanField(
        _("published"), default=True, help_text=_("People may choose a published track.")
    )
    source_name = models.CharField(
        _("source"), max_length=200, blank=True, help_text=_("Empty for our own content.")
    )
    source_url = models.URLField(_("source URL"), max_length=500, blank=True)
    licence = models.CharField(
        _("licence"), max_length=100, blank=True, help_text=_("An SPDX identifier, e.g. CC-BY-4.0.")
    )
    source_version = models.CharField(_("source version"), max_length=100, blank=True)
    forked_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="forks",
        verbose_name=_("copied from"),
    )

    objects = TrackQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("track")
        verbose_name_plural = _("tracks")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("careers:track_detail", args=[self.slug])


class LevelQuerySet(models.QuerySet):
    def in_order(self) -> "LevelQuerySet":
        return self.select_related("track").order_by("track__position", "track__name", "rank")


class Level(models.Model):
    track = models.ForeignKey(Track, on_delete=models.CASCADE, related_name="levels")
    slug = models.SlugField(_("slug"), max_length=60)
    name = models.CharField(_("name"), max_length=200)
    rank = models.PositiveSmallIntegerField(_("rank"), help_text=_("1 is the first step."))
    summary = models.TextField(_("summary"), blank=True)
    responsibilities = models.TextField(_("responsibilities"), blank=True, help_text=_("Markdown."))
    years_min = models.PositiveSmallIntegerField(_("typical years of experience, from"), default=0)
    years_max = models.PositiveSmallIntegerField(
        _("typical years of experience, to"), null=True, blank=True
    )
    changes = models.TextField(
        _("what changes from the level below"), blank=True, help_text=_("Markdown.")
    )
    external_id = models.CharField(
        _("id in the source"), max_length=100, blank=True, help_text=_("Imported frameworks.")
    )
    skills = models.ManyToManyField(Skill, through="LevelRequirement", related_name="levels")

    objects = LevelQuerySet.as_manager()

    class Meta:
        ordering = ["track", "rank"]
        verbose_name = _("level")
        verbose_name_plural = _("levels")
        constraints = [
            models.UniqueConstraint(fields=["track", "slug"], name="level_unique_slug"),
            models.UniqueConstraint(fields=["track", "rank"], name="level_unique_rank"),
            models.CheckConstraint(
                condition=Q(years_max__isnull=True) | Q(years_max__gte=F("years_min")),
                name="level_years_in_order",
                violation_error_message=_(
                    "The typical years “to” must not be less than the years “from”."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.track.name}: {self.name}"

    def get_absolute_url(self) -> str:
        # The page combines pay and the visitor's profile, so the dashboard app serves it.
        return reverse("dashboard:level_detail", args=[self.track.slug, self.slug])

    @property
    def key(self) -> str:
        """`track/level`, as used in imports, the API and compare links."""
        return f"{self.track.slug}/{self.slug}"


class LevelRequirement(models.Model):
    level = models.ForeignKey(Level, on_delete=models.CASCADE, related_name="requirements")
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="requirements")
    proficiency = models.PositiveSmallIntegerField(
        _("minimum proficiency"),
        choices=[c for c in Proficiency.choices if c[0] > 0],
        default=Proficiency.WORKING,
    )

    class Meta:
        ordering = ["level", "skill__name"]
        verbose_name = _("requirement")
        verbose_name_plural = _("requirements")
        constraints = [
            models.UniqueConstraint(fields=["level", "skill"], name="requirement_unique_skill"),
            models.CheckConstraint(
                condition=Q(proficiency__gte=1, proficiency__lte=4),
                name="requirement_proficiency_range",
                violation_error_message=_("The minimum proficiency must be from 1 to 4."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.level}: {self.skill} ≥ {self.get_proficiency_display()}"


class Transition(models.Model):
    """A move to another level beyond the next rank in the same track (often another track)."""

    from_level = models.ForeignKey(Level, on_delete=models.CASCADE, related_name="transitions_out")
    to_level = models.ForeignKey(Level, on_delete=models.CASCADE, related_name="transitions_in")
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("transition")
        verbose_name_plural = _("transitions")
        constraints = [
            models.UniqueConstraint(fields=["from_level", "to_level"], name="transition_unique"),
            models.CheckConstraint(
                condition=~Q(from_level=F("to_level")),
                name="transition_not_to_itself",
                violation_error_message=_("A level cannot lead to itself."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_level} → {self.to_level}"


class Theme(models.Model):
    """A kind of behaviour a track's levels expect: delivery, communication, leadership…"""

    track = models.ForeignKey(Track, on_delete=models.CASCADE, related_name="themes")
    slug = models.SlugField(_("slug"), max_length=60)
    name = models.CharField(_("name"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    external_id = models.CharField(_("id in the source"), max_length=100, blank=True)

    class Meta:
        ordering = ["track", "position", "name"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        constraints = [
            models.UniqueConstraint(fields=["track", "slug"], name="theme_unique_slug"),
        ]

    def __str__(self) -> str:
        return self.name


class Competency(models.Model):
    """One behaviour a level expects: a criterion under a theme, with optional examples."""

    level = models.ForeignKey(Level, on_delete=models.CASCADE, related_name="competencies")
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="competencies")
    criterion = models.TextField(_("criterion"))
    examples = models.TextField(_("examples"), blank=True, help_text=_("One per line."))
    proficiency = models.CharField(
        _("proficiency in the source"),
        max_length=60,
        blank=True,
        help_text=_("As the source framework names it, e.g. “Working knowledge”."),
    )
    links = models.JSONField(
        _("supporting links"), default=list, blank=True, help_text=_("[{label, url}, …]")
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    external_id = models.CharField(_("id in the source"), max_length=100, blank=True)

    class Meta:
        ordering = ["level", "theme__position", "position", "pk"]
        verbose_name = _("competency")
        verbose_name_plural = _("competencies")

    def __str__(self) -> str:
        return f"{self.level}: {self.criterion[:60]}"

    def clean(self) -> None:
        if self.level_id and self.theme_id and self.level.track_id != self.theme.track_id:
            raise ValidationError(
                {"theme": _("The theme must belong to the level's track.")}, code="other_track"
            )

    @property
    def example_list(self) -> list[str]:
        return [line.strip() for line in self.examples.splitlines() if line.strip()]


class RequirementGroup(models.Model):
    """“At least N of these skills at a minimum proficiency”, counted as one expectation."""

    level = models.ForeignKey(Level, on_delete=models.CASCADE, related_name="groups")
    name = models.CharField(_("name"), max_length=200, help_text=_("e.g. “A main language”."))
    at_least = models.PositiveSmallIntegerField(_("at least"), default=1)
    proficiency = models.PositiveSmallIntegerField(
        _("minimum proficiency"),
        choices=[c for c in Proficiency.choices if c[0] > 0],
        default=Proficiency.WORKING,
    )
    skills = models.ManyToManyField(
        Skill, related_name="requirement_groups", verbose_name=_("skills")
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["level", "position", "name"]
        verbose_name = _("requirement group")
        verbose_name_plural = _("requirement groups")
        constraints = [
            models.CheckConstraint(
                condition=Q(at_least__gte=1),
                name="group_at_least_positive",
                violation_error_message=_("“At least” must be 1 or more."),
            ),
            models.CheckConstraint(
                condition=Q(proficiency__gte=1, proficiency__lte=4),
                name="group_proficiency_range",
                violation_error_message=_("The minimum proficiency must be from 1 to 4."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.level}: {self.name}"
