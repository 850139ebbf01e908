"""Every change to a person's weekly-digest opt-in, the link that unsubscribes them, and
the claim that keeps a digest from going out twice in one week.

The digest itself (what it says, how it is sent) is composed above this app, where the
plan is (dashboard/digest.py); this module holds only the person's choice.

The unsubscribe link carries a token signed with the site's key for one person, with
no expiry: a digest read months later still unsubscribes in one click, signed in or
not. It can do nothing but unsubscribe that person.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.core import signing
from django.utils import timezone

from core.versions import bump, user_scope
from planning.models import DigestSubscription

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

UNSUBSCRIBE_SALT = "planning.digest.unsubscribe"


def is_subscribed(user_id: int) -> bool:
    """Whether this person asked for the weekly digest: one query."""
    return DigestSubscription.objects.subscribed().filter(user_id=user_id).exists()


def subscribe(user: AbstractBaseUser) -> None:
    """Opt in (again): the next weekly run sends the digest, unless one went out this week."""
    DigestSubscription.objects.update_or_create(user=user, defaults={"subscribed": True})


def unsubscribe(user_id: int) -> bool:
    """Opt out; False when the person was not subscribed (nothing to change)."""
    changed = DigestSubscription.objects.subscribed().filter(user_id=user_id)
    if not changed.update(subscribed=False):
        return False
    bump(user_scope(user_id))  # an UPDATE sends no post_save: the plan's switch follows
    return True


def unsubscribe_token(user: AbstractBaseUser) -> str:
    """The token of this person's unsubscribe link."""
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign(str(user.pk))


def user_id_of(token: str) -> int | None:
    """Whose unsubscribe link this is; None for a token not signed by us."""
    try:
        value = signing.Signer(salt=UNSUBSCRIBE_SALT).unsign(token)
    except signing.BadSignature:
        return None
    return int(value) if value.isdigit() else None


def week_start(now: datetime.datetime | None = None) -> datetime.datetime:
    """Monday 00:00 (in the site's time zone) of the week `now` falls in."""
    today = timezone.localdate(now or timezone.now())
    monday = today - datetime.timedelta(days=today.weekday())
    return timezone.make_aware(datetime.datetime.combine(monday, datetime.time.min))


def claim(subscription: DigestSubscription, now: datetime.datetime) -> bool:
    """Mark this week's digest as sent to this person, if nobody did yet: one UPDATE
    guarded by the week, so two runs at once (or a run repeated after a retry) send it
    once. Call it in the transaction that sends, so a failure to queue the mail undoes it."""
    due = DigestSubscription.objects.due(week_start(now)).filter(pk=subscription.pk)
    return bool(due.update(last_sent_at=now))
