"""Teams: create, invite, accept, share, and what a team's managers may see. Token or
session only.

Everything goes through the teams app's own actions (teams/actions.py) and read model
(teams/overview.py), as the team pages do. A team is found only among the caller's own
teams: anyone else gets the same 404 as for a missing team. Shared data is shown to the
team's managers and admins, and (readiness and progress) to members who share them too; notes
on skills and evidence links are never shown.
"""

from datetime import datetime
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.views.decorators.cache import never_cache
from ninja import Field, Path, Query, Router, Schema
from ninja.decorators import decorate_view
from pydantic import ConfigDict, field_validator

from api.auth import PERSONAL
from api.errors import refused_as
from api.pagination import DEFAULT_LIMIT, Pagination
from api.schemas import responses
from teams import actions
from teams.models import Membership, Role
from teams.overview import LevelReadiness, handle_of, members_of, readiness_of
from tracking.models import SkillProgress, Status

router = Router(tags=["teams"], auth=PERSONAL)
invitations = Router(tags=["teams"], auth=PERSONAL)

RoleValue = Literal[tuple(Role.values)]  # type: ignore[valid-type]
StatusValue = Literal[tuple(Status.values)]  # type: ignore[valid-type]


class TeamIn(Schema):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(..., min_length=1, max_length=100, strict=True)

    @field_validator("name")
    @classmethod
    def a_name(cls, value: str) -> str:
        """Text (no NUL, control character or lone surrogate), spaces collapsed."""
        try:
            value.encode("utf-8")  # a lone surrogate cannot be
        except UnicodeEncodeError:
            raise ValueError("The name holds characters that are not text.") from None
        if any(ord(c) < 32 and c not in "\t\n\r" for c in value):
            raise ValueError("The name holds characters that are not text.")
        value = " ".join(value.split())
        if not value:
            raise ValueError("Give the team a name.")
        return value


class TeamOut(Schema):
    slug: str
    name: str
    track: str | None = Field(description="The adopted track's slug, if any.")
    role: RoleValue = Field(description="My role: member, manager or admin (admins manage).")
    url: str


class InvitationIn(Schema):
    model_config = ConfigDict(extra="forbid")
    email: str = Field(..., max_length=254, strict=True)
    role: RoleValue = Role.MEMBER

    @field_validator("email")
    @classmethod
    def an_address(cls, value: str) -> str:
        value = value.strip().lower()
        try:
            validate_email(value)
        except DjangoValidationError as error:
            raise ValueError("Enter a valid email address.") from error
        return value


class InvitationOut(Schema):
    url: str = Field(description="The link to accept it; also sent by email.")
    email: str
    role: RoleValue
    expires_at: datetime


class SharingIO(Schema):
    model_config = ConfigDict(extra="forbid")
    readiness: bool = Field(..., strict=True)
    progress: bool = Field(..., strict=True)
    checkins: bool = Field(..., strict=True)
    goals: bool = Field(..., strict=True)


class LevelReadinessOut(Schema):
    level: str = Field(description="`track/level`.")
    met: int
    total: int
    percent: int


class MemberReadinessOut(Schema):
    current: LevelReadinessOut | None
    next: LevelReadinessOut | None


class MemberOut(Schema):
    handle: str
    role: RoleValue
    joined_at: datetime
    readiness: MemberReadinessOut | None = Field(
        description="Null unless it is mine, or the member shares readiness with this "
        "team and I manage it or share readiness too."
    )


class MembersOut(Schema):
    items: list[MemberOut]
    count: int


class MemberProgressOut(Schema):
    skill: str
    status: StatusValue
    proficiency: int = Field(ge=0, le=4)
    updated_at: datetime


def membership_of(request: HttpRequest, slug: str, *, admin: bool = False) -> Membership:
    """My membership of the team `slug`, or the 404 of a missing team; with `admin`, a
    member who is not its admin gets a 403."""
    me = get_object_or_404(
        Membership.objects.for_user(request.auth).select_related("team__track"), team__slug=slug
    )
    if admin and not me.is_admin:
        raise PermissionDenied
    return me


def team_out(request: HttpRequest, membership: Membership) -> dict:
    team = membership.team
    return {
        "slug": team.slug,
        "name": team.name,
        "track": team.track.slug if team.track else None,
        "role": membership.role,
        "url": request.build_absolute_uri(team.get_absolute_url()),
    }


