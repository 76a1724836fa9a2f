"""The audit log API: read-only by construction (only `get` is defined, so every other method is 405)."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from core.api.base import ScopedGenericAPIView
from core.api.pagination import CursorPagination
from core.audit.models import AuditAction
from core.users.permissions import IsWorkspaceAdmin

from . import selectors


class AuditEntryOut(serializers.Serializer):
    id = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    actor = serializers.IntegerField(source="actor_id", allow_null=True)
    actor_label = serializers.CharField()
    action = serializers.CharField()
    action_label = serializers.CharField()
    entity = serializers.CharField()
    record_id = serializers.IntegerField(allow_null=True)
    record_label = serializers.CharField()
    fields = serializers.ListField(child=serializers.CharField())
    changes = serializers.DictField(help_text="{field: [old, new]}; sensitive values are masked.")
    ip = serializers.IPAddressField(allow_null=True)
    user_agent = serializers.CharField()
    request_id = serializers.CharField()


class MomentField(serializers.Field):
    """ISO 8601 date-time or date. A date means its midnight (user's time zone); `end_of_day` the next one."""

    default_error_messages = {"invalid": _("Use ISO 8601, like 2026-05-01 or 2026-05-01T09:30:00+08:00.")}

    def __init__(self, *, end_of_day: bool = False, **kwargs: Any):
        self.end_of_day = end_of_day
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> datetime.datetime:
        text = str(data).strip()
        try:
            day = parse_date(text) if len(text) == 10 else None
            moment = None if day else parse_datetime(text)
        except ValueError:
            day = moment = None
        if day is not None:
            return selectors.day_end(day) if self.end_of_day else selectors.day_start(day)
        if moment is None:
            self.fail("invalid")
        return moment if timezone.is_aware(moment) else timezone.make_aware(moment)

    def to_representation(self, value: datetime.datetime) -> str:
        return value.isoformat()


class AuditFiltersIn(serializers.Serializer):
    actor = serializers.IntegerField(required=False, min_value=1)
    action = serializers.ChoiceField(choices=AuditAction.choices, required=False)
    entity = serializers.CharField(required=False, max_length=50)
    record_id = serializers.IntegerField(required=False)
    since = MomentField(required=False)
    until = MomentField(required=False, end_of_day=True)
    q = serializers.CharField(required=False, max_length=200)


class AuditLogPagination(CursorPagination):
    ordering = ("-created_at", "-id")


_FILTER_PARAMETERS = [
    OpenApiParameter("actor", OpenApiTypes.INT, description="Id of the user who acted."),
    OpenApiParameter("action", OpenApiTypes.STR, enum=AuditAction.values),
    OpenApiParameter("entity", OpenApiTypes.STR, description="Kind of record, like `account` or `user`."),
    OpenApiParameter("record_id", OpenApiTypes.INT),
    OpenApiParameter("since", OpenApiTypes.STR, description="ISO 8601 date or date-time, inclusive."),
    OpenApiParameter("until", OpenApiTypes.STR,
                     description="ISO 8601 date-time (exclusive) or date (the whole day included)."),
    OpenApiParameter("q", OpenApiTypes.STR, description="Text in the record's name or the actor's email."),
]


class AuditLogView(ScopedGenericAPIView):
    """The workspace's audit log, for admins and owners. Nobody can change or delete it, here or anywhere."""

    serializer_class = AuditEntryOut
    permission_classes = [IsWorkspaceAdmin]
    pagination_class = AuditLogPagination

    def scoped_queryset(self):
        filters = AuditFiltersIn(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return selectors.audit_entries(actor=self.request.user,
                                       filters=selectors.AuditFilters(**filters.validated_data))

    @extend_schema(parameters=_FILTER_PARAMETERS, responses=AuditEntryOut(many=True),
                   summary="The audit log, newest first (admins and owners)")
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(AuditEntryOut(page, many=True).data)
