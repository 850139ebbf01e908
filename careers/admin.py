"""Curation of career tracks: levels and themes in a track; requirements, groups,
competencies and transitions of a level; importing a framework file; copying a track."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationAdmin

from careers.forks import copy_track
from careers.frameworks import FORMATS, FrameworkImportError, import_framework
from careers.models import (
    Competency,
    Level,
    LevelRequirement,
    RequirementGroup,
    Theme,
    Track,
    Transition,
)
from careers.tracks_io import dumps, export_tracks
from core.admin import TabularInline, TranslatedTabularInline
from core.uploads import read_import_file
from skills.ordering import OrderedInlineForm, OrderedInlineFormSet

SHORT_TEXT = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2})}}


class RankForm(OrderedInlineForm):
    order_field = "rank"


class RankFormSet(OrderedInlineFormSet):
    order_field = "rank"


class LevelInline(TranslatedTabularInline):
    model = Level
    form = RankForm
    formset = RankFormSet
    fields = ["rank", "name", "slug", "years_min", "years_max"]
    prepopulated_fields = {"slug": ["name"]}
    ordering = ["rank"]
    extra = 1
    show_change_link = True
    verbose_name_plural = _("levels (ranks set the order; open one to edit its requirements)")


class ThemeInline(TranslatedTabularInline):
    model = Theme
    form = OrderedInlineForm
    formset = OrderedInlineFormSet
    fields = ["position", "name", "slug", "summary"]
    prepopulated_fields = {"slug": ["name"]}
    formfield_overrides = SHORT_TEXT
    ordering = ["position"]
    extra = 1
    verbose_name_plural = _("themes (kinds of behaviour its levels expect; numbers set the order)")


@admin.register(Track)
class TrackAdmin(TranslationAdmin):
    list_display = ["name", "slug", "kind", "published", "position", "licence", "level_count"]
    list_filter = ["kind", "published"]
    search_fields = ["name", "slug", "summary", "source_name"]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = [
        (None, {"fields": ["name", "slug", "kind", "position", "summary", "published"]}),
        (
            _("Source (imported frameworks)"),
            {
                "fields": [
                    "source_name",
                    "source_url",
                    "licence",
                    "source_version",
                    "forked_from",
                ]
            },
        ),
    ]
    readonly_fields = ["forked_from"]
    inlines = [ThemeInline, LevelInline]
    actions = ["copy_tracks"]
    change_list_template = "admin/careers/track/change_list.html"
    change_form_template = "admin/careers/track/change_form.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(level_total=Count("levels"))

    @admin.display(description=_("levels"), ordering="level_total")
    def level_count(self, obj: Track) -> int:
        return obj.level_total

    @admin.action(description=_("Copy the selected tracks (unpublished copies)"))
    def copy_tracks(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        if not self.has_add_permission(request):
            raise PermissionDenied
        copies = [copy_track(track) for track in queryset.order_by("position", "name")]
        names = ", ".join(f"{c.name} ({c.slug})" for c in copies)
        self.message_user(
            request,
            ngettext(
                "Copied as %(names)s: unpublished until you publish it.",
                "Copied as %(names)s: unpublished until you publish them.",
                len(copies),
            )
            % {"names": names},
            messages.SUCCESS,
        )
        if len(copies) == 1:
            return HttpResponseRedirect(reverse("admin:careers_track_change", args=[copies[0].pk]))
        return None

    def get_urls(self) -> list:
        own = [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="careers_track_import",
            ),
            path(
                "<path:object_id>/export/",
                self.admin_site.admin_view(self.export_view),
                name="careers_track_export",
            ),
        ]
        return own + super().get_urls()

    def export_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        track = get_object_or_404(Track, pk=object_id)
        if not self.has_view_permission(request, track):
            raise PermissionDenied
        text = dumps(export_tracks(Track.objects.filter(pk=track.pk)))
        response = HttpResponse(text, content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="track-{track.slug}.json"'
        return response

    def import_view(self, request: HttpRequest) -> HttpResponse:
        """Import a framework file (the same import as `manage.py import_framework`), at
        once: a framework is small. Every problem is listed on the form; nothing is
        written unless the whole file is valid."""
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        form = FrameworkImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                done = import_framework(
                    data["file"],
                    fmt=data["format"] or None,
                    licence=data["licence"],
                    source_name=data["source_name"],
                    source_url=data["source_url"],
                    source_version=data["source_version"],
                    dry_run=data["dry_run"],
                )
            except FrameworkImportError as exc:
                form.add_error("file", [str(p) for p in exc.problems])
            else:
                for line in done.summary().splitlines():
                    self.message_user(request, line, messages.SUCCESS)
                if done.dry_run or len(done.result.slugs) != 1:
                    return HttpResponseRedirect(reverse("admin:careers_track_changelist"))
                track = Track.objects.get(slug=done.result.slugs[0])
                return HttpResponseRedirect(reverse("admin:careers_track_change", args=[track.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Import a career framework"),
            "form": form,
        }
        return TemplateResponse(request, "admin/careers/track/import.html", context)


class FrameworkImportForm(forms.Form):
    file = forms.FileField(
        label=_("Framework file"),
        help_text=_(
            "The FT's engineering-progression YAML, Monzo's progression-framework Markdown, "
            "or careerpath.tracks/1 JSON (as “Export JSON” writes it). Importing the same "
            "framework again updates its track in place."
        ),
    )
    format = forms.ChoiceField(
        label=_("Format"),
        required=False,
        choices=[("", _("Detect from the file")), *((f, f) for f in FORMATS)],
    )
    licence = forms.CharField(
        label=_("Licence"),
        required=False,
        max_length=100,
        help_text=_(
            "An SPDX identifier such as CC-BY-4.0, for a file that gives none; a file with "
            "no licence is refused."
        ),
    )
    source_name = forms.CharField(label=_("Source"), required=False, max_length=200)
    source_url = forms.URLField(
        label=_("Source URL"), required=False, max_length=500, assume_scheme="https"
    )
    source_version = forms.CharField(label=_("Source version"), required=False, max_length=100)
    dry_run = forms.BooleanField(label=_("Check only, write nothing"), required=False)

    def clean_file(self) -> bytes:
        return read_import_file(self.cleaned_data["file"])


class RequirementInline(TabularInline):
    model = LevelRequirement
    fields = ["skill", "proficiency"]
    autocomplete_fields = ["skill"]
    ordering = ["skill__name"]
    extra = 3
    verbose_name_plural = _("requirements (skills and the minimum proficiency)")


class TransitionInline(TabularInline):
    model = Transition
    fk_name = "from_level"
    fields = ["to_level", "note"]
    autocomplete_fields = ["to_level"]
    extra = 1
    verbose_name = _("move to another level")
    verbose_name_plural = _("where this level can lead (beyond the next rank)")


class GroupInline(TranslatedTabularInline):
    model = RequirementGroup
    fields = ["position", "name", "at_least", "proficiency", "skills"]
    autocomplete_fields = ["skills"]
    ordering = ["position"]
    extra = 1
    verbose_name_plural = _("requirement groups (at least N of these skills)")


class CompetencyInline(TabularInline):
    model = Competency
    fields = ["position", "theme", "criterion", "examples", "proficiency"]
    formfield_overrides = SHORT_TEXT
    ordering = ["theme__position", "position"]
    extra = 1
    verbose_name_plural = _("competencies (behaviours, by theme)")

    def formfield_for_foreignkey(self, db_field, request: HttpRequest, **kwargs):
        """Only the themes of the level's own track."""
        if db_field.name == "theme":
            match = request.resolver_match
            level_id = str(match.kwargs.get("object_id", "")) if match else ""
            tracks = Level.objects.filter(pk=int(level_id)) if level_id.isdigit() else None
            kwargs["queryset"] = (
                Theme.objects.filter(track__levels__in=tracks)
                if tracks is not None
                else Theme.objects.none()
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Level)
class LevelAdmin(TranslationAdmin):
    list_display = ["name", "track", "rank", "years_min", "years_max", "requirement_count"]
    list_filter = ["track"]
    list_select_related = ["track"]
    search_fields = ["name", "slug", "track__name", "track__slug"]
    ordering = ["track__position", "track__name", "rank"]
    prepopulated_fields = {"slug": ["name"]}
    fields = [
        "track",
        "name",
        "slug",
        "rank",
        "summary",
        "responsibilities",
        "changes",
        ("years_min", "years_max"),
        "external_id",
    ]
    inlines = [RequirementInline, GroupInline, CompetencyInline, TransitionInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return (
            super()
            .get_queryset(request)
            .select_related("track")
            .annotate(requirement_total=Count("requirements"))
        )

    @admin.display(description=_("requirements"), ordering="requirement_total")
    def requirement_count(self, obj: Level) -> int:
        return obj.requirement_total


@admin.register(LevelRequirement)
class LevelRequirementAdmin(admin.ModelAdmin):
    list_display = ["skill", "level", "proficiency"]
    list_filter = ["proficiency", "level__track"]
    list_select_related = ["skill", "level__track"]
    search_fields = ["skill__name", "skill__slug", "level__name"]
    autocomplete_fields = ["skill", "level"]


@admin.register(Transition)
class TransitionAdmin(admin.ModelAdmin):
    list_display = ["from_level", "to_level", "note"]
    list_filter = ["from_level__track", "to_level__track"]
    list_select_related = ["from_level__track", "to_level__track"]
    search_fields = ["from_level__name", "to_level__name", "note"]
    autocomplete_fields = ["from_level", "to_level"]
