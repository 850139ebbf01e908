from django.urls import path

from skills import views

app_name = "skills"

urlpatterns = [
    path("roadmaps/", views.roadmap_list, name="roadmap_list"),
]
