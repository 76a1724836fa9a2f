"""django-filter for the API, paying only for the filters a request names.

A FilterSet deep-copies every declared filter and builds a form class with a field per filter on each
request: about a millisecond of CPU on a list page, more than the page's SQL. Most requests name no
filter at all and the rest one or two, so the backend builds a FilterSet reduced to the filters whose
parameters are present (nothing at all when none are). A filter that is absent from the query string
filters nothing, so the answer is the same; a bad value still gets the same field error.

Every FilterSet derives from `FilterSet` here, whose form also refuses times PostgreSQL cannot compare
with (core.api.inputs): the API answers 400 naming the filter, a list page ignores the filter.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import django_filters
from django import forms
from django_filters.rest_framework import DjangoFilterBackend

from .inputs import datetime_problem


class StorableValuesForm(forms.Form):
    """A filter form whose cleaned times PostgreSQL can take (a UTC offset of ±18:00 parses in Python)."""

    def clean(self) -> dict:
        cleaned = super().clean()
        for name, value in list(cleaned.items()):
            if isinstance(value, dt.datetime):
                problem = datetime_problem(value)
                if problem:
                    self.add_error(name, forms.ValidationError(problem, code="invalid"))
        return cleaned


class FilterSet(django_filters.FilterSet):
    """The base of the project's FilterSets (tests/api/test_filtering.py checks every API view's)."""

    def get_form_class(self) -> type[forms.Form]:
        form_class = super().get_form_class()
        return type(form_class.__name__, (StorableValuesForm, form_class), {})


def filter_named(filterset_class: type[django_filters.FilterSet], param: str) -> str | None:
    """The filter that reads query parameter `param`: `name` itself or `name_<suffix>` (range widgets)."""
    if param in filterset_class.base_filters:
        return param
    head, sep, _ = param.rpartition("_")
    while sep:  # created_after → created (a suffix widget), never more than a few steps
        if head in filterset_class.base_filters:
            return head
        head, sep, _ = head.rpartition("_")
    return None


def _names_for(filterset_class: type[django_filters.FilterSet], params) -> frozenset[str]:
    """The filters that read one of `params`."""
    return frozenset(name for name in (filter_named(filterset_class, key) for key in params) if name is not None)


@lru_cache(maxsize=512)
def reduced(filterset_class: type[django_filters.FilterSet], names: frozenset[str]) -> type[django_filters.FilterSet]:
    """`filterset_class` with only the filters `names` (cached: one class per combination)."""
    if names == frozenset(filterset_class.base_filters):
        return filterset_class
    subclass = type(filterset_class.__name__, (filterset_class,), {"__module__": filterset_class.__module__})
    subclass.base_filters = {name: f for name, f in filterset_class.base_filters.items() if name in names}
    return subclass


class RequestedFiltersBackend(DjangoFilterBackend):
    """DjangoFilterBackend that builds only the filters named by the query string."""

    def get_filterset(self, request, queryset, view):
        # get_filterset_class stays whole: the OpenAPI document lists every filter
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None:
            return None
        names = _names_for(filterset_class, request.query_params.keys())
        if not names:
            return None  # nothing to filter by: no FilterSet, no form
        return reduced(filterset_class, names)(**self.get_filterset_kwargs(request, queryset, view))
