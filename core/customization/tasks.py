"""Background work of the workspace configuration (runs in the schema that queued it)."""

from __future__ import annotations

from celery import shared_task

from .indexes import sync_indexes


@shared_task(name="customization.tasks.sync_custom_field_indexes", acks_late=True)
def sync_custom_field_indexes() -> list[str]:
    """Build the expression indexes of `indexed` custom fields concurrently (idempotent)."""
    return sync_indexes()


@shared_task(name="customization.tasks.config_version_in_force")
def config_version_in_force() -> int:
    """The configuration version this worker applies in the schema that queued the task.

    Operators compare it with GET /api/v1/config to check that workers follow configuration changes.
    """
    from .current import current_version

    return current_version()
