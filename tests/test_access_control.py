"""Who may see and change what: every URL pattern of the URLconf, three visitors each.

The patterns are collected from the resolver, so a new view is covered as soon as it
is routed: a pattern with no entry in ACCESS (or, under admin/, no admin rule) fails
the test, naming it. Each entry says how to build a concrete URL and what anonymous
visitors, another signed-in person and the owner of the data get.

The owner's data carries marker strings (a private bio, a note on progress, a token
name, a pending salary); no response to anyone else may contain them, and no request
by anyone else may change the owner's data.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from urllib.parse import quote

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.forms.models import model_to_dict
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, path
from django.urls.resolvers import RegexPattern
from ninja.operation import PathView

from accounts.models import Profile
from api.models import ApiToken
from careers.models import Competency, Level, Track
from checkins.models import CheckIn, Evidence
from planning.digests import unsubscribe_token
from planning.models import DigestSubscription, Goal
from salaries import moderation
from salaries.models import Contribution, OwnPay
from skills.models import Roadmap, Skill
from teams import actions as team_actions
from teams.models import Invitation, Membership, Team
from tests.factories import (
    AssessmentFactory,
    CheckInFactory,
    CompetencyFactory,
    EvidenceFactory,
    InvitationFactory,
    LevelFactory,
    MembershipFactory,
    PlacementFactory,
    ProgressFactory,
    RequirementFactory,
    RoadmapFactory,
    SectionFactory,
    SkillFactory,
    TrackFactory,
    UserFactory,
)
from tracking.models import CompetencyAssessment, ProgressEvent, SkillProgress

# The owner's private data, each a string found nowhere else.
BIO = "Bio-zq7x: only the owner may read this"
DISPLAY_NAME = "Owner Zq7x"
NOTE = "Note-zq7x: my private progress note"
ASSESSMENT_NOTE = "Assessed-zq7x: my private note on a criterion"
TOKEN_NAME = "token-zq7x"
AMOUNT = 97531
AMOUNT_SHOWN = "97,531"
EVIDENCE = "Evidence-zq7x: my private win"
CHECKIN_NOTE = "Checkin-zq7x: my own view of myself"
OWN_PAY = "86420"  # the owner's own pay, recorded privately (salaries.OwnPay)
PRIVATE_MARKERS = (
    BIO,
    DISPLAY_NAME,
    NOTE,
    ASSESSMENT_NOTE,
    TOKEN_NAME,
    AMOUNT_SHOWN,
    "97531",
    EVIDENCE,
    CHECKIN_NOTE,
    OWN_PAY,
    "86,420",
)
LEVEL_NAME = "Level Zq7x"
READY = f"100% ready for {LEVEL_NAME}"  # the owner meets every expectation; nobody else does
PROGRESS_COUNT = 3
ROADMAP_SLUG = "zq-roadmap"
SKILL_SLUG = "zq-skill"
TEAM_NAME = "Team Zq7x"
TEAM = "/teams/team-zq7x/"  # the owner is its admin and shares everything with it


@dataclass
class World:
    owner: object
    other: object
    profile: Profile
    skill: Skill
    roadmap: Roadmap
    track: Track
    level: Level
    competency: Competency
    token: ApiToken
    contribution: Contribution
    team: Team
    teammate: object  # a member of the owner's team
    invitation: Invitation  # pending
    used_invitation: Invitation  # revoked: posting it changes nothing
    evidence: Evidence
    checkin: CheckIn  # the owner's, self-rated, no reviewer yet
    goal: Goal
    digest: DigestSubscription  # the owner gets the weekly digest


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker) -> Iterator[World]:
    """Written once for the module's 200 cases, in a transaction rolled back at its end:
    each test runs in a savepoint of it (`db`), which takes the test's writes away with
    it, as Django's TestCase.setUpTestData does."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield make_world(
            UserFactory(username="owner", email="owner@example.com"),
            UserFactory(username="other", email="other@example.com"),
        )
        transaction.set_rollback(True)


