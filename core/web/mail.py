"""Email leaves through a Celery task, so a slow SMTP server never slows a request."""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.base import BaseEmailBackend


class CeleryEmailBackend(BaseEmailBackend):
    """Queues each message; the task delivers it with the configured delivery backend."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        from .tasks import deliver_email

        for message in email_messages:
            deliver_email.delay(serialize(message))
        return len(email_messages)


def serialize(message: EmailMessage) -> dict:
    alternatives = [list(alt) for alt in getattr(message, "alternatives", [])]
    return {
        "subject": message.subject,
        "body": message.body,
        "from_email": message.from_email,
        "to": list(message.to),
        "cc": list(message.cc),
        "bcc": list(message.bcc),
        "reply_to": list(message.reply_to),
        "alternatives": alternatives,
    }


def deliver(payload: dict) -> int:
    from django.core.mail import EmailMultiAlternatives

    message = EmailMultiAlternatives(
        subject=payload["subject"],
        body=payload["body"],
        from_email=payload["from_email"],
        to=payload["to"],
        cc=payload["cc"],
        bcc=payload["bcc"],
        reply_to=payload["reply_to"],
        connection=get_connection(settings.GUANXI_DELIVERY_EMAIL_BACKEND),
    )
    for content, mimetype in payload["alternatives"]:
        message.attach_alternative(content, mimetype)
    return message.send()
