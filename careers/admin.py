"""Curation of career tracks: levels in a track, requirements and transitions of a level."""

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from careers.models import Level, LevelRequirement, Track, Transition
from skills.ordering import OrderedInlineForm, OrderedInlineFormSet


class RankForm(OrderedInlineForm):
    order_field = "rank"


class RankFormSet(OrderedInlineFormSet):
    order_field = "rank"


class LevelInline(admin.TabularInline):
    model = Level
    form = RankForm
    formset = RankFormSet
    fields = ["rank", "name", "slug", "years_min", "years_max"]
    prepopulated_fields = {"slug": ["name"]}
    ordering = ["rank"]
    extra = 1
    show_change_link = True
    verbose_name_plural = _("levels (ranks set the order; open one to edit its requirements)")


@admin.register(Track)
class TrackAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "kind", "position", "level_count"]
    list_filter = ["kind"]
    search_fields = ["name", "slug", "summary"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["name", "slug", "kind", "position", "summary"]
    inlines = [LevelInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(level_total=Count("levels"))

    @admin.display(description=_("levels"), ordering="level_total")
    def level_count(self, obj: Track) -> int:
        return obj.level_total


class RequirementInline(admin.TabularInline):
    model = LevelRequirement
    fields = ["skill", "proficiency"]
    autocomplete_fields = ["skill"]
    ordering = ["skill__name"]
    extra = 3
    verbose_name_plural = _("requirements (skills and the minimum proficiency)")


class TransitionInline(admin.TabularInline):
    model = Transition
    fk_name = "from_level"
    fields = ["to_level", "note"]
    autocomplete_fields = ["to_level"]
    extra = 1
    verbose_name = _("move to another level")
    verbose_name_plural = _("where this level can lead (beyond the next rank)")


@admin.register(Level)
class LevelAdmin(admin.ModelAdmin):
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
        ("years_min", "years_max"),
    ]
    inlines = [RequirementInline, TransitionInline]

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
