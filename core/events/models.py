"""The outbox: every domain event, written in the transaction of the change it describes.

A rolled-back change leaves no event; a committed one always has its events, whatever happens to the
process after the commit. The dispatcher (core.events.dispatch) hands them to each subscriber in
order, at least once, and remembers per subscriber how far it got (SubscriberCursor).
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone


class CurrentTransactionId(models.Func):
    """`pg_current_xact_id()` as a bigint: the id of the writing transaction, the outbox's order key."""

    template = "pg_current_xact_id()::text::bigint"
    output_field = models.BigIntegerField()
    allowed_default = True


class DomainEvent(models.Model):
    """One domain event: its type, payload version, payload, and the transaction that wrote it.

    `txid` (set by the database) orders events without gaps: the dispatcher reads only events of
    transactions that have ended, so an event committed late can never fall behind a cursor.
    """

    event_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False,
                                help_text="The stable id subscribers deduplicate on.")
    type = models.CharField(max_length=60)
    version = models.PositiveSmallIntegerField(default=1)
    payload = models.JSONField(default=dict)
    actor_id = models.BigIntegerField(null=True, blank=True)
    txid = models.BigIntegerField(db_default=CurrentTransactionId(), editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["txid", "id"]
        indexes = [models.Index(fields=["txid", "id"], name="domain_event_order"),
                   models.Index(fields=["created_at"], name="domain_event_created")]

    def __str__(self) -> str:
        return f"{self.type}#{self.pk}"


class SubscriberCursor(models.Model):
    """How far one subscriber got through the outbox, and its retry state on the event it stopped at."""

    subscriber = models.CharField(max_length=120, unique=True)
    txid = models.BigIntegerField(default=0)
    event_pk = models.BigIntegerField(default=0)
    failures = models.PositiveIntegerField(default=0, help_text="Failed attempts on the next event.")
    retry_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    delivered = models.PositiveBigIntegerField(default=0)
    failed = models.PositiveBigIntegerField(default=0, help_text="Failed attempts, all events.")
    duration_ms = models.FloatField(default=0, help_text="Time spent delivering, all events (ms).")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.subscriber}@{self.txid}/{self.event_pk}"


class DeliveryFailure(models.Model):
    """A delivery that failed: retried with back-off, and given up after the last attempt."""

    event = models.ForeignKey(DomainEvent, on_delete=models.CASCADE, related_name="failures")
    subscriber = models.CharField(max_length=120)
    attempt = models.PositiveIntegerField()
    error = models.TextField()
    given_up = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["subscriber", "created_at"], name="delivery_failure_subscriber")]

    def __str__(self) -> str:
        return f"{self.subscriber}: {self.event_id} #{self.attempt}"
