from django.urls import path

from tracking import views

app_name = "tracking"

urlpatterns = [
    path("roadmaps/<slug:slug>/", views.roadmap_detail, name="roadmap_detail"),
    path("roadmaps/<slug:slug>/map/", views.roadmap_map, name="roadmap_map"),
    path("roadmaps/<slug:slug>/map.svg", views.roadmap_map_svg, name="roadmap_map_svg"),
    path("roadmaps/<slug:slug>/track/", views.track_roadmap, name="track_roadmap"),
    path("roadmaps/<slug:slug>/bulk/", views.bulk_mark, name="bulk_mark"),
    path("roadmaps/<slug:slug>/bulk/undo/", views.bulk_undo, name="bulk_undo"),
    path("skills/<slug:slug>/", views.skill_detail, name="skill_detail"),
    path("track/<slug:slug>/", views.track, name="track"),
]
