"""Email delivery: the one task every message leaves through (core.web.mail queues it)."""

from __future__ import annotations

from celery import shared_task

from .mail import deliver


@shared_task(name="web.tasks.deliver_email", acks_late=True, autoretry_for=(OSError,),
             retry_backoff=True, max_retries=5)
def deliver_email(payload: dict) -> int:
    """Hand one serialized message to the delivery backend (console, SMTP…)."""
    return deliver(payload)
