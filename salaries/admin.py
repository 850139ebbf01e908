"""Curation: sources, data points and moderation, imports (upload, follow, roll back),
exchange rates (table upload), title aliases, BLS market estimates and the SOC → track
mapping."""

from datetime import timedelta
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin import TabularInline, UploadAdmin
from core.audit import audit
from core.uploads import UploadState
from salaries import moderation
from salaries.forms import ImportUploadForm, RatesUploadForm
from salaries.importing.write import roll_back
from salaries.models import (
    AliasSet,
    ExchangeRate,
    ImportBatch,
    ImportUpload,
    MarketEstimate,
    OccupationMapping,
    PendingContribution,
    SalaryDataPoint,
    Source,
    Status,
    TitleAlias,
)
from salaries.rates import load_rates
from salaries.stats import invalidate
from salaries.tasks import import_upload, queue_import


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["name", "publisher", "published", "licence", "point_count"]
    search_fields = ["name", "publisher"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).with_point_counts()

    @admin.display(description=_("approved data points"), ordering="point_count")
    def point_count(self, obj: Source) -> int:
        return obj.point_count


def pending_points(queryset: QuerySet) -> list[SalaryDataPoint]:
    """The pending points of a selection, as data points (the audit log links each to
    its page in the data point admin, whatever list it was chosen from)."""
    ids = queryset.filter(status=Status.PENDING).values("pk")
    return list(SalaryDataPoint.objects.filter(pk__in=ids).select_related("level__track", "track"))


@admin.action(description=_("Approve selected pending data points"))
def approve_points(modeladmin, request: HttpRequest, queryset: QuerySet) -> None:
    points = pending_points(queryset)  # before they change: only pending ones are moderated
    count = moderation.approve(queryset)
    audit(request, points, "Approved (moderation).")
    modeladmin.message_user(
        request,
        ngettext("Approved %d data point.", "Approved %d data points.", count) % count,
        messages.SUCCESS,
    )


@admin.action(description=_("Reject selected pending data points"))
def reject_points(modeladmin, request: HttpRequest, queryset: QuerySet) -> None:
    points = pending_points(queryset)
    count = moderation.reject(queryset)
    audit(request, points, "Rejected (moderation).")
    modeladmin.message_user(
        request,
        ngettext("Rejected %d data point.", "Rejected %d data points.", count) % count,
        messages.SUCCESS,
    )


