"""The trail a change of records leaves: field history, an audit entry and a domain event, in one step.

The write path (core.writepath) calls `record_trail` for every save, delete, claim, merge…; bulk
changes that cannot load each record (a configuration change moving 100k deals, a merge moving an
account's tickets) call `record_trails`, which writes the same rows in a few INSERTs. Both run inside
the caller's transaction, the events too — into the outbox (core.events), whose dispatcher hands them
on after the commit — so a rolled-back change leaves no trail at all, and a committed one always has
its events. Values are masked here by the entity's sensitive fields
(core.entities.masking), so no caller can store a sensitive value in clear by forgetting to.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from core.audit.services import audit_record, audit_records, history_record, history_records, json_safe
from core.events.outbox import record_event, record_events

from .masking import masked_changes
from .registry import registry

Changes = Mapping[str, tuple[Any, Any]]


def masked(entity: str, changes: Changes) -> dict[str, tuple[Any, Any]]:
    """`changes` as every reader of the trail sees them: sensitive built-in values masked by their kind."""
    found = registry.find(entity)
    plain = {field: change for field, change in changes.items() if not field.startswith("custom.")}
    out = masked_changes(found.sensitive if found else {}, plain)
    # custom values arrive masked by their field type (core.customization.records.custom_history)
    out.update({field: change for field, change in changes.items() if field.startswith("custom.")})
    return out


def record_trail(*, actor: Any, entity: str, record_id: int, label: str, action: str, changes: Changes,
                 history: bool = True, notes: Changes | None = None, version: int | None = None) -> dict:
    """History (unless `history=False`), one audit entry and the event of one record's change.

    `notes` are facts of the change that are no field of the record (what a merge moved): they go into
    the audit entry, not into the field history; `version` is the record's version after the change. Returns the masked changes, which is what every reader
    of the trail sees.
    """
    masked_changes = masked(entity, changes)
    shown = {field.removesuffix("_id"): change for field, change in masked_changes.items()}
    if history and shown:
        history_record(actor=actor, entity=entity, record_id=record_id, changes=shown, record_version=version)
    shown = {**shown, **(notes or {})}
    audit_record(actor=actor, action=action, entity=entity, record_id=record_id, record_label=label,
                 fields=sorted(shown), changes=shown)
    event_type, payload, actor_id = _event(entity, record_id, action, masked_changes, actor)
    record_event(event_type, payload, actor_id=actor_id)
    return shown


def record_trails(*, actor: Any, entity: str, action: str, items: Iterable[tuple[int, str, Changes]],
                  history: bool = True) -> int:
    """`record_trail` for many records of one entity: a few INSERTs, one event per record."""
    rows = [(record_id, label, {field.removesuffix("_id"): change
                                for field, change in masked(entity, changes).items()})
            for record_id, label, changes in items]
    if not rows:
        return 0
    if history:
        history_records(actor=actor, entity=entity, items=[(record_id, changes) for record_id, _l, changes in rows])
    audit_records(actor=actor, action=action, entity=entity, items=rows)
    record_events(_event(entity, record_id, action, changes, actor) for record_id, _label, changes in rows)
    return len(rows)


def _event(entity: str, record_id: int, action: str, changes: Changes, actor: Any) -> tuple[str, dict, int | None]:
    """The outbox event of a change: `record.deleted`, or `record.saved` with the masked old and new values."""
    actor_id = getattr(actor, "pk", None)
    if action == "delete":
        return "record.deleted", {"entity": entity, "record_id": record_id, "actor_id": actor_id}, actor_id
    values = {field.removesuffix("_id"): [json_safe(old), json_safe(new)] for field, (old, new) in changes.items()}
    return "record.saved", {"entity": entity, "record_id": record_id, "action": action, "fields": sorted(values),
                            "changes": values, "actor_id": actor_id}, actor_id
