"""Celery side of the dispatcher: one task per workspace, queued after each commit that wrote events."""

from __future__ import annotations

from celery import shared_task
from django.core.cache import cache
from django.db import connection

from . import dispatch as dispatcher

DEBOUNCE_SECONDS = 1  # commits within a second share one queued run


def dispatch_soon(schema: str | None = None) -> None:
    """Queue a dispatch of a workspace (the current one by default); at most one per second is queued,
    and a run drains everything pending, so commits in between lose nothing."""
    from django_tenants.utils import schema_context

    schema = schema or connection.schema_name
    if schema == "public" or not cache.add(f"guanxi:dispatch:{schema}", 1, timeout=DEBOUNCE_SECONDS):
        return
    with schema_context(schema):  # tenant-schemas-celery sends the task to run in this schema
        dispatch_events.apply_async()


@shared_task(name="events.tasks.dispatch_events", acks_late=True, ignore_result=True)
def dispatch_events(limit: int = 500) -> int:
    """Deliver this workspace's pending events (tenant-schemas-celery runs it in the workspace's schema).

    A run that stopped at its limit queues itself again — behind other workspaces' runs — so one busy
    workspace takes turns with the rest; a run that found another dispatcher busy comes back shortly.
    """
    run = dispatcher.dispatch(limit=limit)
    if run.more:
        dispatch_events.apply_async(kwargs={"limit": limit})
    elif run.busy:
        dispatch_events.apply_async(kwargs={"limit": limit}, countdown=2)
    return run.delivered
