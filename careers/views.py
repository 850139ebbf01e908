"""Public pages: the tracks and one track's ladder.

A level's own page shows pay and the visitor's country beside the content, so it lives
above the apps it combines (dashboard/levels.py), at the same URL.
Each page runs a constant number of queries however many levels there are
(tests/test_careers.py locks the counts).
"""

from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from careers.models import Competency, Level, Theme, Track, Transition


@require_safe
def track_list(request: HttpRequest) -> HttpResponse:
    levels = Level.objects.select_related("track").order_by("rank")
    tracks = Track.objects.published().prefetch_related(Prefetch("levels", queryset=levels))
    return render(request, "careers/track_list.html", {"tracks": tracks})


@require_safe
def track_detail(request: HttpRequest, track: str) -> HttpResponse:
    track_obj = get_object_or_404(
        Track.objects.visible_to(request.user).select_related("forked_from"), slug=track
    )
    levels = list(
        track_obj.levels.annotate(
            requirement_count=Count("requirements", distinct=True),
            competency_count=Count("competencies", distinct=True),
        ).order_by("rank")
    )
    for level in levels:
        level.track = track_obj  # get_absolute_url needs it; no query per level
    transitions = (
        Transition.objects.filter(from_level__track=track_obj)
        .select_related("from_level__track", "to_level__track")
        .order_by("from_level__rank", "to_level__track__position", "to_level__rank")
    )
    arrivals = (
        Transition.objects.filter(to_level__track=track_obj)
        .select_related("from_level__track", "to_level__track")
        .order_by("to_level__rank", "from_level__track__position", "from_level__rank")
    )
    themes = _themes_with_criteria(track_obj, levels)
    context = {
        "track": track_obj,
        "themes": themes,
        "levels": levels,
        "has_summaries": any(level.summary for level in levels),  # imports often have none
        "transitions": transitions,
        "arrivals": arrivals,
    }
    return render(request, "careers/track_detail.html", context)


def _themes_with_criteria(track: Track, levels: list[Level]) -> list[Theme]:
    """The track's themes, each with `by_level`: [(level, [its criteria])] in rank order,
    and `competency_count`; two queries."""
    themes = list(Theme.objects.filter(track=track).order_by("position", "name"))
    by_theme: dict[int, dict[int, list[Competency]]] = {t.pk: {} for t in themes}
    for competency in Competency.objects.filter(level__track=track).order_by("position", "pk"):
        by_theme[competency.theme_id].setdefault(competency.level_id, []).append(competency)
    for theme in themes:
        found = by_theme[theme.pk]
        theme.by_level = [(level, found[level.pk]) for level in levels if level.pk in found]
        theme.competency_count = sum(len(criteria) for criteria in found.values())
    return themes
