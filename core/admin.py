"""What every app's admin shares, and the audit log.

- `TabularInline`: the base of our tabular inlines, whose controls have names.
- `UploadAdmin`: the base of the admins of an app's uploads (core.uploads.Upload).
- The audit log: Django's `LogEntry` rows (the admin's own changes, and bulk actions
  recorded with `core.audit.audit`) read-only to staff who may view log entries
  (superusers, or a group given the "Can view log entry" permission); nobody can add,
  edit or delete one here.
"""

from collections.abc import Sequence
from typing import Any, ClassVar

from django import forms
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import QuerySet
from django.forms.formsets import DELETION_FIELD_NAME
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.tasks import Task
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationTabularInline

from core.tasks import result_admin_url
from core.uploads import Upload


class NamedDeleteBox:
    """A formset whose rows' delete boxes are named (Django's table shows them unlabelled)."""

    def add_fields(self, form: forms.BaseForm, index: int | None) -> None:
        super().add_fields(form, index)  # type: ignore[misc]
        delete = form.fields.get(DELETION_FIELD_NAME)
        if delete is not None:
            delete.widget.attrs["aria-label"] = delete.label


class TabularInline(admin.TabularInline):
    """A tabular inline whose every control has a name for screen readers. Django's
    table shows a field's label only as its column's header, which names no control
    (axe: "Form elements must have labels"); here each control carries its label (an
    autocomplete's box takes it from its <select>: static/js/admin.js)."""

    def formfield_for_dbfield(
        self, db_field: models.Field, request: HttpRequest, **kwargs: Any
    ) -> forms.Field | None:
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None and not formfield.widget.is_hidden:
            formfield.widget.attrs.setdefault("aria-label", str(formfield.label))
        return formfield

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> type:
        formset = super().get_formset(request, obj, **kwargs)
        return type(formset.__name__, (NamedDeleteBox, formset), {})


class TranslatedTabularInline(TranslationTabularInline, TabularInline):
    """A TabularInline (every control named) for a model whose names have a column per
    language (django-modeltranslation): one field per language, side by side."""


class UploadAdmin(admin.ModelAdmin):
    """Files an app's import form queued (core.uploads.Upload): a list, and each one's
    page, which shows its state, then its result, reloading itself (no JavaScript) until
    the import has ended. Nobody adds or changes an upload here.

    A subclass names `import_permissions` (whoever holds them may follow imports, their
    own and their colleagues'), `import_task` (for the link to the task's record),
    `progress_template` (extending admin/upload_progress.html) and, for that page, what
    to fetch with the upload (`progress_related`) and add to it (`progress_context`)."""

    list_filter = ["state", "dry_run"]
    list_select_related = ["created_by"]
    search_fields = ["file_name"]
    import_permissions: ClassVar[Sequence[str]] = ()
    import_task: ClassVar[Task]
    progress_template: ClassVar[str]
    progress_related: ClassVar[Sequence[str]] = ("created_by",)
    refresh_seconds: ClassVar[int] = 2

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).without_file()

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perms(self.import_permissions)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # uploads are made by the import form

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict | None = None,
    ) -> HttpResponse:
        """The upload's page: queued, running, then the result with every problem found."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        upload = get_object_or_404(
            self.model.objects.without_file().select_related(*self.progress_related),
            pk=object_id if object_id.isdigit() else None,
        )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": upload.file_name,
            "upload": upload,
            "task_url": result_admin_url(self.import_task, upload.task_id),
            "refresh_seconds": self.refresh_seconds,
            **self.progress_context(upload),
        }
        return TemplateResponse(request, self.progress_template, context)

    def progress_context(self, upload: Upload) -> dict[str, Any]:
        """What the app's page shows besides the upload itself."""
        return {}


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
