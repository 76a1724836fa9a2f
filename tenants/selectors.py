"""Reads of the public schema shared by the ops console and tasks."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Tenant


def workspace_list(*, query: str = "", status: str = "") -> QuerySet[Tenant]:
    """Every customer workspace, newest first; one query, counts come from the usage snapshot."""
    qs = (Tenant.objects.filter(is_template=False).exclude(schema_name="public")
          .prefetch_related("domains").order_by("-created_at"))
    if query:
        qs = qs.filter(name__icontains=query) | qs.filter(slug__icontains=query)
    if status:
        qs = qs.filter(status=status)
    return qs
