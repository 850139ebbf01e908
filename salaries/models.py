"""Salary data: cited sources, data points, imports, exchange rates, title aliases,
and people's own contributions.

Statistics over these models live in `salaries.stats` (one implementation for the
page, the API and the dashboard).
"""

from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from careers.models import Level, Track
from core.uploads import Upload
from salaries.iso import WORLDWIDE
from salaries.regions import countries_in

# Groups with fewer points than this show no figures anywhere (k-anonymity).
MIN_GROUP_SIZE = 5
# Where people's own submissions are filed.
CONTRIBUTIONS_SOURCE_NAME = "Careerpath contributors"
FIRST_YEAR = 1990


class Statistic(models.TextChoices):
    INDIVIDUAL = "individual", _("individual")
    MEAN = "mean", _("mean")
    MEDIAN = "median", _("median")
    P25 = "p25", _("25th percentile")
    P75 = "p75", _("75th percentile")
    P90 = "p90", _("90th percentile")


class Status(models.TextChoices):
    APPROVED = "approved", _("approved")
    PENDING = "pending", _("pending")
    REJECTED = "rejected", _("rejected")


class EmploymentType(models.TextChoices):
    FULL_TIME = "full_time", _("full time")
    PART_TIME = "part_time", _("part time")
    CONTRACT = "contract", _("contract")
    FREELANCE = "freelance", _("freelance")


class Remote(models.TextChoices):
    ONSITE = "onsite", _("on site")
    HYBRID = "hybrid", _("hybrid")
    REMOTE = "remote", _("remote")


class Experience(models.TextChoices):
    """ai-jobs.net's experience levels."""

    EN = "EN", _("entry")
    MI = "MI", _("mid")
    SE = "SE", _("senior")
    EX = "EX", _("executive")


class SourceQuerySet(models.QuerySet):
    def with_point_counts(self) -> "SourceQuerySet":
        return self.annotate(point_count=Count("points", filter=Q(points__status=Status.APPROVED)))