def make_world(owner, other_user) -> World:
    track = TrackFactory(slug="zq-track", name="Track Zq7x")
    level = LevelFactory(track=track, slug="zq-level", name=LEVEL_NAME, rank=1)
    skill = SkillFactory(slug=SKILL_SLUG, name="Skill Zq7x")
    RequirementFactory(level=level, skill=skill, proficiency=2)
    roadmap = RoadmapFactory(slug=ROADMAP_SLUG, title="Roadmap Zq7x")
    PlacementFactory(section=SectionFactory(roadmap=roadmap), skill=skill)
    ProgressFactory(user=owner, skill=skill, status="done", proficiency=4, notes=NOTE)
    competency = CompetencyFactory(level=level, criterion="Criterion Zq7x")
    AssessmentFactory(user=owner, competency=competency, rating="met", note=ASSESSMENT_NOTE)
    for _ in range(PROGRESS_COUNT - 1):
        ProgressFactory(user=owner, status="learning", proficiency=1)
    Profile.objects.filter(user=owner).update(
        bio=BIO, display_name=DISPLAY_NAME, track=track, target_level=level
    )
    token, _key = ApiToken.objects.create_for(owner, TOKEN_NAME)
    OwnPay.objects.create(user=owner, amount=Decimal(OWN_PAY), currency="USD", year=2024)
    contribution = moderation.submit(
        owner,
        level=level,
        country="DE",
        currency="EUR",
        amount=Decimal(AMOUNT),
        year=date.today().year,
    )
    team = team_actions.create_team(owner, TEAM_NAME, track)
    team_actions.set_sharing(
        Membership.objects.get(team=team, user=owner),
        readiness=True,
        progress=True,
        checkins=True,
        goals=True,
    )
    teammate = MembershipFactory(team=team, user=UserFactory(username="teammate")).user
    checkin = CheckInFactory(
        person=owner,
        level=level,
        # Self-rated on every expectation of the level: its skill and its criterion.
        self_ratings={
            f"skill:{SKILL_SLUG}": {"value": 3, "note": ""},
            f"competency:{competency.pk}": {"value": "met", "note": ""},
        },
        self_notes=CHECKIN_NOTE,
    )
    return World(
        evidence=EvidenceFactory(user=owner, text=EVIDENCE),
        checkin=checkin,
        team=team,
        teammate=teammate,
        invitation=InvitationFactory(team=team, invited_by=owner, token="zq-pending"),
        used_invitation=InvitationFactory(
            team=team, invited_by=owner, token="zq-revoked", revoked_at=date(2026, 1, 1)
        ),
        owner=owner,
        other=other_user,
        profile=Profile.objects.get(user=owner),
        skill=skill,
        roadmap=roadmap,
        track=track,
        level=level,
        competency=competency,
        token=token,
        contribution=contribution,
        goal=Goal.objects.create(user=owner, level=level, due=date.today() + timedelta(days=90)),
        digest=DigestSubscription.objects.create(user=owner),
    )


def owner_state(world: World) -> dict:
    """Everything of the owner's that a request could change."""
    owner = world.owner
    profile = Profile.objects.filter(user=owner).first()
    return {
        "user": list(get_user_model().objects.filter(pk=owner.pk).values("is_active", "email")),
        "profile": model_to_dict(profile) if profile else None,
        "progress": sorted(
            SkillProgress.objects.filter(user=owner).values_list(
                "skill_id", "status", "proficiency", "notes", "evidence_url"
            )
        ),
        "events": ProgressEvent.objects.filter(user=owner).count(),
        "assessments": sorted(
            CompetencyAssessment.objects.filter(user=owner).values_list(
                "competency_id", "rating", "note", "evidence_url"
            )
        ),
        "contributions": sorted(
            Contribution.objects.filter(user=owner).values_list("pk", "status", "data_point_id")
        ),
        "tokens": sorted(
            ApiToken.objects.filter(user=owner).values_list("pk", "name", "revoked_at")
        ),
        # The owner's teams: who is in them, with which role and sharing; their invitations.
        "teams": sorted(
            Membership.objects.filter(team__memberships__user=owner).values_list(
                "team_id",
                "user_id",
                "role",
                "share_readiness",
                "share_progress",
                "share_checkins",
                "share_goals",
            )
        ),
        "team_tracks": sorted(
            Team.objects.filter(memberships__user=owner).values_list(
                "pk", "name", "track_id", "checkin_weeks"
            )
        ),
        "invitations": sorted(
            Invitation.objects.filter(team__memberships__user=owner).values_list(
                "pk", "revoked_at", "accepted_at"
            )
        ),
        "evidence": sorted(Evidence.objects.filter(user=owner).values_list("pk", "text")),
        "checkins": sorted(
            (pk, state, json.dumps(ratings, sort_keys=True), notes, reviewer)
            for pk, state, ratings, notes, reviewer in CheckIn.objects.filter(
                person=owner
            ).values_list("pk", "state", "self_ratings", "self_notes", "reviewer_id")
        ),
        "own_pay": list(OwnPay.objects.filter(user=owner).values("amount", "currency", "year")),
        "goals": sorted(Goal.objects.filter(user=owner).values_list("pk", "level_id", "due")),
        "digest": list(
            DigestSubscription.objects.filter(user=owner).values_list("subscribed", "last_sent_at")
        ),
    }


# The table --------------------------------------------------------------------------------

LOGIN = "login"  # a redirect to the sign-in page, coming back to the URL
Expect = int | str  # a status code, LOGIN, or the start of a redirect's Location
UrlOf = Callable[[World], str]


@dataclass(frozen=True)
class Case:
    """One request, made by each of anonymous, the other person and the owner."""

    kind: str  # public, person, auth, api-public, api-person, admin
    url: UrlOf
    anon: Expect = 200
    other: Expect = 200
    owner: Expect = 200
    method: str = "get"
    data: Callable[[World, object], dict] | None = None  # (world, the visitor or None)
    owner_sees: Callable[[World], str] | None = None  # shown to the owner only
    owner_changes: bool = False  # the owner's request changes the owner's data
    staff: bool = False  # also as staff (admin): never a server error


def fixed(url: str) -> UrlOf:
    return lambda w: url


def public(url: UrlOf, *, status: Expect = 200, owner_sees: Callable | None = None) -> Case:
    return Case("public", url, status, status, status, owner_sees=owner_sees)


def person(url: UrlOf, owner_sees: Callable, *, anon: Expect = LOGIN, other: Expect = 200) -> Case:
    """A page of the signed-in person's own data: others get theirs, or a 404."""
    return Case("person", url, anon, other, 200, owner_sees=owner_sees)


