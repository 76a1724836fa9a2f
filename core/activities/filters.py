"""List filters of the activities and tasks API (django-filter); they narrow the scoped queryset only."""

from __future__ import annotations

import django_filters as filters
from django.db.models import Q, QuerySet

from core.api.filtering import FilterSet

from .models import Activity, Task
from .selectors import overdue_q


class ActivityFilter(FilterSet):
    account = filters.NumberFilter(field_name="account_id")
    contact = filters.NumberFilter(field_name="contact_id")
    deal = filters.NumberFilter(field_name="deal_id")
    lead = filters.NumberFilter(field_name="lead_id")
    ticket = filters.NumberFilter(field_name="ticket_id")
    author = filters.NumberFilter(field_name="author_id")
    occurred_after = filters.IsoDateTimeFilter(field_name="occurred_at", lookup_expr="gte")
    occurred_before = filters.IsoDateTimeFilter(field_name="occurred_at", lookup_expr="lt")

    class Meta:
        model = Activity
        fields = ["kind"]


class TaskFilter(FilterSet):
    account = filters.NumberFilter(field_name="account_id")
    contact = filters.NumberFilter(field_name="contact_id")
    deal = filters.NumberFilter(field_name="deal_id")
    lead = filters.NumberFilter(field_name="lead_id")
    ticket = filters.NumberFilter(field_name="ticket_id")
    assignee = filters.NumberFilter(field_name="assignee_id")
    done = filters.BooleanFilter()
    overdue = filters.BooleanFilter(method="filter_overdue", help_text="Open and past the due time.")
    mine = filters.BooleanFilter(method="filter_mine", help_text="Assigned to the requesting user.")
    due_after = filters.IsoDateTimeFilter(field_name="due_at", lookup_expr="gte")
    due_before = filters.IsoDateTimeFilter(field_name="due_at", lookup_expr="lt")

    class Meta:
        model = Task
        fields: list[str] = []

    def filter_overdue(self, queryset: QuerySet[Task], name: str, value: bool) -> QuerySet[Task]:
        return queryset.filter(overdue_q()) if value else queryset.exclude(overdue_q())

    def filter_mine(self, queryset: QuerySet[Task], name: str, value: bool) -> QuerySet[Task]:
        mine = Q(assignee_id=self.request.user.pk)
        return queryset.filter(mine) if value else queryset.exclude(mine)
