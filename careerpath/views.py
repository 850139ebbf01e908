"""Site-wide views: the home page, the health check and the error pages."""

import logging
import sys

from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from careers.models import Level
from salaries.charts import range_chart
from salaries.models import MIN_GROUP_SIZE
from salaries.stats import BASE_CURRENCY, stats_by_level

HOME_LADDER_TRACK = "backend"
HOME_PAY_LEVEL = "senior"  # the headline figure; the chart shows every level


def home_ladder() -> dict | None:
    """The backend track's levels for the home page's ladder peek, in one query."""
    levels = list(Level.objects.filter(track__slug=HOME_LADDER_TRACK).in_order())
    if not levels:
        return None
    return {"name": levels[0].track.name, "track": levels[0].track, "levels": levels}


def home_salary_preview(ladder: dict | None) -> dict | None:
    """Worldwide pay on the ladder's track: a range chart of its levels and the
    headline figure of one (senior, else the level with the most points). One query
    (the salaries app caches it); None when no level has enough data points."""
    if ladder is None:
        return None
    by_level = stats_by_level(ladder["track"], levels=ladder["levels"])
    shown = [row for row in by_level if not row.stats.suppressed]
    if not shown:
        return None
    headline = next(
        (row for row in shown if row.level.slug == HOME_PAY_LEVEL),
        max(shown, key=lambda row: row.stats.count),
    )
    # A first impression: levels without a single data point are left out (and said so).
    rows = [row for row in by_level if row.stats.count]
    chart = range_chart([(r.level.name, r.stats, r is headline) for r in rows], BASE_CURRENCY)
    return {
        "level": headline.level,
        "stats": headline.stats,
        "chart": chart,
        "rows": rows,  # the chart's table twin
        "levels_left_out": len(by_level) - len(rows),
    }


logger = logging.getLogger(__name__)


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    ladder = home_ladder()
    context = {
        "ladder": ladder,
        "salary_preview": home_salary_preview(ladder),
        "min_group": MIN_GROUP_SIZE,
    }
    return render(request, "home.html", context)


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


# What an error page says when even its template cannot be rendered (for instance when
# collectstatic has not run and the static manifest is missing): the handler never fails.
PLAIN_ERROR_PAGES = {
    500: "<!doctype html><title>Server error · Careerpath</title>"
    "<h1>Something went wrong on our side</h1><p>Please try again in a minute.</p>",
    503: "<!doctype html><title>Unavailable · Careerpath</title>"
    "<h1>Careerpath is briefly unavailable</h1>"
    "<p>The database is not answering; try again in a minute.</p>",
}


def error_page(template_name: str, status: int) -> HttpResponse:
    try:
        body = loader.get_template(template_name).render()
    except Exception:
        logger.exception("The %s page could not be rendered; sending the plain one", status)
        body = PLAIN_ERROR_PAGES[status]
    return HttpResponse(body, status=status)


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 handler: a database outage becomes a friendly 503 that needs no database."""
    if isinstance(sys.exception(), DatabaseError):
        response = error_page("503.html", 503)
        response["Retry-After"] = "30"
        return response
    return error_page("500.html", 500)


ROBOTS_TXT = """\
User-agent: *
Disallow: /admin/
Disallow: /accounts/
Disallow: /api/
Disallow: /dashboard/
Disallow: /profile/
Disallow: /me/
Disallow: /track/
Disallow: /teams/
"""


@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    """Crawlers may read the public pages (roadmaps, skills, careers, salaries, public
    profiles) and are asked to leave personal pages, the admin and the API alone."""
    return HttpResponse(ROBOTS_TXT, content_type="text/plain; charset=utf-8")


@require_safe
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever the page links: send them to our icon.
    Not a permanent redirect: the icon's address changes with its content in production
    (hashed static names)."""
    return HttpResponseRedirect(static("img/favicon.svg"))
