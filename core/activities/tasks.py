"""Background work of the activities app: thin wrappers that call services in each workspace's schema."""

from __future__ import annotations

import logging

from celery import shared_task
from django_tenants.utils import tenant_context

from tenants.models import Tenant, TenantStatus

from .services import task_send_due_reminders

logger = logging.getLogger("guanxi.activities")


@shared_task(name="activities.tasks.send_task_reminders_all", acks_late=True)
def send_task_reminders_all() -> int:
    """Beat, every minute: email the reminders that came due, one workspace at a time.

    Safe to run twice or concurrently (a redelivered message, an overlapping beat): each reminder is
    claimed by one UPDATE before its email is queued. A failing workspace is logged and skipped so the
    others still get their reminders. Cancelled workspaces get no email.
    """
    sent = 0
    for tenant in (Tenant.objects.filter(is_template=False).exclude(schema_name="public")
                   .exclude(status=TenantStatus.CANCELLED)):
        try:
            with tenant_context(tenant):
                sent += task_send_due_reminders()
        except Exception:
            logger.exception("task reminders failed in workspace %s", tenant.schema_name)
    return sent
