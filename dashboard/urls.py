from django.urls import path

from dashboard import levels, views

app_name = "dashboard"

# Included at the site's root: the level page keeps the careers pages' URL.
urlpatterns = [
    path("dashboard/", views.index, name="index"),
    path("dashboard/compare/", views.compare, name="compare"),
    path("careers/<slug:track>/<slug:level>/", levels.level_detail, name="level_detail"),
    path("careers/<slug:track>/<slug:level>/assess/", levels.assess, name="assess"),
]
