"""The weekly digest: opting in on the plan, what the email says, `send_digests` (only the
people who opted in, never twice in one week, --dry-run), and the one-click unsubscribe
link (signed, works signed out, GET confirms and POST unsubscribes, List-Unsubscribe).

The world is tests/test_plan.py's: Middle → Senior, Senior expects SQL ≥ practitioner
(20 h to working), Docker ≥ working (10 h) and Git ≥ working (no estimate); the person
is learning Docker (aware).
"""

from __future__ import annotations

import datetime
import json
import re
from io import StringIO

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from dashboard.digest import digest_for, message, send_digest
from planning.digests import (
    is_subscribed,
    subscribe,
    unsubscribe_token,
    user_id_of,
    week_start,
)
from planning.models import DigestSubscription, Goal
from tests import test_plan
from tests.conftest import PASSWORD
from tests.factories import UserFactory
from tests.test_plan import set_pace, text_of
from tracking.models import ProgressEvent, SkillProgress

pytestmark = pytest.mark.django_db

world = test_plan.world  # the fixtures of tests/test_plan.py
person = test_plan.person

PLAN = "/plan/"
SITE = "https://careers.example.com"
# A Wednesday: last week ran from Monday 23 to Sunday 29 November 2026.
NOW = timezone.make_aware(datetime.datetime(2026, 12, 2, 7, 0))


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE


def at(day: int, hour: int = 12, month: int = 11) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(2026, month, day, hour))


def event(user, skill, when, to_status, to_proficiency) -> ProgressEvent:
    return ProgressEvent.objects.create(
        user=user,
        skill=skill,
        created_at=when,
        from_status="not_started",
        to_status=to_status,
        from_proficiency=0,
        to_proficiency=to_proficiency,
    )


def unsubscribe_url(user) -> str:
    return f"/plan/digest/unsubscribe/{unsubscribe_token(user)}/"


# Opting in ----------------------------------------------------------------------------------


def test_the_plan_opts_in_and_out_with_a_form(person, owner_client, django_assert_max_num_queries):
    page = owner_client.get(PLAN)
    assert "Email me a weekly digest" in text_of(page)
    assert 'name="weekly_digest"' in page.content.decode()
    assert 'name="weekly_digest" checked' not in page.content.decode()

    # The session, the person, the opt-in written (with its savepoints) and the plan's
    # cache version: nothing that grows.
    with django_assert_max_num_queries(9):
        response = owner_client.post("/plan/digest/", {"weekly_digest": "on"})
    assert response.status_code == 302
    assert response["Location"] == "/plan/#digest-heading"
    assert is_subscribed(person.pk)
    page = owner_client.get(PLAN)  # the cached plan follows the choice
    assert "You will get the weekly digest, each Monday." in text_of(page)
    assert re.search(r'name="weekly_digest"[^>]* checked', page.content.decode())

    owner_client.post("/plan/digest/", {})  # the box unticked
    assert not is_subscribed(person.pk)
    assert DigestSubscription.objects.filter(user=person, subscribed=False).count() == 1
    page = owner_client.get(PLAN)
    assert "You will get no weekly digest." in text_of(page)
    assert not re.search(r'name="weekly_digest"[^>]* checked', page.content.decode())


def test_opting_in_needs_a_signed_in_person_and_the_csrf_token(person, owner):
    anonymous = Client()
    response = anonymous.post("/plan/digest/", {"weekly_digest": "on"})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(owner)
    assert strict.post("/plan/digest/", {"weekly_digest": "on"}).status_code == 403
    assert not DigestSubscription.objects.exists()


# What the email says ----------------------------------------------------------------------


