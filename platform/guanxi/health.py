"""Liveness and readiness, served on every host (public and workspaces)."""

from __future__ import annotations

import logging

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache

logger = logging.getLogger("guanxi.health")


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """The process answers. Nothing else is checked, so a slow database never restarts pods."""
    return JsonResponse({"status": "ok"})


@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    """Ready to serve: database reachable, migrations applied, workspace template current.

    Anyone may ask (the orchestrator does, unauthenticated), so the answer says only which check
    failed: a database error's text can name hosts, users and SQL, and pending migrations name code.
    Provider staff logged in on the public site see the details; the log always has them.
    """
    from tenants.template_schema import (
        pending_public_migrations,
        pending_template_migrations,
        public_is_current,
        template_is_current,
    )

    detailed = _is_staff(request)
    checks: dict[str, str] = {}
    ok = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as error:  # any failure means not ready
        logger.warning("readiness: database unavailable", exc_info=error)
        detail = str(error) if detailed else "unavailable"
        return JsonResponse({"status": "unavailable", "checks": {"database": detail}}, status=503)
    pending = [] if public_is_current() else pending_public_migrations()
    checks["migrations"] = "ok" if not pending else _failed("pending", pending, detailed)
    ok &= not pending
    pending_template = [] if template_is_current() else pending_template_migrations()
    checks["template"] = "ok" if not pending_template else _failed("stale", pending_template, detailed)
    ok &= not pending_template
    return JsonResponse({"status": "ok" if ok else "unavailable", "checks": checks}, status=200 if ok else 503)


def _failed(word: str, names: list[str], detailed: bool) -> str:
    if not detailed:
        logger.warning("readiness: %s: %s", word, ", ".join(names))
        return word
    return f"{word}: " + ", ".join(names)


def _is_staff(request: HttpRequest) -> bool:
    """Provider staff logged in (users of the public schema; a workspace's logins are never staff)."""
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated and user.is_staff and user.is_active
                and getattr(connection, "schema_name", "public") == "public")
