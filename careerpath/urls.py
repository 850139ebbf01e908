from django.contrib import admin
from django.urls import include, path

from careerpath import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("", include("skills.urls")),
    path("", include("careers.urls")),
]

handler500 = "careerpath.views.server_error"
