"""What an accepted configuration change does to stored records, inside the saving transaction.

Deals of removed stages move where the admin chose (each move a stage-history row and a field change);
values of a field whose type changed are converted (semantic validation proved that all of them
convert); values of a field that became sensitive are encrypted, and decrypted when it stops being.
Bulk statements in batches: a change on a workspace with 100k deals costs a few seconds, not a request
per deal.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import Case, F, Value, When
from django.utils import timezone

from core.audit.models import FieldChange
from core.audit.services import json_safe
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
    from core.records.models import Deal, DealStageChange

    kept = {(p["key"], s["key"]) for p in document.get("pipelines") or [] for s in p.get("stages") or []}
    total = 0
    now = timezone.now()
    for source, target in moves.items():
        pipeline_key, stage_key = source.split(".", 1)
        if (pipeline_key, stage_key) in kept:
            continue  # nothing to move: the stage stays
        to_pipeline, to_stage = target.split(".", 1)
        stage = compiled.pipelines[to_pipeline].stage(to_stage)
        ids = list(Deal.objects.filter(pipeline=pipeline_key, stage=stage_key).values_list("pk", flat=True))
        for start in range(0, len(ids), BATCH):
            chunk = ids[start:start + BATCH]
            Deal.objects.filter(pk__in=chunk).update(
                pipeline=to_pipeline, stage=stage.key, stage_kind=stage.kind, probability=stage.probability,
                stage_entered_at=now, closed_at=Case(When(closed_at__isnull=False, then=F("closed_at")),
                                                     default=Value(now)) if stage.kind != "open" else None)
            DealStageChange.objects.bulk_create(
                [DealStageChange(deal_id=pk, from_stage=stage_key, to_stage=stage.key, actor=actor) for pk in chunk])
            FieldChange.objects.bulk_create([
                FieldChange(entity="deal", record_id=pk, field="stage", old_value=f"{pipeline_key}.{stage_key}",
                            new_value=f"{to_pipeline}.{stage.key}", actor=actor, actor_label=actor.email,
                            created_at=now) for pk in chunk])
        total += len(ids)
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
            rows = model.objects.filter(custom__has_key=key).values_list("pk", "custom")
            batch = []
            for pk, custom in rows.iterator(chunk_size=BATCH):
                value = decrypt_value(custom[key])
                if convert is not None and value is not None:
                    value = json_safe(convert(value))
                custom[key] = encrypt_value(value) if spec.get("sensitive") and value is not None else value
                batch.append(model(pk=pk, custom=custom))
                if len(batch) >= BATCH:
                    model.objects.bulk_update(batch, ["custom"])
                    batch = []
            if batch:
                model.objects.bulk_update(batch, ["custom"])
