"""This app's panels of the customer 360 view: the account's activities and its open tasks."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from core.overview.panels import OverviewContext, Panel, register

from . import selectors
from .models import Task
from .serializers import ActivityOut, TaskOut, activity_out, task_out

ACTIVITY_LIMIT = 50
TASK_LIMIT = 100


def _activities(ctx: OverviewContext) -> dict[str, Any]:
    return {"activities": selectors.account_timeline_activities(actor=ctx.actor, account=ctx.account,
                                                                limit=ACTIVITY_LIMIT, whole=ctx.whole)}


def _tasks(ctx: OverviewContext) -> dict[str, Any]:
    base = Task.objects.all() if ctx.whole else selectors.tasks(actor=ctx.actor)
    return {"tasks": list(base.filter(account=ctx.account, done=False).select_related("assignee")
                          .order_by("due_at", "id")[:TASK_LIMIT])}


def _activities_page(request: HttpRequest, ctx: OverviewContext) -> tuple[str, dict[str, Any]]:
    from .views import account_activities_context

    return "activities/_account_activities.html", account_activities_context(request, ctx)


def _tasks_page(request: HttpRequest, ctx: OverviewContext) -> tuple[str, dict[str, Any]]:
    from .views import account_tasks_context

    return "activities/_account_tasks.html", account_tasks_context(request, ctx)


def register_panels() -> None:
    register(Panel("activities", 40, load=_activities, page=_activities_page,
                   api=lambda ctx: {"activities": [activity_out(a, ctx.access) for a in ctx["activities"]]},
                   schema=lambda: {"activities": ActivityOut(many=True)}))
    register(Panel("tasks", 50, load=_tasks, page=_tasks_page,
                   api=lambda ctx: {"tasks": [task_out(t, ctx.access) for t in ctx["tasks"]]},
                   schema=lambda: {"tasks": TaskOut(many=True)}))
