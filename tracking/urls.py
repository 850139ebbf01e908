from django.urls import path

from tracking import views

app_name = "tracking"

urlpatterns = [
    path("track/<slug:slug>/", views.track, name="track"),
]
