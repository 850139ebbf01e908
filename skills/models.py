"""Roadmaps → ordered sections → ordered skill placements; skills with prerequisites.

A skill exists once and may be placed in several roadmaps, so a person's progress on it
counts everywhere it appears.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Func, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from core.queries import count_of
from core.uploads import Upload
from skills.graph import find_cycle_in, rotate_to


class Proficiency(models.IntegerChoices):
    NONE = 0, _("none")
    AWARE = 1, _("aware")
    WORKING = 2, _("working")
    PRACTITIONER = 3, _("practitioner")
    EXPERT = 4, _("expert")


class SkillKind(models.TextChoices):
    CORE = "core", _("core")
    OPTIONAL = "optional", _("optional")
    ALTERNATIVE = "alternative", _("alternative")


class ResourceKind(models.TextChoices):
    DOCS = "docs", _("documentation")
    ARTICLE = "article", _("article")
    VIDEO = "video", _("video")
    COURSE = "course", _("course")
    BOOK = "book", _("book")


class RoadmapQuerySet(models.QuerySet):
    def published(self) -> "RoadmapQuerySet":
        return self.filter(published=True)

    def visible_to(self, user) -> "RoadmapQuerySet":
        """Published roadmaps; staff also see drafts (to preview them)."""
        if user.is_authenticated and user.is_staff:
            return self.all()
        return self.published()

    def with_counts(self) -> "RoadmapQuerySet":
        """Annotate `section_count`, `skill_count`, `effort_hours` (the sum of its skills'
        estimates) and `estimated_count` (its skills with an estimate); subqueries: no
        join fan-out."""
        placements = SkillPlacement.objects.filter(section__roadmap=OuterRef("pk"))
        hours = placements.order_by().annotate(hours=Func(F("skill__effort_hours"), function="SUM"))
        return self.annotate(
            section_count=count_of(Section.objects.filter(roadmap=OuterRef("pk"))),
            skill_count=count_of(placements),
            effort_hours=Coalesce(
                Subquery(hours.values("hours")[:1], output_field=models.IntegerField()), 0
            ),
            estimated_count=count_of(placements.filter(skill__effort_hours__isnull=False)),
        )


class Roadmap(models.Model):
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    published = models.BooleanField(_("published"), default=False)
    position = models.PositiveIntegerField(_("position"), default=0)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = RoadmapQuerySet.as_manager()

    class Meta:
        ordering = ["position", "title"]
        verbose_name = _("roadmap")
        verbose_name_plural = _("roadmaps")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("tracking:roadmap_detail", args=[self.slug])


class Section(models.Model):
    roadmap = models.ForeignKey(Roadmap, on_delete=models.CASCADE, related_name="sections")
    slug = models.SlugField(_("slug"), max_length=60)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    position = models.PositiveIntegerField(_("position"))
    choose_at_least = models.PositiveSmallIntegerField(
        _("choose at least"),
        null=True,
        blank=True,
        help_text=_(
            "A section to choose from (for example one programming language): it counts as "
            "complete when this many of its skills are done. Empty: every core skill counts."
        ),
    )

    class Meta:
        ordering = ["roadmap", "position"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        constraints = [
            models.UniqueConstraint(fields=["roadmap", "slug"], name="section_unique_slug"),
            models.UniqueConstraint(fields=["roadmap", "position"], name="section_unique_position"),
            models.CheckConstraint(
                condition=Q(choose_at_least__isnull=True) | Q(choose_at_least__gte=1),
                name="section_choose_at_least_positive",
                violation_error_message=_("“Choose at least” must be 1 or more, or empty."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return f"{self.roadmap.get_absolute_url()}#section-{self.slug}"


class SkillQuerySet(models.QuerySet):
    def in_roadmap(self, roadmap: Roadmap) -> "SkillQuerySet":
        return self.filter(placements__section__roadmap=roadmap)

    def with_counts(self) -> "SkillQuerySet":
        """Annotate `prerequisite_count`, `resource_count` and `roadmap_count`."""
        return self.annotate(
            prerequisite_count=count_of(Prerequisite.objects.filter(skill=OuterRef("pk"))),
            resource_count=count_of(Resource.objects.filter(skill=OuterRef("pk"))),
            roadmap_count=count_of(SkillPlacement.objects.filter(skill=OuterRef("pk"))),
        )


class Skill(models.Model):
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown."))
    effort_hours = models.PositiveSmallIntegerField(
        _("effort (hours)"),
        null=True,
        blank=True,
        help_text=_(
            "Our estimate of the focused hours a person needs to reach working proficiency, "
            "with the prerequisites done. Empty: not estimated."
        ),
    )
    prerequisites = models.ManyToManyField(
        "self",
        through="Prerequisite",
        through_fields=("skill", "requires"),
        symmetrical=False,
        related_name="unlocks",
        blank=True,
        verbose_name=_("prerequisites"),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = SkillQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("skill")
        verbose_name_plural = _("skills")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("tracking:skill_detail", args=[self.slug])

    @cached_property
    def prerequisite_list(self) -> list["Skill"]:
        """The skills to learn first, by name. Pages listing many skills prefetch it
        (Prefetch(..., to_attr="prerequisite_list")); a single row (an htmx swap) loads it."""
        return list(self.prerequisites.only("slug", "name").order_by("name"))


class PrerequisiteQuerySet(models.QuerySet):
    def find_cycle(
        self, extra_edge: tuple[int, int] | None = None, replacing: int | None = None
    ) -> list[str] | None:
        """Look for a cycle in the stored graph, plus one edge about to be added.

        `replacing` is the id of a stored Prerequisite that the new edge replaces (an
        edit). Returns the skills' names along the cycle, each requiring the next.
        """
        stored = self.all()
        if replacing is not None:
            stored = stored.exclude(pk=replacing)
        edges = list(stored.values_list("skill_id", "requires_id"))
        if extra_edge:
            edges.append(extra_edge)
        cycle = find_cycle_in(edges)
        if not cycle:
            return None
        if extra_edge:
            cycle = rotate_to(cycle, str(extra_edge[0]))
        names = dict(Skill.objects.filter(pk__in=cycle).values_list("pk", "name"))
        return [names.get(int(pk), str(pk)) for pk in cycle]


class Prerequisite(models.Model):
    """`skill` requires `requires` first. The graph is kept acyclic (clean, find_cycle)."""

    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="prerequisite_links")
    requires = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="unlock_links")

    objects = PrerequisiteQuerySet.as_manager()

    class Meta:
        verbose_name = _("prerequisite")
        verbose_name_plural = _("prerequisites")
        constraints = [
            models.UniqueConstraint(fields=["skill", "requires"], name="prerequisite_unique"),
            models.CheckConstraint(
                condition=~Q(skill=models.F("requires")),
                name="prerequisite_not_self",
                violation_error_message=_("A skill cannot require itself."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.skill} ← {self.requires}"

    def clean(self) -> None:
        if self.skill_id and self.requires_id:
            cycle = Prerequisite.objects.find_cycle(
                extra_edge=(self.skill_id, self.requires_id), replacing=self.pk
            )
            if cycle:
                names = " → ".join(cycle)
                raise ValidationError(
                    _("This prerequisite would make a cycle (each needs the next): %(cycle)s."),
                    params={"cycle": names},
                    code="cycle",
                )


class SkillPlacement(models.Model):
    """A skill's place in one section of a roadmap, with its kind there."""

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="placements")
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="placements")
    kind = models.CharField(_("kind"), max_length=12, choices=SkillKind, default=SkillKind.CORE)
    position = models.PositiveIntegerField(_("position"))

    class Meta:
        ordering = ["section", "position"]
        verbose_name = _("skill placement")
        verbose_name_plural = _("skill placements (skills in roadmap sections)")
        constraints = [
            models.UniqueConstraint(fields=["section", "skill"], name="placement_unique_skill"),
            models.UniqueConstraint(
                fields=["section", "position"], name="placement_unique_position"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.section}: {self.skill}"

    def clean(self) -> None:
        """A skill appears once in a roadmap: in one section only."""
        if not (self.section_id and self.skill_id):
            return
        elsewhere = (
            SkillPlacement.objects.filter(
                skill_id=self.skill_id, section__roadmap_id=self.section.roadmap_id
            )
            .exclude(section_id=self.section_id)
            .select_related("section")
            .first()
        )
        if elsewhere:
            raise ValidationError(
                {
                    "skill": _(
                        "“%(skill)s” is already in the section “%(section)s” of this roadmap."
                    )
                    % {"skill": self.skill, "section": elsewhere.section}
                },
                code="duplicate_in_roadmap",
            )


class Resource(models.Model):
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="resources")
    title = models.CharField(_("title"), max_length=200)
    url = models.URLField(_("URL"), max_length=500)
    kind = models.CharField(
        _("kind"), max_length=10, choices=ResourceKind, default=ResourceKind.DOCS
    )
    position = models.PositiveIntegerField(_("position"))

    class Meta:
        ordering = ["skill", "position"]
        verbose_name = _("learning resource")
        verbose_name_plural = _("learning resources")
        constraints = [
            models.UniqueConstraint(fields=["skill", "position"], name="resource_unique_position"),
        ]

    def __str__(self) -> str:
        return self.title


class RoadmapUpload(Upload):
    """A roadmap file queued for import from the admin, and what became of it
    (core/uploads.py; the import: skills/tasks.py)."""

    roadmap = models.ForeignKey(
        Roadmap,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("roadmap"),
    )

    class Meta(Upload.Meta):
        verbose_name = _("uploaded roadmap file")
        verbose_name_plural = _("uploaded roadmap files")
        indexes = [
            # Workers look for unfinished imports when they start.
            models.Index(fields=["state"], name="roadmap_upload_state"),
        ]

    def get_absolute_url(self) -> str:
        """Its page in the admin: progress while it runs, then the result."""
        return reverse("admin:skills_roadmapupload_change", args=[self.pk])
