"""The JSON API, v1, at /api/v1/ (OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs)."""

from ninja import NinjaAPI
from ninja.operation import Operation

from api.docs import LocalSwagger
from api.errors import install_handlers
from api.routers import checkins, me, roadmaps, salaries, teams, tracks
from api.throttling import ApiRateLimit

DESCRIPTION = """
Careerpath's data for scripts and other tools.

**Authentication.** Public reads need none. Personal endpoints (`/me/…`, `/teams/…`,
`/invitations/…`, `/checkins/…`) take a personal token, `Authorization: Bearer <token>`
(create one at `/profile/tokens/`), or the session of a signed-in person with the
`X-CSRFToken` header on unsafe methods. A token that is unknown or revoked is refused
with 401 everywhere.

**Errors** are JSON `{"detail": "…"}`; 422 adds `errors`, one row per field.
400 malformed JSON, 401 not signed in, 404 unknown, 422 invalid, 429 too many requests
(see `Retry-After`).

**Lists** are `{"items": […], "count": N}` with `limit` (≤ 100) and `offset`.
**Public reads** send an `ETag`; send it back in `If-None-Match` to get a 304.
"""


class CareerpathAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation: Operation) -> str:
        """`list_roadmaps`, `get_track`…: the view's own name."""
        return operation.view_func.__name__


api = CareerpathAPI(
    title="Careerpath API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    docs=LocalSwagger(),
    docs_url="/docs",
    openapi_url="/openapi.json",
    throttle=[ApiRateLimit()],
)
install_handlers(api)

api.add_router("/roadmaps/", roadmaps.router)
api.add_router("/tracks/", tracks.router)
api.add_router("/salaries/", salaries.router)
api.add_router("/me/checkins", checkins.mine)  # before /me/: the longer prefix
api.add_router("/me/", me.router)
api.add_router("/teams/", teams.router)
api.add_router("/invitations/", teams.invitations)
api.add_router("/checkins/", checkins.router)
