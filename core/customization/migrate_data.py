"""What an accepted configuration change does to stored records, inside the saving transaction.

Deals of removed stages move where the admin chose (each move a stage-history row and a field change);
values of a field whose type changed are converted (semantic validation proved that all of them
convert); values of a field that became sensitive are encrypted, and decrypted when it stops being.
Bulk statements in batches: a change on a workspace with 100k deals costs a few seconds, not a request
per deal.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from django.db import connection
from django.db.models.fields.json import KeyTransform

from core.audit.services import json_safe
from core.entities.registry import registry
from core.users.models import User

from .current import CompiledConfig

BATCH = 2000


def apply_data_changes(*, actor: User, previous: Mapping[str, Any], document: Mapping[str, Any],
                       moves: Mapping[str, str], compiled: CompiledConfig) -> int:
    """Apply the change to stored data; returns the number of deals moved."""
    moved = _move_deals(actor, document, moves, compiled)
    _rewrite_fields(previous, document, compiled)
    return moved


def _move_deals(actor: User, document: Mapping[str, Any], moves: Mapping[str, str], compiled: CompiledConfig) -> int:
    """Deals of removed stages go where the admin chose, each move with its stage history, audit entry and
    events, through the deal entity's own bulk move (core.records registers it)."""
    kept = {(p["key"], s["key"]) for p in document.get("pipelines") or [] for s in p.get("stages") or []}
    move_stage = registry.get("deal").stage_mover
    total = 0
    for source, target in moves.items():
        pipeline_key, stage_key = source.split(".", 1)
        if (pipeline_key, stage_key) in kept:
            continue  # nothing to move: the stage stays
        to_pipeline, to_stage = target.split(".", 1)
        total += move_stage(actor=actor, from_pipeline=pipeline_key, from_stage=stage_key, to_pipeline=to_pipeline,
                            stage=compiled.pipelines[to_pipeline].stage(to_stage), batch=BATCH)
    return total


def _rewrite_fields(previous: Mapping[str, Any], document: Mapping[str, Any], compiled: CompiledConfig) -> None:
    from .records import decrypt_value, encrypt_value
    from .semantic import entity_models

    for entity, model in entity_models().items():
        old_specs = {s["key"]: s for s in (previous.get("custom_fields") or {}).get(entity) or []}
        for spec in (document.get("custom_fields") or {}).get(entity) or []:
            old = old_specs.get(spec["key"])
            if old is None:
                continue
            type_changed = old.get("type") != spec.get("type")
            sensitivity_changed = bool(old.get("sensitive")) != bool(spec.get("sensitive"))
            if not (type_changed or sensitivity_changed):
                continue
            convert = compiled.fields(entity).converter(old, spec) if type_changed else None
            key = spec["key"]
            # only this key is read and written back: a record's whole `custom` is ~2 KB with 50 fields
            rows = (model.objects.filter(custom__has_key=key).order_by()
                    .values_list("pk", KeyTransform(key, "custom")))
            batch: list[tuple[int, Any]] = []
            for pk, stored in rows.iterator(chunk_size=BATCH):
                value = decrypt_value(stored)
                if convert is not None and value is not None:
                    value = json_safe(convert(value))
                batch.append((pk, encrypt_value(value) if spec.get("sensitive") and value is not None else value))
                if len(batch) >= BATCH:
                    _set_key(model, key, batch)
                    batch = []
            if batch:
                _set_key(model, key, batch)


def _set_key(model, key: str, batch: list[tuple[int, Any]]) -> None:
    """Set `custom -> key` of each (pk, value) in one statement joined on the ids.

    `bulk_update` would send the whole document of every row inside a CASE over all the batch's ids,
    which PostgreSQL evaluates row by row: 39 of the 50 s a type change took on 100k deals.
    """
    table, pk = connection.ops.quote_name(model._meta.db_table), connection.ops.quote_name(model._meta.pk.column)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} AS t SET custom = jsonb_set(t.custom, %s, v.value) "  # noqa: S608 (model names)
            f"FROM (SELECT unnest(%s::bigint[]) AS id, unnest(%s::jsonb[]) AS value) AS v WHERE t.{pk} = v.id",
            [[key], [row_pk for row_pk, _ in batch], [json.dumps(value) for _, value in batch]])
