"""Which schemas key rotation walks: the public schema (shared apps' tables), then every workspace.

The template schema is skipped: it is kept empty, since cloning copies its rows into new workspaces.
"""

from __future__ import annotations

from django_tenants.utils import get_public_schema_name, schema_context

from .models import Tenant


def rotation_schemas() -> list[tuple[str, str]]:
    """(workspace slug or "public", schema) pairs, public first, workspaces by schema name."""
    public = get_public_schema_name()
    with schema_context(public):
        workspaces = list(Tenant.objects.exclude(schema_name=public).exclude(is_template=True)
                          .order_by("schema_name").values_list("slug", "schema_name"))
    return [("public", public), *workspaces]
