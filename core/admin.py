"""The audit log in the admin: who changed what, and when.

Shows Django's `LogEntry` rows (the admin's own changes, and bulk actions recorded with
`core.audit.audit`) read-only to staff who may view log entries (superusers, or a group
given the "Can view log entry" permission); nobody can add, edit or delete one here.
"""

from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.http import HttpRequest
from django.urls import NoReverseMatch
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _


@admin.register(LogEntry)
class LogEntryAdmin(admin.ModelAdmin):
    date_hierarchy = "action_time"
    list_display = ["action_time", "user", "action", "content_type", "object_link", "change"]
    list_filter = [
        "action_flag",
        ("user", admin.RelatedOnlyFieldListFilter),
        ("content_type", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["user", "content_type"]
    search_fields = ["object_repr", "change_message", "user__username", "user__email"]
    list_per_page = 50
    fields = [
        "action_time",
        "user",
        "action",
        "content_type",
        "object_id",
        "object_link",
        "change",
    ]
    readonly_fields = fields

    @admin.display(description=_("action"), ordering="action_flag")
    def action(self, entry: LogEntry) -> str:
        if entry.is_addition():
            return _("added")
        if entry.is_change():
            return _("changed")
        return _("deleted")

    @admin.display(description=_("object"), ordering="object_repr")
    def object_link(self, entry: LogEntry) -> str:
        url = None
        if not entry.is_deletion():
            try:
                url = entry.get_admin_url()
            except NoReverseMatch:
                url = None
        if url:
            return format_html('<a href="{}">{}</a>', url, entry.object_repr)
        return entry.object_repr

    @admin.display(description=_("change"))
    def change(self, entry: LogEntry) -> str:
        return entry.get_change_message()

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: LogEntry | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: LogEntry | None = None) -> bool:
        return False
