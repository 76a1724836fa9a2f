"""Moving every deal of one stage to another at once: what a configuration change that removes a stage does.

Each moved deal gets what a move on the board gives it — a stage history row (DealStageChange), field
history of the stage and what it brings (pipeline, kind, probability, closed time), an audit entry
`stage_changed` and the events `guanxi_record_saved` and `guanxi_deal_stage_changed` — written in
bulk, a few statements per batch, so a change on a workspace with 100k deals takes seconds.
"""

from __future__ import annotations

from typing import Any

from django.db.models import F
from django.utils import timezone

from core.entities.trail import record_trails
from core.events.outbox import record_events

from .models import Deal, DealStageChange


def deals_move_stage(*, actor: Any, from_pipeline: str, from_stage: str, to_pipeline: str, stage: Any,
                     batch: int = 2000) -> int:
    """Move the deals in `from_pipeline.from_stage` to `stage` of `to_pipeline`; returns how many moved."""
    now = timezone.now()
    closing = stage.kind in ("won", "lost")
    total = 0
    while True:
        rows = list(Deal.objects.filter(pipeline=from_pipeline, stage=from_stage).order_by("pk")
                    .values_list("pk", "name", "stage_kind", "probability", "closed_at")[:batch])
        if not rows:
            return total
        ids = [row[0] for row in rows]
        Deal.objects.filter(pk__in=ids).update(
            pipeline=to_pipeline, stage=stage.key, stage_kind=stage.kind, probability=stage.probability,
            stage_entered_at=now, updated_at=now, version=F("version") + 1,
            **({} if closing else {"closed_at": None}))
        if closing:  # a deal that was already closed keeps its closing time
            Deal.objects.filter(pk__in=ids, closed_at__isnull=True).update(closed_at=now)
        DealStageChange.objects.bulk_create(
            [DealStageChange(deal_id=pk, from_stage=from_stage, to_stage=stage.key, actor=actor) for pk in ids])
        items = []
        for pk, name, kind, probability, closed_at in rows:
            changes: dict[str, tuple[Any, Any]] = {"stage": (from_stage, stage.key)}
            if to_pipeline != from_pipeline:
                changes["pipeline"] = (from_pipeline, to_pipeline)
            if kind != stage.kind:
                changes["stage_kind"] = (kind, stage.kind)
            if probability != stage.probability:
                changes["probability"] = (probability, stage.probability)
            if closing and closed_at is None:
                changes["closed_at"] = (None, now)
            elif not closing and closed_at is not None:
                changes["closed_at"] = (closed_at, None)
            items.append((pk, name, changes))
        record_trails(actor=actor, entity="deal", action="stage_changed", items=items)
        actor_id = getattr(actor, "pk", None)
        record_events(("deal.stage_changed", {"deal_id": pk, "from_stage": from_stage, "to_stage": stage.key,
                                              "actor_id": actor_id}, actor_id) for pk in ids)
        total += len(ids)
