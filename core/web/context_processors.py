"""What every template may use: the current workspace and whether it is read-only."""

from __future__ import annotations

from django.http import HttpRequest


def workspace(request: HttpRequest) -> dict:
    tenant = getattr(request, "tenant", None)
    is_public = getattr(request, "is_public", True)
    return {
        "workspace": None if is_public else tenant,
        "workspace_read_only": bool(tenant is not None and not is_public and tenant.is_read_only),
    }
