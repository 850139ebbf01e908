"""Mail through a task: the mailer settings.MAILERS names `default` (accounts/tasks.py).

Everything that sends mail (allauth's confirmations and password resets, Django's
`send_mail` and `mail_admins`, digests) goes through the default mailer, so all of it
is queued: `TaskEmailBackend` turns each message into plain data and queues a task that
rebuilds it and delivers it through the `delivery` mailer (SMTP, or the console when
EMAIL_URL is unset). A slow or unreachable mail server holds up no request, and a
worker retries it with a back-off.
"""

import base64
import email
import email.policy
from collections.abc import Iterable
from email.message import Message
from typing import Any

from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.core.mail.backends.base import BaseEmailBackend


class TaskEmailBackend(BaseEmailBackend):
    """A mailer that sends nothing itself: each message becomes an `accounts.tasks.
    send_email` task, which delivers it through the mailer named in OPTIONS `mailer`."""

    def __init__(self, *, mailer: str = "delivery", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.mailer = mailer

    def send_messages(self, email_messages: Iterable[EmailMessage]) -> int:
        from accounts.tasks import send_email  # here: accounts.tasks imports this module

        queued = 0
        for message in email_messages:
            if not message.recipients():
                continue
            message.message()  # a bad header fails here, in the sender's code, not later
            send_email.enqueue(message_to_data(message), mailer=self.mailer)
            queued += 1
        return queued


def message_to_data(message: EmailMessage) -> dict[str, Any]:
    """A message as JSON-ready data (a task's arguments are JSON)."""
    return {
        "subject": str(message.subject),
        "body": str(message.body),
        "from_email": str(message.from_email),
        "to": [str(address) for address in message.to],
        "cc": [str(address) for address in message.cc],
        "bcc": [str(address) for address in message.bcc],
        "reply_to": [str(address) for address in message.reply_to],
        "headers": {str(name): str(value) for name, value in message.extra_headers.items()},
        "content_subtype": message.content_subtype,
        "alternatives": [
            [_content(content), str(mimetype)]
            for content, mimetype in getattr(message, "alternatives", [])
        ],
        "attachments": [_attachment(attachment) for attachment in message.attachments],
    }


def message_from_data(data: dict[str, Any]) -> EmailMultiAlternatives:
    """The message `message_to_data` described, rebuilt."""
    message = EmailMultiAlternatives(
        subject=data["subject"],
        body=data["body"],
        from_email=data["from_email"],
        to=data["to"],
        cc=data["cc"],
        bcc=data["bcc"],
        reply_to=data["reply_to"],
        headers=data["headers"],
    )
    message.content_subtype = data["content_subtype"]
    for content, mimetype in data["alternatives"]:
        message.attach_alternative(_uncontent(content), mimetype)
    for attachment in data["attachments"]:
        if "mime" in attachment:
            part = email.message_from_bytes(
                base64.b64decode(attachment["mime"]), policy=email.policy.default
            )
            message.attach(part)
        else:
            message.attach(
                attachment["filename"], _uncontent(attachment["content"]), attachment["mimetype"]
            )
    return message


def _content(content: str | bytes) -> dict[str, str]:
    if isinstance(content, bytes):
        return {"base64": base64.b64encode(content).decode("ascii")}
    return {"text": str(content)}


def _uncontent(content: dict[str, str]) -> str | bytes:
    return base64.b64decode(content["base64"]) if "base64" in content else content["text"]


def _attachment(attachment: Any) -> dict[str, Any]:
    if isinstance(attachment, Message):  # a MIME part, attached whole
        return {"mime": base64.b64encode(attachment.as_bytes()).decode("ascii")}
    filename, content, mimetype = attachment
    return {"filename": filename, "content": _content(content), "mimetype": mimetype}
