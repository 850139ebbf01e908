"""Public roadmaps: published ones only."""

from django.db.models import Count, Prefetch
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
from skills.models import Roadmap, Section, Skill, SkillPlacement

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
    placements = SkillPlacement.objects.select_related("skill").prefetch_related(
        Prefetch("skill__prerequisites", queryset=Skill.objects.only("id", "slug", "name"))
    )
    roadmap = get_object_or_404(
        Roadmap.objects.published().prefetch_related(
            Prefetch(
                "sections",
                queryset=Section.objects.prefetch_related(
                    Prefetch("placements", queryset=placements)
                ),
            )
        ),
        slug=slug,
    )
    sections = [
        {
            "slug": section.slug,
            "title": section.title,
            "skills": [
                {
                    "slug": placement.skill.slug,
                    "name": placement.skill.name,
                    "kind": placement.kind,
                    "prerequisites": [p.slug for p in placement.skill.prerequisites.all()],
                }
                for placement in section.placements.all()
            ],
        }
        for section in roadmap.sections.all()
    ]
    changed = max(
        [roadmap.updated_at]
        + [p.skill.updated_at for s in roadmap.sections.all() for p in s.placements.all()]
    )
    response["Last-Modified"] = http_date(changed.timestamp())
    return {
        "slug": roadmap.slug,
        "title": roadmap.title,
        "summary": roadmap.summary,
        "updated_at": roadmap.updated_at,
        "sections": sections,
    }
