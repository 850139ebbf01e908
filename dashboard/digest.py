"""The weekly digest: what changed last week, what is next, how my goals stand.

A person opts in on their plan page (planning.digests holds the choice); `manage.py
send_digests` (scheduled weekly, careerpath/schedule.py) sends each of them one email a
week. "Last week" is the seven days, Monday to Sunday, before the week the command runs
in. What is next is the plan's first steps (dashboard/plan.py), and the goals are the
plan's, with the same forecast: the digest says nothing the plan page would not.

Mail goes out as all mail does (accounts/mail.py): each message becomes a task, queued
in the transaction that marks the week's digest as sent, so a digest that could not be
queued is not marked, and one that was is never sent twice (planning.digests.claim).

A digest costs a fixed number of queries, whatever the person's events, skills and goals
(`digest_for`): the profile, last week's changes, and the plan's.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.language import speaking_to
from accounts.models import Profile
from dashboard.plan import Plan, plan_for
from dashboard.readiness import proficiency_label
from dashboard.views import my_profile
from planning.digests import claim, unsubscribe_token, week_start
from planning.models import DigestQuerySet, DigestSubscription
from skills.models import Skill
from tracking.models import ProgressEvent, Status

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

STEPS_SHOWN = 3
CHANGES_SHOWN = 10


@dataclass(frozen=True)
class ChangedSkill:
    """A skill changed last week, as it stood at the week's end."""

    skill: Skill
    status: str
    proficiency: int

    @property
    def status_label(self) -> str:
        return str(Status(self.status).label)

    @property
    def proficiency_label(self) -> str:
        return proficiency_label(self.proficiency)


@dataclass
class Digest:
    user: AbstractBaseUser
    profile: Profile
    week: datetime.date  # the Monday that began last week
    plan: Plan
    changes: int = 0  # every change of status or proficiency last week
    changed: list[ChangedSkill] = field(default_factory=list)  # one per skill, newest first

    @property
    def week_end(self) -> datetime.date:
        return self.week + datetime.timedelta(days=6)

    @property
    def changed_shown(self) -> list[ChangedSkill]:
        return self.changed[:CHANGES_SHOWN]

    @property
    def changed_more(self) -> int:
        return max(len(self.changed) - CHANGES_SHOWN, 0)

    @property
    def done(self) -> int:
        return sum(1 for c in self.changed if c.status == Status.DONE)


def last_week(now: datetime.datetime) -> tuple[datetime.datetime, datetime.datetime]:
    """From the Monday before this week's to this week's, 00:00 in the site's time zone."""
    end = week_start(now)
    start = timezone.make_aware(
        datetime.datetime.combine(
            timezone.localdate(end) - datetime.timedelta(weeks=1), datetime.time.min
        )
    )
    return start, end


def week_changes(
    user: AbstractBaseUser, start: datetime.datetime, end: datetime.datetime
) -> tuple[int, list[ChangedSkill]]:
    """How many changes this person made from `start` to `end`, and each skill they
    changed as it stood after its last change then: one query."""
    events = (
        ProgressEvent.objects.for_user(user)
        .filter(created_at__gte=start, created_at__lt=end)
        .select_related("skill")
        .order_by("-created_at", "-id")
    )
    count = 0
    latest: dict[int, ChangedSkill] = {}
    for event in events:
        count += 1
        if event.skill_id not in latest:
            latest[event.skill_id] = ChangedSkill(
                event.skill, event.to_status, event.to_proficiency
            )
    return count, list(latest.values())


def digest_for(user: AbstractBaseUser, now: datetime.datetime | None = None) -> Digest:
    """This person's digest for the week before `now`'s."""
    now = now or timezone.now()
    start, end = last_week(now)
    profile = my_profile(user)
    plan = plan_for(user, profile, limit=STEPS_SHOWN, today=timezone.localdate(now))
    count, changed = week_changes(user, start, end)
    return Digest(user, profile, timezone.localdate(start), plan, count, changed)


def site_link(path: str) -> str:
    """An absolute link to `path` on this site (SITE_URL: mail has no request)."""
    return settings.SITE_URL.rstrip("/") + path


def unsubscribe_link(user: AbstractBaseUser) -> str:
    return site_link(reverse("dashboard:unsubscribe", args=[unsubscribe_token(user)]))


def message(digest: Digest) -> EmailMultiAlternatives:
    """The digest as an email, plain text and HTML, with a one-click unsubscribe
    (RFC 8058: List-Unsubscribe and List-Unsubscribe-Post)."""
    unsubscribe = unsubscribe_link(digest.user)
    context = {
        "digest": digest,
        "name": digest.profile.name,
        "plan_url": site_link(reverse("dashboard:plan")),
        "roadmaps_url": site_link(reverse("skills:roadmap_list")),
        "site_url": site_link("/"),
        "unsubscribe_url": unsubscribe,
    }
    subject = render_to_string("dashboard/digest_subject.txt", context).strip()
    mail = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=render_to_string("dashboard/digest_email.txt", context),
        to=[digest.user.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    mail.attach_alternative(render_to_string("dashboard/digest_email.html", context), "text/html")
    return mail


def due(now: datetime.datetime) -> DigestQuerySet:
    """The subscriptions still owed this week's digest, with their people."""
    return DigestSubscription.objects.due(week_start(now)).select_related("user").order_by("pk")


def send_digest(subscription: DigestSubscription, now: datetime.datetime) -> bool:
    """Send this person this week's digest unless it went out already; whether it did."""
    with transaction.atomic():
        if not claim(subscription, now):
            return False
        with speaking_to(subscription.user):  # in their profile's language
            message(digest_for(subscription.user, now)).send()
    return True
