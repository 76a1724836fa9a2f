"""Background work of the public schema. Thin wrappers: the logic lives in services."""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import connection
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context

logger = logging.getLogger("guanxi.tenants")


@shared_task(name="tenants.tasks.send_workspace_list")
def send_workspace_list(email: str, language: str) -> int:
    from .services import workspaces_of

    tenants = workspaces_of(email)
    if not tenants:
        return 0
    with translation.override(language):
        body = render_to_string("tenants/email/workspace_list.txt", {
            "workspaces": [(tenant.name, tenant.url("/")) for tenant in tenants],
        })
        send_mail(_("Your Guanxi workspaces"), body, settings.DEFAULT_FROM_EMAIL, [email])
    return len(tenants)


@shared_task(name="tenants.tasks.record_schema")
def record_schema() -> str:
    """Returns the schema the task ran in: lets tests and `guanxi doctor` prove tenant routing."""
    return connection.schema_name


@shared_task(name="tenants.tasks.refresh_usage_all")
def refresh_usage_all() -> int:
    """Refresh the counts the ops console shows, one workspace at a time."""
    from core.users.models import User

    from .models import Tenant

    count = 0
    for tenant in Tenant.objects.filter(is_template=False).exclude(schema_name="public"):
        with schema_context(tenant.schema_name):
            usage = {"active_users": User.objects.filter(is_active=True).count(),
                     "users": User.objects.count()}
        Tenant.objects.filter(pk=tenant.pk).update(usage=usage, usage_refreshed_at=timezone.now())
        count += 1
    return count


def _each_workspace(work, *, skip: tuple[str, ...], what: str) -> int:
    """Run `work(tenant)` in every workspace schema but the ones in `skip` statuses; add up the counts.

    One failing workspace is logged and skipped, so the others still get their turn; the next tick
    retries it (every piece of periodic work is idempotent).
    """
    from django_tenants.utils import tenant_context

    from .models import Tenant

    done = 0
    for tenant in (Tenant.objects.filter(is_template=False).exclude(schema_name="public")
                   .exclude(status__in=skip)):
        try:
            with tenant_context(tenant):
                done += work(tenant)
        except Exception:
            logger.exception("%s failed in workspace %s", what, tenant.schema_name,
                             extra={"schema": tenant.schema_name})
    return done


@shared_task(name="tenants.tasks.send_task_reminders_all", acks_late=True)
def send_task_reminders_all() -> int:
    """Beat, every minute: email the reminders that came due, one workspace at a time.

    Safe to run twice or concurrently (a redelivered message, an overlapping beat): each reminder is
    claimed by one UPDATE before its email is queued. Cancelled workspaces get no email.
    """
    from core.activities.services import task_send_due_reminders

    from .models import TenantStatus

    return _each_workspace(lambda tenant: task_send_due_reminders(), skip=(TenantStatus.CANCELLED,),
                           what="task reminders")


@shared_task(name="tenants.tasks.notify_sla_breaches_all")
def notify_sla_breaches_all() -> int:
    """The SLA timer (beat, every minute): announce each newly breached ticket once, per workspace.

    Suspended and cancelled workspaces are skipped: nobody there can act on a reminder.
    """
    from core.service.services import ticket_breaches_notify

    from .models import TenantStatus

    return _each_workspace(lambda tenant: ticket_breaches_notify(workspace=tenant),
                           skip=(TenantStatus.SUSPENDED, TenantStatus.CANCELLED), what="SLA breach check")
