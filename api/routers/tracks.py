"""Public career tracks with their levels and requirements."""

from django.db.models import Count, Prefetch
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Path, Router
from ninja.decorators import decorate_view
from ninja.pagination import paginate

from api.auth import PUBLIC, PUBLIC_OPENAPI
from api.conditional import etag
from api.pagination import Pagination
from api.schemas import TrackListItemOut, TrackOut, responses
from careers.models import Level, LevelRequirement, Track

router = Router(tags=["tracks"], auth=PUBLIC)


@router.get(
    "/",
    response=responses(list[TrackListItemOut], 401, 422),
    openapi_extra=PUBLIC_OPENAPI,
    summary="List career tracks",
)
@decorate_view(etag)
@paginate(Pagination)
def list_tracks(request: HttpRequest):
    return Track.objects.annotate(level_count=Count("levels"))


@router.get(
    "/{slug:track}/",
    response=responses(TrackOut, 401, 404),
    openapi_extra=PUBLIC_OPENAPI,
    summary="One track: its levels in rank order, each with its skill requirements",
)
@decorate_view(etag)
def get_track(
    request: HttpRequest,
    track: str = Path(..., description="The track's slug.", example="backend"),
):
    requirements = LevelRequirement.objects.select_related("skill").order_by("skill__name")
    found = get_object_or_404(
        Track.objects.prefetch_related(
            Prefetch(
                "levels",
                queryset=Level.objects.order_by("rank").prefetch_related(
                    Prefetch("requirements", queryset=requirements)
                ),
            )
        ),
        slug=track,
    )
    return {
        "slug": found.slug,
        "name": found.name,
        "kind": found.kind,
        "summary": found.summary,
        "levels": [
            {
                "slug": level.slug,
                "name": level.name,
                "rank": level.rank,
                "requirements": [
                    {"skill": r.skill.slug, "proficiency": r.proficiency}
                    for r in level.requirements.all()
                ],
            }
            for level in found.levels.all()
        ],
    }
