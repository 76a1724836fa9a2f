"""The pipeline report: one pipeline's deals by stage, in SQL over the reader's own scope.

Per stage: how many deals, their amounts per currency, the weighted amount (amount × probability),
the average days in the stage of open deals and how many are stale (longer than the stage's
`stale_after_days`). For the pipeline: the win rate (won of closed) and the average cycle of closed
deals (created → closed). A constant number of queries whatever the number of deals or stages.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count, DecimalField, ExpressionWrapper, F, Q, Sum
from django.db.models.functions import Now
from django.utils import timezone

from core.customization.pipelines import Pipeline
from core.records import selectors as records
from core.users.models import User

CENT = Decimal("0.01")
WEIGHTED = ExpressionWrapper(F("amount") * F("probability") / Decimal("100"),
                             output_field=DecimalField(max_digits=20, decimal_places=2))


def _days(value: dt.timedelta | None) -> float | None:
    return round(value.total_seconds() / 86400, 1) if value is not None else None


def pipeline_report(*, actor: User, pipeline: Pipeline, now: dt.datetime | None = None) -> dict[str, Any]:
    """The report of `pipeline` over the deals `actor` may see."""
    now = now or timezone.now()
    deals = records.deals(actor=actor).filter(pipeline=pipeline.key)
    by_stage = {row["stage"]: row for row in deals.order_by().values("stage").annotate(
        count=Count("pk"), avg_in_stage=Avg(Now() - F("stage_entered_at")))}
    money: dict[str, list[tuple[str, Decimal, Decimal]]] = defaultdict(list)
    for row in deals.order_by().values("stage", "currency").annotate(total=Sum("amount"), weighted=Sum(WEIGHTED)):
        weighted = (row["weighted"] or Decimal("0")).quantize(CENT)
        money[row["stage"]].append((row["currency"], row["total"] or Decimal("0"), weighted))
    stale_q = Q()
    for stage in pipeline.stages:
        if stage.stale_after_days and stage.kind == "open":
            stale_q |= Q(stage=stage.key, stage_entered_at__lt=now - dt.timedelta(days=stage.stale_after_days))
    stale = dict(deals.filter(stale_q).order_by().values_list("stage").annotate(n=Count("pk"))) if stale_q else {}
    closed = deals.filter(stage_kind__in=["won", "lost"]).order_by().aggregate(
        won=Count("pk", filter=Q(stage_kind="won")), lost=Count("pk", filter=Q(stage_kind="lost")),
        cycle=Avg(F("closed_at") - F("created_at")))
    stages = []
    for stage in pipeline.stages:
        row = by_stage.get(stage.key, {})
        stages.append({
            "stage": stage, "count": row.get("count", 0),
            "amounts": sorted(money.get(stage.key, [])),
            "avg_days_in_stage": _days(row.get("avg_in_stage")) if stage.kind == "open" else None,
            "stale": stale.get(stage.key, 0),
        })
    decided = closed["won"] + closed["lost"]
    return {
        "pipeline": pipeline, "stages": stages,
        "open_count": sum(s["count"] for s in stages if s["stage"].kind == "open"),
        "won": closed["won"], "lost": closed["lost"],
        "win_rate": round(100 * closed["won"] / decided, 1) if decided else None,
        "avg_cycle_days": _days(closed["cycle"]),
    }
