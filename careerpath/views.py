"""Site-wide views: the home page, the health check and the error pages."""

import sys

from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from careers.models import Level

HOME_LADDER_TRACK = "backend"


def home_ladder() -> dict | None:
    """The backend track's levels for the home page's ladder peek, in one query."""
    levels = list(Level.objects.filter(track__slug=HOME_LADDER_TRACK).in_order())
    if not levels:
        return None
    return {"name": levels[0].track.name, "track": levels[0].track, "levels": levels}


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html", {"ladder": home_ladder()})


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers a query, 503 otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "down"}, status=503)
    return JsonResponse({"status": "ok"})


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 handler: a database outage becomes a friendly 503 that needs no database."""
    if isinstance(sys.exception(), DatabaseError):
        body = loader.get_template("503.html").render()
        response = HttpResponse(body, status=503)
        response["Retry-After"] = "30"
        return response
    return HttpResponseServerError(loader.get_template("500.html").render())
