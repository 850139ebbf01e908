from django.urls import path

from teams import views

app_name = "teams"

urlpatterns = [
    path("", views.team_list, name="list"),
    # Before <slug:slug>/: "invitations" is never a team's slug (teams.actions.RESERVED).
    path("invitations/<str:token>/", views.invitation, name="invitation"),
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/members/", views.members, name="members"),
    path("<slug:slug>/members/<slug:handle>/role/", views.change_role, name="change_role"),
    path("<slug:slug>/members/<slug:handle>/remove/", views.remove_member, name="remove_member"),
    path(
        "<slug:slug>/invitations/<int:pk>/revoke/",
        views.revoke_invitation,
        name="revoke_invitation",
    ),
    path("<slug:slug>/track/", views.change_track, name="change_track"),
    path("<slug:slug>/cadence/", views.change_cadence, name="change_cadence"),
    path("<slug:slug>/sharing/", views.sharing, name="sharing"),
    path("<slug:slug>/leave/", views.leave, name="leave"),
]
