"""List filters of the tickets API (django-filter); `breached` and `mine` work on the SQL annotations."""

from __future__ import annotations

import django_filters as filters
from django.db.models import Q, QuerySet

from core.api.filtering import FilterSet

from .models import Ticket


class TicketFilter(FilterSet):
    assignee = filters.NumberFilter(field_name="assignee_id")
    account = filters.NumberFilter(field_name="account_id")
    contact = filters.NumberFilter(field_name="contact_id")
    breached = filters.BooleanFilter(method="filter_breached", label="Response or resolution target missed")
    mine = filters.BooleanFilter(method="filter_mine", label="Assigned to me")
    created_after = filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="lt")

    class Meta:
        model = Ticket
        fields = ["status", "priority", "category", "channel"]

    def filter_breached(self, queryset: QuerySet[Ticket], name: str, value: bool) -> QuerySet[Ticket]:
        breached = Q(response_breached=True) | Q(resolution_breached=True)
        return queryset.filter(breached) if value else queryset.exclude(breached)

    def filter_mine(self, queryset: QuerySet[Ticket], name: str, value: bool) -> QuerySet[Ticket]:
        me = Q(assignee_id=self.request.user.pk)
        return queryset.filter(me) if value else queryset.exclude(me)
