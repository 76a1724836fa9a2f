"""The reports API: the pipeline report over the caller's scope."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from core.api.base import WorkspaceAPIView
from core.customization.pipelines import default_pipeline, get_pipeline

from .selectors import pipeline_report


@extend_schema(tags=["reports"], parameters=[OpenApiParameter("pipeline", str, description="Pipeline key; "
               "the default pipeline when absent.")], summary="One pipeline's deals by stage (your scope)")
class PipelineReportView(WorkspaceAPIView):
    def get(self, request: Request) -> Response:
        key = request.query_params.get("pipeline")
        pipeline = get_pipeline(key) if key else default_pipeline()
        if pipeline is None:
            raise Http404
        report = pipeline_report(actor=request.user, pipeline=pipeline)
        return Response({
            "pipeline": pipeline.key, "open_count": report["open_count"], "won": report["won"],
            "lost": report["lost"], "win_rate": report["win_rate"], "avg_cycle_days": report["avg_cycle_days"],
            "stages": [{
                "stage": row["stage"].key, "label": str(row["stage"].label), "kind": row["stage"].kind,
                "probability": row["stage"].probability, "count": row["count"],
                "amounts": [{"currency": c, "total": str(t), "weighted": str(w)} for c, t, w in row["amounts"]],
                "avg_days_in_stage": row["avg_days_in_stage"], "stale": row["stale"],
            } for row in report["stages"]],
        })
