"""Mail through a task: the mailer settings.MAILERS names `default` (accounts/tasks.py).

Everything that sends mail (allauth's confirmations and password resets, Django's
`send_mail` and `mail_admins`, digests) goes through the default mailer, so all of it
is queued: `TaskEmailBackend` turns each message into plain data and queues a task that
rebuilds it and delivers it through the `delivery` mailer (SMTP, or the console when
EMAIL_URL is unset). A slow or unreachable mail server holds up no request, and a
worker retries it with a back-off.
"""

from collections.abc import Iterable
from typing import Any

from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend

from accounts.tasks import message_to_data, send_email


class TaskEmailBackend(BaseEmailBackend):
    """A mailer that sends nothing itself: each message becomes an `accounts.tasks.
    send_email` task, which delivers it through the mailer named in OPTIONS `mailer`."""

    def __init__(self, *, mailer: str = "delivery", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.mailer = mailer

    def send_messages(self, email_messages: Iterable[EmailMessage]) -> int:
        queued = 0
        for message in email_messages:
            if not message.recipients():
                continue
            message.message()  # a bad header fails here, in the sender's code, not later
            send_email.enqueue(message_to_data(message), mailer=self.mailer)
            queued += 1
        return queued
