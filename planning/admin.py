from django.contrib import admin

from planning.models import DigestSubscription, Goal


@admin.register(Goal)
class GoalAdmin(admin.ModelAdmin):
    list_display = ["user", "level", "due", "created_at"]
    list_select_related = ["user", "level__track"]
    raw_id_fields = ["user"]
    autocomplete_fields = ["skills"]
    list_filter = ["due"]


@admin.register(DigestSubscription)
class DigestSubscriptionAdmin(admin.ModelAdmin):
    list_display = ["user", "subscribed", "created_at", "last_sent_at"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]
    list_filter = ["subscribed"]
    search_fields = ["user__email"]
