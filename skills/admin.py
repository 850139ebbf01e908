"""Curation of roadmaps and skills: inlines, ordering numbers, counts, import and export."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from core.admin import TabularInline, TranslatedTabularInline, UploadAdmin
from core.uploads import read_import_file
from skills.models import (
    Prerequisite,
    Resource,
    Roadmap,
    RoadmapUpload,
    Section,
    Skill,
    SkillPlacement,
)
from skills.ordering import OrderedInlineForm, OrderedInlineFormSet
from skills.roadmap_io import RoadmapImportError, dumps, export_roadmap, loads
from skills.tasks import import_roadmap_upload, queue_import


class SectionInline(TranslatedTabularInline):
    model = Section
    form = OrderedInlineForm
    formset = OrderedInlineFormSet
    fields = ["position", "title", "slug", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2})}}
    ordering = ["position"]
    extra = 1
    show_change_link = True
    verbose_name_plural = _("sections (numbers set the order; open one to edit its skills)")


@admin.register(Roadmap)
class RoadmapAdmin(TranslationAdmin):
    list_display = ["title", "slug", "published", "section_count", "skill_count", "updated_at"]
    list_filter = ["published"]
    search_fields = ["title", "slug", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    fields = ["title", "slug", "summary", "published", "position"]
    inlines = [SectionInline]
    change_form_template = "admin/skills/roadmap/change_form.html"
    change_list_template = "admin/skills/roadmap/change_list.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).with_counts()

    @admin.display(description=_("sections"), ordering="section_count")
    def section_count(self, obj: Roadmap) -> int:
        return obj.section_count

    @admin.display(description=_("skills"), ordering="skill_count")
    def skill_count(self, obj: Roadmap) -> int:
        return obj.skill_count

    def get_urls(self) -> list:
        own = [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="skills_roadmap_import",
            ),
            path(
                "<path:object_id>/export/",
                self.admin_site.admin_view(self.export_view),
                name="skills_roadmap_export",
            ),
        ]
        return own + super().get_urls()

    def export_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        roadmap = get_object_or_404(Roadmap, pk=object_id)
        if not self.has_view_permission(request, roadmap):
            raise PermissionDenied
        response = HttpResponse(
            dumps(export_roadmap(roadmap)), content_type="application/json; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="roadmap-{roadmap.slug}.json"'
        return response

    def import_view(self, request: HttpRequest) -> HttpResponse:
        """Upload a roadmap file: its syntax is checked at once, then a task imports it
        (the same import as `manage.py import_roadmap`); the answer is the upload's page."""
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        if request.method == "POST":
            form = RoadmapImportForm(request.POST, request.FILES)
        else:
            form = RoadmapImportForm()
        if request.method == "POST" and form.is_valid():
            upload = queue_import(
                form.cleaned_data["file"],
                request.FILES["file"].name,
                dry_run=form.cleaned_data["dry_run"],
                user=request.user,
            )
            return HttpResponseRedirect(upload.get_absolute_url())
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Import a roadmap from JSON"),
            "form": form,
        }
        return TemplateResponse(request, "admin/skills/roadmap/import.html", context)


class RoadmapImportForm(forms.Form):
    file = forms.FileField(
        label=_("Roadmap file (JSON)"),
        help_text=_(
            "A careerpath.roadmap/1 file, as “Export JSON” or manage.py export_roadmap writes "
            "it. A roadmap with the same slug is updated in place."
        ),
    )
    dry_run = forms.BooleanField(
        label=_("Check only, write nothing"), required=False, initial=False
    )

    def clean_file(self) -> bytes:
        """The file's bytes, once they parse as JSON (the rest is checked by the import)."""
        content = read_import_file(self.cleaned_data["file"])
        try:
            loads(content)
        except RoadmapImportError as exc:
            raise forms.ValidationError([str(p) for p in exc.problems]) from None
        return content


@admin.register(RoadmapUpload)
class RoadmapUploadAdmin(UploadAdmin):
    """Roadmap files queued for import: each one's page shows its state, then its result."""

    list_display = ["file_name", "dry_run", "state", "roadmap", "created_by", "created_at"]
    list_select_related = ["roadmap", "created_by"]
    import_permissions = ("skills.add_roadmap", "skills.change_roadmap")
    import_task = import_roadmap_upload
    progress_template = "admin/skills/roadmapupload/progress.html"
    progress_related = ("roadmap", "created_by")