def person_post(url: UrlOf, data: Callable, *, anon: Expect = LOGIN, other: Expect, owner: Expect):
    """A POST changing the signed-in person's data: never anyone else's."""
    return Case("person", url, anon, other, owner, "post", data, owner_changes=True)


def auth(url: UrlOf, anon: Expect, signed_in: Expect) -> Case:
    return Case("auth", url, anon, signed_in, signed_in)


def api_public(url: UrlOf, status: int = 200) -> Case:
    return Case("api-public", url, status, status, status)


def profile_form(w: World, user) -> dict:
    """A valid profile, under the visitor's own handle."""
    handle = user.profile.handle if user else "visitor"
    return {"handle": handle, "display_name": "Someone", "visibility": "private"}


def goal_form(w: World, user) -> dict:
    return {"level": w.level.key, "date": str(date.today() + timedelta(days=30))}


def contribution_form(w: World, user) -> dict:
    return {
        "level": f"{w.track.slug}/{w.level.slug}",
        "country": "FR",
        "currency": "EUR",
        "amount": "64000",
        "year": str(date.today().year - 1),  # the owner shared this year's already
    }


ACCESS: dict[str, Case | tuple[Case, ...]] = {
    # Public pages. The skill page shows the signed-in person's own notes.
    "": public(fixed("/")),
    "healthz": public(fixed("/healthz")),
    "robots.txt": public(fixed("/robots.txt")),
    "favicon.ico": public(fixed("/favicon.ico"), status="/static/img/favicon.svg"),
    # The footer's language switch: a cookie for anyone; for a signed-in person, their
    # profile's language too (the owner's own profile changes, nobody else's).
    "i18n/setlang/": Case(
        "public",
        fixed("/i18n/setlang/"),
        "/",
        "/",
        "/",
        "post",
        lambda w, user: {"language": "de"},
        owner_changes=True,
    ),
    "roadmaps/": public(fixed("/roadmaps/"), owner_sees=lambda w: "1 of 1 done"),
    "roadmaps/<slug:slug>/": public(lambda w: f"/roadmaps/{w.roadmap.slug}/"),
    # The map: each skill named with the signed-in person's own status (the owner's is done).
    "roadmaps/<slug:slug>/map/": public(
        lambda w: f"/roadmaps/{w.roadmap.slug}/map/", owner_sees=lambda w: "Skill Zq7x — done"
    ),
    "roadmaps/<slug:slug>/map.svg": public(
        lambda w: f"/roadmaps/{w.roadmap.slug}/map.svg?download=1",
        owner_sees=lambda w: "Skill Zq7x — done",
    ),
    "skills/<slug:slug>/": public(lambda w: f"/skills/{w.skill.slug}/", owner_sees=lambda w: NOTE),
    "careers/": public(fixed("/careers/")),
    "careers/<slug:track>/": public(lambda w: f"/careers/{w.track.slug}/"),
    # The level page shows the signed-in person's own standing and self-assessment.
    "careers/<slug:track>/<slug:level>/": public(
        lambda w: f"/careers/{w.track.slug}/{w.level.slug}/", owner_sees=lambda w: ASSESSMENT_NOTE
    ),
    "salaries/": public(fixed("/salaries/")),
    # Sign-in flows (allauth): signed-in people are sent on where a page is for visitors.
    "accounts/login/": auth(fixed("/accounts/login/"), 200, "/dashboard/"),
    "accounts/logout/": auth(fixed("/accounts/logout/"), "/", 200),
    "accounts/inactive/": auth(fixed("/accounts/inactive/"), 200, 200),
    "accounts/signup/": auth(fixed("/accounts/signup/"), 200, "/dashboard/"),
    "accounts/reauthenticate/": auth(fixed("/accounts/reauthenticate/"), LOGIN, 200),
    "accounts/email/": auth(fixed("/accounts/email/"), LOGIN, 200),
    "accounts/confirm-email/": auth(fixed("/accounts/confirm-email/"), 200, 200),
    "accounts/password/change/": auth(fixed("/accounts/password/change/"), LOGIN, 200),
    "accounts/password/set/": auth(fixed("/accounts/password/set/"), LOGIN, "/accounts/password/"),
    "accounts/password/reset/": auth(fixed("/accounts/password/reset/"), 200, 200),
    "accounts/login/code/confirm/": auth(
        fixed("/accounts/login/code/confirm/"), "/accounts/login/", "/dashboard/"
    ),
    r"accounts/^confirm-email/(?P<key>[-:\w]+)/$": auth(
        fixed("/accounts/confirm-email/not-a-real-key/"), 200, 200
    ),
    "accounts/password/reset/key/done/": auth(
        fixed("/accounts/password/reset/key/done/"), 200, 200
    ),
    "accounts/^password/reset/key/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$": auth(
        fixed("/accounts/password/reset/key/1-not-a-real-key/"), 200, 200
    ),
    "accounts/password/reset/done/": auth(fixed("/accounts/password/reset/done/"), 200, 200),
    # The person's own pages.
    "profile/": (
        person(fixed("/profile/"), lambda w: BIO),
        person_post(fixed("/profile/"), profile_form, other="/profile/", owner="/profile/"),
    ),
    "profile/delete/": (
        person(fixed("/profile/delete/"), lambda w: f"your progress on {PROGRESS_COUNT} skills"),
        # Without the password nothing is deleted, for anyone (the owner included).
        Case("person", fixed("/profile/delete/"), LOGIN, 200, 200, "post", lambda w, u: {}),
    ),
    "u/<slug:handle>/": person(
        lambda w: f"/u/{w.profile.handle}/", lambda w: BIO, anon=404, other=404
    ),
    "me/export/": person(fixed("/me/export/"), lambda w: BIO),
    # The roadmap's one form: the owner's row changes; another person's saves their own.
    "roadmaps/<slug:slug>/track/": person_post(
        lambda w: f"/roadmaps/{w.roadmap.slug}/track/",
        lambda w, u: {"skill": w.skill.slug, "status": "learning", "proficiency": "1"},
        anon=f"/accounts/login/?next=/roadmaps/{ROADMAP_SLUG}/",
        other=f"/roadmaps/{ROADMAP_SLUG}/#skill-{SKILL_SLUG}",
        owner=f"/roadmaps/{ROADMAP_SLUG}/#skill-{SKILL_SLUG}",
    ),
    # Marking a section at once: the owner's rows change; another person marks their own.
    "roadmaps/<slug:slug>/bulk/": (
        # What marking it would change: each person's own states only.
        Case(
            "person",
            lambda w: (
                f"/roadmaps/{w.roadmap.slug}/bulk/?section={w.roadmap.sections.get().slug}"
                "&status=not_started"
            ),
            LOGIN,
            f"/roadmaps/{ROADMAP_SLUG}/#section-",  # nothing of theirs to change: back
            200,  # the owner's done skill would change: the preview
        ),
        person_post(
            lambda w: f"/roadmaps/{w.roadmap.slug}/bulk/",
            lambda w, u: {
                "section": w.roadmap.sections.get().slug,
                "status": "skipped",
                "confirm": "1",
            },
            anon=f"/accounts/login/?next=/roadmaps/{ROADMAP_SLUG}/",
            other=f"/roadmaps/{ROADMAP_SLUG}/#section-",
            owner=f"/roadmaps/{ROADMAP_SLUG}/#section-",
        ),
    ),
    # Its undo: a token signed for one person and roadmap; a forged one changes nothing.
    "roadmaps/<slug:slug>/bulk/undo/": Case(
        "person",
        lambda w: f"/roadmaps/{w.roadmap.slug}/bulk/undo/",
        f"/accounts/login/?next=/roadmaps/{ROADMAP_SLUG}/",
        f"/roadmaps/{ROADMAP_SLUG}/",
        f"/roadmaps/{ROADMAP_SLUG}/",
        "post",
        lambda w, u: {"token": "forged"},
    ),
    "track/<slug:slug>/": person_post(
        lambda w: f"/track/{w.skill.slug}/",
        lambda w, u: {"status": "learning", "proficiency": "1", "notes": "changed", "next": "/"},
        anon="/accounts/login/?next=/",  # back to `next` after signing in
        other="/",
        owner="/",
    ),
    # A level's one self-assessment form: each person rates the criteria for themselves.
    "careers/<slug:track>/<slug:level>/assess/": person_post(
        lambda w: f"/careers/{w.track.slug}/{w.level.slug}/assess/",
        lambda w, u: {f"rating-{w.competency.pk}": "not_yet", f"note-{w.competency.pk}": "Mine"},
        anon="/accounts/login/?next=/careers/zq-track/zq-level/",
        other="/careers/zq-track/zq-level/#assess-title",
        owner="/careers/zq-track/zq-level/#assess-title",
    ),
    "salaries/contribute/": (
        person(fixed("/salaries/contribute/"), lambda w: AMOUNT_SHOWN),
        person_post(
            fixed("/salaries/contribute/"),
            contribution_form,
            other="/salaries/contribute/",
            owner="/salaries/contribute/",
        ),
    ),
    "salaries/contribute/<int:pk>/withdraw/": person_post(
        lambda w: f"/salaries/contribute/{w.contribution.pk}/withdraw/",
        lambda w, u: {},
        other=404,
        owner="/salaries/contribute/",
    ),
    "salaries/my-pay/": (
        person(fixed("/salaries/my-pay/"), lambda w: OWN_PAY),
        person_post(
            fixed("/salaries/my-pay/"),
            lambda w, u: {"amount": "50000", "currency": "USD", "year": "2024"},
            other="/dashboard/",
            owner="/dashboard/",
        ),
    ),
    "dashboard/": person(fixed("/dashboard/"), lambda w: READY),
    # My plan: the owner meets every requirement of their target; others have no target.
    "plan/": person(fixed("/plan/"), lambda w: f"You meet every skill requirement of {LEVEL_NAME}"),
    "plan/pace/": person_post(
        fixed("/plan/pace/"),
        lambda w, u: {"weekly_pace_hours": "5"},
        other="/plan/#forecast-heading",
        owner="/plan/#forecast-heading",
    ),
    "plan/goals/": person_post(
        fixed("/plan/goals/"), goal_form, other="/plan/#goals-heading", owner="/plan/#goals-heading"
    ),
    "plan/goals/<int:pk>/delete/": person_post(
        lambda w: f"/plan/goals/{w.goal.pk}/delete/",
        lambda w, u: {},
        other=404,
        owner="/plan/#goals-heading",
    ),
    # The weekly digest's switch: each person turns off their own (an unticked box).
    "plan/digest/": person_post(
        fixed("/plan/digest/"),
        lambda w, u: {},
        other="/plan/#digest-heading",
        owner="/plan/#digest-heading",
    ),
    # Its unsubscribe link works signed out: the signed token is the secret (whoever holds
    # it may stop that person's digest, tests/test_digest.py). Asking changes nothing; a
    # token we did not sign is a 404 for everyone.
    "plan/digest/unsubscribe/<str:token>/": (
        Case(
            "person",
            lambda w: f"/plan/digest/unsubscribe/{unsubscribe_token(w.owner)}/",
            200,
            200,
            200,
        ),
        Case("person", fixed("/plan/digest/unsubscribe/1:forged/"), 404, 404, 404, "post"),
    ),
    "dashboard/compare/": person(
        lambda w: f"/dashboard/compare/?level={w.level.key}", lambda w: READY
    ),
    "profile/tokens/": (
        person(fixed("/profile/tokens/"), lambda w: TOKEN_NAME),
        # Another person's new token is theirs; the owner's list is unchanged.
        person_post(
            fixed("/profile/tokens/"),
            lambda w, u: {"name": "another script"},
            other="/profile/tokens/",
            owner="/profile/tokens/",
        ),
    ),
    "profile/tokens/<int:pk>/revoke/": person_post(
        lambda w: f"/profile/tokens/{w.token.pk}/revoke/",
        lambda w, u: {},
        other=404,
        owner="/profile/tokens/",
    ),
    # The API: public reads, and the person's own data (session here; tokens in test_api_*).
    "api/v1/": api_public(fixed("/api/v1/"), 404),  # ninja's root: a 404 naming the docs
    "api/v1/openapi.json": api_public(fixed("/api/v1/openapi.json")),
    "api/v1/docs": public(fixed("/api/v1/docs")),
    "api/v1/roadmaps/": api_public(fixed("/api/v1/roadmaps/")),
    "api/v1/roadmaps/<slug:slug>/": api_public(lambda w: f"/api/v1/roadmaps/{w.roadmap.slug}/"),
    "api/v1/tracks/": api_public(fixed("/api/v1/tracks/")),
    "api/v1/tracks/<slug:track>/": api_public(lambda w: f"/api/v1/tracks/{w.track.slug}/"),
    "api/v1/salaries/stats": api_public(lambda w: f"/api/v1/salaries/stats?track={w.track.slug}"),
    "api/v1/salaries/market": api_public(
        lambda w: f"/api/v1/salaries/market?track={w.track.slug}&area=US"
    ),
    "api/v1/me/progress": Case(
        "api-person", fixed("/api/v1/me/progress"), 401, owner_sees=lambda w: NOTE
    ),
    "api/v1/me/progress/<slug:skill_slug>": Case(
        "api-person",
        lambda w: f"/api/v1/me/progress/{w.skill.slug}",
        401,
        method="put",
        data=lambda w, u: {"status": "learning", "notes": "changed through the API"},
        owner_changes=True,
    ),
    # The owner's one roadmap skill is done: 1 of 1, 100%; anyone else's figure is 0.
    "api/v1/me/roadmaps/": Case(
        "api-person",
        fixed("/api/v1/me/roadmaps/"),
        401,
        owner_sees=lambda w: f'"slug": "{ROADMAP_SLUG}", "done": 1, "total": 1',
    ),
    # My readiness: the owner meets everything (100); another person gets their own (0).
    "api/v1/me/readiness": Case(
        "api-person",
        lambda w: f"/api/v1/me/readiness?level={w.level.key}",
        401,
        owner_sees=lambda w: '"overall": {"met": 2, "total": 2, "percent": 100}',
    ),
    "api/v1/me/plan": Case(
        "api-person",
        fixed("/api/v1/me/plan"),
        401,
        owner_sees=lambda w: f'"target": "{w.level.key}"',
    ),
    "api/v1/me/goals": (
        Case(
            "api-person",
            fixed("/api/v1/me/goals"),
            401,
            owner_sees=lambda w: f'"id": {w.goal.pk}, "level": "{w.level.key}"',
        ),
        # Another person's new goal is theirs; the owner's are unchanged.
        Case(
            "api-person",
            fixed("/api/v1/me/goals"),
            401,
            201,
            201,
            method="post",
            data=goal_form,
            owner_changes=True,
        ),
    ),
    "api/v1/me/goals/<int:goal_id>": Case(
        "api-person",
        lambda w: f"/api/v1/me/goals/{w.goal.pk}",
        401,
        404,
        204,
        method="delete",
        owner_changes=True,
    ),
    "api/v1/me/profile": Case(
        "api-person", fixed("/api/v1/me/profile"), 401, owner_sees=lambda w: BIO
    ),
    # Teams (tests/test_teams_access.py tries every team role): another person is an
    # outsider to the owner's team and gets the 404 of a missing team.
    "teams/": (
        person(fixed("/teams/"), lambda w: TEAM_NAME),
        person_post(
            fixed("/teams/"),
            lambda w, u: {"name": "Another team"},
            other="/teams/another-team",
            owner="/teams/another-team",
        ),
    ),
    "teams/invitations/<str:token>/": (
        # The link is the secret: whoever holds it may read it (and sign up through it).
        Case("person", lambda w: f"/teams/invitations/{w.invitation.token}/", 200, 200, 200),
        Case(
            "person",
            lambda w: f"/teams/invitations/{w.used_invitation.token}/",
            LOGIN,
            "/teams/invitations/zq-revoked/",
            "/teams/invitations/zq-revoked/",
            "post",
        ),
        Case("person", fixed("/teams/invitations/no-such-token/"), 404, 404, 404),
    ),
    "teams/<slug:slug>/": person(fixed(TEAM), lambda w: READY, other=404),
    "teams/<slug:slug>/members/": (
        person(fixed(f"{TEAM}members/"), lambda w: w.invitation.email, other=404),
        person_post(
            fixed(f"{TEAM}members/"),
            lambda w, u: {"email": "new@example.com", "role": "member"},
            other=404,
            owner=f"{TEAM}members/",
        ),
    ),
    "teams/<slug:slug>/members/<slug:handle>/role/": person_post(
        fixed(f"{TEAM}members/teammate/role/"),
        lambda w, u: {"role": "manager"},
        other=404,
        owner=f"{TEAM}members/",
    ),
    "teams/<slug:slug>/members/<slug:handle>/remove/": person_post(
        fixed(f"{TEAM}members/teammate/remove/"),
        lambda w, u: {},
        other=404,
        owner=f"{TEAM}members/",
    ),
    "teams/<slug:slug>/invitations/<int:pk>/revoke/": person_post(
        lambda w: f"{TEAM}invitations/{w.invitation.pk}/revoke/",
        lambda w, u: {},
        other=404,
        owner=f"{TEAM}members/",
    ),
    "teams/<slug:slug>/track/": person_post(
        fixed(f"{TEAM}track/"),
        lambda w, u: {"track": ""},
        other=404,
        owner=f"{TEAM}members/",
    ),
    "teams/<slug:slug>/cadence/": person_post(
        fixed(f"{TEAM}cadence/"),
        lambda w, u: {"checkin_weeks": "6"},
        other=404,
        owner=f"{TEAM}members/",
    ),
    "teams/<slug:slug>/sharing/": (
        person(fixed(f"{TEAM}sharing/"), lambda w: f"What I share with {TEAM_NAME}", other=404),
        person_post(fixed(f"{TEAM}sharing/"), lambda w, u: {}, other=404, owner=f"{TEAM}sharing/"),
    ),
    # The owner is the last admin, with a teammate: refused, back to the members.
    "teams/<slug:slug>/leave/": Case(
        "person", fixed(f"{TEAM}leave/"), LOGIN, 404, f"{TEAM}members/", "post"
    ),
    "api/v1/teams/": Case(
        "api-person",
        fixed("/api/v1/teams/"),
        401,
        method="post",
        data=lambda w, u: {"name": "Another team"},
        owner_changes=True,
    ),
    "api/v1/teams/<slug:slug>/invitations": Case(
        "api-person",
        fixed("/api/v1/teams/team-zq7x/invitations"),
        401,
        404,
        method="post",
        data=lambda w, u: {"email": "new@example.com", "role": "member"},
        owner_changes=True,
    ),
    "api/v1/teams/<slug:slug>/sharing": Case(
        "api-person",
        fixed("/api/v1/teams/team-zq7x/sharing"),
        401,
        404,
        method="put",
        data=lambda w, u: {
            "readiness": False,
            "progress": False,
            "checkins": False,
            "goals": False,
        },
        owner_changes=True,
    ),
    "api/v1/teams/<slug:slug>/members/": Case(
        "api-person",
        fixed("/api/v1/teams/team-zq7x/members/"),
        401,
        404,
        owner_sees=lambda w: w.level.key,
    ),
    "api/v1/teams/<slug:slug>/members/<handle>/progress": Case(
        "api-person",
        fixed("/api/v1/teams/team-zq7x/members/owner/progress"),
        401,
        404,
        owner_sees=lambda w: SKILL_SLUG,
    ),
    # Evidence and check-ins (tests/test_checkins.py tries the reviewer and team managers).
    "evidence/": (
        person(fixed("/evidence/"), lambda w: EVIDENCE),
        person_post(
            fixed("/evidence/"),
            lambda w, u: {"date": "2026-01-02", "kind": "win", "text": "Shipped it"},
            other="/evidence/",
            owner="/evidence/",
        ),
    ),
    "evidence/<int:pk>/delete/": person_post(
        lambda w: f"/evidence/{w.evidence.pk}/delete/",
        lambda w, u: {},
        other=404,
        owner="/evidence/",
    ),
    "checkins/": (
        person(fixed("/checkins/"), lambda w: w.level.key),
        person_post(
            fixed("/checkins/"),
            lambda w, u: {"level": w.level.pk},
            other="/checkins/",
            owner="/checkins/",
        ),
    ),
    "checkins/<int:pk>/": person(
        lambda w: f"/checkins/{w.checkin.pk}/", lambda w: CHECKIN_NOTE, other=404
    ),
    "checkins/<int:pk>/self/": person_post(
        lambda w: f"/checkins/{w.checkin.pk}/self/",
        lambda w, u: {f"value-skill:{SKILL_SLUG}": "4", "notes": "changed"},
        other=404,
        owner="/checkins/",
    ),
    "checkins/<int:pk>/reviewer/": person_post(
        lambda w: f"/checkins/{w.checkin.pk}/reviewer/",
        lambda w, u: {"reviewer": w.teammate.pk},
        other=404,
        owner="/checkins/",
    ),
    # The owner is the person, not the reviewer: the review is not theirs to write.
    "checkins/<int:pk>/review/": Case(
        "person",
        lambda w: f"/checkins/{w.checkin.pk}/review/",
        LOGIN,
        404,
        404,
        "post",
        lambda w, u: {f"value-skill:{SKILL_SLUG}": "4"},
    ),
    # Not yet discussed: closing is refused, with a message, and changes nothing.
    "checkins/<int:pk>/close/": Case(
        "person",
        lambda w: f"/checkins/{w.checkin.pk}/close/",
        LOGIN,
        404,
        422,
        "post",
        lambda w, u: {f"value-skill:{SKILL_SLUG}": "4"},
    ),
    "api/v1/me/checkins": Case(
        "api-person",
        fixed("/api/v1/me/checkins"),
        401,
        201,
        201,
        method="post",
        data=lambda w, u: {"level": w.level.key},
        owner_changes=True,
    ),
    "api/v1/me/checkins/<int:pk>/self": Case(
        "api-person",
        lambda w: f"/api/v1/me/checkins/{w.checkin.pk}/self",
        401,
        404,
        method="put",
        data=lambda w, u: {"ratings": [{"key": f"skill:{SKILL_SLUG}", "value": 4}]},
        owner_changes=True,
    ),
    "api/v1/me/checkins/<int:pk>/reviewer": Case(
        "api-person",
        lambda w: f"/api/v1/me/checkins/{w.checkin.pk}/reviewer",
        401,
        404,
        method="post",
        data=lambda w, u: {"handle": "teammate"},
        owner_changes=True,
    ),
    "api/v1/checkins/<int:pk>/review": Case(
        "api-person",
        lambda w: f"/api/v1/checkins/{w.checkin.pk}/review",
        401,
        404,
        404,
        method="put",
        data=lambda w, u: {"ratings": [{"key": f"skill:{SKILL_SLUG}", "value": 4}]},
    ),
    "api/v1/checkins/<int:pk>/close": Case(
        "api-person",
        lambda w: f"/api/v1/checkins/{w.checkin.pk}/close",
        401,
        404,
        422,
        method="post",
        data=lambda w, u: {"agreed": [{"key": f"skill:{SKILL_SLUG}", "value": 4}]},
    ),
    "api/v1/checkins/<int:pk>": Case(
        "api-person",
        lambda w: f"/api/v1/checkins/{w.checkin.pk}",
        401,
        404,
        owner_sees=lambda w: CHECKIN_NOTE,
    ),
    "api/v1/invitations/<token>/accept": Case(
        "api-person",
        lambda w: f"/api/v1/invitations/{w.used_invitation.token}/accept",
        401,
        404,
        404,
        method="post",
    ),
    "api/v1/me/pay": Case("api-person", fixed("/api/v1/me/pay"), 401, owner_sees=lambda w: OWN_PAY),
}


