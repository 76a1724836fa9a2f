"""The Celery app. Tasks carry the tenant schema in a header and run inside that schema.

`tenant_schemas_celery` adds the header when a task is sent from inside a tenant's request and
switches the worker's connection to that schema before the task runs.
"""

from __future__ import annotations

import os

from celery.schedules import crontab
from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guanxi.settings")

app = CeleryApp("guanxi")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.update(
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    task_serializer="json",
    accept_content=["json"],
    broker_connection_retry_on_startup=True,
    beat_schedule={
        "refresh-tenant-usage": {
            "task": "tenants.tasks.refresh_usage_all",
            "schedule": crontab(minute="*/15"),
        },
        "send-task-reminders": {
            "task": "tenants.tasks.send_task_reminders_all",
            "schedule": crontab(minute="*"),
        },
        "notify-ticket-sla-breaches": {
            "task": "tenants.tasks.notify_sla_breaches_all",
            "schedule": crontab(minute="*"),
        },
    },
)
app.autodiscover_tasks()
