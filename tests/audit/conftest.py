"""Helpers of the audit tests: entries written through the real service, API clients with tokens."""

from __future__ import annotations

from typing import Any

import pytest
from django_tenants.utils import schema_context
from rest_framework.test import APIClient

from core.audit.models import AuditEntry
from core.audit.services import audit_record
from tests.factories import PASSWORD, WORKSPACES


def record(tenant, **kwargs: Any) -> AuditEntry:
    """One audit entry in `tenant`'s schema, written by the real service."""
    kwargs.setdefault("actor", None)
    with schema_context(tenant.schema_name):
        return audit_record(**kwargs)


def entries(tenant, **filters: Any) -> list[AuditEntry]:
    with schema_context(tenant.schema_name):
        return list(AuditEntry.objects.filter(**filters).order_by("id"))


def token_for(tenant, email: str, password: str = PASSWORD) -> str:
    response = APIClient(HTTP_HOST=f"{tenant.slug}.localhost").post(
        "/api/v1/auth/token", {"email": email, "password": password}, format="json")
    assert response.status_code == 201, response.content
    return response.json()["token"]


def api_as(tenant, email: str) -> APIClient:
    api = APIClient(HTTP_HOST=f"{tenant.slug}.localhost")
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token_for(tenant, email)}")
    return api


@pytest.fixture
def owner_api_alpha(alpha) -> APIClient:
    return api_as(alpha, WORKSPACES["alpha"].owner_email)


@pytest.fixture
def owner_api_beta(beta) -> APIClient:
    return api_as(beta, WORKSPACES["beta"].owner_email)