# The admin, by rule: staff only, whatever the page -------------------------------------

ADMIN = "admin/"


def admin_object_url(route: str, w: World) -> str:
    """A concrete admin URL: the model's first object (the owner's where there is one)."""
    if route == "admin/r/<path:content_type_id>/<path:object_id>/":
        return f"/admin/r/{ContentType.objects.get_for_model(Profile).pk}/{w.profile.pk}/"
    if route.startswith("admin/^"):  # an app's index
        return "/admin/accounts/"
    if route == "admin/(?P<url>.*)$":  # the catch-all
        return "/admin/no-such-page/"
    _admin, app_label, model_name, *_rest = route.split("/")
    model = apps.get_model(app_label, model_name)
    mine = model.objects.filter(pk=w.owner.pk) if model is get_user_model() else model.objects
    obj = mine.order_by("pk").first() or model.objects.order_by("pk").first()
    pk = str(obj.pk) if obj else "1"
    url = "/" + route.replace("<path:object_id>", pk).replace("<id>", pk)
    assert "<" not in url, f"{route}: the admin rule cannot fill this pattern in"
    return url


def admin_case(route: str) -> Case:
    if route == "admin/login/":  # the sign-in form itself: no data
        return Case("admin", fixed("/admin/login/"), staff=True)
    if route == "admin/logout/":
        return Case("admin", fixed("/admin/logout/"), "/admin/", "/admin/", "/admin/", staff=True)
    to_login = "/admin/login/?next="
    if "<" not in route and "(?P" not in route:
        url = fixed("/" + route)
    else:
        url = lambda w: admin_object_url(route, w)  # noqa: E731
    return Case("admin", url, to_login, to_login, to_login, staff=True)


