"""The template schema that new workspaces are cloned from, and the check that it is current.

A stale template is dangerous: cloning copies its tables and its migration records, so a new
workspace would silently miss the newest tables. `pending_template_migrations()` lists what the
template lacks; signup, the system check, `guanxi doctor` and /readyz all refuse when it is not empty.
"""

from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django_tenants.clone import CloneSchema
from django_tenants.utils import app_labels, schema_context, schema_exists

from .models import Tenant

_CURRENT_CACHE: dict[str, bool] = {}


def template_name() -> str:
    return settings.TENANT_BASE_SCHEMA


def ensure_template_tenant() -> Tenant:
    """The template is a hidden tenant row (no domain), so `migrate_schemas` migrates it too."""
    tenant = Tenant.objects.filter(schema_name=template_name()).first()
    if tenant is None:
        tenant = Tenant(schema_name=template_name(), slug="tenant-template", name="Workspace template",
                        is_template=True)
        tenant.save()
    if not schema_exists(template_name()):
        tenant.auto_create_schema = True
        tenant.create_schema(check_if_exists=True, verbosity=0)
    return tenant


def pending_template_migrations() -> list[str]:
    """Migrations of tenant apps that the template schema has not applied ("app.name")."""
    if not schema_exists(template_name()):
        return ["<the template schema does not exist: run `guanxi migrate`>"]
    with schema_context(template_name()):
        executor = MigrationExecutor(connection)
        targets = executor.loader.graph.leaf_nodes()
        plan = executor.migration_plan(targets)
    tenant_labels = set(app_labels(settings.TENANT_APPS))
    return sorted(f"{m.app_label}.{m.name}" for m, backwards in plan if not backwards
                  and m.app_label in tenant_labels)


def template_is_current(*, use_cache: bool = True) -> bool:
    """Cached per process once true: migrations only change with a new deployment (a new process)."""
    if use_cache and _CURRENT_CACHE.get(template_name()):
        return True
    current = not pending_template_migrations()
    _CURRENT_CACHE[template_name()] = current
    return current


def forget_template_state() -> None:
    _CURRENT_CACHE.clear()


class ReusingCloneSchema(CloneSchema):
    """django-tenants re-creates its 4,000-line clone function on every clone; create it once.

    Re-creating also drops and re-creates a type in `public`, which serializes concurrent signups.
    """

    def _create_clone_schema_function(self):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
                "WHERE n.nspname = 'public' AND p.proname = 'clone_schema'"
            )
            if cursor.fetchone():
                return
        super()._create_clone_schema_function()


def clone_template_into(schema_name: str) -> None:
    ReusingCloneSchema().clone_schema(template_name(), schema_name, "DATA")


def public_is_current() -> bool:
    """Cached per process once true, like `template_is_current`: /readyz is polled often."""
    if _CURRENT_CACHE.get("public"):
        return True
    _CURRENT_CACHE["public"] = not pending_public_migrations()
    return _CURRENT_CACHE["public"]


def pending_public_migrations() -> list[str]:
    """Migrations of shared apps not yet applied to the public schema."""
    with schema_context("public"):
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    shared_labels = set(app_labels(settings.SHARED_APPS))
    return sorted(f"{m.app_label}.{m.name}" for m, backwards in plan if not backwards
                  and m.app_label in shared_labels)


def ensure_clone_function() -> None:
    """Install django-tenants' clone function once, at migrate time rather than at signup."""
    ReusingCloneSchema()._create_clone_schema_function()
