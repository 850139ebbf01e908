from django.contrib import admin

from checkins.models import CheckIn, Evidence


@admin.register(Evidence)
class EvidenceAdmin(admin.ModelAdmin):
    list_display = ["user", "date", "kind"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]
    filter_horizontal = ["skills"]
    autocomplete_fields: list[str] = []
    exclude = ["competencies"]


@admin.register(CheckIn)
class CheckInAdmin(admin.ModelAdmin):
    list_display = ["person", "level_key", "reviewer", "state", "created_at", "closed_at"]
    list_select_related = ["person", "reviewer"]
    list_filter = ["state"]
    raw_id_fields = ["person", "reviewer", "level"]
    readonly_fields = ["snapshot"]