# Collecting the patterns -----------------------------------------------------------------


def walk(patterns: list, prefix: str = "") -> Iterator[tuple[str, object]]:
    """(route, view) of every pattern, with the prefixes of the includes it is in."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern.callback


def routes(resolver: URLResolver | None = None) -> list[str]:
    """Every route once per view: django-ninja routes a path with several methods (GET and
    POST /api/v1/me/goals) to one view under one pattern per method, a single route here;
    two views under one route stay two (and fail the test below)."""
    found: list[str] = []
    seen: set[tuple[str, int]] = set()
    for route, view in walk((resolver or get_resolver()).url_patterns):
        key = (route, id(path_view_of(view)))
        if key not in seen:
            seen.add(key)
            found.append(route)
    return found


def path_view_of(view: object) -> object:
    """The django-ninja PathView behind a view (one per API path), else the view itself."""
    for cell in getattr(view, "__closure__", None) or ():
        if isinstance(cell.cell_contents, PathView):
            return cell.cell_contents
    return view


def cases_for(route: str) -> tuple[Case, ...]:
    """The table's entry for a route (or the admin rule); fails naming an unlisted one."""
    if route.startswith(ADMIN):
        return (admin_case(route),)
    entry = ACCESS.get(route)
    if entry is None:
        pytest.fail(
            f"The URL pattern {route!r} has no entry in ACCESS (tests/test_access_control.py): "
            "say who may see it and how to build its URL.",
            pytrace=False,
        )
    return entry if isinstance(entry, tuple) else (entry,)


