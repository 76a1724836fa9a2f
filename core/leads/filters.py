"""List filters of the leads API (django-filter)."""

from __future__ import annotations

import django_filters as filters

from core.api.filtering import FilterSet

from .models import Lead


class LeadFilter(FilterSet):
    owner = filters.NumberFilter(field_name="owner_id")
    in_pool = filters.BooleanFilter(field_name="owner", lookup_expr="isnull")
    converted = filters.BooleanFilter(method="filter_converted")
    score_min = filters.NumberFilter(field_name="score", lookup_expr="gte")
    score_max = filters.NumberFilter(field_name="score", lookup_expr="lte")
    created_after = filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="lt")

    class Meta:
        model = Lead
        fields = ["status", "grade", "source"]

    def filter_converted(self, queryset, name, value):
        return queryset.filter(converted_at__isnull=not value)
