from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TeamsConfig(AppConfig):
    name = "teams"
    verbose_name = _("Teams")

    def ready(self) -> None:
        from accounts.deletion import BEFORE_DELETE
        from accounts.export import register_part
        from core.versions import bump_on_change
        from teams.actions import forget_member
        from teams.export import teams_part
        from teams.models import Invitation, Membership, Team, team_scope

        # Team pages are not cached (private, no-store); anything that caches a team's
        # data later keys it on team_scope(team), bumped on any change to the team, a
        # membership (role, sharing, leaving) or an invitation. A member's progress is
        # their own user scope (tracking), which such a cache must read too.
        bump_on_change(lambda team: team_scope(team.pk), Team)
        bump_on_change(lambda row: team_scope(row.team_id), Membership, Invitation)
        register_part("teams", teams_part)  # my memberships and sharing in /me/export/
        if forget_member not in BEFORE_DELETE:
            BEFORE_DELETE.append(forget_member)  # no team left without a member or admin
