"""How activities and tasks leave the API: ids for links and people, times as ISO 8601 text in UTC.

The times are strings here (not datetimes left to the renderer) so the web, webhooks and exports that
reuse these functions all write the same text the API does.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from rest_framework import serializers

from core.access.policy import Access
from core.customization.records import custom_out

from .models import Activity, Task


def iso(value: dt.datetime | None) -> str | None:
    """ISO 8601 in UTC with a "Z", the same text DRF's encoder writes for the records' times."""
    if value is None:
        return None
    text = value.astimezone(dt.UTC).isoformat()
    return text.removesuffix("+00:00") + "Z"


def _links(record: Activity | Task) -> dict[str, int | None]:
    return {"account": record.account_id, "contact": record.contact_id, "deal": record.deal_id,
            "lead": record.lead_id, "ticket": record.ticket_id}


def activity_out(activity: Activity, access: Access) -> dict[str, Any]:
    return {
        "id": activity.pk, "version": activity.version,
        "kind": activity.kind,
        "subject": activity.subject,
        "body": activity.body,
        "occurred_at": iso(activity.occurred_at),
        "duration_minutes": activity.duration_minutes,
        "outcome": activity.outcome,
        "author": activity.author_id,
        **_links(activity),
        "custom": custom_out("activity", activity.custom, role=access.role or "", may_reveal=False),
        "created_at": iso(activity.created_at),
        "updated_at": iso(activity.updated_at),
    }


def task_out(task: Task, access: Access) -> dict[str, Any]:
    return {
        "id": task.pk, "version": task.version,
        "title": task.title,
        "description": task.description,
        "due_at": iso(task.due_at),
        "remind_at": iso(task.remind_at),
        "reminded_at": iso(task.reminded_at),
        "assignee": task.assignee_id,
        "done": task.done,
        "done_at": iso(task.done_at),
        **_links(task),
        "created_by": task.created_by_id,
        "created_at": iso(task.created_at),
        "updated_at": iso(task.updated_at),
    }


class _LinksOut(serializers.Serializer):
    account = serializers.IntegerField(allow_null=True)
    contact = serializers.IntegerField(allow_null=True)
    deal = serializers.IntegerField(allow_null=True)
    lead = serializers.IntegerField(allow_null=True)
    ticket = serializers.IntegerField(allow_null=True)


class ActivityOut(_LinksOut):
    """Documentation of the activity shape (the API builds it with `activity_out`)."""

    id = serializers.IntegerField()
    version = serializers.IntegerField(help_text="Raised by one on every change; the ETag of the record.")
    kind = serializers.ChoiceField(choices=Activity.Kind.choices)
    subject = serializers.CharField()
    body = serializers.CharField(allow_blank=True)
    occurred_at = serializers.DateTimeField()
    duration_minutes = serializers.IntegerField(allow_null=True)
    outcome = serializers.CharField(allow_blank=True)
    author = serializers.IntegerField(allow_null=True)
    custom = serializers.DictField(help_text="Custom field values by key.")
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class TaskOut(_LinksOut):
    """Documentation of the task shape (the API builds it with `task_out`)."""

    id = serializers.IntegerField()
    version = serializers.IntegerField(help_text="Raised by one on every change; the ETag of the record.")
    title = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    due_at = serializers.DateTimeField(allow_null=True)
    remind_at = serializers.DateTimeField(allow_null=True)
    reminded_at = serializers.DateTimeField(allow_null=True)
    assignee = serializers.IntegerField(allow_null=True)
    done = serializers.BooleanField()
    done_at = serializers.DateTimeField(allow_null=True)
    created_by = serializers.IntegerField(allow_null=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
