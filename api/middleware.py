"""Under /api/, an error or a redirect is always JSON: never Django's HTML 404, 405, 500
or 503 page, nor the empty body of CommonMiddleware's 301 to the address with a slash.

Installed first in MIDDLEWARE, so it sees every response: the URL resolver's, the views',
the other middleware's (e.g. a disallowed host) and the ones Django makes from exceptions
(which Django logs).
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

API_PREFIX = "/api/"
# The replacement keeps every header but these, which describe the replaced body: so
# Allow, Retry-After, WWW-Authenticate and the security headers (CSP, X-Frame-Options,
# nosniff...) that the other middleware already added are not lost.
BODY_HEADERS = {"content-type", "content-length", "content-disposition", "content-encoding"}


def _message(status: int, reason: str) -> str:
    messages = {
        400: _("Bad request."),
        403: _("Forbidden."),
        404: _("Not found. The endpoints are listed at /api/v1/docs."),
        405: _("Method not allowed."),
        413: _("The request body is too large."),
        500: _("Something went wrong on our side; it has been logged."),
        503: _("The service is not available; retry shortly."),
    }
    return messages.get(status, reason)


def json_errors_under_api(get_response: Callable[[HttpRequest], HttpResponse]):
    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        status = response.status_code
        if (
            not request.path.startswith(API_PREFIX)
            or status < 300
            or status == 304  # Not Modified has no body
            or response.get("Content-Type", "").startswith("application/json")
        ):
            return response
        if status < 400:
            location = response.get("Location", "")
            body = {
                "detail": _("This endpoint is at %(location)s.") % {"location": location},
                "location": location,
            }
        else:
            body = {"detail": _message(status, response.reason_phrase)}
        replacement = JsonResponse(body, status=status)
        for header, value in response.items():
            if header.lower() not in BODY_HEADERS:
                replacement[header] = value
        return replacement

    return middleware
