"""Writing domain events into the outbox, inside the caller's transaction.

`record_event` adds one event, `record_events` many in one INSERT; both schedule the dispatcher to run
once the transaction commits (and never for a rollback, when the events are gone with it). The event
types and their payload versions are listed in EVENT_TYPES; each has a JSON Schema in
config_schemas/events/ (docs/events.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import connection, transaction

from .models import DomainEvent

# type -> payload version (raise the version when a payload changes incompatibly)
EVENT_TYPES: dict[str, int] = {
    "record.saved": 1,
    "record.deleted": 1,
    "deal.stage_changed": 1,
    "ticket.sla_breached": 1,
    "workspace.created": 1,
    "seats.changed": 1,
}


def _check(event_type: str) -> int:
    try:
        return EVENT_TYPES[event_type]
    except KeyError:
        raise ValueError(f"unknown event type {event_type!r}: add it to EVENT_TYPES and its schema") from None


def record_event(event_type: str, payload: Mapping[str, Any], *, actor_id: int | None = None) -> DomainEvent:
    """Add one event to the outbox of the current workspace schema, in the current transaction."""
    event = DomainEvent.objects.create(type=event_type, version=_check(event_type), payload=dict(payload),
                                       actor_id=actor_id)
    schedule_dispatch()
    return event


def record_events(items: Iterable[tuple[str, Mapping[str, Any], int | None]]) -> int:
    """Add many events (type, payload, actor id) in one INSERT; returns how many."""
    rows = [DomainEvent(type=event_type, version=_check(event_type), payload=dict(payload), actor_id=actor_id)
            for event_type, payload, actor_id in items]
    if not rows:
        return 0
    DomainEvent.objects.bulk_create(rows, batch_size=2000)
    schedule_dispatch()
    return len(rows)


class _DispatchAfterCommit:
    """The on-commit callback that queues a dispatch of one schema (one per schema and transaction)."""

    def __init__(self, schema: str):
        self.schema = schema

    def __call__(self) -> None:
        from .tasks import dispatch_soon

        dispatch_soon(self.schema)


def schedule_dispatch() -> None:
    """After the commit, ask a worker to dispatch the schema's events (never for a rollback).

    The schema is taken now: by the commit the connection may be back on another one (signup writes a
    new workspace's first event from inside the public schema's transaction). Many writes in one
    transaction each add a callback; they cost a cache lookup each, and one dispatch is queued
    (core.events.tasks.dispatch_soon debounces).
    """
    transaction.on_commit(_DispatchAfterCommit(connection.schema_name), robust=True)