class PlacementForm(OrderedInlineForm):
    class Meta:
        model = SkillPlacement
        fields = ["position", "skill", "kind"]


class PlacementInline(TabularInline):
    model = SkillPlacement
    form = PlacementForm
    formset = OrderedInlineFormSet
    fields = ["position", "skill", "kind"]
    autocomplete_fields = ["skill"]
    ordering = ["position"]
    extra = 3
    verbose_name_plural = _("skills in this section (numbers set the order)")


@admin.register(Section)
class SectionAdmin(TranslationAdmin):
    list_display = ["title", "roadmap", "position", "skill_count", "choose_at_least"]
    list_filter = ["roadmap"]
    list_select_related = ["roadmap"]
    search_fields = ["title", "slug", "roadmap__title"]
    ordering = ["roadmap", "position"]
    prepopulated_fields = {"slug": ["title"]}
    fields = ["roadmap", "title", "slug", "summary", "position", "choose_at_least"]
    inlines = [PlacementInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(skill_total=Count("placements"))

    @admin.display(description=_("skills"), ordering="skill_total")
    def skill_count(self, obj: Section) -> int:
        return obj.skill_total


class ResourceInline(TabularInline):
    model = Resource
    form = OrderedInlineForm
    formset = OrderedInlineFormSet
    fields = ["position", "title", "url", "kind"]
    ordering = ["position"]
    extra = 1


class PrerequisiteInline(TabularInline):
    """What this skill needs first. Each row is checked for cycles (Prerequisite.clean)."""

    model = Prerequisite
    fk_name = "skill"
    fields = ["requires"]
    autocomplete_fields = ["requires"]
    extra = 1
    verbose_name = _("prerequisite (learn this first)")
    verbose_name_plural = _("prerequisites (learn these first)")


class SkillPlacementListFilter(admin.SimpleListFilter):
    title = _("roadmap")
    parameter_name = "roadmap"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list:
        return [(r.slug, r.title) for r in Roadmap.objects.all()] + [("none", _("in no roadmap"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "none":
            return queryset.filter(placements__isnull=True)
        if self.value():
            return queryset.filter(placements__section__roadmap__slug=self.value()).distinct()
        return queryset


@admin.register(Skill)
class SkillAdmin(TranslationAdmin):
    list_display = [
        "name",
        "slug",
        "effort_hours",
        "prerequisite_count",
        "resource_count",
        "roadmap_count",
        "updated_at",
    ]
    list_filter = [SkillPlacementListFilter, "placements__kind"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["name", "slug", "description", "effort_hours"]
    inlines = [PrerequisiteInline, ResourceInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).with_counts()

    @admin.display(description=_("prerequisites"), ordering="prerequisite_count")
    def prerequisite_count(self, obj: Skill) -> int:
        return obj.prerequisite_count

    @admin.display(description=_("resources"), ordering="resource_count")
    def resource_count(self, obj: Skill) -> int:
        return obj.resource_count

    @admin.display(description=_("roadmaps"), ordering="roadmap_count")
    def roadmap_count(self, obj: Skill) -> int:
        return obj.roadmap_count


@admin.register(Prerequisite)
class PrerequisiteAdmin(admin.ModelAdmin):
    list_display = ["skill", "requires"]
    list_select_related = ["skill", "requires"]
    search_fields = ["skill__name", "skill__slug", "requires__name", "requires__slug"]
    autocomplete_fields = ["skill", "requires"]


@admin.register(SkillPlacement)
class SkillPlacementAdmin(admin.ModelAdmin):
    list_display = ["skill", "section", "roadmap", "kind", "position"]
    list_filter = ["kind", "section__roadmap"]
    list_select_related = ["skill", "section__roadmap"]
    search_fields = ["skill__name", "skill__slug", "section__title"]
    autocomplete_fields = ["skill", "section"]
    ordering = ["section__roadmap", "section__position", "position"]

    @admin.display(description=_("roadmap"), ordering="section__roadmap__title")
    def roadmap(self, obj: SkillPlacement) -> Roadmap:
        return obj.section.roadmap


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin):
    list_display = ["title", "skill", "kind", "url"]
    list_filter = ["kind"]
    list_select_related = ["skill"]
    search_fields = ["title", "url", "skill__name", "skill__slug"]
    autocomplete_fields = ["skill"]
