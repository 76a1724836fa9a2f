"""Report pages: the pipeline report (the same selector as the API)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from core.customization.pipelines import active_pipelines, default_pipeline, get_pipeline

from .selectors import pipeline_report


@login_required
@require_safe
def pipeline(request: HttpRequest) -> HttpResponse:
    key = request.GET.get("pipeline")
    chosen = get_pipeline(key) if key else default_pipeline()
    if chosen is None:
        raise Http404
    return render(request, "reports/pipeline.html", {
        "report": pipeline_report(actor=request.user, pipeline=chosen), "pipelines": active_pipelines()})
