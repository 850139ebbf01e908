"""The teams part of `/me/export/` (registered by `TeamsConfig.ready()`): my
memberships, with my role and what I share, and the invitations I sent. Memberships
go with the account (foreign key with CASCADE); teams I created stay for their other
members (created_by is cleared); a team left with no member is deleted with me, and a
team I was the last admin of passes to its longest-standing member
(`teams.actions.forget_member`)."""

from typing import Any

from django.contrib.auth.models import AbstractBaseUser

from teams.models import Invitation, Membership


def teams_part(user: AbstractBaseUser) -> dict[str, Any]:
    memberships = Membership.objects.for_user(user).select_related("team").order_by("joined_at")
    return {
        "memberships": [
            {
                "team": membership.team.slug,
                "team_name": membership.team.name,
                "role": membership.role,
                "joined_at": membership.joined_at,
                "sharing": membership.sharing,
            }
            for membership in memberships
        ],
        "invitations_sent": [
            {
                "team": invitation.team.slug,
                "email": invitation.email,
                "role": invitation.role,
                "created_at": invitation.created_at,
                "state": invitation.state,
            }
            for invitation in Invitation.objects.filter(invited_by=user).select_related("team")
        ],
    }
