"""What changed while a form was open: the rows a "someone else saved meanwhile" notice lists."""

from __future__ import annotations

from typing import Any

from core.access.people import user_names
from core.entities.registry import registry

from . import custom_view
from .history import changes_since


def _text(value: Any) -> str:
    if value in (None, "", [], {}):
        return "—"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


def conflict_rows(actor: Any, entity: str, record_id: int, version: int) -> list[dict[str, Any]]:
    """[{field, label, old, new, who, at}] of the changes after `version`, oldest first, readable by `actor`."""
    kind = registry.find(entity)
    if kind is None:
        return []
    changes = changes_since(actor=actor, entity=entity, record_id=record_id, version=version)
    names = user_names(actor, {row.actor_id for row in changes} | {
        value for row in changes if row.field == "owner" for value in (row.old_value, row.new_value)})
    rows = []
    for row in changes:
        if row.field.startswith("custom."):
            shown = custom_view.history_change(entity, row.field, row.old_value, row.new_value, actor, names)
            if shown is None:
                continue
            label, old, new = shown
        else:
            spec = kind.fields.get(row.field)
            label = str(spec.label) if spec else row.field
            if row.field == "owner":
                old, new = (names.get(v, "—") if v else "—" for v in (row.old_value, row.new_value))
            else:
                old, new = _text(row.old_value), _text(row.new_value)
        rows.append({"field": row.field, "label": label, "old": old, "new": new, "at": row.created_at,
                     "who": names.get(row.actor_id) or row.actor_label or "—"})
    return rows