ROUTES = routes()


def test_every_pattern_is_collected_once_and_every_entry_is_routed():
    assert len(ROUTES) == len(set(ROUTES)), "two patterns with one route"
    assert len([r for r in ROUTES if r.startswith(ADMIN)]) > 50  # every model's pages
    for expected in ("profile/", "api/v1/me/profile", "accounts/login/", "admin/login/"):
        assert expected in ROUTES
    stale = sorted(set(ACCESS) - set(ROUTES))
    assert not stale, f"ACCESS lists routes that no longer exist: {stale}"


def test_a_new_pattern_without_an_entry_fails_naming_it():
    def secret(request, pk):  # pragma: no cover - never requested
        raise AssertionError

    urlconf = [*get_resolver().url_patterns, path("secret/<int:pk>/", secret, name="secret")]
    found = routes(URLResolver(RegexPattern(r"^/"), urlconf))
    assert "secret/<int:pk>/" in found
    assert [r for r in found if not r.startswith(ADMIN) and r not in ACCESS] == ["secret/<int:pk>/"]
    with pytest.raises(pytest.fail.Exception, match=r"'secret/<int:pk>/' has no entry"):
        cases_for("secret/<int:pk>/")


# The test --------------------------------------------------------------------------------


def send(client: Client, case: Case, url: str, world: World, user):
    if case.method == "get":
        return client.get(url)
    data = case.data(world, user) if case.data else {}
    if case.kind.startswith("api"):
        return getattr(client, case.method)(url, json.dumps(data), content_type="application/json")
    return getattr(client, case.method)(url, data)


