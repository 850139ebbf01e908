from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from core.admin import TabularInline
from teams.models import Invitation, Membership, Team


class MembershipInline(TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]
    fields = ["user", "role", "share_readiness", "share_progress", "share_checkins", "share_goals"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "track", "member_count", "created_at"]
    list_select_related = ["track"]
    search_fields = ["name", "slug"]
    raw_id_fields = ["created_by"]
    inlines = [MembershipInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(member_count=Count("memberships"))

    @admin.display(description=_("members"), ordering="member_count")
    def member_count(self, team: Team) -> int:
        return team.member_count


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["team", "user", "role", "share_readiness", "share_progress", "joined_at"]
    list_filter = ["role"]
    list_select_related = ["team", "user"]
    search_fields = ["team__name", "user__email", "user__profile__handle"]
    raw_id_fields = ["team", "user"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = [
        "team",
        "email",
        "role",
        "created_at",
        "expires_at",
        "revoked_at",
        "accepted_at",
    ]
    list_select_related = ["team"]
    search_fields = ["team__name", "email"]
    raw_id_fields = ["team", "invited_by", "accepted_by"]
    exclude = ["token"]
