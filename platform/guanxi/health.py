"""Liveness and readiness, served on every host (public and workspaces)."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """The process answers. Nothing else is checked, so a slow database never restarts pods."""
    return JsonResponse({"status": "ok"})


@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    """Ready to serve: database reachable, migrations applied, workspace template current."""
    from tenants.template_schema import (
        pending_public_migrations,
        pending_template_migrations,
        public_is_current,
        template_is_current,
    )

    checks: dict[str, str] = {}
    ok = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as error:  # any failure means not ready
        return JsonResponse({"status": "unavailable", "checks": {"database": str(error)}}, status=503)
    pending = [] if public_is_current() else pending_public_migrations()
    checks["migrations"] = "ok" if not pending else "pending: " + ", ".join(pending)
    ok &= not pending
    pending_template = [] if template_is_current() else pending_template_migrations()
    checks["template"] = "ok" if not pending_template else "stale: " + ", ".join(pending_template)
    ok &= not pending_template
    return JsonResponse({"status": "ok" if ok else "unavailable", "checks": checks}, status=200 if ok else 503)
