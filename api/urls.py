"""The API under /api/v1/ and the token pages under /profile/tokens/ (namespace `api`)."""

from django.urls import include, path

from api import views
from api.api import api

token_patterns = [
    path("", views.tokens, name="tokens"),
    path("<int:pk>/revoke/", views.revoke_token, name="revoke_token"),
]

urlpatterns = [
    path("api/v1/", api.urls),
    path("profile/tokens/", include((token_patterns, "api"))),
]
