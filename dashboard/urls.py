from django.urls import path

from dashboard import levels, myplan, views

app_name = "dashboard"

# Included at the site's root: the level page keeps the careers pages' URL.
urlpatterns = [
    path("dashboard/", views.index, name="index"),
    path("dashboard/compare/", views.compare, name="compare"),
    path("plan/", myplan.plan, name="plan"),
    path("plan/pace/", myplan.set_pace, name="set_pace"),
    path("plan/goals/", myplan.add_goal, name="add_goal"),
    path("plan/goals/<int:pk>/delete/", myplan.remove_goal, name="remove_goal"),
    path("plan/digest/", myplan.set_digest, name="set_digest"),
    path(
        "plan/digest/unsubscribe/<str:token>/",
        myplan.unsubscribe_digest,
        name="unsubscribe",
    ),
    path("careers/<slug:track>/<slug:level>/", levels.level_detail, name="level_detail"),
    path("careers/<slug:track>/<slug:level>/assess/", levels.assess, name="assess"),
]
