"""Background work of the service desk: thin wrappers that call services in each workspace's schema."""

from __future__ import annotations

import logging

from celery import shared_task
from django_tenants.utils import tenant_context

from .services import ticket_breaches_notify

logger = logging.getLogger("guanxi.service")


@shared_task(name="service.tasks.notify_sla_breaches_all")
def notify_sla_breaches_all() -> int:
    """The SLA timer (Celery beat, every minute): announce each newly breached ticket once, per workspace.

    Suspended and cancelled workspaces are skipped: nobody there can act on a reminder. One workspace
    failing is logged and does not stop the others; the next run retries it (the marks are idempotent).
    """
    from tenants.models import Tenant, TenantStatus

    count = 0
    workspaces = (Tenant.objects.filter(is_template=False).exclude(schema_name="public")
                  .exclude(status__in=[TenantStatus.SUSPENDED, TenantStatus.CANCELLED]))
    for tenant in workspaces:
        try:
            with tenant_context(tenant):
                count += ticket_breaches_notify(workspace=tenant)
        except Exception:
            logger.exception("SLA breach check failed", extra={"schema": tenant.schema_name})
    return count
