"""Profiles in the admin: for support (finding a handle, hiding a profile), not for curation."""

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts.models import Profile


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["handle", "display_name", "user", "visibility", "current_level", "tracked"]
    list_filter = ["visibility", "track"]
    list_select_related = ["user", "current_level__track"]
    search_fields = ["handle", "display_name", "user__email"]
    raw_id_fields = ["user", "current_level", "target_level"]
    readonly_fields = ["created_at", "updated_at"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(tracked_count=Count("user__skill_progress"))

    @admin.display(description=_("skills tracked"), ordering="tracked_count")
    def tracked(self, obj: Profile) -> int:
        return obj.tracked_count