def level_out(readiness: LevelReadiness | None) -> dict | None:
    if readiness is None:
        return None
    return {
        "level": readiness.level.key,
        "met": readiness.met,
        "total": readiness.total,
        "percent": readiness.percent,
    }


@router.post(
    "/",
    response=responses(TeamOut, 400, 401, 403, 422),
    summary="Create a team (I become its admin)",
)
@decorate_view(never_cache)
def create_team(request: HttpRequest, payload: TeamIn):
    with refused_as(422, actions.TeamError):
        team = actions.create_team(request.auth, payload.name)
    return team_out(
        request, Membership.objects.select_related("team").get(team=team, user=request.auth)
    )


@router.post(
    "/{slug:slug}/invitations",
    response=responses(InvitationOut, 400, 401, 403, 404, 422),
    summary="Invite someone by email (admins)",
)
@decorate_view(never_cache)
def invite(request: HttpRequest, payload: InvitationIn, slug: str = Path(...)):
    me = membership_of(request, slug, admin=True)
    invitation = actions.invite(
        me.team,
        request.auth,
        payload.email,
        payload.role,
        lambda i: request.build_absolute_uri(i.get_absolute_url()),
    )
    return {
        "url": request.build_absolute_uri(invitation.get_absolute_url()),
        "email": invitation.email,
        "role": invitation.role,
        "expires_at": invitation.expires_at,
    }


@invitations.post(
    "/{token}/accept",
    response=responses(TeamOut, 401, 403, 404),
    summary="Accept an invitation",
)
@decorate_view(never_cache)
def accept_invitation(request: HttpRequest, token: str = Path(...)):
    with refused_as(404, actions.TeamError):
        membership = actions.accept(token, request.auth)
    return team_out(request, membership)


@router.put(
    "/{slug:slug}/sharing",
    response=responses(SharingIO, 400, 401, 403, 404, 422),
    summary="What I share with this team",
)
@decorate_view(never_cache)
def put_sharing(request: HttpRequest, payload: SharingIO, slug: str = Path(...)):
    me = membership_of(request, slug)
    actions.set_sharing(me, **payload.model_dump())
    return me.sharing


@router.get(
    "/{slug:slug}/members/",
    response=responses(MembersOut, 401, 404, 422),
    summary="The team's members, with readiness where shared",
)
@decorate_view(never_cache)
def list_members(request: HttpRequest, slug: str = Path(...), page: Query[Pagination.Input] = None):
    me = membership_of(request, slug)
    limit = page.limit if page else DEFAULT_LIMIT
    offset = page.offset if page else 0
    everyone = members_of(me.team)
    rows = list(everyone[offset : offset + limit])
    visible = [m for m in rows if me.may_see("readiness", m)]
    readiness = readiness_of(visible)
    items = []
    for member in rows:
        shown = readiness.get(member.user_id)
        items.append(
            {
                "handle": handle_of(member),
                "role": member.role,
                "joined_at": member.joined_at,
                "readiness": (
                    {"current": level_out(shown.current), "next": level_out(shown.next)}
                    if shown
                    else None
                ),
            }
        )
    return {"items": items, "count": everyone.count()}


@router.get(
    "/{slug:slug}/members/{handle}/progress",
    response=responses(list[MemberProgressOut], 401, 404),
    summary="A member's skill progress, if they share it with this team",
    description="For the team's managers and members who share their progress too (and "
    "the member): never notes or evidence links.",
)
@decorate_view(never_cache)
def member_progress(request: HttpRequest, slug: str = Path(...), handle: str = Path(...)):
    me = membership_of(request, slug)
    member = get_object_or_404(
        Membership.objects.seen_by(me, "progress"), user__profile__handle=handle
    )
    progress = (
        SkillProgress.objects.filter(user_id=member.user_id)
        .select_related("skill")
        .order_by("skill__name")
    )
    return [
        {
            "skill": row.skill.slug,
            "status": row.status,
            "proficiency": row.proficiency,
            "updated_at": row.updated_at,
        }
        for row in progress.only("skill__slug", "status", "proficiency", "updated_at")
    ]
