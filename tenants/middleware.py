"""Routing a request to its workspace, and keeping suspended workspaces read-only."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.middleware.main import TenantMainMiddleware
from django_tenants.utils import get_public_schema_name

from core.api.errors import error_body
from guanxi import rows

from .models import Domain, Tenant

ACTIVITY_RESOLUTION = timedelta(minutes=5)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# a read-only workspace still lets people log in and out
READ_ONLY_EXEMPT_PATHS = ("/login/", "/logout/", "/api/v1/auth/token", "/i18n/setlang/")


class WorkspaceMiddleware(TenantMainMiddleware):
    """django-tenants' host routing, with our own page for hosts that are no workspace."""

    _tenant_sql: str | None = None

    def get_tenant(self, domain_model, hostname: str) -> Tenant:
        """The workspace of a host: one indexed lookup, without the ORM's compiler (guanxi.rows)."""
        if self._tenant_sql is None:
            type(self)._tenant_sql = (
                f"SELECT {rows.columns(Tenant, 't')} FROM {Tenant._meta.db_table} t "  # noqa: S608 (model names)
                f"JOIN {Domain._meta.db_table} d ON d.tenant_id = t.id WHERE d.domain = %s")
        with connection.cursor() as cursor:
            cursor.execute(self._tenant_sql, [hostname])
            row = cursor.fetchone()
        if row is None:
            raise domain_model.DoesNotExist
        return rows.instance(Tenant, row)

    def no_tenant_found(self, request: HttpRequest, hostname: str) -> HttpResponse:
        request.is_public = True
        if request.path.startswith("/api/"):
            return JsonResponse(error_body(404, "not_found", _("Not found.")), status=404)
        return render(request, "tenants/no_workspace.html", {"hostname": hostname}, status=404)

    def process_request(self, request: HttpRequest):
        response = super().process_request(request)
        if response is not None:
            return response
        tenant = request.tenant
        request.is_public = tenant.schema_name == get_public_schema_name()
        if request.is_public:
            return None
        if tenant.is_template:  # never routable, even if someone adds a domain to it
            return render(request, "tenants/no_workspace.html", {"hostname": tenant.domain_url}, status=404)
        now = timezone.now()
        if tenant.last_activity_at is None or now - tenant.last_activity_at > ACTIVITY_RESOLUTION:
            Tenant.objects.filter(pk=tenant.pk).update(last_activity_at=now)
            tenant.last_activity_at = now
        return None


class ReadOnlyWorkspaceMiddleware:
    """A suspended or cancelled workspace can be read but not changed (423 on API writes)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        tenant = getattr(request, "tenant", None)
        if (
            tenant is not None
            and not getattr(request, "is_public", True)
            and tenant.is_read_only
            and request.method not in SAFE_METHODS
            and not request.path.startswith(READ_ONLY_EXEMPT_PATHS)
        ):
            message = _("This workspace is suspended and read-only. Contact your workspace owner or support.")
            if request.path.startswith("/api/"):
                return JsonResponse(error_body(423, "workspace_read_only", message), status=423)
            return render(request, "tenants/read_only.html", {"message": message}, status=423)
        return self.get_response(request)
