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
    """Where the activity views read and write (this app's selectors, services and output)."""

    entity = "activity"
    request: Request
    serializer_class = out.ActivityOut

    def scoped_queryset(self):
        return selectors.activities(actor=self.request.user)

    def out(self, record) -> dict:
        return out.activity_out(record, access_of(self.request.user))

    def create(self, data: dict):
        return services.activity_create(actor=self.request.user, data=data)

    def update(self, record, data: dict, version: int | None):
        return services.activity_update(actor=self.request.user, activity=record, data=data, version=version)

    def remove(self, record, version: int | None) -> None:
        services.activity_delete(actor=self.request.user, activity=record, version=version)


class TaskViews:
    """Where the task views read and write (this app's selectors, services and output)."""

    entity = "task"
    request: Request
    serializer_class = out.TaskOut

    def scoped_queryset(self):
        return selectors.tasks(actor=self.request.user)

    def out(self, record) -> dict:
        return out.task_out(record, access_of(self.request.user))

    def create(self, data: dict):
        return services.task_create(actor=self.request.user, data=data)

    def update(self, record, data: dict, version: int | None):
        return services.task_update(actor=self.request.user, task=record, data=data, version=version)

    def remove(self, record, version: int | None) -> None:
        services.task_delete(actor=self.request.user, task=record, version=version)


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
