"""Builders for test state. They go through the real services, never raw ORM writes of our models."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection
from django_tenants.utils import schema_context

from core.users.models import User
from core.users.roles import Role

PASSWORD = "Test-pass-2026!"


@dataclass(frozen=True)
class WorkspaceSpec:
    slug: str
    company: str
    owner_email: str
    owner_name: str
    language: str


WORKSPACES = {
    "alpha": WorkspaceSpec("alpha", "阿尔法科技有限公司", "owner@alpha.test", "Alpha Owner", "zh-hans"),
    "beta": WorkspaceSpec("beta", "Beta Trading Co., Ltd.", "owner@beta.test", "Beta Owner", "en"),
}


def ensure_workspace(spec: WorkspaceSpec):
    from tenants.models import Tenant
    from tenants.services import tenant_signup

    connection.set_schema_to_public()
    tenant = Tenant.objects.filter(slug=spec.slug).first()
    if tenant is None:
        tenant = tenant_signup(company_name=spec.company, workspace=spec.slug, name=spec.owner_name,
                               email=spec.owner_email, password=PASSWORD, language=spec.language).tenant
    return tenant


def drop_workspace(slug: str) -> None:
    """Remove a workspace made by a committed test: its schema, rows and domains."""
    from tenants.models import Tenant

    connection.set_schema_to_public()
    for tenant in Tenant.objects.filter(slug=slug):
        tenant.delete(force_drop=True)


def owner_of(tenant) -> User:
    with schema_context(tenant.schema_name):
        return User.objects.get(role=Role.OWNER, email=WORKSPACES[tenant.slug].owner_email)


def make_user(tenant, *, role: str = Role.MEMBER, email: str | None = None, name: str = "Test User",
              password: str = PASSWORD, language: str = "") -> User:
    """A colleague created by the workspace owner through the real service."""
    from core.users.services import user_create

    with schema_context(tenant.schema_name):
        owner = User.objects.get(email=WORKSPACES[tenant.slug].owner_email)
        email = email or f"{role}-{User.objects.count() + 1}@{tenant.slug}.test"
        return user_create(actor=owner, email=email, name=name, role=role, password=password, language=language)