def test_digest_says_what_changed_what_is_next_and_how_goals_stand(person, world):
    set_pace(person, 5)
    sql, docker, git = (world["skills"][s] for s in ("sql", "docker", "git"))
    event(person, docker, at(23), "learning", 1)  # Monday, first thing of the week
    event(person, git, at(25), "learning", 1)
    event(person, git, at(29, 23), "done", 2)  # Sunday evening: still last week
    event(person, sql, at(30, 9), "learning", 1)  # this week: not in the digest
    event(person, sql, at(22, 23), "learning", 1)  # the week before: neither
    SkillProgress.objects.record(person, git, {"status": "done", "proficiency": 2})
    ProgressEvent.objects.filter(created_at__gt=NOW).delete()  # record's own event: now
    Goal.objects.create(user=person, level=world["senior"], due=datetime.date(2027, 6, 30))
    Goal.objects.create(user=person, level=world["senior"], due=datetime.date(2026, 12, 20))
    UserFactory()  # someone else, with nothing of theirs in it

    digest = digest_for(person, NOW)
    assert digest.week == datetime.date(2026, 11, 23)
    assert digest.changes == 3
    assert [(c.skill.slug, c.status, c.proficiency) for c in digest.changed] == [
        ("git", "done", 2),
        ("docker", "learning", 1),
    ]
    email = message(digest)
    assert email.subject == "Your Careerpath week of November 23"
    assert email.to == ["owner@example.com"]
    body = email.body
    assert "Your week from November 23 to Nov. 29, 2026, and what comes next." in body
    assert "You made 3 changes." in body
    assert "- Git: done, at working" in body
    assert "- Docker: learning, at aware" in body
    # What is next: the plan's first steps, with their reasons.
    assert "Start SQL. Senior expects practitioner; you have not started it." in body
    assert "Continue Docker." in body
    assert "At 5 hours a week, Senior between" in body
    # The goals: the far one on track, the near one behind.
    assert "Senior by June 30, 2027: On track." in body
    assert "Senior by Dec. 20, 2026: Behind. At your pace, up to" in body
    assert f"Your plan: {SITE}/plan/" in body
    link = f"{SITE}{unsubscribe_url(person)}"
    assert f"Stop these emails: {link}" in body
    assert email.extra_headers["List-Unsubscribe"] == f"<{link}>"
    assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    [(html, mimetype)] = email.alternatives
    assert mimetype == "text/html"
    assert "<li>Git: done, at working</li>" in html
    assert f'href="{link}"' in html
    assert "Senior by June 30, 2027</strong>: On track." in html


def test_a_quiet_week_without_a_target_or_goals_says_so(owner, db):
    email = message(digest_for(owner, NOW))
    assert "No changes last week." in email.body
    assert "Choose a target level" in email.body
    assert "No goals yet." in email.body


def test_a_digest_reads_a_fixed_number_of_queries(person, world, django_assert_max_num_queries):
    def grow(n: int) -> None:
        for i in range(n):
            skill = world["skills"]["sql"].__class__.objects.create(
                slug=f"s{n}-{i}", name=f"Skill {n} {i}", effort_hours=4
            )
            event(person, skill, at(24), "learning", 1)
            goal = Goal.objects.create(user=person, due=datetime.date(2027, 1, 1))
            goal.skills.set([skill])

    grow(2)
    with django_assert_max_num_queries(14) as small:
        message(digest_for(person, NOW))
    grow(40)
    with django_assert_max_num_queries(len(small.captured_queries)):
        digest = digest_for(person, NOW)
        message(digest)
    assert digest.changes == 42 and len(digest.plan.goals) == 42
    assert digest.changed_more == 42 - 10
    assert "And 32 more skills." in message(digest).body


# Sending: only opted-in people, once a week -------------------------------------------------


def test_send_digests_mails_only_the_people_who_opted_in_once_a_week(person, db):
    subscribe(person)
    out = UserFactory(email="out@example.com")
    subscribe(out)
    DigestSubscription.objects.filter(user=out).update(subscribed=False)
    UserFactory(email="never@example.com")  # never chose
    inactive = UserFactory(email="gone@example.com", is_active=False)
    subscribe(inactive)
    blank = UserFactory(email="")
    subscribe(blank)

    dry = StringIO()
    call_command("send_digests", "--dry-run", stdout=dry)
    assert dry.getvalue().splitlines() == [
        "Dry run: 1 digest(s) to send this week.",
        "  owner@example.com",
    ]
    assert mail.outbox == []
    assert DigestSubscription.objects.get(user=person).last_sent_at is None

    out_text = StringIO()
    call_command("send_digests", stdout=out_text)
    assert out_text.getvalue().strip() == "Sent 1 digest(s)."
    assert [m.to for m in mail.outbox] == [["owner@example.com"]]
    sent_at = DigestSubscription.objects.get(user=person).last_sent_at
    assert sent_at is not None

    # Again the same week: nothing more, whatever runs it.
    call_command("send_digests", stdout=StringIO())
    subscription = DigestSubscription.objects.get(user=person)
    assert send_digest(subscription, timezone.now()) is False
    assert len(mail.outbox) == 1
    dry = StringIO()
    call_command("send_digests", "--dry-run", stdout=dry)
    assert dry.getvalue().strip() == "Dry run: 0 digest(s) to send this week."

    # Opting out and in again within the week does not send a second one.
    owner_client = Client()
    owner_client.force_login(person)
    owner_client.post("/plan/digest/", {})
    owner_client.post("/plan/digest/", {"weekly_digest": "on"})
    call_command("send_digests", stdout=StringIO())
    assert len(mail.outbox) == 1

    # The next week, it goes out again.
    next_week = week_start() + datetime.timedelta(weeks=1, hours=6)
    assert send_digest(DigestSubscription.objects.get(user=person), next_week) is True
    assert len(mail.outbox) == 2