class ImplausibleFilter(admin.SimpleListFilter):
    """Points flagged as implausible when they came in (salaries/plausibility.py)."""

    title = _("plausibility")
    parameter_name = "implausible"

    def lookups(self, request: HttpRequest, model_admin) -> list[tuple[str, str]]:
        return [("yes", _("Flagged as implausible")), ("no", _("Plausible"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "yes":
            return queryset.exclude(implausible="")
        if self.value() == "no":
            return queryset.filter(implausible="")
        return queryset


@admin.register(SalaryDataPoint)
class SalaryDataPointAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "track",
        "level",
        "country",
        "amount",
        "currency",
        "year",
        "statistic",
        "status",
        "outlier",
        "implausible",
        "source",
    ]
    list_filter = [
        "status",
        ImplausibleFilter,
        "outlier",
        "statistic",
        "source",
        "track",
        "year",
    ]
    list_select_related = ["track", "level__track", "source"]
    search_fields = ["title", "country", "city"]
    raw_id_fields = ["batch", "level", "track", "source"]
    actions = [approve_points, reject_points]
    show_full_result_count = False

    def delete_model(self, request: HttpRequest, obj: SalaryDataPoint) -> None:
        super().delete_model(request, obj)
        invalidate()

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        super().delete_queryset(request, queryset)
        invalidate()


@admin.register(PendingContribution)
class PendingContributionAdmin(admin.ModelAdmin):
    list_display = [
        "level",
        "country",
        "amount",
        "bonus",
        "equity",
        "currency",
        "year",
        "outlier",
        "implausible",
    ]
    list_filter = [ImplausibleFilter, "outlier", "track", "year"]
    list_select_related = ["level__track"]
    actions = [approve_points, reject_points]
    fields = [
        "track",
        "level",
        "country",
        "currency",
        "amount",
        "bonus",
        "equity",
        "year",
        "outlier",
        "implausible",
    ]
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return (
            super().get_queryset(request).filter(status=Status.PENDING, contribution__isnull=False)
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.has_perm("salaries.view_salarydatapoint")


@admin.action(description=_("Roll back selected imports (delete their data points)"))
def roll_back_batches(modeladmin, request: HttpRequest, queryset: QuerySet) -> None:
    batches = list(queryset.live().select_related("source"))
    deleted = 0
    for batch in batches:
        points = roll_back(batch)
        deleted += points
        audit(request, [batch], f"Rolled back: {points:,} data point(s) deleted.")
    modeladmin.message_user(
        request,
        _("Rolled back %(batches)d import(s): %(points)d data point(s) deleted.")
        % {"batches": len(batches), "points": deleted},
        messages.SUCCESS,
    )


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = [
        "file_name",
        "source",
        "format",
        "row_count",
        "skipped_count",
        "created_by",
        "created_at",
        "forced",
        "rolled_back_at",
    ]
    list_filter = ["source", "format", "forced"]
    list_select_related = ["source", "created_by"]
    readonly_fields = [
        "source",
        "file_name",
        "checksum",
        "format",
        "row_count",
        "skipped_count",
        "skipped_titles",
        "forced",
        "created_by",
        "created_at",
        "rolled_back_at",
    ]
    actions = [roll_back_batches]
    change_list_template = "admin/salaries/importbatch/change_list.html"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # batches are made by importing a file (the button above the list)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="salaries_importbatch_import",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request: HttpRequest) -> HttpResponse:
        """Upload a CSV: stored and imported by a task (the same import as `manage.py
        import_salaries`); the answer is at once the upload's page, which follows it."""
        if not request.user.has_perm("salaries.add_salarydatapoint"):
            raise PermissionDenied
        form = ImportUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            queued = queue_import(
                upload,
                upload.name,
                source_name=form.cleaned_data["source"],
                dry_run=form.cleaned_data["dry_run"],
                force=form.cleaned_data["force"],
                user=request.user,
            )
            return redirect(queued)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Import salary data"),
            "form": form,
        }
        return TemplateResponse(request, "admin/salaries/importbatch/import.html", context)


@admin.register(ImportUpload)
class ImportUploadAdmin(UploadAdmin):
    """Files queued for import: each one's page shows its progress, then its result."""

    list_display = ["file_name", "source_name", "dry_run", "state", "created_by", "created_at"]
    search_fields = ["file_name", "source_name"]
    import_permissions = ("salaries.add_salarydatapoint",)
    import_task = import_upload
    progress_template = "admin/salaries/importupload/progress.html"
    progress_related = ("progress", "batch", "created_by")

    def progress_context(self, upload: ImportUpload) -> dict[str, Any]:
        """How far a running import has read, and whether a queued one waits too long."""
        progress = getattr(upload, "progress", None)
        return {
            "progress": progress if progress is not None and progress.total else None,
            "waiting": (
                upload.state == UploadState.QUEUED
                and timezone.now() - upload.created_at > WORKER_EXPECTED_WITHIN
            ),
        }


# A queued import still waiting after this long suggests no worker is running.
WORKER_EXPECTED_WITHIN = timedelta(seconds=30)


def rate_file_name(form: RatesUploadForm) -> str:
    return getattr(form.cleaned_data["file"], "name", "") or "upload"


@admin.register(ExchangeRate)
class ExchangeRateAdmin(admin.ModelAdmin):
    list_display = ["currency", "year", "rate_to_usd"]
    list_filter = ["currency", "year"]
    search_fields = ["currency"]
    change_list_template = "admin/salaries/exchangerate/change_list.html"

    def get_urls(self):
        return [
            path(
                "load/",
                self.admin_site.admin_view(self.load_view),
                name="salaries_exchangerate_load",
            ),
            *super().get_urls(),
        ]

    def load_view(self, request: HttpRequest) -> HttpResponse:
        """Upload a yearly table: `currency,year,rate_to_usd`."""
        if not (
            request.user.has_perm("salaries.add_exchangerate")
            and request.user.has_perm("salaries.change_exchangerate")
        ):
            raise PermissionDenied
        form = RatesUploadForm(request.POST or None, request.FILES or None)
        report = None
        if request.method == "POST" and form.is_valid():
            report = load_rates(form.cleaned_data["file"], dry_run=form.cleaned_data["dry_run"])
            if report.ok and not form.cleaned_data["dry_run"]:
                loaded = set(report.keys)
                rates = ExchangeRate.objects.filter(
                    currency__in={c for c, _ in loaded}, year__in={y for _, y in loaded}
                )
                audit(
                    request,
                    [rate for rate in rates if (rate.currency, rate.year) in loaded],
                    f"Loaded from a CSV table: {rate_file_name(form)}.",
                )
                self.message_user(request, report.summary(), messages.SUCCESS)
                return redirect(reverse("admin:salaries_exchangerate_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Load exchange rates"),
            "form": form,
            "report": report,
            "dry_run": bool(form.is_bound and form.is_valid() and form.cleaned_data["dry_run"]),
        }
        return TemplateResponse(request, "admin/salaries/exchangerate/load.html", context)


class TitleAliasInline(TabularInline):
    model = TitleAlias
    extra = 1
    raw_id_fields = ["level"]


@admin.register(AliasSet)
class AliasSetAdmin(admin.ModelAdmin):
    list_display = [
        "track",
        "entry_level",
        "mid_level",
        "senior_level",
        "executive_level",
        "alias_count",
    ]
    list_select_related = [
        "track",
        "entry_level__track",
        "mid_level__track",
        "senior_level__track",
        "executive_level__track",
    ]
    inlines = [TitleAliasInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(alias_count=Count("aliases"))

    @admin.display(description=_("titles"), ordering="alias_count")
    def alias_count(self, obj: AliasSet) -> int:
        return obj.alias_count

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name.endswith("_level"):
            from careers.models import Level

            kwargs["queryset"] = Level.objects.in_order()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(OccupationMapping)
class OccupationMappingAdmin(admin.ModelAdmin):
    """Which occupations' published market figures (BLS OEWS) a track shows."""

    list_display = ["soc_code", "title", "track", "note"]
    list_filter = ["track"]
    search_fields = ["soc_code", "title"]


@admin.register(MarketEstimate)
class MarketEstimateAdmin(admin.ModelAdmin):
    """Published as imported: read only (roll the import batch back to remove them)."""

    list_display = [
        "occupation_code",
        "occupation_title",
        "area_title",
        "area_type",
        "release",
        "employment",
        "median",
    ]
    list_filter = ["release", "area_type", "occupation_code"]
    search_fields = ["area_title", "area_code", "occupation_code", "occupation_title"]
    list_select_related = ["source"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
