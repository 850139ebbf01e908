from django.contrib import admin

from planning.models import Goal


@admin.register(Goal)
class GoalAdmin(admin.ModelAdmin):
    list_display = ["user", "level", "due", "created_at"]
    list_select_related = ["user", "level__track"]
    raw_id_fields = ["user"]
    autocomplete_fields = ["skills"]
    list_filter = ["due"]
