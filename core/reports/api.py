"""The reports API: the pipeline report over the caller's scope."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from core.api.base import WorkspaceAPIView
from core.customization.pipelines import default_pipeline, get_pipeline

from .selectors import pipeline_report


class AmountOut(serializers.Serializer):
    currency = serializers.CharField()
    total = serializers.CharField(help_text="Decimal as a string.")
    weighted = serializers.CharField(help_text="total × the stage's probability, as a string.")


class StageReportOut(serializers.Serializer):
    stage = serializers.CharField()
    label = serializers.CharField()
    kind = serializers.CharField()
    probability = serializers.IntegerField()
    count = serializers.IntegerField()
    amounts = AmountOut(many=True)
    avg_days_in_stage = serializers.FloatField(allow_null=True)
    stale = serializers.IntegerField()


class PipelineReportOut(serializers.Serializer):
    pipeline = serializers.CharField()
    open_count = serializers.IntegerField()
    won = serializers.IntegerField()
    lost = serializers.IntegerField()
    win_rate = serializers.FloatField(allow_null=True, help_text="Percent of decided deals won.")
    avg_cycle_days = serializers.FloatField(allow_null=True)
    stages = StageReportOut(many=True)


@extend_schema(tags=["reports"], parameters=[OpenApiParameter("pipeline", str, description="Pipeline key; "
               "the default pipeline when absent.")], responses=PipelineReportOut,
               summary="One pipeline's deals by stage (your scope)")
class PipelineReportView(WorkspaceAPIView):
    error_statuses = (404,)  # an unknown pipeline key

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
