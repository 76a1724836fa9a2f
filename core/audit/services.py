"""Writing the audit log and field history. Callers run these inside their own transaction, so an
entry exists exactly when the change it describes was committed.

Values are stored as JSON: `json_safe` turns Decimals into strings, dates into ISO 8601 and model
instances into their primary key. Sensitive values must arrive already masked: this module stores
what it is given.
"""

from __future__ import annotations

import datetime
import decimal
import uuid
from collections.abc import Iterable, Mapping
from enum import Enum
from typing import TYPE_CHECKING, Any, TypeAlias

from django.db import connection, models
from django.utils import timezone
from django.utils.functional import Promise

from guanxi.request_context import current_request_id

from .context import USER_AGENT_MAX, current_client
from .models import AuditAction, AuditEntry, FieldChange

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from core.users.models import User

Actor: TypeAlias = "User | AnonymousUser | None"
Changes: TypeAlias = "Mapping[str, tuple[Any, Any] | list[Any]]"

LABEL_MAX = 300
ACTOR_LABEL_MAX = 254


def json_safe(value: Any) -> Any:
    """A JSON-serialisable copy of `value` for the audit tables (recursing into lists and dicts)."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return value.total_seconds()
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, Enum):
        return json_safe(value.value)
    if isinstance(value, uuid.UUID | Promise):
        return str(value)
    if isinstance(value, Mapping):
        return {str(key): json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [json_safe(item) for item in value]
        return sorted(items, key=repr) if isinstance(value, set | frozenset) else items
    return str(value)


def diff_instances(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, tuple[Any, Any]]:
    """{field: (old, new)} for every field of `after` whose JSON-safe value differs from `before`'s.

    Fields only in `before` are not reported: callers pass the fields they wrote in `after`.
    """
    changes: dict[str, tuple[Any, Any]] = {}
    for field, new in after.items():
        old = before.get(field)
        if json_safe(old) != json_safe(new):
            changes[field] = (old, new)
    return changes


def _actor_parts(actor: Actor) -> tuple[User | None, str]:
    """(user or None, label). A task or an anonymous visitor has no user and an empty label."""
    if actor is None or not getattr(actor, "is_authenticated", False) or getattr(actor, "pk", None) is None:
        return None, ""
    return actor, (getattr(actor, "email", "") or str(actor))[:ACTOR_LABEL_MAX]


def _require_tenant_schema() -> None:
    # The audit tables exist in workspace schemas only; the public schema (provider staff) has none.
    if getattr(connection, "schema_name", "public") == "public":
        raise RuntimeError("The audit log lives in workspace schemas; the public schema has none.")


def audit_record(
    *,
    actor: Actor,
    action: str,
    entity: str = "",
    record: models.Model | None = None,
    record_id: int | None = None,
    record_label: str = "",
    fields: Iterable[str] = (),
    changes: Changes | None = None,
    actor_label: str = "",
) -> AuditEntry:
    """Append one entry to the audit log; IP, user agent and request id come from the request context.

    `record` fills `record_id` and `record_label` (its str) unless they are given. `actor_label` overrides
    the actor's email, e.g. the email typed into a failed login that matches no user.
    """
    _require_tenant_schema()
    action = str(action)  # a TextChoices member or its value
    if action not in AuditAction.values:
        raise ValueError(f"Unknown audit action {action!r}: add it to AuditAction first.")
    if record is not None:
        record_id = record.pk if record_id is None else record_id
        record_label = record_label or str(record)
    user, label = _actor_parts(actor)
    changes = changes or {}
    client = current_client()
    return AuditEntry.objects.create(
        actor=user,
        actor_label=(actor_label or label)[:ACTOR_LABEL_MAX],
        action=action,
        entity=entity,
        record_id=record_id,
        record_label=(record_label or "")[:LABEL_MAX],
        fields=sorted(set(fields) | set(changes)),
        changes={field: [json_safe(old), json_safe(new)] for field, (old, new) in changes.items()},
        ip=client.ip,
        user_agent=client.user_agent[:USER_AGENT_MAX],
        request_id=current_request_id(),
    )


def history_record(
    *, actor: Actor, entity: str, record_id: int, changes: Changes, record_version: int | None = None,
) -> list[FieldChange]:
    """Append one FieldChange per changed field (unchanged ones are skipped) in one INSERT."""
    _require_tenant_schema()
    user, label = _actor_parts(actor)
    request_id, now = current_request_id(), timezone.now()
    rows = []
    for field, (old, new) in changes.items():
        old_value, new_value = json_safe(old), json_safe(new)
        if old_value == new_value:
            continue
        rows.append(FieldChange(entity=entity, record_id=record_id, field=field, old_value=old_value,
                                new_value=new_value, actor=user, actor_label=label, request_id=request_id,
                                created_at=now, record_version=record_version))
    return FieldChange.objects.bulk_create(rows) if rows else []


def audit_records(
    *, actor: Actor, action: str, entity: str, items: Iterable[tuple[int, str, Changes]],
) -> list[AuditEntry]:
    """One audit entry per (record id, label, changes) in one INSERT: a bulk change audited row by row."""
    _require_tenant_schema()
    action = str(action)
    if action not in AuditAction.values:
        raise ValueError(f"Unknown audit action {action!r}: add it to AuditAction first.")
    user, label = _actor_parts(actor)
    client, request_id, now = current_client(), current_request_id(), timezone.now()
    rows = [AuditEntry(actor=user, actor_label=label, action=action, entity=entity, record_id=record_id,
                       record_label=(record_label or "")[:LABEL_MAX], fields=sorted(changes),
                       changes={field: [json_safe(old), json_safe(new)] for field, (old, new) in changes.items()},
                       ip=client.ip, user_agent=client.user_agent[:USER_AGENT_MAX], request_id=request_id,
                       created_at=now)
            for record_id, record_label, changes in items]
    return AuditEntry.objects.bulk_create(rows) if rows else []


def history_records(*, actor: Actor, entity: str, items: Iterable[tuple[int, Changes]]) -> list[FieldChange]:
    """`history_record` for many records in one INSERT."""
    _require_tenant_schema()
    user, label = _actor_parts(actor)
    request_id, now = current_request_id(), timezone.now()
    rows = [FieldChange(entity=entity, record_id=record_id, field=field, old_value=json_safe(old),
                        new_value=json_safe(new), actor=user, actor_label=label, request_id=request_id,
                        created_at=now)
            for record_id, changes in items for field, (old, new) in changes.items()
            if json_safe(old) != json_safe(new)]
    return FieldChange.objects.bulk_create(rows) if rows else []
