"""List filters of the campaigns API (django-filter)."""

from __future__ import annotations

import django_filters as filters

from core.api.filtering import FilterSet

from .models import Campaign


class CampaignFilter(FilterSet):
    owner = filters.NumberFilter(field_name="owner_id")
    starts_after = filters.DateFilter(field_name="start_date", lookup_expr="gte")
    starts_before = filters.DateFilter(field_name="start_date", lookup_expr="lte")

    class Meta:
        model = Campaign
        fields = ["channel", "status", "currency"]
