"""Account work done by background tasks: delivering mail (accounts/mail.py)."""

import smtplib
from typing import Any

from django.core.mail import mailers
from django.tasks import task

from accounts.mail import message_from_data
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
