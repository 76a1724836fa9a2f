"""Handing the outbox's events to each subscriber: in order, at least once, with retries and a record.

Per workspace one dispatcher runs at a time (a session advisory lock), so each subscriber sees that
workspace's events in order. Order is the writing transaction's id, then the event's id, and only
events of transactions that have ended are read (`txid` below the snapshot's xmin): an event whose
transaction commits late has a lower position than anything not yet read, so no event is ever
skipped, and a rolled-back one never existed.

Each subscriber keeps a cursor. A delivery runs in its own transaction (what a failing subscriber wrote
is rolled back with it); a failure stops that subscriber at the event — later events wait, keeping the
order — and is retried with exponential back-off; after MAX_ATTEMPTS the event is given up for that
subscriber (a DeliveryFailure with `given_up`) and the cursor moves on. Other subscribers are not held
up. A new subscriber starts at the newest event: it receives what happens from then on.

Fairness between workspaces: one run delivers at most `limit` events per subscriber and then queues
itself again behind every other workspace's dispatch task (core.events.tasks), so a workspace writing a
flood of events takes turns with the others instead of holding a worker.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
import traceback
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Min, Q
from django.utils import timezone

from .models import DeliveryFailure, DomainEvent, SubscriberCursor
from .subscribers import Subscriber, active_subscribers

logger = logging.getLogger("guanxi.events")

MAX_ATTEMPTS = 8
FIRST_RETRY = dt.timedelta(seconds=30)
LONGEST_RETRY = dt.timedelta(hours=2)
RETENTION = dt.timedelta(days=30)


@dataclass
class DispatchRun:
    delivered: int = 0
    failed: int = 0
    more: bool = False  # stopped at the limit with events left: run again
    busy: bool = False  # another dispatcher holds this workspace
    by_subscriber: dict[str, int] = field(default_factory=dict)


def _horizon() -> tuple[int, int | None]:
    """(xmin of the current snapshot, this transaction's id if it has one) — see the module docstring."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint, "
                       "pg_current_xact_id_if_assigned()::text::bigint")
        xmin, own = cursor.fetchone()
    return xmin, own


def _readable() -> Q:
    """Events of ended transactions — and the caller's own, when it dispatches inside its transaction."""
    xmin, own = _horizon()
    condition = Q(txid__lt=xmin)
    return condition | Q(txid=own) if own is not None else condition


def _lock_key() -> str:
    return f"guanxi-dispatch:{connection.schema_name}"


def _try_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(hashtext(%s))", [_lock_key()])
        return bool(cursor.fetchone()[0])


def _unlock() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_unlock(hashtext(%s))", [_lock_key()])


def _head(readable: Q) -> tuple[int, int]:
    last = DomainEvent.objects.filter(readable).order_by("-txid", "-id").values_list("txid", "id").first()
    return last or (0, 0)


def _after(cursor: SubscriberCursor) -> Q:
    return Q(txid__gt=cursor.txid) | Q(txid=cursor.txid, id__gt=cursor.event_pk)


def start_subscriber(name: str) -> SubscriberCursor:
    """Start subscriber `name` at the newest event (it receives what happens from now on), unless started.

    Called when a subscriber becomes active (a plugin enabled in a workspace), in that transaction.
    """
    txid, event_pk = _head(_readable())
    cursor, _created = SubscriberCursor.objects.get_or_create(subscriber=name,
                                                              defaults={"txid": txid, "event_pk": event_pk})
    return cursor


def stop_subscriber(name: str) -> None:
    """Forget subscriber `name`'s place: enabled again later, it starts anew at the newest event."""
    SubscriberCursor.objects.filter(subscriber=name).delete()


def _cursor_for(subscriber: Subscriber, readable: Q) -> SubscriberCursor:
    cursor = SubscriberCursor.objects.filter(subscriber=subscriber.name).first()
    if cursor is None:
        txid, event_pk = _head(readable)
        cursor, _created = SubscriberCursor.objects.get_or_create(
            subscriber=subscriber.name, defaults={"txid": txid, "event_pk": event_pk})
    return cursor


def retry_delay(failures: int) -> dt.timedelta:
    """30 s, 1 min, 2 min … doubling, at most two hours."""
    return min(FIRST_RETRY * (2 ** max(failures - 1, 0)), LONGEST_RETRY)


