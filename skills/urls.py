from django.urls import path

from skills import views

app_name = "skills"

urlpatterns = [
    path("roadmaps/", views.roadmap_list, name="roadmap_list"),
    path("roadmaps/<slug:slug>/", views.roadmap_detail, name="roadmap_detail"),
    path("skills/<slug:slug>/", views.skill_detail, name="skill_detail"),
]
