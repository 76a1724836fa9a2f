"""Background work of the public schema. Thin wrappers: the logic lives in services."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import connection
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context

from guanxi.mail import deliver


@shared_task(name="tenants.tasks.deliver_email", acks_late=True, autoretry_for=(OSError,),
             retry_backoff=True, max_retries=5)
def deliver_email(payload: dict) -> int:
    """Hand one serialized message to the delivery backend (console, SMTP…)."""
    return deliver(payload)


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
