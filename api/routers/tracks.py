"""Public career tracks (the published ones) with their levels and what each expects:
skills, groups of skills and behaviours (competencies)."""

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
from careers.models import Competency, Level, LevelRequirement, RequirementGroup, Track
from skills.models import Skill

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
    return Track.objects.published().annotate(level_count=Count("levels"))


@router.get(
    "/{slug:track}/",
    response=responses(TrackOut, 401, 404),
    openapi_extra=PUBLIC_OPENAPI,
    summary="One track: its levels in rank order, each with its requirements and competencies",
)
@decorate_view(etag)
def get_track(
    request: HttpRequest,
    track: str = Path(..., description="The track's slug.", example="backend"),
):
    requirements = LevelRequirement.objects.select_related("skill").order_by("skill__name")
    groups = RequirementGroup.objects.order_by("position", "pk").prefetch_related(
        Prefetch("skills", queryset=Skill.objects.order_by("slug"))
    )
    competencies = Competency.objects.select_related("theme").order_by(
        "theme__position", "position", "pk"
    )
    found = get_object_or_404(
        Track.objects.published().prefetch_related(
            Prefetch(
                "levels",
                queryset=Level.objects.order_by("rank").prefetch_related(
                    Prefetch("requirements", queryset=requirements),
                    Prefetch("groups", queryset=groups),
                    Prefetch("competencies", queryset=competencies),
                ),
            )
        ),
        slug=track,
    )
    imported = found.source_name or found.source_url or found.licence
    return {
        "slug": found.slug,
        "name": found.name,
        "kind": found.kind,
        "summary": found.summary,
        "source": (
            {"name": found.source_name, "url": found.source_url, "licence": found.licence}
            if imported
            else None
        ),
        "levels": [
            {
                "slug": level.slug,
                "name": level.name,
                "rank": level.rank,
                "requirements": [
                    {"skill": r.skill.slug, "proficiency": r.proficiency}
                    for r in level.requirements.all()
                ],
                "groups": [
                    {
                        "name": g.name,
                        "any_of": [s.slug for s in g.skills.all()],
                        "at_least": g.at_least,
                        "proficiency": g.proficiency,
                    }
                    for g in level.groups.all()
                ],
                "competencies": [
                    {"theme": c.theme.name, "criterion": c.criterion}
                    for c in level.competencies.all()
                ],
            }
            for level in found.levels.all()
        ],
    }
