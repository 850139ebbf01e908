from django.contrib import admin
from django.urls import include, path

from accounts.language import set_language
from careerpath import views
from tracking.views import roadmap_list

# The roadmaps index keeps the name it always had, `skills:roadmap_list`; the page is
# tracking's, since it shows the signed-in person's progress (skills has no pages).
roadmaps_index = ([path("roadmaps/", roadmap_list, name="roadmap_list")], "skills")

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("", include(roadmaps_index)),
    path("", include("careers.urls")),
    path("accounts/", include("allauth.urls")),
    path("", include("accounts.urls")),
    path("", include("tracking.urls")),
    path("salaries/", include("salaries.urls")),
    path("teams/", include("teams.urls")),
    path("", include("checkins.urls")),  # /evidence/ and /checkins/
    path("", include("dashboard.urls")),  # /dashboard/ and the level pages
    path("", include("api.urls")),  # /api/v1/ and /profile/tokens/
]

handler500 = "careerpath.views.server_error"
