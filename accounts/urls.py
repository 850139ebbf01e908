from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("profile/delete/", views.delete_account, name="delete"),
    path("u/<slug:handle>/", views.public_profile, name="public_profile"),
    path("me/export/", views.export_data, name="export"),
]
