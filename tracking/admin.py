"""Progress in the admin, read-only: it is each person's own record."""

from django.contrib import admin
from django.http import HttpRequest

from tracking.models import ProgressEvent, SkillProgress


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(SkillProgress)
class SkillProgressAdmin(ReadOnlyAdmin):
    list_display = ["user", "skill", "status", "proficiency", "updated_at"]
    list_filter = ["status", "proficiency"]
    list_select_related = ["user", "skill"]
    search_fields = ["user__email", "skill__slug", "skill__name"]
    raw_id_fields = ["user", "skill"]


@admin.register(ProgressEvent)
class ProgressEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "user", "skill", "from_status", "to_status", "to_proficiency"]
    list_filter = ["to_status"]
    list_select_related = ["user", "skill"]
    search_fields = ["user__email", "skill__slug"]
    raw_id_fields = ["user", "skill"]
    date_hierarchy = "created_at"
