"""Who is calling: a personal API token (`Authorization: Bearer …`) or the session.

- A Bearer token that is unknown, revoked or whose owner is inactive is a 401 on every
  endpoint, public ones included: wrong credentials are never silently ignored.
- Other `Authorization` schemes (e.g. Basic from a proxy in front of the site) are left
  alone, so the session still works behind such a proxy.
- The session counts only with Django's CSRF check on unsafe methods, so our own pages'
  htmx/JavaScript can call the API but another site cannot make a browser do so.
"""

from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from api.models import ApiToken

UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


class TokenAuth(HttpBearer):
    """`Authorization: Bearer cp_…`, a personal token made at /profile/tokens/."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        api_token = ApiToken.objects.authenticate(token.strip())
        if api_token is None:
            raise AuthenticationError(401, _("The API token is not valid or has been revoked."))
        api_token.touch()
        request.api_token = api_token
        request.user = api_token.user
        return api_token.user


class SessionAuth(APIKeyCookie):
    """The signed-in person's session, with CSRF on unsafe methods."""

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request: HttpRequest) -> str | None:
        if not request.user.is_authenticated:
            return None
        if request.method in UNSAFE_METHODS and check_csrf(request):
            raise HttpError(
                403,
                _(
                    "CSRF check failed: send the X-CSRFToken header with the session, "
                    "or use an API token."
                ),
            )
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        if request.user.is_authenticated:
            return request.user
        return None


def anonymous(request: HttpRequest) -> AnonymousUser:
    """Lets a public endpoint answer anyone (it comes after TokenAuth)."""
    return AnonymousUser()


token_auth = TokenAuth()
session_auth = SessionAuth()

# Public reads: anyone, but a bad Bearer token is still a 401.
PUBLIC = [token_auth, anonymous]
# Personal data: a token or the session; nobody else.
PERSONAL = [token_auth, session_auth]
# OpenAPI: on public endpoints, credentials are optional (`{}`).
PUBLIC_OPENAPI = {"security": [{}]}
