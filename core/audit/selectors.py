"""Reads of the field history that record timelines share (the audit log page reads in core.auditlog)."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import FieldChange


def field_changes(*, entity: str, record_id: int) -> QuerySet[FieldChange]:
    """A record's field history, newest first. The caller has already checked that the record is visible."""
    return FieldChange.objects.filter(entity=entity, record_id=record_id).order_by("-created_at", "-id")