def check_status(response, expected: Expect, url: str, who: str) -> None:
    where = f"{who} {response.request['REQUEST_METHOD']} {url}"
    if expected == LOGIN:
        expected = "/accounts/login/?next=" + quote(url.split("?")[0])
    if isinstance(expected, str):
        assert response.status_code == 302, f"{where}: {response.status_code}, not a redirect"
        assert response["Location"].startswith(expected), f"{where}: to {response['Location']}"
    else:
        assert response.status_code == expected, f"{where}: {response.status_code}"


def body(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode(errors="replace")


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: "/" + r)
def test_access(route, world, db, client, request):
    owner_client, other_client = signed_in(world.owner), signed_in(world.other)
    for case in cases_for(route):
        url = case.url(world)
        owner = ("owner", owner_client, world.owner, case.owner)
        visitors = [
            ("anonymous", client, None, case.anon),
            ("other", other_client, world.other, case.other),
        ]
        if case.method == "get":  # the owner first: a cached copy must not reach the others
            visitors.insert(0, owner)
        else:  # the others first: the owner's data must still be as it was
            visitors.append(owner)
        if case.staff:
            visitors.append(("staff", request.getfixturevalue("staff_client"), None, None))

        for who, visitor, user, expected in visitors:
            before = owner_state(world)
            response = send(visitor, case, url, world, user)
            html = body(response)
            if who == "staff":  # the admin works for staff: no error, whatever the page
                assert response.status_code < 500, f"staff GET {url}: {response.status_code}"
                continue
            check_status(response, expected, url, who)
            if case.kind.startswith("api"):
                assert response["Content-Type"].startswith("application/json"), url
            if who == "owner":
                if case.owner_sees:
                    assert case.owner_sees(world) in html, f"the owner does not see it on {url}"
                changed = owner_state(world) != before
                assert changed == case.owner_changes, f"owner {case.method} {url}: {changed=}"
                continue
            for marker in PRIVATE_MARKERS:
                assert marker not in html, f"{who} {case.method.upper()} {url} shows {marker!r}"
            if case.owner_sees:
                assert case.owner_sees(world) not in html, f"{who} sees the owner's data on {url}"
            assert owner_state(world) == before, (
                f"{who} {case.method.upper()} {url} changed the owner's data"
            )
