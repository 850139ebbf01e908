"""Who sees what in a team, role by role: an outsider, a member who shares nothing, a
member who shares, a manager and an admin, over every team page and endpoint.

Each person's data carries marker strings: a note and an evidence link on a skill
(never shown to anyone else, consent or not), a skill only they track (their progress
as the API lists it), a level only they are at (their readiness), the date of their
last closed check-in, and the rows of the manager's tables. A marker reaches another
person only when the owner of the data shares that kind with the team and that person
manages the team or, for readiness and progress, shares the same kind.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import Profile
from teams import actions
from teams.models import Invitation, Membership
from tests.factories import (
    CheckInFactory,
    InvitationFactory,
    LevelFactory,
    MembershipFactory,
    ProgressFactory,
    RequirementFactory,
    SkillFactory,
    TrackFactory,
    UserFactory,
)

ROLES = ("admin", "manager", "consenting", "quiet", "outsider")
MEMBERS = ROLES[:4]
SLUG = "crew"
# What each member shares with the team.
SHARES = {
    "admin": {"progress": True},
    "manager": {},
    "consenting": {"readiness": True, "progress": True, "checkins": True, "goals": True},
    "quiet": {},
}


def note(role: str) -> str:
    return f"Note-{role}-qz8: mine alone"


def evidence(role: str) -> str:
    return f"https://example.com/evidence-{role}-qz8"


def private_skill(role: str) -> str:
    return f"skill-{role}-qz8"


def level_name(role: str) -> str:
    return f"Level-{role}-qz8"


def readiness_markers(role: str) -> tuple[str, ...]:
    return (f"ready for {level_name(role)}", f'id="readiness-{role}"')


def progress_markers(role: str) -> tuple[str, ...]:
    return (f'id="matrix-{role}"', private_skill(role))


def last_checkin(role: str) -> date:
    """The day each person's last check-in closed: a date nobody else's page shows."""
    return timezone.localdate() - timedelta(weeks=20 + ROLES.index(role))


def checkin_markers(role: str) -> tuple[str, ...]:
    return (f'datetime="{last_checkin(role):%Y-%m-%d}"',)


def never_markers(role: str) -> tuple[str, ...]:
    return (note(role), evidence(role))


@dataclass
class Crew:
    users: dict
    invitation: Invitation


@pytest.fixture(scope="module")
def crew(django_db_setup, django_db_blocker) -> Iterator[Crew]:
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        track = TrackFactory(slug="crew-track", name="Crew track")
        shared_level = LevelFactory(track=track, slug="crew-level", name="Crew level", rank=1)
        team_skill = SkillFactory(slug="crew-skill", name="Crew skill")
        RequirementFactory(level=shared_level, skill=team_skill, proficiency=2)
        users = {role: UserFactory(username=role, email=f"{role}@example.com") for role in ROLES}
        team = actions.create_team(users["admin"], "Crew", track)
        assert team.slug == SLUG
        MembershipFactory(team=team, user=users["manager"], role="manager")
        MembershipFactory(team=team, user=users["consenting"])
        MembershipFactory(team=team, user=users["quiet"])
        for role in ROLES:
            # A level in a track of its own: its name shows only with this person's readiness.
            own = LevelFactory(
                track=TrackFactory(slug=f"own-{role}"), slug="own", name=level_name(role), rank=1
            )
            RequirementFactory(level=own, skill=team_skill, proficiency=1)
            Profile.objects.filter(user=users[role]).update(current_level=own)
            ProgressFactory(
                user=users[role],
                skill=team_skill,
                proficiency=3,
                notes=note(role),
                evidence_url=evidence(role),
            )
            ProgressFactory(
                user=users[role],
                skill=SkillFactory(slug=private_skill(role), name=f"Private {role}"),
                notes=note(role),
            )
            CheckInFactory(
                person=users[role],
                level=shared_level,
                state="closed",
                closed_at=timezone.now() - timedelta(weeks=20 + ROLES.index(role)),
            )
        for role, shares in SHARES.items():
            actions.set_sharing(Membership.objects.get(team=team, user=users[role]), **shares)
        invitation = InvitationFactory(team=team, invited_by=users["admin"], token="crew-token")
        yield Crew(users=users, invitation=invitation)
        transaction.set_rollback(True)


def sees(viewer: str, owner: str, kind: str) -> bool:
    """Whether `viewer` may see `owner`'s data of `kind`: the owner shares it, and the
    viewer manages the team or, for readiness and progress, shares that kind too."""
    gives = kind in ("readiness", "progress") and SHARES.get(viewer, {}).get(kind, False)
    return (viewer in ("admin", "manager") or gives) and SHARES[owner].get(kind, False)


def responses(client: Client, viewer: str) -> dict[str, str]:
    """Every team page and endpoint as `viewer` sees it: {request: body}."""
    bodies = {}
    for url in (
        "/teams/",
        f"/teams/{SLUG}/",
        f"/teams/{SLUG}/members/",
        f"/teams/{SLUG}/sharing/",
        "/teams/invitations/crew-token/",
        f"/api/v1/teams/{SLUG}/members/",
        *(f"/api/v1/teams/{SLUG}/members/{role}/progress" for role in ROLES),
    ):
        bodies[f"GET {url}"] = client.get(url).content.decode()
    # Forms sent back with errors re-render the page: the same rules apply.
    bad_invite = client.post(f"/teams/{SLUG}/members/", {"email": "nope", "role": "x"})
    bodies["POST members (invalid)"] = bad_invite.content.decode()
    bad_cadence = client.post(f"/teams/{SLUG}/cadence/", {"checkin_weeks": "0"})
    bodies["POST cadence (invalid)"] = bad_cadence.content.decode()
    bad_team = client.post("/teams/", {"name": " "})
    bodies["POST /teams/ (invalid)"] = bad_team.content.decode()
    put = client.put(
        f"/api/v1/teams/{SLUG}/sharing", json.dumps({"readiness": "x"}), "application/json"
    )
    bodies["PUT sharing (invalid)"] = put.content.decode()
    return bodies


@pytest.mark.parametrize("viewer", ROLES)
def test_each_role_sees_only_what_is_shared_with_it(crew, db, viewer):
    client = Client()
    client.force_login(crew.users[viewer])
    bodies = responses(client, viewer)
    everything = "\n".join(bodies.values())
    for owner in MEMBERS:
        if owner == viewer:
            continue
        for marker in never_markers(owner):
            for request, body in bodies.items():
                assert marker not in body, f"{viewer} sees {owner}'s {marker!r} on {request}"
        for kind, markers in (
            ("readiness", readiness_markers(owner)),
            ("progress", progress_markers(owner)),
            ("checkins", checkin_markers(owner)),
        ):
            for marker in markers:
                shown = marker in everything
                assert shown == sees(viewer, owner, kind), (
                    f"{viewer} {'sees' if shown else 'does not see'} {owner}'s {kind} ({marker!r})"
                )


def test_an_outsider_gets_404_everywhere_in_the_team(crew, db):
    client = Client()
    client.force_login(crew.users["outsider"])
    for url in (
        f"/teams/{SLUG}/",
        f"/teams/{SLUG}/members/",
        f"/teams/{SLUG}/sharing/",
        f"/api/v1/teams/{SLUG}/members/",
        f"/api/v1/teams/{SLUG}/members/consenting/progress",
    ):
        assert client.get(url).status_code == 404, url
    for url in (
        f"/teams/{SLUG}/leave/",
        f"/teams/{SLUG}/track/",
        f"/teams/{SLUG}/cadence/",
        f"/teams/{SLUG}/members/quiet/role/",
        f"/teams/{SLUG}/members/quiet/remove/",
        f"/teams/{SLUG}/invitations/{crew.invitation.pk}/revoke/",
    ):
        assert client.post(url, {"role": "admin"}).status_code == 404, url
    assert Membership.objects.filter(team__slug=SLUG).count() == 4


def test_api_readiness_is_null_unless_shared_and_seen_by_a_manager(crew, db):
    for viewer in MEMBERS:
        client = Client()
        client.force_login(crew.users[viewer])
        items = client.get(f"/api/v1/teams/{SLUG}/members/").json()["items"]
        assert [item["handle"] for item in items] == sorted(MEMBERS)
        for item in items:
            owner = item["handle"]
            shown = item["readiness"] is not None
            assert shown == (owner == viewer or sees(viewer, owner, "readiness")), (viewer, owner)
