"""Every API error is JSON `{"detail": "..."}`; validation errors add per-field `errors`.

400 malformed JSON, 401 no or bad credentials, 403 CSRF, 404 unknown, 413 body too
large, 422 invalid input, 429 rate limited (with Retry-After), 503 database unavailable,
and for an unexpected bug a logged JSON 500, never an HTML page.
"""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import (
    BadRequest,
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
)
from django.db import DatabaseError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError

logger = logging.getLogger("api")

LOCATIONS = {"body", "query", "path", "header", "cookie"}


def field_errors(errors: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Pydantic's errors as `{"field", "location", "message", "type"}` rows."""
    rows: list[dict[str, str]] = []
    for error in errors:
        loc = [str(part) for part in error.get("loc", ())]
        location = loc[0] if loc and loc[0] in LOCATIONS else "body"
        parts = loc[1:] if loc and loc[0] in LOCATIONS else loc
        # ninja nests a body under its parameter name (always `payload` here).
        if location == "body" and parts[:1] == ["payload"]:
            parts = parts[1:]
        message = str(error.get("msg", "")).removeprefix("Value error, ")
        row = {
            "field": ".".join(parts),
            "location": location,
            "message": message,
            "type": str(error.get("type", "")),
        }
        if row not in rows:  # e.g. two validators that refuse a URL alike
            rows.append(row)
    return rows


@contextmanager
def refused_as(status: int, *errors: type[Exception]) -> Iterator[None]:
    """An action's refusal (one of `errors`, its message for the caller) answered as
    `status` with that message: `with refused_as(422, CheckInError): ...`."""
    try:
        yield
    except errors as error:
        raise HttpError(status, str(error)) from error


def install_handlers(api: NinjaAPI) -> None:
    def respond(request: HttpRequest, detail: str, status: int, **extra: Any) -> HttpResponse:
        return api.create_response(request, {"detail": detail, **extra}, status=status)

    @api.exception_handler(ValidationError)
    def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        return respond(
            request, _("The request is not valid."), 422, errors=field_errors(exc.errors)
        )

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        message = str(exc)
        if message in {"", "Unauthorized"}:
            message = _(
                "Authentication required: send 'Authorization: Bearer <token>' "
                "or sign in on the site."
            )
        response = respond(request, message, 401)
        response["WWW-Authenticate"] = 'Bearer realm="careerpath"'
        return response

    @api.exception_handler(Throttled)
    def throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
        return respond(request, _("Too many requests: slow down and retry later."), 429)

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        message = str(exc)
        if exc.status_code == 400 and message.startswith("Cannot parse request body"):
            message = _("The request body is not valid JSON.")
        return respond(request, message, exc.status_code)

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return respond(request, _("Not found."), 404)

    @api.exception_handler(RequestDataTooBig)
    def too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        return respond(request, _("The request body is too large."), 413)

    @api.exception_handler(SuspiciousOperation)
    def suspicious(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
        return respond(request, _("Bad request."), 400)

    @api.exception_handler(BadRequest)
    def bad_request(request: HttpRequest, exc: BadRequest) -> HttpResponse:
        return respond(request, _("Bad request."), 400)

    @api.exception_handler(PermissionDenied)
    def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return respond(request, _("Forbidden."), 403)

    @api.exception_handler(DatabaseError)
    def database_down(request: HttpRequest, exc: DatabaseError) -> HttpResponse:
        logger.exception("API: database error on %s %s", request.method, request.path)
        response = respond(request, _("The database is not available; retry shortly."), 503)
        response["Retry-After"] = "30"
        return response

    @api.exception_handler(Exception)
    def unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.exception("API: unexpected error on %s %s", request.method, request.path)
        return respond(request, _("Something went wrong on our side; it has been logged."), 500)
