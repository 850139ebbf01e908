from django.urls import path

from careers import views

app_name = "careers"

urlpatterns = [
    path("careers/", views.track_list, name="track_list"),
    path("careers/<slug:track>/", views.track_detail, name="track_detail"),
]