class Source(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    url = models.URLField(_("URL"), max_length=500, blank=True)
    publisher = models.CharField(_("publisher"), max_length=200, blank=True)
    published = models.DateField(_("published"), null=True, blank=True)
    licence = models.CharField(_("licence"), max_length=200, blank=True)
    licence_url = models.URLField(_("licence URL"), max_length=500, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    objects = SourceQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("salaries:index") + "?" + urlencode({"source": self.name})


class ImportFormat(models.TextChoices):
    CONTRACT = "contract", _("Careerpath CSV")
    AIJOBS = "aijobs", _("ai-jobs.net CSV")
    OEWS = "oews", _("BLS OEWS (all data layout)")


class ImportBatchQuerySet(models.QuerySet):
    def live(self) -> "ImportBatchQuerySet":
        return self.filter(rolled_back_at__isnull=True)


class ImportBatch(models.Model):
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="batches")
    file_name = models.CharField(_("file name"), max_length=255)
    checksum = models.CharField(_("SHA-256"), max_length=64)
    format = models.CharField(_("format"), max_length=16, choices=ImportFormat)
    row_count = models.PositiveIntegerField(_("data points"), default=0)
    skipped_count = models.PositiveIntegerField(_("rows skipped"), default=0)
    skipped_titles = models.JSONField(_("skipped rows by title"), default=dict, blank=True)
    forced = models.BooleanField(_("forced re-import"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("imported by"),
    )
    created_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    rolled_back_at = models.DateTimeField(_("rolled back at"), null=True, blank=True)

    objects = ImportBatchQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")
        constraints = [
            # The same file goes into a source once, unless forced (or rolled back).
            models.UniqueConstraint(
                fields=["source", "checksum"],
                condition=Q(forced=False, rolled_back_at__isnull=True),
                name="import_batch_unique_file",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.file_name} → {self.source}"


class ImportUpload(Upload):
    """A CSV file queued for import (from the admin, or `import_salaries --queue`), and
    what became of it (core/uploads.py; the import: salaries/tasks.py)."""

    source_name = models.CharField(_("source name"), max_length=200, blank=True)
    force = models.BooleanField(_("forced"), default=False)
    batch = models.ForeignKey(
        ImportBatch,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("import batch"),
    )

    class Meta(Upload.Meta):
        verbose_name = _("uploaded salary file")
        verbose_name_plural = _("uploaded salary files")
        indexes = [
            # Workers look for unfinished imports when they start.
            models.Index(fields=["state"], name="salary_upload_state"),
        ]

    def get_absolute_url(self) -> str:
        """Its page in the admin: progress while it runs, then the result."""
        return reverse("admin:salaries_importupload_change", args=[self.pk])


class ImportProgress(models.Model):
    """How far a running import has read its file. Written through a database connection
    of its own, outside the import's transaction, so that its page shows it live (a row
    apart from the upload's, which that transaction keeps locked)."""

    upload = models.OneToOneField(
        ImportUpload, on_delete=models.CASCADE, primary_key=True, related_name="progress"
    )
    phase = models.CharField(_("phase"), max_length=32, blank=True)
    done = models.PositiveBigIntegerField(_("bytes read"), default=0)
    total = models.PositiveBigIntegerField(_("bytes in all"), default=0)
    updated_at = models.DateTimeField(_("updated at"), null=True, blank=True)

    class Meta:
        verbose_name = _("import progress")
        verbose_name_plural = _("import progress")

    def __str__(self) -> str:
        return f"{self.upload_id}: {self.percent}%"

    @property
    def percent(self) -> int:
        return min(100, self.done * 100 // self.total) if self.total else 0


class ExchangeRate(models.Model):
    """One unit of `currency` in US dollars, on average over `year`."""

    currency = models.CharField(_("currency"), max_length=3)
    year = models.PositiveSmallIntegerField(_("year"))
    rate_to_usd = models.DecimalField(_("rate to USD"), max_digits=20, decimal_places=10)

    class Meta:
        ordering = ["currency", "year"]
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        constraints = [
            models.UniqueConstraint(fields=["currency", "year"], name="exchange_rate_unique"),
            models.CheckConstraint(condition=Q(rate_to_usd__gt=0), name="exchange_rate_positive"),
            models.CheckConstraint(
                condition=Q(currency__regex=r"^[A-Z]{3}$"), name="exchange_rate_currency_code"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.currency} {self.year}: {self.rate_to_usd} USD"


class SalaryDataPointQuerySet(models.QuerySet):
    def approved(self) -> "SalaryDataPointQuerySet":
        return self.filter(status=Status.APPROVED)

    def individual(self) -> "SalaryDataPointQuerySet":
        """One person's pay each: what percentiles are computed over."""
        return self.filter(statistic=Statistic.INDIVIDUAL)

    def published(self) -> "SalaryDataPointQuerySet":
        """Statistics a source published (mean, median, ...): reference markers only."""
        return self.exclude(statistic=Statistic.INDIVIDUAL)

    def pending_review(self) -> "SalaryDataPointQuerySet":
        return self.filter(status=Status.PENDING)

    def matching(
        self,
        *,
        track: Track | str | None = None,
        level: Level | str | None = None,
        country: str | None = None,
        year_from: int | None = None,
        year_to: int | None = None,
        source: "Source | str | None" = None,
        region: str | None = None,
    ) -> "SalaryDataPointQuerySet":
        """Filter by any of the public filters; strings are slugs (track, level) or a name.

        `country` XX (worldwide) is every country pooled, as no country at all; `region`
        a salaries.regions.Region value: its countries.
        """
        qs = self
        if isinstance(track, Track):
            qs = qs.filter(track=track)
        elif track:
            qs = qs.filter(track__slug=track)
        if isinstance(level, Level):
            qs = qs.filter(level=level)
        elif level:
            qs = qs.filter(level__slug=level)
        if country and country.upper() != WORLDWIDE:
            qs = qs.filter(country=country.upper())
        if region:
            qs = qs.filter(country__in=countries_in(region))
        if year_from is not None:
            qs = qs.filter(year__gte=year_from)
        if year_to is not None:
            qs = qs.filter(year__lte=year_to)
        if isinstance(source, Source):
            qs = qs.filter(source=source)
        elif source:
            qs = qs.filter(source__name=source)
        return qs


class SalaryDataPoint(models.Model):
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, related_name="points", verbose_name=_("source")
    )
    batch = models.ForeignKey(
        ImportBatch,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="points",
        verbose_name=_("import batch"),
    )
    track = models.ForeignKey(
        Track,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="salary_points",
        verbose_name=_("track"),
    )
    level = models.ForeignKey(
        Level,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="salary_points",
        verbose_name=_("level"),
    )
    title = models.CharField(
        _("job title"), max_length=200, blank=True, help_text=_("The title as published.")
    )
    country = models.CharField(
        _("country"), max_length=2, help_text=_("ISO 3166-1 alpha-2, or XX for worldwide.")
    )
    city = models.CharField(_("city"), max_length=100, blank=True)
    currency = models.CharField(_("currency"), max_length=3, help_text=_("ISO 4217."))
    amount = models.DecimalField(_("gross annual amount"), max_digits=14, decimal_places=2)
    bonus = models.DecimalField(
        _("bonus per year"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("In the same currency as the amount; empty when unknown."),
    )
    equity = models.DecimalField(
        _("equity per year"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Equity vesting per year, in the same currency; empty when unknown."),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    statistic = models.CharField(
        _("statistic"), max_length=10, choices=Statistic, default=Statistic.INDIVIDUAL
    )
    sample_size = models.PositiveIntegerField(_("sample size"), null=True, blank=True)
    employment_type = models.CharField(
        _("employment type"), max_length=10, choices=EmploymentType, blank=True
    )
    remote = models.CharField(_("remote"), max_length=6, choices=Remote, blank=True)
    source_url = models.URLField(_("source URL"), max_length=500, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=Status, default=Status.APPROVED)
    outlier = models.BooleanField(
        _("outlier"),
        default=False,
        help_text=_("Beyond 3 IQR of its group when submitted: check before approving."),
    )
    implausible = models.CharField(
        _("implausible because"),
        max_length=300,
        blank=True,
        help_text=_(
            "Why the amount looked implausible when it came in (far from its group, or "
            "outside the sanity bounds); empty when it looked plausible."
        ),
    )

    objects = SalaryDataPointQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "pk"]
        verbose_name = _("salary data point")
        verbose_name_plural = _("salary data points")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="salary_point_amount_positive"),
            models.CheckConstraint(
                condition=Q(bonus__isnull=True) | Q(bonus__gte=0),
                name="salary_point_bonus_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(equity__isnull=True) | Q(equity__gte=0),
                name="salary_point_equity_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(year__gte=FIRST_YEAR, year__lte=2100), name="salary_point_year_range"
            ),
            models.CheckConstraint(
                condition=Q(country__regex=r"^[A-Z]{2}$"), name="salary_point_country_code"
            ),
            models.CheckConstraint(
                condition=Q(currency__regex=r"^[A-Z]{3}$"), name="salary_point_currency_code"
            ),
            # One person's pay is always for a level; published figures may be for a role.
            models.CheckConstraint(
                condition=~Q(statistic=Statistic.INDIVIDUAL)
                | Q(track__isnull=False, level__isnull=False),
                name="salary_point_individual_has_level",
            ),
            models.CheckConstraint(
                condition=Q(level__isnull=True) | Q(track__isnull=False),
                name="salary_point_level_has_track",
            ),
            models.CheckConstraint(
                condition=Q(sample_size__isnull=True) | Q(sample_size__gte=1),
                name="salary_point_sample_size_positive",
            ),
        ]
        indexes = [
            # /salaries/, the API and the dashboard: statistics per track and level.
            models.Index(
                fields=["track", "level", "status", "statistic"], name="salary_point_by_level"
            ),
            # The country comparison and the country filter.
            models.Index(fields=["country", "level"], name="salary_point_by_country"),
        ]

    def __str__(self) -> str:
        what = self.level or self.track or self.title or "?"
        return f"{what}, {self.country} {self.year}: {self.amount} {self.currency}"

    def clean(self) -> None:
        if self.level_id and self.track_id and self.level.track_id != self.track_id:
            raise ValidationError({"level": _("This level is not in the chosen track.")})


class PendingContribution(SalaryDataPoint):
    """The moderation list in the admin: people's submissions waiting for review."""

    class Meta:
        proxy = True
        verbose_name = _("contribution to review")
        verbose_name_plural = _("contributions to review")


class ContributionQuerySet(models.QuerySet):
    def for_user(self, user) -> "ContributionQuerySet":
        return self.filter(user=user) if user.is_authenticated else self.none()

    def pending(self) -> "ContributionQuerySet":
        return self.filter(status=Status.PENDING)


class Contribution(models.Model):
    """A person's private record of their own submission.

    While pending it points at the data point (so the person can withdraw it); once
    moderated the link is cut, so the published point carries nothing about who sent it.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="salary_contributions"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(_("status"), max_length=8, choices=Status, default=Status.PENDING)
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    data_point = models.OneToOneField(
        SalaryDataPoint,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contribution",
    )

    objects = ContributionQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "-submitted_at"]
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "year"],
                condition=~Q(status=Status.REJECTED),
                name="contribution_one_per_year",
            ),
            # Anonymity, enforced by the database: only a pending submission is linked.
            models.CheckConstraint(
                condition=Q(status=Status.PENDING) | Q(data_point__isnull=True),
                name="contribution_unlinked_once_moderated",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.year} ({self.get_status_display()})"


class AliasSet(models.Model):
    """How ai-jobs.net rows reach one track: job titles, and experience → level."""

    track = models.OneToOneField(
        Track, on_delete=models.CASCADE, related_name="alias_set", verbose_name=_("track")
    )
    entry_level = models.ForeignKey(
        Level,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("EN (entry) →"),
    )
    mid_level = models.ForeignKey(
        Level,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("MI (mid) →"),
    )
    senior_level = models.ForeignKey(
        Level,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("SE (senior) →"),
    )
    executive_level = models.ForeignKey(
        Level,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("EX (executive) →"),
    )

    class Meta:
        ordering = ["track"]
        verbose_name = _("title alias set")
        verbose_name_plural = _("title alias sets")

    def __str__(self) -> str:
        return str(self.track)

    def clean(self) -> None:
        errors = {}
        for field in ("entry_level", "mid_level", "senior_level", "executive_level"):
            level = getattr(self, field)
            if level is not None and self.track_id and level.track_id != self.track_id:
                errors[field] = _("Choose a level of this set's track.")
        if errors:
            raise ValidationError(errors)

    def level_for(self, experience: str) -> Level | None:
        field = {
            Experience.EN: "entry_level",
            Experience.MI: "mid_level",
            Experience.SE: "senior_level",
            Experience.EX: "executive_level",
        }[Experience(experience)]
        return getattr(self, field)


class TitleAlias(models.Model):
    alias_set = models.ForeignKey(AliasSet, on_delete=models.CASCADE, related_name="aliases")
    title = models.CharField(_("job title"), max_length=200)
    level = models.ForeignKey(
        Level,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("always this level"),
        help_text=_("Leave empty to map by experience level (EN/MI/SE/EX)."),
    )

    class Meta:
        ordering = ["title"]
        verbose_name = _("title alias")
        verbose_name_plural = _("title aliases")
        constraints = [
            models.UniqueConstraint(
                Lower("title"),
                name="title_alias_unique_title",
                violation_error_message=_("This job title already has an alias."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.level_id and self.alias_set_id and self.level.track_id != self.alias_set.track_id:
            raise ValidationError({"level": _("Choose a level of this set's track.")})


# --- official market data (BLS OEWS) -------------------------------------------------------


class AreaType(models.TextChoices):
    NATION = "nation", _("nation")
    STATE = "state", _("state or territory")
    METRO = "metro", _("metropolitan area")
    NONMETRO = "nonmetro", _("nonmetropolitan area")


class OccupationMapping(models.Model):
    """Which track a Standard Occupational Classification (SOC) code's published market
    figures are shown on. Editable in the admin; an occupation covers every level."""

    soc_code = models.CharField(
        _("SOC code"),
        max_length=7,
        unique=True,
        help_text=_("As BLS writes it, e.g. 15-1252."),
    )
    title = models.CharField(_("occupation"), max_length=200, blank=True)
    track = models.ForeignKey(
        Track,
        on_delete=models.CASCADE,
        related_name="occupations",
        verbose_name=_("track"),
    )
    note = models.CharField(
        _("note"),
        max_length=300,
        blank=True,
        help_text=_("How closely the occupation matches the track, shown beside its figures."),
    )

    class Meta:
        ordering = ["track", "soc_code"]
        verbose_name = _("occupation mapping")
        verbose_name_plural = _("occupation mappings")
        constraints = [
            models.CheckConstraint(
                condition=Q(soc_code__regex=r"^[0-9]{2}-[0-9]{4}$"), name="occupation_soc_code"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.soc_code} {self.title} → {self.track}"


class MarketEstimateQuerySet(models.QuerySet):
    def live(self) -> "MarketEstimateQuerySet":
        return self.filter(batch__rolled_back_at__isnull=True)


class MarketEstimate(models.Model):
    """One occupation's published wage estimates in one area, as BLS published them:
    a statistic of a whole occupation (all levels), never mixed with data points.
    Annual US dollars; None where BLS withheld a figure (`*`, `**`); a figure BLS
    top-coded (`#`, at least the cap) is None too, with its name in `top_coded`."""

    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, related_name="estimates", verbose_name=_("source")
    )
    batch = models.ForeignKey(
        ImportBatch,
        on_delete=models.CASCADE,
        related_name="estimates",
        verbose_name=_("import batch"),
    )
    release = models.CharField(_("release"), max_length=40, help_text=_("e.g. May 2025."))
    year = models.PositiveSmallIntegerField(_("year"))
    area_code = models.CharField(
        _("area"),
        max_length=7,
        help_text=_("US, a state's postal code, or a (non)metropolitan area's BLS code."),
    )
    area_title = models.CharField(_("area name"), max_length=200)
    area_type = models.CharField(_("area type"), max_length=8, choices=AreaType)
    occupation_code = models.CharField(_("SOC code"), max_length=7)
    occupation_title = models.CharField(_("occupation"), max_length=200)
    employment = models.PositiveIntegerField(_("employment"), null=True, blank=True)
    mean = models.PositiveIntegerField(_("annual mean wage"), null=True, blank=True)
    p10 = models.PositiveIntegerField(_("10th percentile"), null=True, blank=True)
    p25 = models.PositiveIntegerField(_("25th percentile"), null=True, blank=True)
    median = models.PositiveIntegerField(_("median"), null=True, blank=True)
    p75 = models.PositiveIntegerField(_("75th percentile"), null=True, blank=True)
    p90 = models.PositiveIntegerField(_("90th percentile"), null=True, blank=True)
    top_coded = models.JSONField(
        _("top-coded figures"),
        default=list,
        blank=True,
        help_text=_("Figures BLS published only as at least its cap (marker #)."),
    )

    objects = MarketEstimateQuerySet.as_manager()

    class Meta:
        ordering = ["occupation_code", "area_type", "area_code"]
        verbose_name = _("market estimate")
        verbose_name_plural = _("market estimates")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "release", "area_code", "occupation_code"],
                name="market_estimate_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["occupation_code", "area_code"], name="market_estimate_lookup"),
        ]

    def __str__(self) -> str:
        return f"{self.occupation_code} {self.area_title} ({self.release})"


class OwnPayQuerySet(models.QuerySet):
    def for_user(self, user) -> "OwnPayQuerySet":
        return self.filter(user=user) if user.is_authenticated else self.none()


class OwnPay(models.Model):
    """A person's own pay, private: shown only to them (where it sits in their level's
    distribution), never in any statistic: contributing is a separate, explicit act.
    In their export; deleted with their account."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="own_pay"
    )
    amount = models.DecimalField(_("gross annual pay"), max_digits=14, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, help_text=_("ISO 4217."))
    year = models.PositiveSmallIntegerField(_("year"))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = OwnPayQuerySet.as_manager()

    class Meta:
        verbose_name = _("own pay")
        verbose_name_plural = _("own pay")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="own_pay_amount_positive"),
            models.CheckConstraint(
                condition=Q(year__gte=FIRST_YEAR, year__lte=2100), name="own_pay_year_range"
            ),
            models.CheckConstraint(
                condition=Q(currency__regex=r"^[A-Z]{3}$"), name="own_pay_currency_code"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.year}: {self.amount} {self.currency}"
