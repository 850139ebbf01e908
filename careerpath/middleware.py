"""Site-wide response middleware: the Permissions-Policy header and a page for 405s.

Both only add to what Django sends: nothing here compresses, caches or authenticates.
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

Middleware = Callable[[HttpRequest], HttpResponse]


def permissions_policy(get_response: Middleware) -> Middleware:
    """Send `settings.PERMISSIONS_POLICY`: the browser features no page of ours uses
    (camera, microphone, location, payment…) are switched off for every page."""

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        if settings.PERMISSIONS_POLICY:
            response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response

    return middleware


def method_not_allowed_page(get_response: Middleware) -> Middleware:
    """Django's `require_POST` and `require_safe` answer 405 with an empty body, so a
    browser shows its own error page. Give a person our page instead (with the same
    status and `Allow` header); the API answers JSON (api.middleware)."""

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        if (
            response.status_code != 405
            or response.content
            or request.path.startswith("/api/")
            or request.method == "HEAD"
        ):
            return response
        page = render(request, "405.html", {"allowed": response.get("Allow", "")}, status=405)
        page["Allow"] = response.get("Allow", "")
        return page

    return middleware
