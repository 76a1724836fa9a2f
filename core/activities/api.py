"""The activities and tasks API: the records API's list/detail views over this app's modules."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from core.access.scoping import access_of
from core.api.base import ScopedGenericAPIView
from core.entities.fields import input_serializer
from core.records.api import RecordDetailView, RecordListView

from . import filters, selectors, services
from . import serializers as out

ActivityIn = input_serializer("ActivityIn", services.ACTIVITY_FIELDS)
TaskIn = input_serializer("TaskIn", services.TASK_FIELDS)

class ActivityViews:
    """The modules the records views look names up in: activities(), activity_create(), activity_out()…"""

    entity = "activity"
    selectors_module = selectors
    services_module = services
    out_module = out
    serializer_class = out.ActivityOut

    def scoped_queryset(self) -> QuerySet:
        # the records views build the selector's name as entity + "s"; "activity" is irregular
        return selectors.activities(actor=self.request.user)


class TaskViews:
    """The same for tasks: tasks(), task_create(), task_out()…"""

    entity = "task"
    selectors_module = selectors
    services_module = services
    out_module = out
    serializer_class = out.TaskOut


@extend_schema(tags=["activities"], request=ActivityIn)
class ActivityListView(ActivityViews, RecordListView):
    filterset_class = filters.ActivityFilter
    ordering_fields = ["id", "occurred_at", "created_at", "updated_at"]
    ordering = ["-occurred_at", "-id"]


@extend_schema(tags=["activities"], request=ActivityIn)
class ActivityDetailView(ActivityViews, RecordDetailView):
    pass


@extend_schema(tags=["tasks"], request=TaskIn)
class TaskListView(TaskViews, RecordListView):
    filterset_class = filters.TaskFilter
    ordering_fields = ["id", "due_at", "created_at", "updated_at"]


@extend_schema(tags=["tasks"], request=TaskIn)
class TaskDetailView(TaskViews, RecordDetailView):
    pass


@extend_schema(tags=["tasks"], request=None, summary="Mark a task done")
class TaskCompleteView(ScopedGenericAPIView):
    """POST /tasks/{id}/complete: its own endpoint so a client can close a task without knowing its fields."""

    serializer_class = out.TaskOut

    def scoped_queryset(self) -> QuerySet:
        return selectors.tasks(actor=self.request.user)

    def post(self, request: Request, pk: int) -> Response:
        task = services.task_complete(actor=request.user, task=self.get_object())
        return Response(out.task_out(task, access_of(request.user)))
