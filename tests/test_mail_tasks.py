"""All mail goes through a task (accounts/mail.py, accounts/tasks.py).

The suite's mailers are configured as in production (tests/conftest.py), delivering to
`mail.outbox`: every test that sends mail sends it through `send_email`. Here: what a
worker does with it when tasks wait in the database, and a mail server that is away.
"""

import smtplib
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives, send_mail
from django_tasks_db.models import DBTaskResult

from accounts.tasks import refused_for_good
from tests.helpers import free_port
from tests.task_support import run_worker


@pytest.mark.django_db
def test_a_password_reset_mail_waits_for_a_worker_then_arrives(queued_tasks, client, owner):
    response = client.post("/accounts/password/reset/", {"email": "owner@example.com"})

    assert response.status_code == 302  # answered before any mail server was asked
    assert mail.outbox == []
    task = DBTaskResult.objects.get()
    assert (task.task_path, task.status) == ("accounts.tasks.send_email", "READY")

    run_worker()

    (sent,) = mail.outbox
    assert sent.to == ["owner@example.com"]
    assert sent.subject.startswith("[Careerpath] ")
    assert "/accounts/password/reset/key/" in sent.body
    assert sent.sent_using == "delivery"
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


@pytest.mark.django_db
def test_a_message_arrives_as_it_was_written():
    message = EmailMultiAlternatives(
        subject="Your digest",
        body="Plain text",
        from_email="Careerpath <team@example.com>",
        to=["ada@example.com"],
        cc=["grace@example.com"],
        bcc=["audit@example.com"],
        reply_to=["help@example.com"],
        headers={"X-Digest": "weekly"},
    )
    message.attach_alternative("<p>Rich text</p>", "text/html")
    message.attach("progress.csv", "skill,status\nsql,done\n", "text/csv")
    message.attach("chart.png", b"\x89PNG\r\n\x1a\n\x00\xff", "image/png")

    assert message.send() == 1

    (sent,) = mail.outbox
    assert (sent.subject, sent.body, sent.from_email) == (
        "Your digest",
        "Plain text",
        "Careerpath <team@example.com>",
    )
    assert (sent.to, sent.cc, sent.bcc, sent.reply_to) == (
        ["ada@example.com"],
        ["grace@example.com"],
        ["audit@example.com"],
        ["help@example.com"],
    )
    assert sent.extra_headers == {"X-Digest": "weekly"}
    assert sent.alternatives == [("<p>Rich text</p>", "text/html")]
    assert [tuple(a) for a in sent.attachments] == [
        ("progress.csv", "skill,status\nsql,done\n", "text/csv"),
        ("chart.png", b"\x89PNG\r\n\x1a\n\x00\xff", "image/png"),
    ]


@pytest.mark.django_db
def test_a_message_with_a_bad_header_fails_where_it_is_sent(queued_tasks):
    message = EmailMultiAlternatives("Hi", "Body", to=["a@example.com"], headers={"Bcc": "x"})
    with pytest.raises(ValueError, match="Bcc is not a valid email header"):
        message.send()
    assert not DBTaskResult.objects.exists()


@pytest.mark.django_db
def test_a_mail_server_that_is_away_is_tried_again_later(queued_tasks, settings):
    settings.MAILERS = {
        **settings.MAILERS,
        "delivery": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": free_port(), "timeout": 2},
        },
    }
    send_mail("Hello", "Body", None, ["ada@example.com"])

    run_worker()

    failed, retry = DBTaskResult.objects.order_by("enqueued_at")
    assert failed.status == "FAILED" and "ConnectionRefusedError" in failed.traceback
    assert retry.status == "READY"
    assert retry.args_kwargs["kwargs"] == {"mailer": "delivery", "attempt": 2}
    assert retry.args_kwargs["args"] == failed.args_kwargs["args"]
    assert timedelta(seconds=9) < retry.run_after - failed.finished_at < timedelta(seconds=12)


def test_only_a_permanent_refusal_is_final():
    assert refused_for_good(smtplib.SMTPResponseException(550, b"no such mailbox"))
    assert refused_for_good(smtplib.SMTPRecipientsRefused({"a@example.com": (550, b"no")}))
    assert not refused_for_good(smtplib.SMTPResponseException(451, b"try again later"))
    assert not refused_for_good(smtplib.SMTPRecipientsRefused({"a@example.com": (452, b"full")}))
    assert not refused_for_good(smtplib.SMTPServerDisconnected("gone"))
    assert not refused_for_good(ConnectionRefusedError())
