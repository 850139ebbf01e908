"""Account work done by background tasks: delivering mail (accounts/mail.py queues it).

A task's arguments are JSON: a message travels as `message_to_data` describes it and is
rebuilt by `message_from_data`, with its alternatives and attachments.
"""

import base64
import email
import email.policy
import smtplib
from email.message import Message
from typing import Any

from django.core.mail import EmailMessage, EmailMultiAlternatives, mailers
from django.tasks import task

from core.tasks import retry_later


@task
def send_email(message: dict[str, Any], mailer: str = "delivery", attempt: int = 1) -> int:
    """Deliver one message through `mailer`. A mail server that cannot be reached, or
    answers "try later" (4xx), is tried again with a back-off; a refusal (5xx) is final."""
    try:
        return mailers[mailer].send_messages([message_from_data(message)])
    except OSError as exc:  # smtplib's errors are OSErrors too
        if not refused_for_good(exc):
            retry_later(send_email, attempt, message, mailer=mailer)
        raise


def refused_for_good(exc: OSError) -> bool:
    """Whether the mail server refused the message permanently (a 5xx reply)."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _reply in exc.recipients.values())
    return isinstance(exc, smtplib.SMTPResponseException) and exc.smtp_code >= 500


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