def _deliver_one(subscriber: Subscriber, event: DomainEvent, cursor: SubscriberCursor) -> str | None:
    """None when delivered; the error text when the subscriber raised (its writes rolled back).

    The time it took and a failure are counted on the cursor (per subscriber and workspace, for ops).
    """
    started = time.perf_counter()
    try:
        with transaction.atomic():
            subscriber.deliver(event)
    except Exception as error:  # a subscriber's failure is recorded, never raised into the dispatcher
        cursor.failed += 1
        logger.warning("event delivery failed", extra={"subscriber": subscriber.name, "event": str(event.event_id),
                                                       "event_type": event.type})
        return "".join(traceback.format_exception_only(type(error), error)).strip()[:2000] or type(error).__name__
    finally:
        cursor.duration_ms += (time.perf_counter() - started) * 1000
    return None


def _serve(subscriber: Subscriber, readable: Q, limit: int, run: DispatchRun) -> None:
    cursor = _cursor_for(subscriber, readable)
    now = timezone.now()
    if cursor.retry_at is not None and cursor.retry_at > now:
        return
    events = list(DomainEvent.objects.filter(readable).filter(_after(cursor)).order_by("txid", "id")[:limit + 1])
    if len(events) > limit:
        events, run.more = events[:limit], True
    delivered = 0
    for event in events:
        if subscriber.wants(event.type):
            error = _deliver_one(subscriber, event, cursor)
            if error is not None:
                cursor.failures += 1
                given_up = cursor.failures >= MAX_ATTEMPTS
                DeliveryFailure.objects.create(event=event, subscriber=subscriber.name, attempt=cursor.failures,
                                               error=error, given_up=given_up)
                run.failed += 1
                cursor.last_error = error
                if not given_up:
                    cursor.retry_at = timezone.now() + retry_delay(cursor.failures)
                    break
                logger.error("event given up", extra={"subscriber": subscriber.name, "event": str(event.event_id)})
            else:
                delivered += 1
        cursor.txid, cursor.event_pk = event.txid, event.pk  # delivered, skipped or given up: past it
        cursor.failures, cursor.retry_at = 0, None
    cursor.delivered += delivered
    cursor.save()
    run.delivered += delivered
    run.by_subscriber[subscriber.name] = run.by_subscriber.get(subscriber.name, 0) + delivered


_running = threading.local()
PASSES = 5


def dispatch(*, limit: int = 500) -> DispatchRun:
    """Deliver the current workspace's pending events to its active subscribers (one run, bounded).

    A run makes passes until one delivers nothing (events that deliveries wrote come in the next pass),
    at most PASSES; a dispatch started while this process already dispatches the workspace (a hook's
    own write, with eager tasks) returns at once — the running one picks its events up.
    """
    run = DispatchRun()
    schema = connection.schema_name
    running = getattr(_running, "schemas", set())
    if schema in running or not _try_lock():
        run.busy = schema not in running
        return run
    _running.schemas = running | {schema}
    try:
        subscribers = active_subscribers()
        SubscriberCursor.objects.exclude(subscriber__in=[s.name for s in subscribers]).delete()
        for _pass in range(PASSES):
            before = run.delivered + run.failed
            readable = _readable()
            for subscriber in subscribers:
                _serve(subscriber, readable, limit, run)
            if run.delivered + run.failed == before or run.more:
                break
    finally:
        _running.schemas = running
        _unlock()
    return run


def pending() -> bool:
    """Whether any active subscriber has an event to receive (its retry time reached or not)."""
    readable = _readable()
    for subscriber in active_subscribers():
        cursor = SubscriberCursor.objects.filter(subscriber=subscriber.name).first()
        if cursor is not None and DomainEvent.objects.filter(readable).filter(_after(cursor)).exists():
            return True
    return False


def lag() -> dt.timedelta | None:
    """The age of the oldest event some active subscriber has not received yet (None: nothing waits)."""
    oldest = None
    for subscriber in active_subscribers():
        cursor = SubscriberCursor.objects.filter(subscriber=subscriber.name).first()
        if cursor is None:
            continue
        first = DomainEvent.objects.filter(_after(cursor)).aggregate(first=Min("created_at"))["first"]
        if first is not None and (oldest is None or first < oldest):
            oldest = first
    return None if oldest is None else timezone.now() - oldest


def prune(*, older_than: dt.timedelta = RETENTION) -> int:
    """Delete events older than the retention period that every active subscriber has received."""
    cutoff = timezone.now() - older_than
    old = DomainEvent.objects.filter(created_at__lt=cutoff)
    for cursor in SubscriberCursor.objects.filter(subscriber__in=[s.name for s in active_subscribers()]):
        old = old.exclude(_after(cursor))
    deleted, _ = old.delete()
    return deleted
