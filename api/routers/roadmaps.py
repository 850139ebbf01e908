"""Public roadmaps: published ones only."""

from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.http import http_date
from ninja import Path, Router
from ninja.decorators import decorate_view
from ninja.pagination import paginate

from api.auth import PUBLIC, PUBLIC_OPENAPI
from api.conditional import etag
from api.pagination import Pagination
from api.schemas import RoadmapListItemOut, RoadmapOut, responses
from skills.models import Roadmap
from skills.tree import roadmap_tree

router = Router(tags=["roadmaps"], auth=PUBLIC)


@router.get(
    "/",
    response=responses(list[RoadmapListItemOut], 401, 422),
    openapi_extra=PUBLIC_OPENAPI,
    summary="List published roadmaps",
)
@decorate_view(etag)
@paginate(Pagination)
def list_roadmaps(request: HttpRequest):
    return Roadmap.objects.published().annotate(
        skill_count=Count("sections__placements", distinct=True)
    )


@router.get(
    "/{slug:slug}/",
    response=responses(RoadmapOut, 401, 404),
    openapi_extra=PUBLIC_OPENAPI,
    summary="One roadmap with its sections, skills and prerequisites",
)
@decorate_view(etag)
def get_roadmap(
    request: HttpRequest,
    response: HttpResponse,
    slug: str = Path(..., description="The roadmap's slug.", example="backend"),
):
    roadmap = get_object_or_404(Roadmap.objects.published(), slug=slug)
    tree = roadmap_tree(roadmap)
    sections = [
        {
            "slug": section.slug,
            "title": section.title,
            "choose": (
                None if section.choose_at_least is None else {"at_least": section.choose_at_least}
            ),
            "skills": [
                {
                    "slug": skill.slug,
                    "name": skill.name,
                    "kind": skill.kind,
                    "prerequisites": [needed.slug for needed in skill.prerequisites],
                }
                for skill in section.skills
            ],
        }
        for section in tree
    ]
    changed = max(
        [roadmap.updated_at] + [skill.updated_at for section in tree for skill in section.skills]
    )
    response["Last-Modified"] = http_date(changed.timestamp())
    return {
        "slug": roadmap.slug,
        "title": roadmap.title,
        "summary": roadmap.summary,
        "updated_at": roadmap.updated_at,
        "sections": sections,
    }
