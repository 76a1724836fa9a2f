"""Pointing many rows at another record at once (a merge moves what hangs under the merged record).

Each moved row keeps a trail like any other change: a field history row, an audit entry and an
event, written in bulk (core.entities.trail.record_trails). Apps register their movers with
`registry.on_merge`, so the app that owns a record type never imports the apps that hang rows under it.
"""

from __future__ import annotations

from typing import Any

from django.db.models import F, Model, QuerySet
from django.utils import timezone

from core.entities.registry import registry
from core.entities.trail import record_trails


def relink(*, actor: Any, entity: str, queryset: QuerySet, field: str, to_record: Model | int) -> int:
    """Set `field` of every row of `queryset` (rows of `entity`) to `to_record`; returns how many moved."""
    model = queryset.model
    to_id = getattr(to_record, "pk", to_record)
    title = registry.get(entity).title_field if entity in registry else "pk"
    column = model._meta.get_field(field).attname
    rows = list(queryset.exclude(**{column: to_id}).values_list("pk", column, title))
    if not rows:
        return 0
    updates: dict[str, Any] = {column: to_id}
    names = {f.name for f in model._meta.concrete_fields}
    if "version" in names:
        updates["version"] = F("version") + 1
    if "updated_at" in names:
        updates["updated_at"] = timezone.now()
    model._base_manager.filter(pk__in=[pk for pk, _old, _label in rows]).update(**updates)
    return record_trails(actor=actor, entity=entity, action="update",
                         items=[(pk, str(label or f"#{pk}"), {field: (old, to_id)}) for pk, old, label in rows])
