"""Check-ins on a team's page: `{% checkins_due team me members as due %}` gives my own next
check-in and, for those who see shared check-ins, every member's (the team page lives in
the teams app, which check-ins build on, so the page asks here rather than importing)."""

from __future__ import annotations

from dataclasses import dataclass

from django import template

from checkins.due import Due, checkin_dates, due
from teams.models import Membership, Team
from teams.overview import handle_of

register = template.Library()


@dataclass
class TeamDue:
    mine: Due
    rows: list[tuple[str, Due | None]] | None = None  # None: not mine to see
    count: int = 0  # members due now


@register.simple_tag
def checkins_due(team: Team, me: Membership, members: list[Membership]) -> TeamDue:
    """My next check-in on the team's cadence; for a viewer who sees shared check-ins, each
    member's (None for members who do not share theirs). One query."""
    sharers = [m for m in members if m.share_checkins and me.may_see("checkins", m)]
    dates = checkin_dates({me.user_id, *(m.user_id for m in sharers)})
    weeks = team.checkin_weeks
    found = TeamDue(mine=due(dates.get(me.user_id), weeks))
    if me.sees_shared("checkins"):
        shown = {m.pk for m in sharers}
        found.rows = [
            (handle_of(m), due(dates.get(m.user_id), weeks) if m.pk in shown else None)
            for m in members
        ]
        found.count = sum(1 for _handle, d in found.rows if d and d.is_due)
    return found
