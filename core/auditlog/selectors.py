"""Reads of the audit log for its page and API: who may read it, filters, the record types in it."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from core.audit.models import AuditEntry
from core.users.models import User
from core.users.roles import can_manage_users


@dataclass(frozen=True)
class AuditFilters:
    """Already-parsed filters; None (or "") means "not filtered"."""

    actor: int | None = None
    action: str = ""
    entity: str = ""
    record_id: int | None = None
    since: datetime.datetime | None = None
    until: datetime.datetime | None = None
    q: str = ""


def day_start(day: datetime.date) -> datetime.datetime:
    """Midnight of `day` in the active time zone (the user's), as an aware datetime."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def day_end(day: datetime.date) -> datetime.datetime:
    """The exclusive end of `day`: the next midnight, so "until 23 Nov" includes all of 23 Nov."""
    return day_start(day + datetime.timedelta(days=1))


def can_read_audit_log(actor: Any) -> bool:
    return bool(actor is not None and actor.is_authenticated and can_manage_users(actor.role))


def audit_entries(*, actor: User, filters: AuditFilters | Mapping[str, Any] | None = None) -> QuerySet[AuditEntry]:
    """The workspace's audit log, newest first, for admins and owners; everyone else gets nothing.

    `since` is inclusive and `until` exclusive, so consecutive ranges never count an entry twice.
    """
    if not can_read_audit_log(actor):
        return AuditEntry.objects.none()
    if filters is None:
        filters = AuditFilters()
    elif not isinstance(filters, AuditFilters):
        filters = AuditFilters(**{key: value for key, value in filters.items() if value not in (None, "")})
    qs = AuditEntry.objects.all()
    if filters.actor is not None:
        qs = qs.filter(actor_id=filters.actor)
    if filters.action:
        qs = qs.filter(action=filters.action)
    if filters.entity:
        qs = qs.filter(entity=filters.entity)
    if filters.record_id is not None:
        qs = qs.filter(record_id=filters.record_id)
    if filters.since is not None:
        qs = qs.filter(created_at__gte=filters.since)
    if filters.until is not None:
        qs = qs.filter(created_at__lt=filters.until)
    if filters.q:
        qs = qs.filter(Q(record_label__icontains=filters.q) | Q(actor_label__icontains=filters.q))
    return qs.order_by("-created_at", "-id")


def audit_entities() -> list[str]:
    """The entity names present in the log, for the admin page's filter menu."""
    return list(AuditEntry.objects.exclude(entity="").order_by("entity").values_list("entity", flat=True).distinct())
