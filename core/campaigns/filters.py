"""List filters of the campaigns API (django-filter)."""

from __future__ import annotations

import django_filters as filters

from .models import Campaign


class CampaignFilter(filters.FilterSet):
    owner = filters.NumberFilter(field_name="owner_id")
    starts_after = filters.DateFilter(field_name="start_date", lookup_expr="gte")
    starts_before = filters.DateFilter(field_name="start_date", lookup_expr="lte")

    class Meta:
        model = Campaign
        fields = ["channel", "status", "currency"]