def test_a_failure_to_queue_leaves_the_week_unsent(person, monkeypatch):
    subscribe(person)

    def broken(self, fail_silently=False):
        raise OSError("the task queue is down")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", broken)
    subscription = DigestSubscription.objects.get(user=person)
    with pytest.raises(OSError):
        send_digest(subscription, NOW)
    assert DigestSubscription.objects.get(user=person).last_sent_at is None


def test_one_failed_digest_does_not_stop_the_others(person, monkeypatch):
    subscribe(person)
    other = UserFactory(email="fine@example.com")
    subscribe(other)
    real = EmailMultiAlternatives.send

    def send(self, fail_silently=False):
        if self.to == ["owner@example.com"]:
            raise OSError("the task queue is down")
        return real(self, fail_silently)

    monkeypatch.setattr(EmailMultiAlternatives, "send", send)
    out = StringIO()
    with pytest.raises(CommandError, match=re.escape("1 digest(s) failed: owner@example.com")):
        call_command("send_digests", stdout=out)
    assert out.getvalue().strip() == "Sent 1 digest(s)."
    assert [m.to for m in mail.outbox] == [["fine@example.com"]]
    assert DigestSubscription.objects.get(user=person).last_sent_at is None  # next run
    assert DigestSubscription.objects.get(user=other).last_sent_at is not None


def test_send_digests_needs_the_site_address_only_when_someone_is_owed(person, settings):
    settings.SITE_URL = ""
    call_command("send_digests", stdout=StringIO())  # nobody opted in: nothing to link
    subscribe(person)
    with pytest.raises(CommandError, match="SITE_URL is not set"):
        call_command("send_digests", stdout=StringIO())
    assert mail.outbox == []
    assert DigestSubscription.objects.get(user=person).last_sent_at is None


def test_the_week_starts_on_monday_in_the_site_time_zone():
    assert week_start(NOW) == timezone.make_aware(datetime.datetime(2026, 11, 30))
    monday = timezone.make_aware(datetime.datetime(2026, 11, 30, 0, 0))
    assert week_start(monday) == monday
    assert week_start(monday - datetime.timedelta(seconds=1)) == timezone.make_aware(
        datetime.datetime(2026, 11, 23)
    )


# Unsubscribing by the link ------------------------------------------------------------------


def test_the_link_asks_first_then_unsubscribes_signed_out(person, django_assert_max_num_queries):
    subscribe(person)
    visitor = Client(enforce_csrf_checks=True)
    with django_assert_max_num_queries(1):
        page = visitor.get(unsubscribe_url(person))
    assert page.status_code == 200
    assert "Stop the weekly digest?" in text_of(page)
    assert "no-store" in page["Cache-Control"] and "private" in page["Cache-Control"]
    assert is_subscribed(person.pk)  # a GET (a mail scanner's) changes nothing
    with django_assert_max_num_queries(2):  # the update, and the plan's cache version
        response = visitor.post(unsubscribe_url(person))
    assert response.status_code == 200
    assert "You are unsubscribed" in text_of(response)
    assert "no-store" in response["Cache-Control"]
    assert not is_subscribed(person.pk)
    assert "This account gets no weekly digest" in text_of(visitor.get(unsubscribe_url(person)))
    assert visitor.post(unsubscribe_url(person)).status_code == 200  # again: still fine


def test_one_click_unsubscribe_from_a_mail_program(person):
    """RFC 8058: the mail program POSTs `List-Unsubscribe=One-Click`, with no cookie."""
    subscribe(person)
    other = UserFactory()
    subscribe(other)
    response = Client(enforce_csrf_checks=True).post(
        unsubscribe_url(person),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert not is_subscribed(person.pk)
    assert is_subscribed(other.pk)  # only the link's own person


@pytest.mark.parametrize(
    "token",
    ["1", "1:forged", "not-a-token", "x" * 300],
)
def test_a_token_we_did_not_sign_is_a_404_and_changes_nothing(person, token):
    subscribe(person)
    visitor = Client()
    assert visitor.get(f"/plan/digest/unsubscribe/{token}/").status_code == 404
    assert visitor.post(f"/plan/digest/unsubscribe/{token}/").status_code == 404
    assert is_subscribed(person.pk)


def test_the_token_names_its_person_and_no_one_else(person):
    token = unsubscribe_token(person)
    assert user_id_of(token) == person.pk
    assert user_id_of(token.replace(str(person.pk), str(person.pk + 1), 1)) is None


def test_the_export_has_the_choice_and_deletion_removes_it(person, owner_client):
    assert json.loads(owner_client.get("/me/export/").content)["weekly_digest"] is None
    subscribe(person)
    data = json.loads(owner_client.get("/me/export/").content)["weekly_digest"]
    assert data["subscribed"] is True and data["last_sent_at"] is None
    owner_client.post("/profile/delete/", {"password": PASSWORD})
    assert not DigestSubscription.objects.exists()
