"""How tickets leave the API: ISO 8601 times (UTC, as every other record) and the SLA state for countdowns."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from rest_framework import serializers
from rest_framework.utils.encoders import JSONEncoder

from core.access.policy import Access
from core.customization.records import custom_out

from .models import Ticket

_ENCODER = JSONEncoder()


def _iso(value: dt.datetime | None) -> str | None:
    """The same text DRF's JSON renderer gives every other datetime of the API."""
    return _ENCODER.default(value) if value is not None else None


def _minutes(remaining: dt.timedelta | None) -> int | None:
    """Whole minutes left, rounded down: negative once overdue, so a countdown never shows 0 too early."""
    return None if remaining is None else math.floor(remaining.total_seconds() / 60)


def ticket_out(ticket: Ticket, access: Access) -> dict[str, Any]:
    """A ticket read through core.service.selectors (it carries the SLA annotations of `with_sla`)."""
    return {
        "id": ticket.pk, "version": ticket.version,
        "account": ticket.account_id,
        "contact": ticket.contact_id,
        "subject": ticket.subject,
        "description": ticket.description,
        "category": ticket.category,
        "channel": ticket.channel,
        "priority": ticket.priority,
        "status": ticket.status,
        "assignee": ticket.assignee_id,
        "owner": ticket.owner_id,
        "resolution": ticket.resolution,
        "satisfaction": ticket.satisfaction,
        "satisfaction_comment": ticket.satisfaction_comment,
        "custom": custom_out("ticket", ticket.custom, role=access.role or "", may_reveal=False),
        "created_at": _iso(ticket.created_at),
        "updated_at": _iso(ticket.updated_at),
        "first_response_due_at": _iso(ticket.first_response_due_at),
        "resolution_due_at": _iso(ticket.resolution_due_at),
        "first_responded_at": _iso(ticket.first_responded_at),
        "resolved_at": _iso(ticket.resolved_at),
        "closed_at": _iso(ticket.closed_at),
        "follow_up_due_at": _iso(ticket.follow_up_due_at),
        "rated_at": _iso(ticket.rated_at),
        "response_breached": ticket.response_breached,
        "resolution_breached": ticket.resolution_breached,
        "minutes_to_response_due": _minutes(ticket.response_due_in),
    }


class TicketOut(serializers.Serializer):
    """Documentation of the ticket shape (the API builds it with `ticket_out`)."""

    id = serializers.IntegerField()
    version = serializers.IntegerField(help_text="Raised by one on every change; the ETag of the record.")
    account = serializers.IntegerField()
    contact = serializers.IntegerField(allow_null=True)
    subject = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    category = serializers.CharField(allow_blank=True)
    channel = serializers.ChoiceField(choices=Ticket.Channel.choices)
    priority = serializers.ChoiceField(choices=Ticket.Priority.choices)
    status = serializers.ChoiceField(choices=Ticket.Status.choices)
    assignee = serializers.IntegerField(allow_null=True)
    owner = serializers.IntegerField(allow_null=True)
    resolution = serializers.CharField(allow_blank=True)
    satisfaction_comment = serializers.CharField(allow_blank=True)
    custom = serializers.DictField(help_text="Custom field values by key.")
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    first_response_due_at = serializers.DateTimeField(allow_null=True)
    resolution_due_at = serializers.DateTimeField(allow_null=True)
    first_responded_at = serializers.DateTimeField(allow_null=True)
    resolved_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    follow_up_due_at = serializers.DateTimeField(allow_null=True)
    rated_at = serializers.DateTimeField(allow_null=True)
    response_breached = serializers.BooleanField(help_text="Answered late, or still unanswered after its due time.")
    resolution_breached = serializers.BooleanField(help_text="Resolved late, or still unresolved after its due time.")
    minutes_to_response_due = serializers.IntegerField(
        allow_null=True, help_text="Whole minutes until the first response is due (negative: overdue); "
                                   "null once answered or finished.")
    satisfaction = serializers.IntegerField(allow_null=True, min_value=1, max_value=5)
