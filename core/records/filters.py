"""List filters of the records API (django-filter), the same ones the list pages offer."""

from __future__ import annotations

import django_filters as filters

from core.api.filtering import FilterSet

from .models import Account, Contact, Deal, Product


class AccountFilter(FilterSet):
    owner = filters.NumberFilter(field_name="owner_id")
    in_pool = filters.BooleanFilter(field_name="owner", lookup_expr="isnull")
    tag = filters.CharFilter(field_name="tags", lookup_expr="contains", method="filter_tag")
    created_after = filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="lt")

    class Meta:
        model = Account
        fields = ["level", "status", "kind", "industry", "source", "province", "city", "district"]

    def filter_tag(self, queryset, name, value):
        return queryset.filter(tags__contains=[value])


class ContactFilter(FilterSet):
    owner = filters.NumberFilter(field_name="owner_id")
    account = filters.NumberFilter(field_name="account_id")

    class Meta:
        model = Contact
        fields = ["purchase_role"]


class DealFilter(FilterSet):
    owner = filters.NumberFilter(field_name="owner_id")
    account = filters.NumberFilter(field_name="account_id")
    amount_min = filters.NumberFilter(field_name="amount", lookup_expr="gte")
    amount_max = filters.NumberFilter(field_name="amount", lookup_expr="lte")
    close_after = filters.DateFilter(field_name="expected_close_date", lookup_expr="gte")
    close_before = filters.DateFilter(field_name="expected_close_date", lookup_expr="lte")

    class Meta:
        model = Deal
        fields = ["pipeline", "stage", "stage_kind", "currency"]


class ProductFilter(FilterSet):
    class Meta:
        model = Product
        fields = ["active", "currency"]
